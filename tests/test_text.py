"""The n-gram word model against naive Python versions, its sampler against its probabilities,
its perplexity against hand computations, the shipped Shakespeare data, and argument checks."""

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import peakdata.data
from peakdata.text import (
    BOS,
    EOS,
    SPECIAL_TOKENS,
    TEST_PLAYS,
    UNK,
    NGramModel,
    Vocabulary,
    corpus_stats,
    default_weights,
    distinct_n,
    hapax_count,
    shakespeare,
    shakespeare_split,
    tokenize,
    vocabulary_size,
)

LINES = [
    "To be, or not to be: that is the question:",
    "Whether 'tis nobler in the mind to suffer",
    "The slings and arrows of outrageous fortune,",
    "Or to take arms against a sea of troubles,",
    "And by opposing end them? To die: to sleep;",
    "No more; and by a sleep to say we end",
    "To be a king, to be a fool, to be or not.",
    "I am not what I am.",
]


@pytest.fixture(scope="module")
def small():
    vocab = Vocabulary.from_lines(LINES)
    return vocab, vocab.encode(LINES)


def naive_counts(tokens: list[int], m: int) -> Counter:
    """m-gram counts, lines padded with m - 1 BOS, every token (EOS included) a target."""
    counts: Counter = Counter()
    history = [BOS] * (m - 1)
    for t in tokens:
        counts[(*history, t)] += 1
        history = [BOS] * (m - 1) if t == EOS else (history + [t])[len(history) + 1 - (m - 1) :]
    return counts


