"""The text chain: its bag-of-words closed forms, its loop, its argument checks, and its demo."""

import numpy as np
import pytest
from _stats import assert_within

from peakdata.collapse.text import (
    WORKFLOWS,
    first_words,
    reproductions,
    text_chain,
    unigram_expectations,
)
from peakdata.demos import LivePanel
from peakdata.demos._base import grid_rows
from peakdata.demos.text import TextCollapseDemo
from peakdata.text import EOS, NGramModel, corpus_stats, shakespeare_split


@pytest.fixture(scope="module")
def split():
    return shakespeare_split()


# -- closed forms of the bag-of-words chain ------------------------------------------------------
@pytest.mark.parametrize("words", [500, 3_000, 12_000])
def test_unigram_chain_matches_its_closed_forms(split, words):
    chain = text_chain(1, words, order=1, seeds=300, rng=words, real=split.train)
    theory = unigram_expectations(first_words(split.train, words))
    assert_within(chain.vocabulary[:, 1].astype(float), theory["vocabulary"])
    assert_within(chain.hapax[:, 1].astype(float), theory["hapax"])
    assert chain.vocabulary[0, 0] > theory["vocabulary"]  # the first generation already loses words


def test_a_word_seen_once_is_lost_with_probability_one_over_e(split):
    corpus = first_words(split.train, 4_000)
    v = len(split.vocabulary)
    model = NGramModel.fit(corpus, 1, v).replicate(300)
    tokens, offsets = model.sample(4_000, rng=1)
    words, counts = np.unique(corpus[corpus != EOS], return_counts=True)
    present = np.zeros((300, v), dtype=bool)
    present[np.repeat(np.arange(300), np.diff(offsets)), tokens] = True
    for c in (1, 2, 3):
        lost = 1 - present[:, words[counts == c]].mean(axis=1)
        assert_within(lost, (1 - c / 4_000) ** 4_000)
    assert unigram_expectations(corpus)["hapax_lost"] == pytest.approx(np.exp(-1), abs=1e-4)


def test_unigram_expectations_by_hand():
    # two words, each half of the corpus, drawn twice: both survive with probability 1/2
    corpus = np.array([5, EOS, 6, EOS])
    theory = unigram_expectations(corpus)
    assert theory["vocabulary"] == pytest.approx(1.5)
    assert theory["hapax"] == pytest.approx(1.0)  # P(each word drawn exactly once) = 1/2
    assert theory["hapax_lost"] == pytest.approx(0.25)
    assert unigram_expectations(corpus, samples=3)["vocabulary"] == pytest.approx(2 * (1 - 1 / 8))


# -- the loop -----------------------------------------------------------------------------------
def test_chain_is_the_loop_of_the_chapter(split):
    """text_chain for one seed is fit, write, refit, with the same generator throughout."""
    v = len(split.vocabulary)
    test = first_words(split.test, 3_000)
    chain = text_chain(3, 4_000, workflow="accumulate", rng=9, real=split.train, test=test)
    gen = np.random.default_rng(9)
    corpus = first_words(split.train, 4_000)
    scored = np.unique(split.train)
    model = NGramModel.fit(corpus, 3, v)
    assert chain.perplexity[0, 0] == pytest.approx(model.perplexity(test, vocabulary=scored)[0])
    for n in range(1, 4):
        tokens, _ = model.sample(4_000, rng=gen)
        stats = corpus_stats(tokens, vocab_size=v)
        assert chain.vocabulary[0, n] == stats.vocabulary[0]
        assert chain.distinct[2][0, n] == pytest.approx(stats.distinct[2][0])
        model = model.merge(NGramModel.fit(tokens, 3, v))
        ppl = model.perplexity(test, vocabulary=scored)[0]
        assert chain.perplexity[0, n] == pytest.approx(ppl)


def test_shapes_generation_zero_and_determinism(split):
    chain = text_chain(2, 3_000, seeds=3, rng=4, excerpt_lines=2, real=split.train)
    assert chain.generations == 2 and chain.seeds == 3
    for values in chain.metrics().values():
        assert values.shape == (3, 3)
    assert np.all(np.isnan(chain.perplexity))  # real text given without test text
    real = corpus_stats(first_words(split.train, 3_000))
    assert np.all(chain.vocabulary[:, 0] == real.vocabulary[0])
    assert np.all(chain.hapax[:, 0] == real.hapax[0])
    assert len(set(chain.vocabulary[:, 2].tolist())) > 1  # the seeds differ
    again = text_chain(2, 3_000, seeds=3, rng=4, excerpt_lines=2, real=split.train)
    np.testing.assert_array_equal(chain.vocabulary, again.vocabulary)
    np.testing.assert_array_equal(chain.excerpts[2], again.excerpts[2])
    assert all(int(np.sum(e == EOS)) == 2 for e in chain.excerpts)
    other = text_chain(2, 3_000, seeds=3, rng=5, real=split.train)
    assert not np.array_equal(chain.vocabulary, other.vocabulary)
    zero = text_chain(0, 3_000, real=split.train)
    assert zero.vocabulary.shape == (1, 1)


def test_default_data_is_shakespeare(split):
    chain = text_chain(1, 2_000, rng=1)
    explicit = text_chain(1, 2_000, rng=1, real=split.train, test=split.test)
    np.testing.assert_array_equal(chain.perplexity, explicit.perplexity)
    assert np.all(np.isfinite(chain.perplexity))


