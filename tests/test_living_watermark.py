"""The green-list watermark: the hash, the biased sampler, the z-test under both hypotheses,
paraphrase, and bad input."""

import math

import numpy as np
import pytest

from peakdata.collapse.text import first_words
from peakdata.demos.detect import first_texts
from peakdata.living.watermark import (
    GAMMA,
    false_positive_rate,
    green_mask,
    paraphrase,
    watermark_sample,
    watermark_score,
)
from peakdata.text import BOS, EOS, NGramModel, shakespeare_split


@pytest.fixture(scope="module")
def writer():
    split = shakespeare_split()
    return NGramModel.fit(first_words(split.train, 100_000), 3, len(split.vocabulary))


@pytest.fixture(scope="module")
def plain(writer):
    return writer.sample(120_000, rng=11)[0]


def test_green_lists_hold_a_share_gamma_and_depend_on_key_and_previous_token():
    rng = np.random.default_rng(0)
    tokens = np.r_[rng.integers(3, 5000, 40_000), EOS]
    for gamma in (0.1, 0.25, 0.5):
        share = green_mask(tokens, 7, gamma=gamma).mean()
        assert abs(share - gamma) < 4 * math.sqrt(gamma * (1 - gamma) / tokens.size)
    a, b = green_mask(tokens, 7), green_mask(tokens, 8)
    assert np.array_equal(a, green_mask(tokens, 7))  # deterministic
    assert 0.3 < np.mean(a == b) < 0.9  # another key, another list
    # a line start is scored after BOS, and so is the start of every text
    text = np.array([5, 6, EOS, 6, 7, EOS])
    both = green_mask(np.r_[text, text], 3, offsets=[0, 6, 12])
    assert np.array_equal(both[:6], both[6:])
    alone = green_mask(np.array([6, 7, EOS]), 3)
    assert np.array_equal(alone, green_mask(text, 3)[3:])
    # one key per text
    per_text = green_mask(np.r_[text, text], np.array([3, 4]), offsets=[0, 6, 12])
    assert np.array_equal(per_text[6:], green_mask(text, 4))
    assert BOS == 0


def test_z_score_is_the_green_count_test():
    tokens = np.array([5, 6, 7, EOS, 5, 6, 9, EOS])
    green = green_mask(tokens, 11)
    s = watermark_score(tokens, 11, unique=False)
    assert s.scored[0] == tokens.size and s.green[0] == green.sum()
    expected = (green.sum() - GAMMA * 8) / math.sqrt(8 * GAMMA * (1 - GAMMA))
    assert s.z[0] == pytest.approx(expected)
    u = watermark_score(tokens, 11)  # (BOS, 5) and (5, 6) repeat: scored once each
    assert u.scored[0] == 6
    assert u.green[0] == green.sum() - green[4] - green[5]
    assert np.isnan(watermark_score(np.array([], dtype=int), 1).z[0])
    assert u.p_value[0] == pytest.approx(false_positive_rate(u.z[0]))


def test_unwatermarked_z_is_standard_normal_over_keys_and_texts(writer, plain):
    """Each text is scored with its own key: mean 0 and sd 1 within Monte Carlo error."""
    # 120,000 words: 2,400 texts of 50 words, 600 of 200. The bounds are 4 standard errors; a
    # z with the wrong variance (T gamma, sd 0.87) or with one shared key (mean -0.2) fails them
    for words, texts in ((50, 2_400), (200, 600)):
        tokens, offsets = first_texts(plain, words, texts)
        z = watermark_score(tokens, np.arange(texts) + 100, offsets=offsets).z
        se = 1 / math.sqrt(texts)
        assert abs(z.mean()) < 4 * se
        assert abs(z.std(ddof=1) - 1) < 4 * se / math.sqrt(2)
    # real Shakespeare too
    test = shakespeare_split().test
    tokens, offsets = first_texts(test, 100, 800)
    z = watermark_score(tokens, np.arange(800), offsets=offsets).z
    assert abs(z.mean()) < 4 / math.sqrt(800) and abs(z.std(ddof=1) - 1) < 0.1


