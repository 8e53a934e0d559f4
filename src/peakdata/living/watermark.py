"""A keyed green-list watermark on the book's n-gram sampler, and its detection by a z-test.

The scheme is the "soft" watermark of Kirchenbauer et al. (2023). At every step of writing, a key
and the previous token pick a pseudo-random **green list**, a share ``gamma`` of the vocabulary;
the logits of the green tokens get ``delta`` added (their probabilities are multiplied by
``e**delta`` and the distribution is renormalised). A detector who knows the key, and nothing
else, recomputes the green list at every position and counts the green tokens: among ``T``
scored tokens of text written without the watermark about ``gamma * T`` are green, so

    z = (G - gamma T) / sqrt(T gamma (1 - gamma))

is close to standard normal, while watermarked text has too many green tokens and a z-score that
grows like the square root of its length.

Two choices of this module, not of the paper:

* the green list is a hash: the pair (previous token, token) is green when a 64-bit mix of the
  key and the two ids, read as a number in [0, 1), is below ``gamma``. Each word is then green
  with probability ``gamma`` independently of the others (the list holds a share ``gamma`` of the
  vocabulary on average, not exactly), and the membership of any pair costs a few integer
  operations, the same on every machine, with no list ever stored;
* :func:`watermark_score` scores each distinct (previous token, token) pair of a text once by
  default (``unique=True``), as Fernandez et al. (2023) propose. n-gram text repeats pairs
  (*i am*, *of the*) many times, and the green status of a repeated pair is the same every
  time: counted repeatedly, they make ``G`` vary more than the binomial ``T gamma (1 - gamma)``
  and the z-score is no longer standard normal.

The line structure of the book's corpora is kept: the first token of a line follows ``BOS``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_budget, check_int, check_real, check_temperature, make_rng
from .._portable import exp
from ..text import BOS, EOS, NGramModel, _check_tokens, _codes, _Sampler

GAMMA = 0.25
"""Default share of the vocabulary in each green list (a value Kirchenbauer et al. use)."""

DELTA = 2.0
"""Default watermark strength: the bias added to the logits of green tokens."""

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)
_SALT = np.uint64(0xD6E8FEB86659FD93)


def _mix(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: a bijection of 64-bit integers that scrambles every bit."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M2
    x = x ^ (x >> np.uint64(27))
    x = x * _M3
    return x ^ (x >> np.uint64(31))


def _green(previous: np.ndarray, token: np.ndarray, key: np.ndarray, gamma: float) -> np.ndarray:
    """Whether each (previous, token) pair is green under its key (arrays of the same shape)."""
    with np.errstate(over="ignore"):
        h = _mix(key.astype(np.uint64) * _M1 + _SALT)
        h = _mix(h ^ (previous.astype(np.uint64) * _M1))
        h = _mix(h ^ (token.astype(np.uint64) * _M2))
    return (h >> np.uint64(11)).astype(np.float64) * 2.0**-53 < gamma


def _check_gamma(gamma: object) -> float:
    return check_real("gamma", gamma, minimum=0.0, strict_minimum=True, maximum=0.99)


def _check_key(key: object, texts: int) -> np.ndarray:
    """One key per text: an integer >= 0 (the same for all), or an array with one per text."""
    if isinstance(key, int | np.integer) and not isinstance(key, bool):
        return np.full(texts, check_int("key", key, minimum=0))
    arr = _check_tokens("key", key)  # a 1-D array of integers >= 0
    if arr.size != texts:
        raise ValueError(f"key must be one integer, or one per text ({texts}), got {arr.size}")
    return arr


def _offsets(offsets: object, size: int) -> np.ndarray:
    if offsets is None:
        return np.array([0, size], dtype=np.int64)
    what = "a 1-D integer array of length >= 2"
    cuts = _check_tokens("offsets", offsets) if not isinstance(offsets, str) else None
    if cuts is None or cuts.size < 2:
        raise TypeError(f"offsets must be {what}, got {offsets!r:.80}")
    if cuts[0] != 0 or cuts[-1] != size or np.any(np.diff(cuts) < 0):
        raise ValueError(
            f"offsets must rise from 0 to len(tokens) = {size}, got {cuts.tolist()!r:.80}"
        )
    return cuts


def _previous(tokens: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """The token before each token in its line: ``BOS`` at the start of a text or of a line."""
    previous = np.empty_like(tokens)
    if tokens.size:
        previous[0] = BOS
        previous[1:] = tokens[:-1]
        previous[previous == EOS] = BOS
        previous[cuts[:-1][cuts[:-1] < tokens.size]] = BOS
    return previous


def green_mask(
    tokens: object, key: int | object, *, gamma: float = GAMMA, offsets: object = None
) -> np.ndarray:
    """Which tokens of a text are green, given the token before them (``BOS`` at a line start).

    Parameters
    ----------
    tokens : array of int
        Token ids (>= 0); ``EOS`` ends a line. Several texts may be cut by ``offsets``.
    key : int or array of int
        The watermark's secret key (>= 0), or one key per text.
    gamma : float
        Share of the vocabulary in each green list, 0 < gamma <= 0.99.
    offsets : array of int, optional
        Text g is ``tokens[offsets[g]:offsets[g + 1]]``; each text starts a line.

    Returns
    -------
    numpy.ndarray
        One bool per token.
    """
    arr = _check_tokens("tokens", tokens)
    gamma = _check_gamma(gamma)
    cuts = _offsets(offsets, arr.size)
    keys = _check_key(key, cuts.size - 1)
    check_budget(lambda tokens: (8 * 8 * tokens, 60 * tokens), tokens=arr.size)
    group = np.repeat(np.arange(cuts.size - 1), np.diff(cuts))
    return _green(_previous(arr, cuts), arr, keys[group], gamma)


@dataclass(frozen=True)
class WatermarkScore:
    """The detector's count for each text: ``z``, green tokens ``green`` among ``scored``."""

    z: np.ndarray
    green: np.ndarray
    scored: np.ndarray
    gamma: float

    @property
    def p_value(self) -> np.ndarray:
        """One-sided p-value 1 - Phi(z) of each text (NaN where nothing was scored)."""
        return np.array([false_positive_rate(z) if np.isfinite(z) else np.nan for z in self.z])


