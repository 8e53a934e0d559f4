"""The statistical detector: pieces and windows of a corpus, the four features, the balanced
logistic rule, and its accuracy on Shakespeare against n-gram text."""

import numpy as np
import pytest

from peakdata.collapse.text import first_words
from peakdata.living.detect import (
    FEATURES,
    Detector,
    balanced_accuracy,
    fit_detector,
    text_pieces,
    text_windows,
    window_features,
)
from peakdata.text import EOS, NGramModel, corpus_stats, shakespeare_split


@pytest.fixture(scope="module")
def data():
    split = shakespeare_split()
    v = len(split.vocabulary)
    a, b, c = text_pieces(split.train, (100_000, 100_000, 60_000))
    return {"v": v, "a": a, "c": c, "gen": NGramModel.fit(a, 3, v), "ref": NGramModel.fit(b, 3, v)}


def test_pieces_are_consecutive_whole_lines():
    train = shakespeare_split().train
    pieces = text_pieces(train, (1_000, 2_000, 500))
    assert np.array_equal(pieces[0], first_words(train, 1_000))
    assert [int(np.sum(p != EOS)) for p in pieces] == [1_000, 2_000, 500]
    # each piece starts at the first line after the previous one: no line is shared
    lines = np.split(train, np.flatnonzero(train == EOS)[:-1] + 1)
    first_of = [len(np.split(p, np.flatnonzero(p == EOS)[:-1] + 1)) for p in pieces]
    start = first_of[0]
    assert np.array_equal(pieces[1][: lines[start].size], lines[start])
    with pytest.raises(ValueError, match="sizes must fit"):
        text_pieces(train, (10**6,))
    with pytest.raises(ValueError, match="sizes must be >= 1"):
        text_pieces(train, (0,))


def test_windows_hold_exactly_the_words_in_order():
    tokens = np.array([5, 6, 7, EOS, 8, EOS, 9, 10, 11, 12, EOS, 5, EOS])
    win, offsets = text_windows(tokens, 3)
    assert offsets.tolist() == [0, 4, 9, 14]  # 9 words: three windows of 3
    parts = np.split(win, offsets[1:-1])
    assert [p.tolist() for p in parts] == [
        [5, 6, 7, EOS],
        [8, EOS, 9, 10, EOS],
        [11, 12, EOS, 5, EOS],
    ]
    for p in parts:
        assert p[-1] == EOS and np.sum(p != EOS) == 3
    words = win[win != EOS]
    assert np.array_equal(words, tokens[tokens != EOS][:9])
    empty, cuts = text_windows(np.array([5, EOS]), 2)
    assert empty.size == 0 and cuts.tolist() == [0]


def test_features_are_the_library_statistics_of_each_window(data):
    tokens = first_words(data["c"], 3_000)
    x = window_features(tokens, data["ref"], words=50)
    win, offsets = text_windows(tokens, 50)
    assert x.shape == (offsets.size - 1, len(FEATURES))
    for g in (0, 3):
        w = win[offsets[g] : offsets[g + 1]]
        stats = corpus_stats(w, vocab_size=data["v"], ns=(1, 2))
        assert x[g, 0] == pytest.approx(stats.distinct[1][0])
        assert x[g, 1] == pytest.approx(stats.hapax[0] / 50)
        assert x[g, 2] == pytest.approx(stats.distinct[2][0])
        assert x[g, 3] == pytest.approx(-np.log(data["ref"].perplexity(w)[0]))


def test_the_detector_is_a_balanced_logistic_rule():
    rng = np.random.default_rng(0)
    real = rng.normal(0, 1, (200, 2))
    synthetic = rng.normal(0, 1, (200, 2)) + [2.0, 0.0]
    d = fit_detector(real, synthetic)
    assert isinstance(d, Detector) and d.coef.shape == (3,)
    assert balanced_accuracy(d, real, synthetic) > 0.8
    assert d.coef[1] > 0 and abs(d.coef[2]) < 0.3 * d.coef[1]
    # no signal and ten times more synthetic windows: still about half flagged, not all
    noise = fit_detector(rng.normal(0, 1, (100, 2)), rng.normal(0, 1, (1000, 2)))
    assert 0.2 < np.mean(noise.flags(rng.normal(0, 1, (2000, 2)))) < 0.8
    # a constant feature does not break the standardisation
    flat = fit_detector(np.c_[real[:, :1], np.ones(200)], np.c_[synthetic[:, :1], np.ones(200)])
    assert np.all(np.isfinite(flat.scores(np.c_[real[:, :1], np.ones(200)])))


def test_detector_on_shakespeare_sees_sharpened_text_better_than_faithful_text(data):
    x = window_features(data["c"], data["ref"])
    half = len(x) // 2
    accuracy = {}
    for t in (0.6, 1.0):
        train = window_features(
            data["gen"].sample(half * 100, temperature=t, rng=1)[0], data["ref"]
        )
        test = window_features(data["gen"].sample(half * 100, temperature=t, rng=2)[0], data["ref"])
        accuracy[t] = balanced_accuracy(fit_detector(x[:half], train), x[half:], test)
    assert accuracy[0.6] > 0.8
    assert accuracy[1.0] < 0.7
    assert accuracy[0.6] > accuracy[1.0] + 0.15


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d: window_features(d["c"], "model"), "reference must be an NGramModel"),
        (lambda d: window_features(d["c"], d["ref"].replicate(2)), "reference must be a single"),
        (lambda d: window_features(d["c"], d["ref"], words=1), "words must be >= 2"),
        (lambda d: window_features(np.array([5, 6]), d["ref"]), "tokens must end every line"),
        (lambda d: text_windows(d["c"], 0), "words must be >= 1"),
        (lambda d: text_pieces(d["c"], 5), "sizes must be a sequence"),
        (lambda d: fit_detector(np.zeros((1, 2)), np.zeros((5, 2))), "real must have at least 2"),
        (lambda d: fit_detector(np.zeros((5, 2)), np.zeros((5, 3))), "synthetic must have 2"),
        (lambda d: fit_detector(np.zeros((5, 9)), np.zeros((5, 9))), "real must have 1 to 8"),
        (lambda d: fit_detector(np.zeros((5, 2)), np.zeros((5, 2)), l2=-1), "l2 must be"),
        (lambda d: balanced_accuracy("d", np.zeros((5, 2)), np.zeros((5, 2))), "detector must"),
    ],
)
def test_bad_input_is_refused_by_name(data, call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call(data)