def test_repeated_pairs_inflate_the_variance_unless_scored_once(plain):
    tokens, offsets = first_texts(plain, 1000, 110)
    keys = np.arange(110)
    every = watermark_score(tokens, keys, offsets=offsets, unique=False)
    once = watermark_score(tokens, keys, offsets=offsets)
    assert np.all(once.scored < every.scored)  # pairs do repeat in n-gram text
    # the variance of G is the sum over distinct pairs of (repeats)^2 gamma (1 - gamma) > T ...
    group = np.repeat(np.arange(110), np.diff(offsets))
    prev = np.r_[BOS, tokens[:-1]]
    prev[prev == EOS] = BOS
    prev[offsets[:-1]] = BOS
    _, counts = np.unique(np.stack([group, prev, tokens]), axis=1, return_counts=True)
    inflation = np.sum(counts**2) / np.sum(counts)
    assert inflation > 1.1
    # ... which the 110 texts show as a wider spread than with each pair scored once
    assert every.z.std(ddof=1) > once.z.std(ddof=1)


def test_every_token_z_is_too_wide_on_long_texts_and_each_pair_once_is_not(writer):
    long = writer.sample(600_000, rng=12)[0]
    tokens, offsets = first_texts(long, 1_000, 600)
    keys = np.arange(600)
    se_sd = 1 / math.sqrt(2 * 600)  # standard error of a standard deviation of 600 normals
    once = watermark_score(tokens, keys, offsets=offsets).z
    every = watermark_score(tokens, keys, offsets=offsets, unique=False).z
    assert abs(once.std(ddof=1) - 1) < 4 * se_sd and abs(once.mean()) < 4 / math.sqrt(600)
    assert every.std(ddof=1) > 1 + 3 * se_sd


def test_watermark_sample_biases_the_next_token_distribution():
    corpus = np.array([5, 6, EOS, 7, 6, EOS, 8, EOS, 9, 6, EOS, 10, EOS, 5, EOS] * 3)
    model = NGramModel.fit(corpus, 2, 12)
    key, delta, gamma = 3, 1.5, 0.5
    tokens, _ = watermark_sample(model, 60_000, key=key, delta=delta, gamma=gamma, rng=1)
    starts = tokens[np.r_[0, np.flatnonzero(tokens == EOS)[:-1] + 1]]
    first = np.array([5, 7, 8, 9, 10])
    p = np.array([2, 1, 1, 1, 1]) / 6
    green = green_mask(np.c_[first, np.full(5, EOS)].ravel(), key, gamma=gamma)[::2]
    assert 0 < green.sum() < 5  # the test needs both colours
    q = p * np.where(green, math.exp(delta), 1.0)
    q /= q.sum()
    freq = np.array([np.mean(starts == w) for w in first])
    se = np.sqrt(q * (1 - q) / starts.size)
    assert np.all(np.abs(freq - q) < 4 * se)


def test_no_bias_is_plain_sampling_and_the_bias_raises_the_green_share(writer):
    plain, offsets = writer.sample(3_000, rng=4)
    same, same_offsets = watermark_sample(writer, 3_000, key=9, delta=0.0, rng=4)
    assert np.array_equal(plain, same) and np.array_equal(offsets, same_offsets)
    a, _ = watermark_sample(writer, 3_000, key=9, delta=2.0, rng=4)
    assert np.array_equal(a, watermark_sample(writer, 3_000, key=9, delta=2.0, rng=4)[0])
    shares = [
        green_mask(watermark_sample(writer, 20_000, key=9, delta=d, rng=5)[0], 9).mean()
        for d in (0.0, 1.0, 2.0, 4.0)
    ]
    assert shares[0] == pytest.approx(GAMMA, abs=0.02)
    assert np.all(np.diff(shares) > 0.03)
    assert shares[-1] < 0.8  # contexts with a single continuation cannot be watermarked
    several = writer.replicate(2)
    tokens, offs = watermark_sample(several, 500, key=9, rng=2)
    assert offs.size == 3 and np.sum(tokens != EOS) == 1_000


