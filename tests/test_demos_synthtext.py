"""The demo of Part II's text chapter: parameters, compute against the library, the lessons the
chapter draws from it, and the two renderings (live update, explorable size)."""

import numpy as np
import pytest

from peakdata.collapse.text import first_words
from peakdata.demos._base import MAX_PAGE_DATA_GZIP, Lines, Readout, Text
from peakdata.demos.synthtext import (
    RANKS,
    SAMPLE_SEED,
    WORDS,
    SyntheticTextDemo,
    generator,
    rank_curve,
    real_summary,
    summary,
    written,
)
from peakdata.text import (
    EOS,
    NGramModel,
    corpus_stats,
    rank_frequency,
    shakespeare_split,
    type_token_ratio,
)

TOP_PS = [round(0.3 + 0.1 * i, 1) for i in range(8)]


@pytest.fixture(scope="module")
def demo():
    return SyntheticTextDemo()


def test_params_and_marks(demo):
    demo.validate()
    order, temperature, top_p = demo.params
    assert order.values() == [2, 3, 4]
    assert temperature.values() == [0.6, 0.8, 1.0, 1.2, 1.4]
    assert top_p.values() == TOP_PS
    assert [type(m) for m in demo.marks()] == [Lines, Text, Readout]
    assert demo.marks()[0].log_x and demo.marks()[0].x == RANKS
    with pytest.raises(ValueError, match="top_p must be between 0.3 and 1.0"):
        demo.curves(top_p=0.25)
    with pytest.raises(ValueError, match="order must be between 2 and 4"):
        demo.curves(order=1)


def test_text_and_measures_come_from_the_library():
    split = shakespeare_split()
    v = len(split.vocabulary)
    model = NGramModel.fit(split.train, order=3, vocab_size=v)
    tokens, _ = model.sample(WORDS, temperature=0.8, top_p=0.7, rng=SAMPLE_SEED)
    np.testing.assert_array_equal(written(3, 0.8, 0.7), tokens)
    assert generator(3).order == 3
    m = summary(3, 0.8, 0.7)["measures"]
    stats = corpus_stats(tokens, vocab_size=v)
    assert m["vocabulary"] == stats.vocabulary[0] and m["hapax"] == stats.hapax[0]
    assert m["ttr"] == pytest.approx(type_token_ratio(tokens))
    reader = NGramModel.fit(split.test, order=3, vocab_size=v)
    assert m["typicality"] == pytest.approx(reader.perplexity(tokens)[0])
    scored = np.flatnonzero(np.bincount(split.train, minlength=v))
    student = NGramModel.fit(tokens, order=3, vocab_size=v)
    test = first_words(split.test, 20_000)
    assert m["student"] == pytest.approx(student.perplexity(test, vocabulary=scored)[0])
    ranks, share = rank_frequency(tokens)
    curve = rank_curve(tokens)
    at = np.asarray(RANKS)
    np.testing.assert_allclose(curve[at <= ranks[-1]], share[at[at <= ranks[-1]] - 1])
    assert np.all(np.isnan(curve[at > ranks[-1]]))
    lines = summary(3, 0.8, 0.7)["passage"].splitlines()
    first = split.vocabulary.decode(tokens[: np.flatnonzero(tokens == EOS)[3] + 1])
    assert len(lines) == 4
    assert all(
        a == b or (a.endswith("…") and b.startswith(a[:-1]))
        for a, b in zip(lines, first, strict=True)
    )


def test_readout_pairs_each_number_with_the_real_text(demo):
    curves = demo.curves(order=3, temperature=1.0, top_p=0.5)
    numbers = dict(curves["numbers"])
    m, r = summary(3, 1.0, 0.5)["measures"], real_summary()[0]
    assert numbers["distinct words"] == f"{m['vocabulary']:,} (real {r['vocabulary']:,})"
    assert numbers["type-token ratio"] == f"{m['ttr']:.3f} (real {r['ttr']:.3f})"
    np.testing.assert_array_equal(curves["real"], real_summary()[1])


def test_the_chapter_lessons_hold_on_the_sliders():
    real = real_summary()[0]
    for order in (2, 3, 4):
        for t in (0.6, 1.0, 1.4):
            words = [summary(order, t, p)["measures"]["vocabulary"] for p in TOP_PS]
            assert all(np.diff(words) > 0)  # a smaller nucleus: fewer distinct words
        # untruncated at T = 1: as varied and as typical as real text, within a few percent
        m = summary(order, 1.0, 1.0)["measures"]
        assert abs(m["vocabulary"] / real["vocabulary"] - 1) < 0.05
        assert abs(m["typicality"] / real["typicality"] - 1) < 0.1
        # every cut looks more typical than real text and has fewer words seen once
        for p in TOP_PS[:-1]:
            cut = summary(order, 1.0, p)["measures"]
            assert cut["typicality"] < real["typicality"] and cut["hapax"] < real["hapax"]
    # question 1: half the distinct words are gone between top-p 0.7 and 0.6 (trigram, T = 1)
    share = {p: summary(3, 1.0, p)["measures"]["vocabulary"] / real["vocabulary"] for p in TOP_PS}
    assert share[0.6] < 0.5 < share[0.7]
    # question 2: the best student beats real text, on text with under half the distinct words
    grid = [(o, t, p) for o in (2, 3, 4) for t in (0.6, 0.8, 1.0, 1.2, 1.4) for p in TOP_PS]
    best = summary(*min(grid, key=lambda k: summary(*k)["measures"]["student"]))["measures"]
    assert best["student"] < 0.95 * real["student"]
    assert best["vocabulary"] < 0.5 * real["vocabulary"]
    # question 3: a high temperature gives back some words at top-p 0.5, not all
    cold, hot = summary(3, 1.0, 0.5)["measures"], summary(3, 1.4, 0.5)["measures"]
    assert cold["vocabulary"] < hot["vocabulary"] < 0.5 * real["vocabulary"]


def test_describe_and_live_update(demo):
    text = demo.describe(demo.check(), demo.curves())
    assert "3-gram model" in text and "temperature 1.0" in text
    live = demo.live()
    times = []
    for knobs in ({"top_p": 0.5}, {"temperature": 0.6}, {"order": 4}, {"top_p": 1.0}):
        live.set(**knobs)
        times.append(live.last_update_seconds)
    assert max(times) < 0.5  # budget 0.1 s on a quiet machine; generous for loaded CI
    assert "distinct words" in live.state["numbers"].value
    assert "<blockquote" in live.state["passage"].value


def test_explorable_fits_the_page_budget(demo):
    explorable = demo.explorable()
    assert explorable.gzip_bytes < MAX_PAGE_DATA_GZIP / 4
    html = explorable.to_html()
    assert "peakdata-explorable" in html and "nucleus top-p" in html