def model_counts(model: NGramModel, m: int, which: int = 0) -> Counter:
    """Decode the model's m-gram table back into tuples."""
    v = model.vocab_size
    out: Counter = Counter()
    for key, count in zip(model.keys[m - 1].tolist(), model.counts[m - 1].tolist(), strict=True):
        owner, code = divmod(key, v**m)
        if owner != which:
            continue
        digits = [(code // v**k) % v for k in range(m - 1, -1, -1)]
        out[tuple(digits)] = count
    return out


# -- tokenizer and vocabulary ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "words"),
    [
        (
            "Now, fair Hippolyta, our nuptial hour",
            ["now", "fair", "hippolyta", "our", "nuptial", "hour"],
        ),
        ("'Tis now struck twelve", ["tis", "now", "struck", "twelve"]),
        (
            "What, has this thing appear'd again to-night?",
            ["what", "has", "this", "thing", "appear'd", "again", "to", "night"],
        ),
        ("O'er-leap'd -- 'Ladies,' 2 HENRY", ["o'er", "leap'd", "ladies", "henry"]),
        ("", []),
        ("--!?", []),
    ],
)
def test_tokenize(line, words):
    assert tokenize(line) == words


def test_tokenize_rejects_non_strings():
    with pytest.raises(TypeError, match="line must be a str"):
        tokenize(["to", "be"])


def test_vocabulary_orders_by_frequency_and_round_trips(small):
    vocab, tokens = small
    assert vocab.words[:3] == SPECIAL_TOKENS
    counts = Counter(w for line in LINES for w in tokenize(line))
    assert set(vocab.words[3:]) == set(counts)
    assert vocab.words[3] == "to" and len(vocab) == len(counts) + 3
    freq = [counts[w] for w in vocab.words[3:]]
    assert freq == sorted(freq, reverse=True)
    assert vocab.decode(tokens) == [" ".join(tokenize(line)) for line in LINES]
    assert int(np.sum(tokens == EOS)) == len(LINES)
    assert vocab.id("hamlet") == UNK
    np.testing.assert_array_equal(
        vocab.encode(["to be hamlet", "", "!!"]), [vocab.id("to"), vocab.id("be"), UNK, EOS]
    )
    assert vocab.decode([vocab.id("to"), vocab.id("be")]) == ["to be"]  # a last line without EOS


def test_vocabulary_checks(small):
    vocab, _ = small
    with pytest.raises(ValueError, match="words must start with"):
        Vocabulary(("a", "b", "c"))
    with pytest.raises(ValueError, match="words must not repeat"):
        Vocabulary((*SPECIAL_TOKENS, "a", "a"))
    with pytest.raises(TypeError, match="lines must be an iterable of lines"):
        vocab.encode("to be")
    with pytest.raises(ValueError, match="tokens must hold ids >= 0 and < vocab_size"):
        vocab.decode([len(vocab)])


# -- counting -----------------------------------------------------------------------------------
@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_counts_match_a_naive_python_count(small, order):
    vocab, tokens = small
    model = NGramModel.fit(tokens, order, len(vocab))
    for m in range(1, order + 1):
        assert model_counts(model, m) == naive_counts(tokens.tolist(), m)
        assert np.all(np.diff(model.keys[m - 1]) > 0)  # sorted and unique
    assert model.tokens_seen[0] == tokens.size


def test_several_models_fit_at_once_equal_one_at_a_time(small):
    """Fitting models on corpora cut by offsets is a loop over corpora, without the loop."""
    vocab, tokens = small
    ends = np.flatnonzero(tokens == EOS)
    parts = [tokens[: ends[2] + 1], tokens[ends[2] + 1 : ends[3] + 1], tokens[ends[3] + 1 :]]
    offsets = np.r_[0, np.cumsum([p.size for p in parts])]
    together = NGramModel.fit(np.concatenate(parts), 3, len(vocab), offsets=offsets)
    assert together.models == 3
    test = vocab.encode(LINES[::-1])
    ppl = together.perplexity(test)
    stats = corpus_stats(np.concatenate(parts), offsets=offsets, vocab_size=len(vocab))
    for g, part in enumerate(parts):
        alone = NGramModel.fit(part, 3, len(vocab))
        for m in (1, 2, 3):
            assert model_counts(together, m, g) == model_counts(alone, m)
        assert ppl[g] == pytest.approx(alone.perplexity(test)[0], rel=1e-12)
        one = corpus_stats(part, vocab_size=len(vocab))
        assert stats.vocabulary[g] == one.vocabulary[0] and stats.hapax[g] == one.hapax[0]
        assert stats.distinct[2][g] == pytest.approx(one.distinct[2][0])


def test_merge_equals_fitting_the_concatenation(small):
    vocab, tokens = small
    half = int(np.flatnonzero(tokens == EOS)[3]) + 1
    merged = NGramModel.fit(tokens[:half], 3, len(vocab)).merge(
        NGramModel.fit(tokens[half:], 3, len(vocab))
    )
    whole = NGramModel.fit(tokens, 3, len(vocab))
    for a, b in zip(merged.keys + merged.counts, whole.keys + whole.counts, strict=True):
        np.testing.assert_array_equal(a, b)


def test_replicate_makes_identical_models(small):
    vocab, tokens = small
    model = NGramModel.fit(tokens, 2, len(vocab))
    copies = model.replicate(3)
    assert copies.models == 3
    for g in range(3):
        assert model_counts(copies, 2, g) == model_counts(model, 2)
    np.testing.assert_allclose(copies.perplexity(tokens), model.perplexity(tokens)[0])


# -- probabilities and sampling -------------------------------------------------------------------
@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_probabilities_sum_to_one_and_follow_the_counts(small, temperature):
    vocab, tokens = small
    model = NGramModel.fit(tokens, 3, len(vocab))
    trigrams = naive_counts(tokens.tolist(), 3)
    contexts = {k[:2] for k in trigrams}
    for context in contexts:
        p = model.probabilities(context, temperature=temperature)
        assert p.sum() == pytest.approx(1.0, abs=1e-12)
        weights = {k[2]: c ** (1 / temperature) for k, c in trigrams.items() if k[:2] == context}
        total = sum(weights.values())
        expected = np.zeros(len(vocab))
        for w, x in weights.items():
            expected[w] = x / total
        np.testing.assert_allclose(p, expected, atol=1e-12)


def test_sampling_table_steps_are_the_probabilities(small):
    vocab, tokens = small
    model = NGramModel.fit(tokens, 2, len(vocab))
    for temperature in (0.7, 1.0, 1.6):
        sampler = model._sampler(temperature)
        starts = np.r_[0, sampler.last[:-1] + 1]
        for c, (a, b) in enumerate(zip(starts, sampler.last + 1, strict=True)):
            steps = np.diff(np.r_[c, sampler.cum[a:b]])
            context = [int(model.keys[-1][a] // model.vocab_size)]
            p = model.probabilities(context, temperature=temperature)
            np.testing.assert_allclose(steps, p[sampler.token[a:b]], atol=1e-12)


@pytest.mark.parametrize("temperature", [0.6, 1.0, 1.5])
def test_sampled_frequencies_match_the_model_within_monte_carlo_error(small, temperature):
    vocab, tokens = small
    model = NGramModel.fit(tokens, 2, len(vocab))
    sample, offsets = model.sample(60_000, temperature=temperature, rng=11)
    sample = sample[: np.flatnonzero(sample == EOS)[-2] + 1]  # the last line was cut to fit
    # first words of lines follow P(w | BOS); the word after "to" follows P(w | to)
    for context in ([BOS], [vocab.id("to")]):
        p = model.probabilities(context, temperature=temperature)
        if context == [BOS]:
            drawn = sample[np.r_[0, np.flatnonzero(sample == EOS)[:-1] + 1]]
        else:
            drawn = sample[1:][sample[:-1] == context[0]]
        freq = np.bincount(drawn, minlength=len(vocab)) / drawn.size
        se = np.sqrt(p * (1 - p) / drawn.size)
        assert np.all(np.abs(freq - p) <= 4.5 * se + 1e-12), (context, freq, p)
        assert drawn.size > 1_000


def test_sample_writes_exactly_the_requested_words_for_every_model(small):
    vocab, tokens = small
    model = NGramModel.fit(tokens, 3, len(vocab)).replicate(4)
    sample, offsets = model.sample(1_001, rng=3, max_line_words=5)
    assert offsets.tolist()[0] == 0 and offsets[-1] == sample.size and offsets.size == 5
    for g in range(4):
        part = sample[offsets[g] : offsets[g + 1]]
        assert int(np.sum(part != EOS)) == 1_001 and part[-1] == EOS
        lengths = np.diff(np.r_[-1, np.flatnonzero(part == EOS)]) - 1
        assert lengths.max() <= 5  # lines are cut after max_line_words words
    trigrams = set(naive_counts(tokens.tolist(), 3))
    written = naive_counts(sample[offsets[0] : offsets[1]].tolist(), 3)
    # every trigram but those ending a line cut short was seen in training
    assert all(k in trigrams or k[2] == EOS for k in written)


def test_sampling_is_deterministic_for_a_seed(small):
    vocab, tokens = small
    model = NGramModel.fit(tokens, 3, len(vocab))
    a, _ = model.sample(500, rng=5)
    b, _ = model.sample(500, rng=5)
    c, _ = model.sample(500, rng=6)
    d, _ = model.sample(500, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, d)
    assert not np.array_equal(a, c)


# -- perplexity ---------------------------------------------------------------------------------
def test_perplexity_of_a_uniform_model_is_the_vocabulary_size(small):
    vocab, tokens = small
    v = len(vocab)
    empty = NGramModel.fit(np.array([], dtype=int), 3, v)  # has seen nothing: add-k is uniform
    assert empty.perplexity(tokens)[0] == pytest.approx(v - 2)  # every id but BOS and UNK
    scored = np.arange(1, 11)
    assert empty.perplexity(tokens, vocabulary=scored)[0] == pytest.approx(10)
    # a unigram model fitted to text in which every token is equally frequent, no smoothing
    words = np.arange(3, v)
    uniform = NGramModel.fit(np.tile(np.r_[words, EOS], 4), 1, v)
    assert uniform.perplexity(tokens, add_k=0.0)[0] == pytest.approx(v - 2)


def test_perplexity_matches_a_hand_computation(small):
    vocab, tokens = small
    v = len(vocab)
    train, test = tokens[: tokens.size // 2 + 3], vocab.encode(LINES[3:] + ["to be a sea"])
    train = np.r_[train, EOS] if train[-1] != EOS else train
    model = NGramModel.fit(train, 3, v)
    weights, k = (0.2, 0.3, 0.5), 0.7
    counts = {m: naive_counts(train.tolist(), m) for m in (1, 2, 3)}
    scored = [t for t in range(v) if t not in (BOS, UNK)]
    n_train = sum(counts[1].values())
    log_sum, n = 0.0, 0
    history = [BOS, BOS]
    for t in test.tolist():
        num = weights[0] * (counts[1][(t,)] + k) / (n_train + k * len(scored))
        den = weights[0]
        for m in (2, 3):
            ctx = tuple(history[-(m - 1) :])
            total = sum(c for key, c in counts[m].items() if key[:-1] == ctx)
            if total:
                num += weights[m - 1] * counts[m][(*ctx, t)] / total
                den += weights[m - 1]
        log_sum += math.log(num / den)
        n += 1
        history = [BOS, BOS] if t == EOS else [history[-1], t]
    expected = math.exp(-log_sum / n)
    assert model.perplexity(test, weights=weights, add_k=k)[0] == pytest.approx(expected, rel=1e-10)


def test_unscored_tokens_still_serve_as_context(small):
    vocab, tokens = small
    model = NGramModel.fit(tokens, 2, len(vocab))
    with_unk = vocab.encode(["to hamlet be", "to be"])
    assert UNK in with_unk
    scored = np.setdiff1d(np.arange(1, len(vocab)), [UNK])
    ppl = model.perplexity(with_unk, vocabulary=scored)[0]
    mask = np.zeros(len(vocab), dtype=bool)
    mask[scored] = True
    assert ppl == pytest.approx(model.perplexity(with_unk, vocabulary=mask)[0])
    assert np.isfinite(ppl)


def test_default_weights():
    assert default_weights(1) == (1.0,)
    assert default_weights(3) == pytest.approx((1 / 3, 1 / 3, 1 / 3))


# -- diversity ----------------------------------------------------------------------------------
def test_diversity_measures_match_naive_python(small):
    vocab, tokens = small
    words = [w for line in LINES for w in tokenize(line)]
    counts = Counter(words)
    assert vocabulary_size(tokens) == len(counts)
    assert hapax_count(tokens) == sum(1 for c in counts.values() if c == 1)
    for n in (1, 2, 3):
        grams = [
            tuple(ws[i : i + n])
            for line in LINES
            for ws in [tokenize(line)]
            for i in range(len(ws) - n + 1)
        ]
        assert distinct_n(tokens, n) == pytest.approx(len(set(grams)) / len(grams))
    stats = corpus_stats(tokens)
    assert stats.words[0] == len(words) and stats.lines[0] == len(LINES)
    share = np.array(list(counts.values())) / len(words)
    assert stats.gini_simpson[0] == pytest.approx(1 - np.sum(share**2))
    assert distinct_n(tokens[:-1], 2) == distinct_n(tokens, 2)  # a missing last EOS is added


# -- the shipped data ----------------------------------------------------------------------------
def test_shakespeare_file_loads_and_has_the_documented_size():
    plays = shakespeare()
    assert len(plays) == 27
    assert sum(len(lines) for lines in plays.values()) == 77_125
    assert plays["tragedies/hamlet"][0] == "Who's there?"
    assert not any(name.startswith("histories/") for name in plays)
    assert all(not line.startswith("#") for lines in plays.values() for line in lines)
    split = shakespeare_split()
    assert split.test_plays == TEST_PLAYS and len(split.train_plays) == 22
    assert len(split.vocabulary) == 21_293 + 3
    every = np.r_[split.train, split.test]
    assert int(np.sum(every != EOS)) == 577_515
    assert vocabulary_size(every) == 21_293 and hapax_count(every) == 8_544
    assert int(np.sum(split.train != EOS)) == 484_818
    assert int(np.sum(split.test != EOS)) == 92_697
    assert not split.train.flags.writeable
    note = Path(peakdata.data.path("shakespeare.md")).read_text()
    for number in ("577,515", "21,293", "8,544", "484,818", "92,697", "77,125", "3.0.0"):
        assert number in note
    size = Path(peakdata.data.path("shakespeare.txt.gz")).stat().st_size
    assert f"{size:,} bytes compressed" in note and size <= 1_500_000


def test_shakespeare_split_checks_play_names():
    with pytest.raises(ValueError, match="test_plays must be distinct names"):
        shakespeare_split(("tragedies/hamlet", "tragedies/hamlet"))
    with pytest.raises(ValueError, match="test_plays must be distinct names"):
        shakespeare_split(("histories/henry-v",))
    with pytest.raises(TypeError, match="test_plays must be a sequence"):
        shakespeare_split("tragedies/hamlet")
    other = shakespeare_split(("tragedies/hamlet",))
    assert other.test_plays == ("tragedies/hamlet",) and len(other.train_plays) == 26


# -- bad inputs ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda m, t: NGramModel.fit(t, 0, 60), ValueError, "order must be >= 1 and <= 4"),
        (lambda m, t: NGramModel.fit(t, 5, 60), ValueError, "order must be >= 1 and <= 4"),
        (lambda m, t: NGramModel.fit(t, 2.0, 60), TypeError, "order must be an integer"),
        (
            lambda m, t: NGramModel.fit(t, 3, 5),
            ValueError,
            "tokens must hold ids >= 0 and < vocab_size = 5",
        ),
        (lambda m, t: NGramModel.fit(t, 4, 10**6), ValueError, "vocab_size must keep models"),
        (lambda m, t: NGramModel.fit(t[:-1], 3, 60), ValueError, "must end every line"),
        (lambda m, t: NGramModel.fit(np.r_[BOS, t], 3, 60), ValueError, "must not contain BOS"),
        (lambda m, t: NGramModel.fit(t * 1.0, 3, 60), TypeError, "tokens must be a 1-D array"),
        (
            lambda m, t: NGramModel.fit(t, 3, 60, offsets=[0, 5]),
            ValueError,
            "offsets must rise from 0",
        ),
        (
            lambda m, t: NGramModel.fit(t, 3, 60, offsets=[0, 3, t.size]),
            ValueError,
            "must end every line",
        ),
        (lambda m, t: m.sample(0), ValueError, "words must be >= 1"),
        (lambda m, t: m.sample(10, temperature=0.0), ValueError, "temperature must be > 0.0"),
        (
            lambda m, t: m.sample(10, temperature=float("nan")),
            ValueError,
            "temperature must be > 0",
        ),
        (lambda m, t: m.sample(10, max_line_words=0), ValueError, "max_line_words must be >= 1"),
        (lambda m, t: m.sample(10, rng=-1), ValueError, "rng must be >= 0"),
        (
            lambda m, t: m.perplexity(t, weights=(1, 1)),
            ValueError,
            "weights must be 3 finite numbers",
        ),
        (lambda m, t: m.perplexity(t, weights=(0, 0, 1)), ValueError, "weights\\[0\\] > 0"),
        (lambda m, t: m.perplexity(t, weights="abc"), TypeError, "weights must be a sequence"),
        (lambda m, t: m.perplexity(t, add_k=-1), ValueError, "add_k must be >= 0"),
        (
            lambda m, t: m.perplexity(t, vocabulary=[BOS, 5]),
            ValueError,
            "vocabulary must not contain BOS",
        ),
        (
            lambda m, t: m.perplexity(t, vocabulary=np.ones(3, bool)),
            ValueError,
            "vocabulary must be a bool mask",
        ),
        (
            lambda m, t: m.perplexity(t, vocabulary=[UNK]),
            ValueError,
            "at least one token of the vocabulary",
        ),
        (lambda m, t: m.probabilities([5]), ValueError, "context must hold order - 1 = 2 ids"),
        (lambda m, t: m.probabilities([EOS, EOS]), ValueError, "was never seen"),
        (
            lambda m, t: m.probabilities([BOS, BOS], temperature=-1),
            ValueError,
            "temperature must be > 0",
        ),
        (
            lambda m, t: m.probabilities([BOS, BOS], model=1),
            ValueError,
            "model must be >= 0 and <= 0",
        ),
        (lambda m, t: m.merge(NGramModel.fit(t, 2, 60)), ValueError, "other must have the same"),
        (lambda m, t: m.merge("model"), TypeError, "other must be an NGramModel"),
        (lambda m, t: m.replicate(2).replicate(2), ValueError, "only a single model"),
        (
            lambda m, t: NGramModel.fit(np.array([], int), 2, 60).sample(5),
            ValueError,
            "must have seen some text",
        ),
        (lambda m, t: distinct_n(t, 0), ValueError, "n must be >= 1"),
        (lambda m, t: corpus_stats(t, vocab_size=2), ValueError, "vocab_size must be >= 3"),
    ],
)
def test_bad_arguments_are_named(small, call, error, message):
    vocab, tokens = small
    assert len(vocab) < 60
    model = NGramModel.fit(tokens, 3, 60)
    with pytest.raises(error, match=message):
        call(model, tokens)


# -- truncated sampling: temperature, top-k, top-p -------------------------------------------------
from peakdata.text import rank_frequency, type_token_ratio  # noqa: E402


@pytest.fixture(scope="module")
def shakespeare_model():
    split = shakespeare_split()
    tokens = split.train[: np.flatnonzero(split.train == EOS)[4000] + 1]  # 4,001 lines
    return NGramModel.fit(tokens, 3, len(split.vocabulary))


def draws(tokens: np.ndarray, order: int, max_line_words: int = 200):
    """(context, token) of every token of a written corpus but its last (which may be a cut) and
    the ends of lines forced after ``max_line_words`` words."""
    history, length = [BOS] * (order - 1), 0
    for t in tokens[:-1].tolist():
        if not (t == EOS and length == max_line_words):
            yield list(history), t
        history = [BOS] * (order - 1) if t == EOS else [*history[1:], t]
        length = 0 if t == EOS else length + 1


def toy_model() -> NGramModel:
    """A bigram model whose first words have counts 3, 2, 2, 1 (ids 3, 4, 5, 6): a tie at 2."""
    lines = [3, 3, 3, 4, 4, 5, 5, 6]
    return NGramModel.fit(np.array([t for w in lines for t in (w, EOS)]), 2, 7)


@pytest.mark.parametrize(
    ("knobs", "kept"),
    [
        ({}, [3, 4, 5, 6]),
        ({"top_k": 1}, [3]),
        ({"top_k": 2}, [3, 4]),  # 4 and 5 tie: the smaller id is kept
        ({"top_k": 3}, [3, 4, 5]),
        ({"top_k": 10}, [3, 4, 5, 6]),
        ({"top_p": 0.375}, [3]),  # 3/8 reaches 0.375 exactly
        ({"top_p": 0.4}, [3, 4]),
        ({"top_p": 0.625}, [3, 4]),
        ({"top_p": 0.7}, [3, 4, 5]),
        ({"top_p": 1e-9}, [3]),
        ({"top_p": 1.0}, [3, 4, 5, 6]),
        ({"temperature": 0.5, "top_p": 0.5}, [3]),  # weights 9, 4, 4, 1
        ({"temperature": 0.5, "top_p": 0.6}, [3, 4]),
        ({"top_k": 2, "top_p": 0.6}, [3]),  # renormalised over the top 2: 3/5 = 0.6
        ({"top_k": 3, "top_p": 0.8}, [3, 4, 5]),  # 5/7 < 0.8
    ],
)
def test_truncated_probabilities_by_hand(knobs, kept):
    p = toy_model().probabilities([BOS], **knobs)
    assert np.flatnonzero(p).tolist() == kept
    weights = np.array([3.0, 2.0, 2.0, 1.0]) ** (1 / knobs.get("temperature", 1.0))
    expected = np.zeros(7)
    expected[kept] = weights[np.array(kept) - 3] / weights[np.array(kept) - 3].sum()
    np.testing.assert_allclose(p, expected, rtol=1e-12)


def test_top_k_1_is_greedy(shakespeare_model):
    tokens, _ = shakespeare_model.sample(3_000, top_k=1, rng=4, max_line_words=10**4)
    for context, token in draws(tokens, 3):
        p = shakespeare_model.probabilities(context)
        assert token == int(np.argmax(p))  # the most likely; ties: the smallest id
    assert len(set(map(tuple, np.split(tokens, np.flatnonzero(tokens == EOS)[:-1] + 1)[:-1]))) == 1


def test_tiny_top_p_is_greedy(shakespeare_model):
    greedy, _ = shakespeare_model.sample(2_000, top_k=1, rng=5)
    np.testing.assert_array_equal(shakespeare_model.sample(2_000, top_p=1e-12, rng=6)[0], greedy)
    p = shakespeare_model.probabilities([BOS, BOS], top_p=1e-12)
    assert np.flatnonzero(p).tolist() == [
        int(np.argmax(shakespeare_model.probabilities([BOS, BOS])))
    ]


@pytest.mark.parametrize("temperature", [1.0, 0.7, 1.3])
def test_defaults_and_no_op_truncation_give_the_untruncated_sample(shakespeare_model, temperature):
    plain = shakespeare_model.sample(5_000, temperature=temperature, rng=7)
    explicit = shakespeare_model.sample(
        5_000, temperature=temperature, rng=7, top_k=None, top_p=1.0
    )
    keep_all = shakespeare_model.sample(5_000, temperature=temperature, rng=7, top_k=10**6)
    for other in (explicit, keep_all):
        np.testing.assert_array_equal(other[0], plain[0])
        np.testing.assert_array_equal(other[1], plain[1])


@pytest.mark.parametrize(
    "knobs",
    [
        {"top_k": 3},
        {"top_p": 0.5},
        {"top_p": 0.9, "temperature": 0.7},
        {"top_k": 20, "top_p": 0.8, "temperature": 1.3},
    ],
)
def test_every_sampled_word_is_in_the_kept_set(shakespeare_model, knobs):
    tokens, _ = shakespeare_model.sample(4_000, rng=8, **knobs)
    cache = {}
    for context, token in draws(tokens, 3):
        key = tuple(context)
        if key not in cache:
            cache[key] = shakespeare_model.probabilities(context, **knobs) > 0
        assert cache[key][token], (context, token)
    untruncated = shakespeare_model.probabilities([BOS, BOS]) > 0
    assert cache[(BOS, BOS)].sum() < untruncated.sum()  # the knobs did cut something


def test_truncated_sampler_draws_the_renormalised_probabilities(shakespeare_model):
    p = shakespeare_model.probabilities([BOS, BOS], top_p=0.5, temperature=0.8)
    tokens, _ = shakespeare_model.sample(60_000, top_p=0.5, temperature=0.8, rng=9)
    first = tokens[np.r_[0, np.flatnonzero(tokens == EOS)[:-1] + 1]]  # first word of each line
    freq = np.bincount(first, minlength=p.size) / first.size
    kept = p > 0
    z = (freq - p)[kept] / np.sqrt(p * (1 - p) / first.size)[kept]
    assert np.all(freq[~kept] == 0) and np.abs(z).max() < 5


def test_truncation_that_leaves_only_empty_lines_is_refused():
    lines = np.array([3, EOS, EOS, EOS, EOS, 4, EOS])  # unigram: EOS is most of the mass
    model = NGramModel.fit(lines, 1, 5)
    model.sample(10, rng=1)  # untruncated: fine
    with pytest.raises(ValueError, match="every line would be empty"):
        model.sample(10, top_p=0.5, rng=1)


def test_type_token_ratio_distinct_n_and_rank_frequency_on_a_toy_text():
    tokens = np.array([3, 4, 3, EOS, 3, 4, EOS])  # words 3 4 3 | 3 4
    assert type_token_ratio(tokens) == pytest.approx(2 / 5)
    assert distinct_n(tokens, 1) == pytest.approx(2 / 5)
    assert distinct_n(tokens, 2) == pytest.approx(2 / 3)  # (3 4), (4 3), (3 4): none across lines
    assert distinct_n(tokens, 3) == pytest.approx(1.0)  # (3 4 3) only
    ranks, share = rank_frequency(tokens)
    np.testing.assert_array_equal(ranks, [1, 2])
    np.testing.assert_allclose(share, [3 / 5, 2 / 5])
    assert math.isnan(type_token_ratio(np.array([EOS, EOS])))
    ranks, share = rank_frequency(np.array([9, 5, 7, 5, 9, 9, EOS]))
    np.testing.assert_allclose(share, [3 / 6, 2 / 6, 1 / 6])
    assert share.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda m: m.sample(10, top_p=0), ValueError, "top_p must be > 0.0 and <= 1.0"),
        (lambda m: m.sample(10, top_p=1.5), ValueError, "top_p must be > 0.0 and <= 1.0"),
        (lambda m: m.sample(10, top_p=-0.2), ValueError, "top_p must be > 0.0"),
        (lambda m: m.sample(10, top_p=float("nan")), ValueError, "top_p must be"),
        (lambda m: m.sample(10, top_p="0.5"), TypeError, "top_p must be a real number"),
        (lambda m: m.sample(10, top_k=0), ValueError, "top_k must be >= 1"),
        (lambda m: m.sample(10, top_k=-3), ValueError, "top_k must be >= 1"),
        (lambda m: m.sample(10, top_k=2.5), TypeError, "top_k must be an integer"),
        (lambda m: m.sample(10, temperature=0), ValueError, "temperature must be > 0"),
        (lambda m: m.sample(10, temperature=-1), ValueError, "temperature must be > 0"),
        (lambda m: m.probabilities([BOS], top_p=0), ValueError, "top_p must be > 0.0"),
        (lambda m: m.probabilities([BOS], top_k=0), ValueError, "top_k must be >= 1"),
        (lambda m: distinct_n(np.array([3, EOS]), 0), ValueError, "n must be >= 1"),
        (lambda m: type_token_ratio("3 4"), TypeError, "tokens must be"),
        (lambda m: rank_frequency(np.array([EOS])), ValueError, "at least one word"),
        (lambda m: rank_frequency(np.array([-1, EOS])), ValueError, "tokens must hold ids >= 0"),
    ],
)
def test_bad_truncation_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call(toy_model())
