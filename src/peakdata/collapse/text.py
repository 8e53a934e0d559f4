"""Model collapse for text: an n-gram word model trained, generation after generation, on its
own writing.

Generation 0 is real text (by default Shakespeare, :func:`peakdata.text.shakespeare_split`). Each
generation fits an n-gram model (:class:`peakdata.text.NGramModel`) to its training data and writes
a new corpus of the same number of words; the next generation trains on that corpus alone
("replace") or on everything so far, real text included ("accumulate", as in Gerstgrasser et al.
2024). Every generation is measured on what it wrote (vocabulary, hapax legomena, distinct-n) and
on how well its model predicts held-out real text (perplexity).

With ``order=1`` the model is a bag of words and one generation is multinomial resampling of the
word counts, for which :func:`unigram_expectations` gives exact expectations (the "discrete case"
of Shumailov et al. 2024: a word of probability q is missed by M draws with probability (1-q)^M).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import (
    check_budget,
    check_choice,
    check_int,
    check_real,
    check_temperature,
    make_rng,
)
from ..text import (
    EOS,
    MAX_ORDER,
    NGramModel,
    _check_corpus,
    _check_weights,
    corpus_stats,
    shakespeare_split,
)

WORKFLOWS = ("replace", "accumulate")
"""What each generation trains on: the last corpus only, or every corpus so far."""

DISTINCT_NS = (1, 2, 3)


@dataclass(frozen=True)
class TextChain:
    """Per-generation measurements of a text chain, arrays of shape ``(seeds, generations + 1)``.

    Column 0 is the real text (and the model fitted to it); column n what generation n wrote and
    the model it trained.
    """

    workflow: str
    temperature: float
    order: int
    corpus_size: int
    vocabulary: np.ndarray  # distinct words in the corpus
    hapax: np.ndarray  # words seen exactly once
    distinct: dict[int, np.ndarray]  # distinct-n, n = 1, 2, 3
    gini_simpson: np.ndarray  # 1 - sum p_w^2 of the word frequencies
    words_per_line: np.ndarray
    perplexity: np.ndarray  # of the generation's model on held-out real text (NaN if no test)
    excerpts: tuple[np.ndarray, ...]  # the first lines each generation wrote (seed 0), token ids

    @property
    def generations(self) -> int:
        return self.vocabulary.shape[1] - 1

    @property
    def seeds(self) -> int:
        return self.vocabulary.shape[0]

    def metrics(self) -> dict[str, np.ndarray]:
        """Every measurement by name, ``(seeds, generations + 1)`` each."""
        return {
            "vocabulary": self.vocabulary,
            "hapax": self.hapax,
            **{f"distinct_{n}": d for n, d in self.distinct.items()},
            "gini_simpson": self.gini_simpson,
            "words_per_line": self.words_per_line,
            "perplexity": self.perplexity,
        }


def first_words(tokens: object, words: int) -> np.ndarray:
    """The first ``words`` words of a corpus, whole lines with the last one cut to fit."""
    words = check_int("words", words, minimum=1)
    arr, _ = _check_corpus("tokens", tokens, np.iinfo(np.int32).max)
    is_word = arr != EOS
    available = int(is_word.sum())
    if available < words:
        raise ValueError(f"words must be <= the {available} words of the text, got {words}")
    last = int(np.searchsorted(np.cumsum(is_word), words))  # index of the words-th word
    return np.r_[arr[: last + 1], EOS].astype(np.int64)


def text_chain(
    generations: int = 10,
    corpus_size: int = 200_000,
    *,
    workflow: str = "replace",
    temperature: float = 1.0,
    order: int = 3,
    seeds: int = 1,
    rng: int | np.random.Generator = 0,
    real: object = None,
    test: object = None,
    vocab_size: int | None = None,
    weights=None,
    add_k: float = 0.5,
    excerpt_lines: int = 0,
    max_line_words: int = 200,
) -> TextChain:
    """Train an n-gram model on its own writing, generation after generation, for many seeds.

    Parameters
    ----------
    generations : int
        Rounds of fit-then-write (>= 0).
    corpus_size : int
        Words in every corpus: the first ``corpus_size`` words of the real text, and each
        generation's writing (>= 1).
    workflow : {"replace", "accumulate"}
        Train generation n on the last corpus only, or on all corpora 0..n.
    temperature : float
        Sampling temperature (> 0): next-token probabilities are raised to the power 1/T and
        renormalised, so T < 1 favours frequent continuations and T > 1 rare ones.
    order : int
        n of the n-gram model (1 to 4).
    seeds : int
        Independent runs from the same real text, fitted and sampled together (>= 1).
    rng : int or numpy.random.Generator
        Seed or generator; the same integer gives the same result.
    real, test : arrays of token ids, optional
        Real text for generation 0 and held-out real text for perplexity, lines ended by EOS.
        Default: Shakespeare's training and test plays. With ``real`` given and ``test`` omitted,
        perplexity is NaN.
    vocab_size : int, optional
        Size of the id space (default: from the data).
    weights, add_k
        Smoothing of the perplexity, see :meth:`peakdata.text.NGramModel.perplexity`. The scored
        vocabulary is fixed for all generations and corpus sizes: every word of ``real`` (not
        only of its first ``corpus_size`` words), and EOS.
    excerpt_lines : int
        Lines of each generation's corpus (seed 0) kept in ``excerpts`` (>= 0).
    max_line_words : int
        A line still going after this many words is ended (>= 1).

    Returns
    -------
    TextChain
        Per-generation measurements, shape ``(seeds, generations + 1)``.
    """
    generations = check_int("generations", generations, minimum=0)
    corpus_size = check_int("corpus_size", corpus_size, minimum=1)
    workflow = check_choice("workflow", workflow, WORKFLOWS)
    temperature = check_temperature(temperature, minimum=0.0)
    order = check_int("order", order, minimum=1, maximum=MAX_ORDER)
    seeds = check_int("seeds", seeds, minimum=1)
    excerpt_lines = check_int("excerpt_lines", excerpt_lines, minimum=0)
    max_line_words = check_int("max_line_words", max_line_words, minimum=1)
    add_k = check_real("add_k", add_k, minimum=0.0)
    _check_weights(weights, order)
    gen = make_rng(rng)
    if real is None:
        if test is not None:
            raise ValueError("test must come with real (or leave both out for Shakespeare)")
        split = shakespeare_split()
        real, test = split.train, split.test
        vocab_size = len(split.vocabulary) if vocab_size is None else vocab_size
    real, _ = _check_corpus("real", real, np.iinfo(np.int32).max)
    if test is not None:
        test, _ = _check_corpus("test", test, np.iinfo(np.int32).max)
    if vocab_size is None:
        vocab_size = int(max(real.max(), test.max() if test is not None and test.size else 0)) + 1
    vocab_size = max(check_int("vocab_size", vocab_size), 3)
    largest = max(int(real.max(initial=0)), int(test.max(initial=0)) if test is not None else 0)
    if largest >= vocab_size:
        raise ValueError(
            f"vocab_size must be > the largest id in real and test ({largest}), got {vocab_size}"
        )
    test_size = 0 if test is None else test.size

    def cost(generations: int, corpus_size: int, seeds: int, vocab_size: int) -> tuple[int, int]:
        kept = seeds * (3 * vocab_size + 40 * corpus_size) + 2 * vocab_size + 8 * test_size
        steps = (generations + 1) * seeds * (3_000 * corpus_size + 300 * order * test_size)
        return 8 * kept, steps

    try:
        corpus = first_words(real, corpus_size)
    except ValueError as error:
        raise ValueError(str(error).replace("words must", "corpus_size must", 1)) from None
    check_budget(
        cost, generations=generations, corpus_size=corpus_size, seeds=seeds, vocab_size=vocab_size
    )

    base = NGramModel.fit(corpus, order, vocab_size)
    scored = np.flatnonzero(
        np.bincount(real)
    )  # the fixed vocabulary: every word of the real text, and EOS

    def perplexity(model: NGramModel) -> np.ndarray:
        if test is None:
            return np.full(model.models, np.nan)
        return model.perplexity(test, vocabulary=scored, weights=weights, add_k=add_k)

    shape = (seeds, generations + 1)
    vocabulary, hapax = np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
    gini, per_line, ppl = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    distinct = {n: np.zeros(shape) for n in DISTINCT_NS}
    excerpts = []

    def record(n: int, tokens: np.ndarray, offsets: np.ndarray | None) -> None:
        stats = corpus_stats(tokens, offsets=offsets, vocab_size=vocab_size, ns=DISTINCT_NS)
        vocabulary[:, n], hapax[:, n] = stats.vocabulary, stats.hapax
        gini[:, n], per_line[:, n] = stats.gini_simpson, stats.words / stats.lines
        for k in DISTINCT_NS:
            distinct[k][:, n] = stats.distinct[k]
        first = tokens[: (offsets[1] if offsets is not None else tokens.size)]
        ends = np.flatnonzero(first == EOS)
        lines = min(excerpt_lines, ends.size)  # a short corpus has fewer lines: keep them all
        excerpts.append(first[: ends[lines - 1] + 1] if lines else first[:0])

    record(0, corpus, None)
    ppl[:, 0] = perplexity(base)
    model = base.replicate(seeds) if seeds > 1 else base
    for n in range(1, generations + 1):
        tokens, offsets = model.sample(
            corpus_size, temperature=temperature, rng=gen, max_line_words=max_line_words
        )
        record(n, tokens, offsets)
        fitted = NGramModel.fit(tokens, order, vocab_size, offsets=offsets)
        model = fitted if workflow == "replace" else model.merge(fitted)
        ppl[:, n] = perplexity(model)
    return TextChain(
        workflow,
        temperature,
        order,
        corpus_size,
        vocabulary,
        hapax,
        distinct,
        gini,
        per_line,
        ppl,
        tuple(excerpts),
    )


def unigram_expectations(corpus: object, samples: int | None = None) -> dict[str, float]:
    """Exact expectations after one generation of the bag-of-words chain (``order=1``).

    The unigram model draws each word independently with probability q_w = c_w / M (its share of
    the corpus's words); one generation draws ``samples`` words (default M). Then

    ``vocabulary``  E[distinct words] = sum_w 1 - (1 - q_w)^samples
    ``hapax``       E[words seen once] = sum_w samples q_w (1 - q_w)^(samples - 1)
    ``hapax_lost``  the share of words seen once in the corpus that the next one misses,
                    (1 - 1/M)^samples (-> 1/e for samples = M)
    """
    arr, _ = _check_corpus("corpus", corpus, np.iinfo(np.int32).max)
    _, counts = np.unique(arr[arr != EOS], return_counts=True)
    if counts.size == 0:
        raise ValueError("corpus must contain at least one word")
    m = int(counts.sum())
    samples = m if samples is None else check_int("samples", samples, minimum=1)
    q = counts / m
    with np.errstate(divide="ignore"):  # q = 1 (a one-word corpus): log1p(-1) = -inf
        log_miss, log_miss_once = np.log1p(-q), np.log1p(-1 / m)
    # (1 - q)^(samples - 1), with 0^0 = 1 when samples = 1 (not -inf * 0 = NaN)
    miss_rest = np.exp((samples - 1) * log_miss) if samples > 1 else np.ones_like(q)
    return {
        "vocabulary": float(np.sum(-np.expm1(samples * log_miss))),
        "hapax": float(np.sum(samples * q * miss_rest)),
        "hapax_lost": float(np.exp(samples * log_miss_once)),
    }


def reproductions() -> list:
    """Rows of the reproductions table for the text chain.

    An n-gram model cannot reproduce the published language-model numbers (Shumailov et al. use
    OPT-125m on wikitext2), so the rows check what is exact: the bag-of-words chain against the
    discrete-case closed forms, on Shakespeare's word frequencies.
    """
    from ..reproduce import Reproduction, derived, within_se
    from ..text import NGramModel as Model

    key = "shumailov2024nature"
    split = shakespeare_split()
    v = len(split.vocabulary)
    corpus = first_words(split.train, 10_000)
    theory = unigram_expectations(corpus)
    seeds = 200
    model = Model.fit(corpus, 1, v).replicate(seeds)
    tokens, offsets = model.sample(10_000, rng=2024)
    stats = corpus_stats(tokens, offsets=offsets, vocab_size=v, ns=(1,))
    words, counts = np.unique(corpus[corpus != EOS], return_counts=True)
    once = words[counts == 1]
    group = np.repeat(np.arange(seeds), np.diff(offsets))
    present = np.zeros((seeds, v), dtype=bool)
    present[group, tokens] = True
    lost = 1.0 - present[:, once].mean(axis=1)
    rows = []
    for claim, samples, expected in (
        (
            "bag of words, 1 generation of M = 10,000 words: E[vocabulary] = Σ 1 − (1 − q)^M",
            stats.vocabulary,
            theory["vocabulary"],
        ),
        (
            "bag of words, 1 generation: E[words seen once] = Σ Mq(1 − q)^(M−1)",
            stats.hapax,
            theory["hapax"],
        ),
        (
            "bag of words: a word seen once is lost with probability (1 − 1/M)^M ≈ 1/e",
            lost,
            theory["hapax_lost"],
        ),
    ):
        simulated, tolerance = within_se(samples)
        rows.append(
            Reproduction(
                key,
                claim,
                "closed form",
                float(expected),
                simulated,
                tolerance,
                origin=derived(key),
            )
        )
    return rows