def watermark_score(
    tokens: object,
    key: int | object,
    *,
    gamma: float = GAMMA,
    offsets: object = None,
    unique: bool = True,
) -> WatermarkScore:
    """The z-score of each text's green-token count, ``(G - gamma T) / sqrt(T gamma (1 - gamma))``.

    Every token is scored (words and ``EOS``: the sampler draws both), with the token before it
    in its line, or ``BOS``, as the previous token. With ``unique`` (the default) a pair
    (previous token, token) that occurs again in the same text is scored only at its first
    occurrence, so that for text written without the key the scored pairs are independent and z
    is standard normal; ``unique=False`` scores every token, as the paper's test does.

    Parameters
    ----------
    tokens : array of int
        Token ids (>= 0), one text or several cut by ``offsets``.
    key : int or array of int
        The key (>= 0) the text is tested against, or one key per text.
    gamma : float
        Share of the vocabulary in each green list (the writer's), 0 < gamma <= 0.99.
    offsets : array of int, optional
        Text g is ``tokens[offsets[g]:offsets[g + 1]]``.
    unique : bool
        Score each distinct pair once per text.

    Returns
    -------
    WatermarkScore
        Arrays with one entry per text: ``z`` (NaN for a text with nothing scored), ``green``
        (G) and ``scored`` (T).
    """
    if not isinstance(unique, bool | np.bool_):
        raise TypeError(f"unique must be True or False, got {unique!r:.80}")
    arr = _check_tokens("tokens", tokens)
    cuts = _offsets(offsets, arr.size)
    green = green_mask(arr, key, gamma=gamma, offsets=cuts)
    gamma = float(gamma)
    texts = cuts.size - 1
    group = np.repeat(np.arange(texts), np.diff(cuts))
    keep = np.ones(arr.size, dtype=bool)
    if unique and arr.size:
        previous = _previous(arr, cuts)
        order = np.lexsort((np.arange(arr.size), arr, previous, group))  # first occurrence first
        g, p, t = group[order], previous[order], arr[order]
        first = np.r_[True, (g[1:] != g[:-1]) | (p[1:] != p[:-1]) | (t[1:] != t[:-1])]
        keep[order] = first
    scored = np.bincount(group[keep], minlength=texts)
    count = np.bincount(group[keep & green], minlength=texts)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (count - gamma * scored) / np.sqrt(scored * gamma * (1.0 - gamma))
    z = np.where(scored > 0, z, np.nan)
    return WatermarkScore(z, count, scored, gamma)


def false_positive_rate(threshold: float) -> float:
    """1 - Phi(threshold): the share of unwatermarked texts whose z-score exceeds ``threshold``
    when z is standard normal (the one-sided test's false-positive rate)."""
    threshold = check_real("threshold", threshold, minimum=-40.0, maximum=40.0)
    return 0.5 * math.erfc(threshold / math.sqrt(2.0))


def _check_model(model: object) -> NGramModel:
    if not isinstance(model, NGramModel):
        raise TypeError(f"model must be an NGramModel, got {type(model).__name__}")
    if model.order < 2:
        raise ValueError(
            f"model must have order >= 2 (its context holds the previous token), got {model.order}"
        )
    return model


