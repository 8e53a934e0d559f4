"""Telling n-gram text from real text by its statistics: a small detector.

A text is cut into windows of a fixed number of words (:func:`text_windows`), and each window is
described by four numbers (:data:`FEATURES`, :func:`window_features`):

* its **type-token ratio** (distinct words / words, distinct-1),
* the **share of its words seen once** in the window (hapax legomena / words),
* its **distinct-2** (distinct word pairs / word pairs, inside lines),
* the **mean log-probability** of its tokens under a *reference* model: an n-gram model fitted to
  other real text, which neither the generator nor the windows come from.

The detector (:func:`fit_detector`) is a logistic regression on these four numbers, standardised,
fitted by :func:`peakdata.distill.fit_logistic` with the two classes weighted equally (so that a
detector trained on more synthetic windows than real ones is not pushed to call everything
synthetic). Its :func:`balanced_accuracy` on held-out windows is the mean of the share of
synthetic windows it flags and the share of real windows it lets pass: 0.5 is chance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import check_array, check_budget, check_int, check_real
from ..distill import L2, fit_logistic, logistic_scores
from ..text import (
    EOS,
    NGramModel,
    _check_corpus,
    _check_weights,
    _vocabulary_mask,
    corpus_stats,
)

WINDOW_WORDS = 100
"""Default words per window."""

FEATURES = (
    "type-token ratio",
    "share of words seen once",
    "distinct-2",
    "mean log-probability",
)
"""The columns of :func:`window_features`, in order."""


def text_pieces(tokens: object, sizes) -> tuple[np.ndarray, ...]:
    """Consecutive pieces of a corpus with the given numbers of words each.

    Piece i starts at the first whole line after piece i - 1 and holds ``sizes[i]`` words, whole
    lines with its last line cut to fit (as :func:`peakdata.collapse.text.first_words`), so the
    pieces never share a line.
    """
    arr, _ = _check_corpus("tokens", tokens, np.iinfo(np.int32).max)
    if isinstance(sizes, str | bytes) or not hasattr(sizes, "__iter__"):
        raise TypeError(f"sizes must be a sequence of word counts, got {sizes!r:.80}")
    sizes = [check_int("sizes", s, minimum=1) for s in sizes]
    is_word = arr != EOS
    words_before = np.cumsum(is_word) - is_word  # words before each token
    line_start = np.flatnonzero(np.r_[True, arr[:-1] == EOS]) if arr.size else arr[:0]
    pieces, start = [], 0  # start: index of the first token of the next piece (a line start)
    for size in sizes:
        rest = arr[start:]
        available = int(np.sum(rest != EOS))
        if available < size:
            raise ValueError(
                f"sizes must fit in the text: {available} words left for a piece of {size}"
            )
        last = int(np.searchsorted(np.cumsum(rest != EOS), size))  # index of the size-th word
        pieces.append(np.r_[rest[: last + 1], EOS].astype(np.int64))
        end_word = words_before[start] + size  # words before the next piece
        nxt = np.searchsorted(words_before[line_start], end_word)
        start = int(line_start[nxt]) if nxt < line_start.size else arr.size
    return tuple(pieces)


def text_windows(tokens: object, words: int = WINDOW_WORDS) -> tuple[np.ndarray, np.ndarray]:
    """Cut a corpus into consecutive windows of exactly ``words`` words.

    A window ending inside a line gets an ``EOS`` of its own (the rest of the line starts the next
    window); the words after the last full window are dropped.

    Returns
    -------
    (tokens, offsets)
        Window g is ``tokens[offsets[g]:offsets[g + 1]]``, each ended by ``EOS``.
    """
    arr, _ = _check_corpus("tokens", tokens, np.iinfo(np.int32).max)
    words = check_int("words", words, minimum=1)
    is_word = arr != EOS
    count = np.cumsum(is_word)
    n = int(count[-1]) // words if arr.size else 0
    window = (count - 1) // words  # an EOS belongs to the window of the word before it
    keep = (count > 0) & (window < n)
    tok, win = arr[keep], window[keep]
    if tok.size == 0:
        return np.array([], dtype=np.int64), np.zeros(1, dtype=np.int64)
    ends = np.r_[np.flatnonzero(win[1:] != win[:-1]), tok.size - 1]
    cut = ends[tok[ends] != EOS]
    tok = np.insert(tok, cut + 1, EOS)
    win = np.insert(win, cut + 1, win[cut])
    offsets = np.r_[0, np.cumsum(np.bincount(win, minlength=n))].astype(np.int64)
    return tok.astype(np.int64), offsets


def window_features(
    tokens: object,
    reference: NGramModel,
    *,
    words: int = WINDOW_WORDS,
    add_k: float = 0.5,
) -> np.ndarray:
    """The four :data:`FEATURES` of every window of ``words`` words of a corpus.

    Parameters
    ----------
    tokens : array of int
        A corpus, lines ended by ``EOS``; ids below ``reference.vocab_size``.
    reference : NGramModel
        A single model fitted to other real text; the mean log-probability is its smoothed
        (interpolated, add-k) log-probability of each token, as in
        :meth:`NGramModel.perplexity` with the default weights and vocabulary.
    words : int
        Words per window (>= 2, so that a window has word pairs).
    add_k : float
        Pseudo-count of the reference's unigram (>= 0).

    Returns
    -------
    numpy.ndarray
        Shape ``(windows, 4)``.
    """
    if not isinstance(reference, NGramModel):
        raise TypeError(f"reference must be an NGramModel, got {type(reference).__name__}")
    if reference.models != 1:
        raise ValueError(f"reference must be a single model, got {reference.models}")
    words = check_int("words", words, minimum=2)
    add_k = check_real("add_k", add_k, minimum=0.0)
    v = reference.vocab_size
    arr, _ = _check_corpus("tokens", tokens, v)
    per = reference.order + 4
    check_budget(
        lambda tokens: (48 * per * tokens + 400 * tokens, 500 * per * tokens), tokens=arr.size
    )
    win, offsets = text_windows(arr, words)
    n = offsets.size - 1
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    stats = corpus_stats(win, offsets=offsets, vocab_size=v, ns=(1, 2))
    mask = _vocabulary_mask(None, v)
    log_p = reference._log_probabilities(win, mask, _check_weights(None, reference.order), add_k)[0]
    group = np.repeat(np.arange(n), np.diff(offsets))[mask[win]]
    mean_log_p = np.bincount(group, weights=log_p, minlength=n) / np.bincount(group, minlength=n)
    return np.stack(
        [stats.distinct[1], stats.hapax / stats.words, stats.distinct[2], mean_log_p], axis=1
    )


@dataclass(frozen=True)
class Detector:
    """A linear rule on standardised features: synthetic where ``coef . (x - mean) / scale > 0``."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # intercept first

    def scores(self, features: object) -> np.ndarray:
        """The rule's score of each window (> 0: synthetic), shape ``(windows,)``."""
        x = _check_features("features", features, self.mean.size)
        return logistic_scores(self.coef, (x - self.mean) / self.scale)

    def flags(self, features: object) -> np.ndarray:
        """Which windows the detector calls synthetic (bool, shape ``(windows,)``)."""
        return self.scores(features) > 0


