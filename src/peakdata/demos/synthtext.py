"""Interactive demo: the knobs of synthetic text (n-gram order, temperature, nucleus top-p).

An n-gram model fitted to the whole training text of Shakespeare writes 20,000 words (seed 1) at
each setting. Three panels: the rank-frequency curve of its words next to that of 20,000 real
words (log-log), the first lines it wrote, and a readout of its diversity (distinct words, words
seen once, type-token ratio, distinct-2), of how typical it looks (the perplexity a trigram model
of the held-out plays gives it) and of what it is worth as training data (the perplexity on
held-out text of a trigram model trained on it), each next to the same number for real text.
Every setting takes about 0.1 s; the live panel computes them all when it is built, so moving a
control only redraws.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..collapse.text import first_words
from ..style import PALETTE
from ..text import (
    EOS,
    NGramModel,
    corpus_stats,
    rank_frequency,
    shakespeare_split,
)
from ._base import Demo, Lines, Readout, Series, Slider, Text

WORDS = 20_000
"""Words written at each setting (and real words they are compared with)."""
SAMPLE_SEED = 1
JUDGE_ORDER = 3
"""Order of the reader (fitted to the held-out plays) and of the student (fitted to the text)."""
TEST_WORDS = 20_000
"""Held-out words on which the student is scored."""
PASSAGE_LINES = 4
PASSAGE_CHARS = 56
"""A passage line longer than this is cut (with an ellipsis): the static page stays small."""
RANKS = tuple(int(r) for r in np.unique(np.round(np.geomspace(1, 5000, 36))))
"""Ranks at which the rank-frequency curves are drawn (log-spaced, 1 to 5,000)."""

ORDER = Slider("order", "n-gram order n", 2, 4, 1, 3)
TEMPERATURE = Slider("temperature", "temperature T", 0.6, 1.4, 0.2, 1.0)
TOP_P = Slider("top_p", "nucleus top-p", 0.3, 1.0, 0.1, 1.0)
_ALL = ("order", "temperature", "top_p")


@lru_cache(maxsize=1)
def _real() -> dict:
    """The fixed pieces: real text, the reader, the held-out words, the scored vocabulary."""
    split = shakespeare_split()
    v = len(split.vocabulary)
    return {
        "split": split,
        "vocab_size": v,
        "real": first_words(split.train, WORDS),
        "judge": NGramModel.fit(split.test, order=JUDGE_ORDER, vocab_size=v),
        "test": first_words(split.test, TEST_WORDS),
        "scored": np.flatnonzero(np.bincount(split.train, minlength=v)),
    }


@lru_cache(maxsize=4)
def generator(order: int) -> NGramModel:
    """The n-gram model of the whole training text that writes at every setting."""
    r = _real()
    return NGramModel.fit(r["split"].train, order=order, vocab_size=r["vocab_size"])


def written(order: int, temperature: float, top_p: float) -> np.ndarray:
    """The ``WORDS`` words the generator writes at a setting (seed :data:`SAMPLE_SEED`)."""
    tokens, _ = generator(order).sample(
        WORDS, temperature=temperature, top_p=top_p, rng=SAMPLE_SEED
    )
    return tokens


def measures(tokens: np.ndarray) -> dict[str, float]:
    """Diversity, typicality and value as training data of a text of ``WORDS`` words."""
    r = _real()
    v = r["vocab_size"]
    stats = corpus_stats(tokens, vocab_size=v)
    student = NGramModel.fit(tokens, order=JUDGE_ORDER, vocab_size=v)
    return {
        "vocabulary": int(stats.vocabulary[0]),
        "hapax": int(stats.hapax[0]),
        "ttr": float(stats.distinct[1][0]),
        "distinct_2": float(stats.distinct[2][0]),
        "typicality": float(r["judge"].perplexity(tokens)[0]),
        "student": float(student.perplexity(r["test"], vocabulary=r["scored"])[0]),
    }


def rank_curve(tokens: np.ndarray) -> np.ndarray:
    """Share of the words taken by the word of each rank in :data:`RANKS` (NaN past the last)."""
    ranks, share = rank_frequency(tokens)
    at = np.asarray(RANKS)
    return np.where(at <= ranks[-1], share[np.minimum(at, ranks[-1]) - 1], np.nan)


@lru_cache(maxsize=1)
def real_summary() -> tuple[dict[str, float], np.ndarray]:
    """The measures and rank-frequency curve of the first ``WORDS`` real training words."""
    real = _real()["real"]
    return measures(real), rank_curve(real)


def _passage(tokens: np.ndarray) -> str:
    end = np.flatnonzero(tokens == EOS)[:PASSAGE_LINES][-1]
    lines = _real()["split"].vocabulary.decode(tokens[: end + 1])
    cut = [t if len(t) <= PASSAGE_CHARS else t[: PASSAGE_CHARS - 1].rstrip() + "…" for t in lines]
    return "\n".join(cut[:PASSAGE_LINES])


@lru_cache(maxsize=256)
def summary(order: int, temperature: float, top_p: float) -> dict:
    """Measures, rank-frequency curve and first lines of the text written at a setting."""
    tokens = written(order, temperature, top_p)
    return {"measures": measures(tokens), "curve": rank_curve(tokens), "passage": _passage(tokens)}


def _key(order: float, temperature: float, top_p: float) -> tuple[int, float, float]:
    return int(order), round(float(temperature), 6), round(float(top_p), 6)


def _pair(value: float, real: float, fmt: str) -> str:
    return f"{value:{fmt}} (real {real:{fmt}})"


class SyntheticTextDemo(Demo):
    """An n-gram model of Shakespeare writes at a temperature and a nucleus top-p."""

    title = "Synthetic Shakespeare: the knobs that make text look better cut its tail"
    params = (ORDER, TEMPERATURE, TOP_P)
    precompute = True  # every setting once (about ten seconds): live updates only redraw
    panels = (
        Lines(
            title=f"Rank-frequency curve of {WORDS:,} words",
            series=(
                Series("real", "real text", PALETTE["grey"], (), 2.2, ()),
                Series("curve", "generated text", PALETTE["vermillion"], (), 2.2, _ALL),
            ),
            x=RANKS,
            x_label="rank of the word (log scale)",
            y_label="share of the words (log scale)",
            log_x=True,
            log_y=True,
        ),
        Text(key="passage", title="The first lines it wrote (seed 1)", depends_on=_ALL),
        Readout(key="numbers", title="Generated (real) text", depends_on=_ALL),
    )

    def compute(self, order: int, temperature: float, top_p: float) -> dict:
        s = summary(*_key(order, temperature, top_p))
        m, (r, real_curve) = s["measures"], real_summary()
        numbers = (
            ("distinct words", _pair(m["vocabulary"], r["vocabulary"], ",")),
            ("words seen once", _pair(m["hapax"], r["hapax"], ",")),
            ("type-token ratio", _pair(m["ttr"], r["ttr"], ".3f")),
            ("distinct-2", _pair(m["distinct_2"], r["distinct_2"], ".2f")),
            (
                "perplexity to a reader of other plays",
                _pair(m["typicality"], r["typicality"], ".0f"),
            ),
            ("perplexity of a student on real text", _pair(m["student"], r["student"], ".0f")),
        )
        return {
            "real": real_curve,
            "curve": s["curve"],
            "passage": s["passage"],
            "numbers": numbers,
        }

    def describe(self, values: dict, curves: dict) -> str:
        m = summary(*_key(values["order"], values["temperature"], values["top_p"]))["measures"]
        r = real_summary()[0]
        return (
            f"Writing {WORDS:,} words at temperature {values['temperature']:.1f} and top-p "
            f"{values['top_p']:.1f}, the {values['order']}-gram model of Shakespeare uses "
            f"{m['vocabulary'] / r['vocabulary']:.0%} as many distinct words as {WORDS:,} real "
            f"words and {m['hapax'] / r['hapax']:.0%} as many words seen once; a model of other "
            f"plays gives it a perplexity of {m['typicality']:.0f} (real text: "
            f"{r['typicality']:.0f}; lower is more typical)."
        )