def watermark_sample(
    model: NGramModel,
    words: int,
    *,
    key: int,
    delta: float = DELTA,
    gamma: float = GAMMA,
    temperature: float = 1.0,
    rng: int | np.random.Generator = 0,
    max_line_words: int = 200,
) -> tuple[np.ndarray, np.ndarray]:
    """Each model writes ``words`` words with the green-list watermark of ``key``.

    The next-token distribution after a context is the model's at ``temperature``, with the
    probability of every green token (given the context's last token and the key) multiplied by
    ``e**delta`` and the distribution renormalised. ``delta = 0`` is plain sampling: the same
    text, draw for draw, as :meth:`NGramModel.sample`. Only the n-grams the model has seen can be
    drawn: where a context has a single continuation, the watermark cannot change it.

    Parameters
    ----------
    model : NGramModel
        The writer, of order >= 2 (one model, or several writing at once).
    words : int
        Words per corpus (>= 1), as in :meth:`NGramModel.sample`.
    key : int
        The secret key (>= 0).
    delta : float
        Bias added to the green logits, 0 <= delta <= 20.
    gamma : float
        Share of the vocabulary in each green list, 0 < gamma <= 0.99.
    temperature : float
        Sampling temperature (> 0), applied before the bias.
    rng : int or numpy.random.Generator
        Seed or generator.
    max_line_words : int
        A line still going after this many words is ended (>= 1).

    Returns
    -------
    (tokens, offsets)
        Corpus g is ``tokens[offsets[g]:offsets[g + 1]]``.
    """
    model = _check_model(model)
    words = check_int("words", words, minimum=1)
    key = check_int("key", key, minimum=0)
    delta = check_real("delta", delta, minimum=0.0, maximum=20.0)
    gamma = _check_gamma(gamma)
    temperature = check_temperature(temperature, minimum=0.0)
    max_line_words = check_int("max_line_words", max_line_words, minimum=1)
    models = model.models

    def cost(words: int) -> tuple[int, int]:
        return 8 * 16 * models * (words + max_line_words), 600 * models * words

    check_budget(cost, words=words)
    gen = make_rng(rng)
    if np.any(model.tokens_seen == 0):
        raise ValueError("model must have seen some text before it can write")
    v = model.vocab_size
    keys = model.keys[-1]
    green = _green((keys // v) % v, keys % v, np.full(keys.size, key), gamma)
    weight = np.where(green, float(exp(delta)), 1.0) if delta > 0 else None
    sampler = _Sampler(model, temperature, entry_weight=weight)
    return model._write(sampler, words, gen, max_line_words)


def paraphrase(
    tokens: object, model: NGramModel, share: float, *, rng: int | np.random.Generator = 0
) -> np.ndarray:
    """Re-write a share of the words of a text without the watermark.

    Each word (not ``EOS``) is picked with probability ``share`` and replaced by a draw from
    ``model``'s next-token distribution (temperature 1, no watermark) after the ``order - 1``
    tokens before it in the original text (``BOS`` at a line start); a word whose context the
    model never saw is kept, and so is a word for which the draw is ``EOS`` (the text keeps its
    lines and its number of words). The draw may be the same word. A replaced word changes two
    scored pairs: its own and the next token's.

    Parameters
    ----------
    tokens : array of int
        The text, lines ended by ``EOS``, ids below ``model.vocab_size``.
    model : NGramModel
        A single model (``models == 1``) that re-writes the picked words.
    share : float
        Probability that a word is re-sampled, 0 <= share <= 1.
    rng : int or numpy.random.Generator
        Seed or generator.

    Returns
    -------
    numpy.ndarray
        A text of the same length.
    """
    if not isinstance(model, NGramModel):
        raise TypeError(f"model must be an NGramModel, got {type(model).__name__}")
    if model.models != 1:
        raise ValueError(f"model must be a single model, got {model.models}")
    v, n = model.vocab_size, model.order
    arr = _check_tokens("tokens", tokens, v)
    share = check_real("share", share, minimum=0.0, maximum=1.0)
    check_budget(lambda tokens: (8 * (n + 8) * tokens, 100 * n * tokens), tokens=arr.size)
    gen = make_rng(rng)
    out = arr.copy()
    picked = np.flatnonzero((gen.random(arr.size) < share) & (arr != EOS))
    if picked.size == 0:
        return out
    u = gen.random(picked.size)
    code = _codes(arr, n, v)[n - 1][picked]  # (context, token), the context BOS-padded
    context = code // v
    keys, counts = model.keys[-1], model.counts[-1]
    lo = np.searchsorted(keys, context * v)
    hi = np.searchsorted(keys, (context + 1) * v)
    seen = hi > lo
    cum = np.cumsum(counts)
    before = np.where(seen, cum[np.maximum(lo, 1) - 1] * (lo > 0), 0)
    total = np.where(seen, cum[np.maximum(hi - 1, 0)] - before, 1)
    target = before + np.floor(u * total).astype(np.int64)
    j = np.minimum(np.searchsorted(cum, target, side="right"), keys.size - 1)
    drawn = keys[j] % v
    replace = seen & (drawn != EOS)
    out[picked[replace]] = drawn[replace]
    return out