def _check_features(name: str, x: object, d: int | None = None) -> np.ndarray:
    arr = check_array(name, x, ndim=2)
    if (d is not None and arr.shape[1] != d) or not 1 <= arr.shape[1] <= 8:
        wanted = d if d is not None else "1 to 8"
        raise ValueError(f"{name} must have {wanted} columns (features), got shape {arr.shape}")
    return arr


def fit_detector(real: object, synthetic: object, *, l2: float = L2) -> Detector:
    """Fit the detector to the features of real windows (class 0) and synthetic ones (class 1).

    Features are standardised by the mean and standard deviation of the pooled windows, and the
    two classes get the same total weight.

    Parameters
    ----------
    real, synthetic : array_like
        Features, shapes ``(n_real, d)`` and ``(n_synthetic, d)``, each with at least 2 rows.
    l2 : float
        Ridge penalty of :func:`peakdata.distill.fit_logistic` (>= 0).
    """
    r = _check_features("real", real)
    s = _check_features("synthetic", synthetic, r.shape[1])
    for name, arr in (("real", r), ("synthetic", s)):
        if arr.shape[0] < 2:
            raise ValueError(f"{name} must have at least 2 windows (rows), got {arr.shape[0]}")
    l2 = check_real("l2", l2, minimum=0.0, maximum=1e6)
    x = np.concatenate([r, s])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 1e-12 * np.maximum(np.abs(mean), 1.0), scale, 1.0)
    y = np.r_[np.zeros(len(r)), np.ones(len(s))]
    w = np.r_[np.full(len(r), 0.5 / len(r)), np.full(len(s), 0.5 / len(s))]
    coef = fit_logistic((x - mean) / scale, y, weights=w, l2=l2)
    return Detector(mean, scale, coef)


def balanced_accuracy(detector: Detector, real: object, synthetic: object) -> float:
    """Mean of the share of ``synthetic`` windows flagged and of ``real`` windows passed."""
    if not isinstance(detector, Detector):
        raise TypeError(f"detector must be a Detector, got {type(detector).__name__}")
    r = _check_features("real", real, detector.mean.size)
    s = _check_features("synthetic", synthetic, detector.mean.size)
    if r.shape[0] == 0 or s.shape[0] == 0:
        raise ValueError("real and synthetic must each have at least one window")
    return 0.5 * (float(np.mean(detector.flags(s))) + float(np.mean(~detector.flags(r))))