def test_watermarked_z_grows_like_the_square_root_of_the_length(writer):
    marked, _ = watermark_sample(writer, 200_000, key=21, delta=2.0, rng=3)
    means, per_token = {}, {}
    for words in (50, 200, 800):
        tokens, offsets = first_texts(marked, words, 160_000 // words)
        every = watermark_score(tokens, 21, offsets=offsets, unique=False)
        once = watermark_score(tokens, 21, offsets=offsets)
        means[words] = every.z.mean()
        per_token[words] = np.mean(once.z / np.sqrt(once.scored))
    assert means[200] / means[50] == pytest.approx(2.0, rel=0.08)
    assert means[800] / means[200] == pytest.approx(2.0, rel=0.08)
    # scoring each pair once: z / sqrt(scored tokens) falls slowly with length, because the
    # pairs that repeat (and are dropped) are more often green in watermarked text
    assert per_token[50] > per_token[200] > per_token[800] > 0.85 * per_token[50]


def test_false_positive_rate_closed_form_and_empirical(plain):
    assert false_positive_rate(0.0) == pytest.approx(0.5)
    assert false_positive_rate(1.6448536) == pytest.approx(0.05, abs=1e-6)
    assert false_positive_rate(4.0) == pytest.approx(3.167e-5, rel=1e-3)
    tokens, offsets = first_texts(plain, 50, 2_000)
    z = watermark_score(tokens, np.arange(2_000), offsets=offsets).z
    for threshold in (1.0, 2.0):
        rate = false_positive_rate(threshold)
        assert abs(np.mean(z > threshold) - rate) < 4 * math.sqrt(rate * (1 - rate) / 2_000)


def test_paraphrase_rewrites_a_share_of_the_words(writer):
    marked, _ = watermark_sample(writer, 20_000, key=5, delta=3.0, rng=1)
    assert np.array_equal(paraphrase(marked, writer, 0.0, rng=1), marked)
    z = []
    for share in (0.0, 0.3, 0.6):
        out = paraphrase(marked, writer, share, rng=2)
        assert out.size == marked.size and np.array_equal(out == EOS, marked == EOS)
        z.append(watermark_score(out, 5).z[0])
    assert z[0] > z[1] > z[2] > 0
    changed = np.mean(paraphrase(marked, writer, 1.0, rng=3) != marked)
    assert 0.4 < changed < 0.9  # a draw may repeat the word, and EOS is never drawn in


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: watermark_sample(m, 10, key=-1), "key must be >= 0"),
        (lambda m: watermark_sample(m, 10, key=1, delta=-1), "delta must be"),
        (lambda m: watermark_sample(m, 10, key=1, delta=25), "delta must be"),
        (lambda m: watermark_sample(m, 10, key=1, gamma=0), "gamma must be"),
        (lambda m: watermark_sample(m, 0, key=1), "words must be >= 1"),
        (lambda m: watermark_sample(m, 10, key=1, temperature=0), "temperature must be"),
        (lambda m: watermark_sample(NGramModel.fit(np.array([5, EOS]), 1), 5, key=1), "order"),
        (lambda m: watermark_score([5, -1], 1), "tokens must hold ids >= 0"),
        (lambda m: watermark_score([5, 6], [1, 2, 3], offsets=[0, 1, 2]), "key must be one"),
        (lambda m: watermark_score([5, 6], 1, offsets=[0, 3]), "offsets must rise"),
        (lambda m: watermark_score([5, 6], 1, gamma=1.0), "gamma must be"),
        (lambda m: green_mask([5, 6], 1.5), "key must be"),
        (lambda m: false_positive_rate(math.nan), "threshold must be"),
        (lambda m: paraphrase([5, EOS], m, 1.5), "share must be"),
        (lambda m: paraphrase([5, EOS], m.replicate(2), 0.5), "model must be a single"),
        (lambda m: paraphrase([10**7, EOS], m, 0.5), "tokens must hold ids"),
    ],
)
def test_bad_input_is_refused_by_name(writer, call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call(writer)
    with pytest.raises(TypeError, match="model must be an NGramModel"):
        watermark_sample("model", 10, key=1)
    with pytest.raises(TypeError, match="unique must be"):
        watermark_score([5, 6], 1, unique="yes")
