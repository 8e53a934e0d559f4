"""Interactive demo: an n-gram model of Shakespeare trained on its own writing.

Four measurements over generations, each divided by its value for the real text (generation 0):
distinct words, words seen once, distinct word pairs, and perplexity on held-out real text;
next to them, the first lines generation n wrote (a text panel). The chains are small (a few
thousand to 40,000 words, perplexity on the first 20,000 held-out words) so that the whole grid
of settings is computed in a few seconds; every setting is computed once and cached, and the
live panel computes them all when it is built, so moving a control only redraws.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..collapse.text import first_words, text_chain
from ..style import PALETTE
from ..text import shakespeare_split
from ._base import Choice, Demo, Lines, Series, Slider, Text

MAX_GENERATIONS = 10
TEST_WORDS = 20_000
CHAIN_SEED = 7
ORDER = 3
PASSAGE_LINES = 4
"""Lines of each generation's writing shown in the text panel."""
RATIO_FLOOR = 1e-3
"""Ratios are floored here so that a count that reaches 0 still shows on the log scale."""

_ALL = ("workflow", "temperature", "words")


@lru_cache(maxsize=1)
def _test_text() -> np.ndarray:
    return first_words(shakespeare_split().test, TEST_WORDS)


@lru_cache(maxsize=128)
def _ratios(workflow: str, temperature: float, words: int) -> dict[str, np.ndarray]:
    split = shakespeare_split()
    chain = text_chain(
        MAX_GENERATIONS,
        words,
        workflow=workflow,
        temperature=temperature,
        order=ORDER,
        rng=CHAIN_SEED,
        real=split.train,
        test=_test_text(),
        vocab_size=len(split.vocabulary),
        excerpt_lines=PASSAGE_LINES,
    )
    passages = {
        n: "\n".join(split.vocabulary.decode(tokens)) for n, tokens in enumerate(chain.excerpts)
    }
    values = {
        "vocabulary": chain.vocabulary[0],
        "hapax": chain.hapax[0],
        "distinct": chain.distinct[2][0],
        "perplexity": chain.perplexity[0],
    }
    ratios = {k: np.clip(v / v[0], RATIO_FLOOR, 1 / RATIO_FLOOR) for k, v in values.items()}
    return {**ratios, "passage": passages}


class TextCollapseDemo(Demo):
    """A trigram model of Shakespeare, fitted generation after generation to its own writing."""

    title = "A trigram model of Shakespeare eats its own words"
    precompute = True  # every setting once (a few seconds): live updates only redraw
    params = (
        Choice(
            "workflow",
            "each generation trains on",
            (("replace", "the last corpus (replace)"), ("accumulate", "all corpora (accumulate)")),
            "replace",
        ),
        Slider("temperature", "sampling temperature", 0.6, 1.4, 0.2, 1.0),
        Slider("words", "words per corpus", 10_000, 40_000, 10_000, 20_000),
    )
    x_param = Slider("generations", "generations shown", 2, MAX_GENERATIONS, 1, MAX_GENERATIONS)
    series = (
        Series("vocabulary", "distinct words", PALETTE["blue"], (), 2.2, _ALL),
        Series("hapax", "words seen once", PALETTE["sky"], (), 2.2, _ALL),
        Series("distinct", "distinct word pairs (distinct-2)", PALETTE["green"], (6, 3), 2.0, _ALL),
        Series(
            "perplexity", "perplexity on held-out real text", PALETTE["vermillion"], (), 2.2, _ALL
        ),
    )
    panels = (
        Lines(
            title="Measurements over generations",
            series=series,
            x_label="generation n",
            y_label="value ÷ value for the real text (log scale)",
            log_y=True,
            x_view="generations",
        ),
        Text(
            key="passage",
            title="The first lines generation n wrote",
            depends_on=_ALL,
            select="generations",
        ),
    )

    def compute(self, workflow: str, temperature: float, words: int) -> dict:
        return _ratios(workflow, round(float(temperature), 6), int(words))

    def describe(self, values: dict, curves: dict) -> str:
        n = int(values["generations"])
        c = {k: v[n] for k, v in curves.items() if k != "passage"}
        return (
            f"After {n} generations of {values['words']:,} words at temperature "
            f"{values['temperature']:.1f} ({values['workflow']}), the writing keeps "
            f"{c['vocabulary']:.0%} of the real text's distinct words, {c['hapax']:.0%} of its "
            f"words seen once and {c['distinct']:.0%} of its distinct-2 share; perplexity on "
            f"held-out Shakespeare is {c['perplexity']:.2f} times that of the first model."
        )