def test_replace_forgets_accumulate_remembers_and_low_temperature_forgets_faster(split):
    size, gens = 20_000, 6
    runs = {
        (w, t): text_chain(gens, size, workflow=w, temperature=t, rng=3)
        for w in WORKFLOWS
        for t in (0.7, 1.0)
    }
    replace, accumulate = runs[("replace", 1.0)], runs[("accumulate", 1.0)]
    assert np.all(np.diff(replace.vocabulary[0]) < 0)  # replace loses words every generation
    assert np.all(np.diff(replace.perplexity[0]) > 0)  # and predicts real text worse and worse
    assert accumulate.vocabulary[0, -1] > replace.vocabulary[0, -1] * 1.2
    assert accumulate.perplexity[0, -1] < replace.perplexity[0, -1]
    for w in WORKFLOWS:
        assert runs[(w, 0.7)].vocabulary[0, -1] < runs[(w, 1.0)].vocabulary[0, -1]
        assert runs[(w, 0.7)].distinct[2][0, -1] < runs[(w, 1.0)].distinct[2][0, -1]


def test_first_words_cuts_whole_lines():
    tokens = np.array([5, 6, EOS, 7, 8, 9, EOS, 5, EOS])
    np.testing.assert_array_equal(first_words(tokens, 2), [5, 6, EOS])
    np.testing.assert_array_equal(first_words(tokens, 4), [5, 6, EOS, 7, 8, EOS])
    np.testing.assert_array_equal(first_words(tokens, 6), tokens)
    with pytest.raises(ValueError, match="words must be <= the 6 words"):
        first_words(tokens, 7)


def test_reproductions_pass():
    rows = reproductions()
    assert len(rows) == 3
    for row in rows:
        assert row.source == "shumailov2024nature" and row.passed, row


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"generations": -1}, ValueError, "generations must be >= 0"),
        ({"generations": 1.5}, TypeError, "generations must be an integer"),
        ({"corpus_size": 0}, ValueError, "corpus_size must be >= 1"),
        ({"corpus_size": 10**7}, ValueError, "corpus_size must be <= the 484818 words"),
        ({"workflow": "mix"}, ValueError, "workflow must be one of 'replace', 'accumulate'"),
        ({"temperature": 0}, ValueError, "temperature must be > 0.0"),
        ({"temperature": float("inf")}, ValueError, "temperature must be > 0"),
        ({"order": 0}, ValueError, "order must be >= 1 and <= 4"),
        ({"order": 5}, ValueError, "order must be >= 1 and <= 4"),
        ({"seeds": 0}, ValueError, "seeds must be >= 1"),
        ({"rng": -2}, ValueError, "rng must be >= 0"),
        ({"rng": "seed"}, TypeError, "rng must be an integer"),
        ({"add_k": -0.5}, ValueError, "add_k must be >= 0"),
        ({"excerpt_lines": -1}, ValueError, "excerpt_lines must be >= 0"),
        ({"max_line_words": 0}, ValueError, "max_line_words must be >= 1"),
        ({"weights": (1.0,)}, ValueError, "weights must be 3 finite numbers"),
        ({"test": np.array([5, EOS])}, ValueError, "test must come with real"),
        ({"real": np.array([5, 6])}, ValueError, "real must end every line"),
        ({"real": np.array([[5, EOS]])}, TypeError, "real must be a 1-D array"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, message):
    args = {"generations": 1, "corpus_size": 500, **kwargs}
    with pytest.raises(error, match=message):
        text_chain(**args)


def test_unigram_expectations_checks():
    with pytest.raises(ValueError, match="corpus must contain at least one word"):
        unigram_expectations(np.array([EOS]))
    with pytest.raises(ValueError, match="samples must be >= 1"):
        unigram_expectations(np.array([5, EOS]), samples=0)


# -- the demo -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo():
    return TextCollapseDemo()


def test_demo_curves_start_at_one_and_follow_the_chain(demo, split):
    curves = demo.curves(workflow="replace", temperature=1.0, words=10_000)
    assert {s.key for s in demo.series} <= set(curves)  # plus the other panels' data
    for y in (curves[s.key] for s in demo.series):
        assert y.shape == demo.x.shape and y[0] == pytest.approx(1.0)
    assert curves["vocabulary"][-1] < 1 < curves["perplexity"][-1]
    accumulate = demo.curves(workflow="accumulate", temperature=1.0, words=10_000)
    assert accumulate["vocabulary"][-1] > curves["vocabulary"][-1]
    with pytest.raises(ValueError, match="temperature must be between 0.6 and 1.4"):
        demo.curves(temperature=0.5)
    with pytest.raises(ValueError, match="words must be between 10000 and 40000"):
        demo.curves(words=15_000)


def test_demo_live_panel_updates_in_place(demo):
    panel = demo.live()
    assert isinstance(panel, LivePanel)
    lines = dict(panel.lines)
    first_png = panel.image.value
    before = panel.lines["vocabulary"].get_ydata().copy()
    panel.controls["temperature"].value = 0.6
    assert panel.values["temperature"] == pytest.approx(0.6)
    assert panel.lines == lines
    assert not np.array_equal(panel.lines["vocabulary"].get_ydata(), before)
    assert panel.image.value != first_png
    assert "temperature 0.6" in panel.caption.value
    panel.controls["generations"].value = 4
    assert panel.ax.get_xlim() == (0, 4)
    assert "After 4 generations" in panel.caption.value
    panel.controls["workflow"].value = "accumulate"
    assert "(accumulate)" in panel.caption.value


def test_demo_grid_rows_carry_the_live_numbers(demo):
    rows = grid_rows(demo)["lines"]
    row = next(
        r
        for r in rows
        if r["series"] == demo.series[3].label
        and r["workflow"] == "accumulate"
        and r["temperature"] == 0.8
        and r["words"] == 30_000
    )
    live = demo.curves(workflow="accumulate", temperature=0.8, words=30_000)["perplexity"]
    np.testing.assert_allclose(row["y"], live, rtol=5e-3)
