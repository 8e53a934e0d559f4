"""Interactive demo: a green-list watermark on the n-gram writer, and its z-test.

The trigram model of the 22 training plays writes ``TEXTS`` texts with the watermark of one key
at a strength delta (seed :data:`SAMPLE_SEED`), and the same number of texts without it (the same
seed: delta = 0). A share of the words of the watermarked texts may then be re-written without
the watermark (:func:`peakdata.living.watermark.paraphrase`). Each text's first ``length`` words
are scored with the key. Four panels: the histogram of the z-scores of the plain texts, that of
the watermarked ones, their first lines with the green tokens in capitals, and a readout of the
detection rate and the false-positive rate at a threshold z*, next to the closed form 1 - Phi(z*).
Every setting is computed once and cached; the live panel computes them all when it is built.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..living.watermark import (
    GAMMA,
    false_positive_rate,
    green_mask,
    paraphrase,
    watermark_sample,
    watermark_score,
)
from ..style import PALETTE
from ..text import EOS, NGramModel, shakespeare_split
from ._base import Demo, Histogram, Readout, Slider, Text

KEY = 2024
"""The watermark's key."""
SAMPLE_SEED = 5
PARAPHRASE_SEED = 6
TEXTS = 300
"""Texts of each kind at every setting."""
PASSAGE_LINES = 3

DELTA = Slider("delta", "watermark strength δ", 0.0, 4.0, 1.0, 2.0)
LENGTH = Slider("length", "words per text T", 25, 200, 25, 50)
PARAPHRASE = Slider("paraphrase", "share of words re-written", 0.0, 0.6, 0.2, 0.0)
THRESHOLD = Slider("threshold", "threshold z*", 2.0, 5.0, 1.0, 4.0)
BINS = tuple(float(b) for b in range(-4, 17))
"""Histogram bins of the z-scores, -4 to 16 (values beyond are counted in the end bins)."""

_TEXT = ("delta", "length", "paraphrase")


@lru_cache(maxsize=1)
def writer() -> NGramModel:
    """The trigram model of the 22 training plays."""
    split = shakespeare_split()
    return NGramModel.fit(split.train, order=3, vocab_size=len(split.vocabulary))


def first_texts(tokens: np.ndarray, words: int, texts: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``texts`` texts of ``words`` words of a corpus, back to back: ``(tokens,
    offsets)``. A text may start or end inside a line."""
    count = np.cumsum(tokens != EOS)
    ends = np.searchsorted(count, np.arange(1, texts + 1) * words) + 1  # after the last word
    offsets = np.r_[0, ends].astype(np.int64)
    return tokens[: offsets[-1]], offsets


@lru_cache(maxsize=8)
def corpus(delta: float) -> np.ndarray:
    """``TEXTS`` texts' worth of words written with the watermark at strength ``delta``."""
    tokens, _ = watermark_sample(
        writer(), TEXTS * int(LENGTH.max), key=KEY, delta=delta, rng=SAMPLE_SEED
    )
    return tokens


@lru_cache(maxsize=64)
def rewritten(delta: float, share: float) -> np.ndarray:
    """The watermarked corpus with a share of its words re-written without the watermark."""
    return paraphrase(corpus(delta), writer(), share, rng=PARAPHRASE_SEED)


@lru_cache(maxsize=512)
def scores(delta: float, length: int, share: float) -> np.ndarray:
    """The z-scores of the ``TEXTS`` texts of ``length`` words (key :data:`KEY`)."""
    tokens, offsets = first_texts(rewritten(delta, share), length, TEXTS)
    return watermark_score(tokens, KEY, offsets=offsets).z


def plain_scores(length: int) -> np.ndarray:
    """The z-scores of texts written without the watermark."""
    return scores(0.0, length, 0.0)


@lru_cache(maxsize=64)
def passage(delta: float, share: float) -> str:
    """The first lines of the (re-written) watermarked corpus, green tokens in capitals."""
    tokens = rewritten(delta, share)
    end = np.flatnonzero(tokens == EOS)[PASSAGE_LINES - 1]
    head = tokens[: end + 1]
    green = green_mask(head, KEY)
    words = shakespeare_split().vocabulary.words
    lines, current = [], []
    for t, g in zip(head.tolist(), green.tolist(), strict=True):
        if t == EOS:
            lines.append(" ".join(current) + (" /" if g else ""))
            current = []
        else:
            current.append(words[t].upper() if g else words[t])
    return "\n".join(lines)


def _key(delta: float, length: float, share: float) -> tuple[float, int, float]:
    return round(float(delta), 6), int(length), round(float(share), 6)


class WatermarkDemo(Demo):
    """Watermark strength, text length and paraphrase against the z-test."""

    title = "A green-list watermark: when can the key holder tell?"
    params = (DELTA, LENGTH, PARAPHRASE, THRESHOLD)
    precompute = True
    panels = (
        Histogram(
            key="plain",
            title=f"z-scores of {TEXTS} texts without the watermark",
            depends_on=("length",),
            bins=BINS,
            x_label="z-score",
            y_label="share of texts",
            color=PALETTE["grey"],
        ),
        Histogram(
            key="marked",
            title=f"z-scores of {TEXTS} watermarked texts",
            depends_on=_TEXT,
            bins=BINS,
            x_label="z-score",
            y_label="share of texts",
            color=PALETTE["vermillion"],
        ),
        Text(
            key="passage",
            title="Its first lines (green tokens in capitals; '/': a green end of line)",
            depends_on=("delta", "paraphrase"),
        ),
        Readout(
            key="numbers", title="The z-test at threshold z*", depends_on=(*_TEXT, "threshold")
        ),
    )

    def compute(self, delta: float, length: int, paraphrase: float, threshold: float) -> dict:
        d, n, s = _key(delta, length, paraphrase)
        marked, plain = scores(d, n, s), plain_scores(n)
        numbers = (
            ("watermarked texts detected (z > z*)", f"{np.mean(marked > threshold):.0%}"),
            ("plain texts flagged (false positives)", f"{np.mean(plain > threshold):.1%}"),
            ("false-positive rate 1 − Φ(z*)", f"{false_positive_rate(threshold):.2%}"),
            ("mean z, watermarked", f"{np.mean(marked):.1f}"),
            ("mean z, plain", f"{np.mean(plain):.2f}"),
        )
        return {
            "plain": plain,
            "marked": marked,
            "passage": passage(d, s),
            "numbers": numbers,
        }

    def describe(self, values: dict, curves: dict) -> str:
        t = values["threshold"]
        return (
            f"With a watermark of strength δ = {values['delta']:.0f} (green share γ = {GAMMA}) "
            f"and {values['paraphrase']:.0%} of the words re-written, {TEXTS} texts of "
            f"{values['length']} words have a mean z-score of {np.mean(curves['marked']):.1f}; "
            f"{np.mean(curves['marked'] > t):.0%} of them exceed z* = {t:.0f}, and "
            f"{np.mean(curves['plain'] > t):.1%} of {TEXTS} texts without the watermark do "
            f"(closed form {false_positive_rate(t):.2%})."
        )
