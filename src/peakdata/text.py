"""Text: a word tokenizer, Shakespeare's plays, an n-gram word model and diversity measures.

A corpus is a 1-D array of token ids: the words of each line followed by the end-of-line token
``EOS``. Several corpora can travel together as one array cut by ``offsets`` (corpus ``g`` is
``tokens[offsets[g]:offsets[g + 1]]``): this is how the book fits and samples one model per seed
at once, with no loop over seeds.

The n-gram model is the textbook one. For order ``n`` the probability of the next token given the
``n - 1`` tokens before it in the same line (lines are padded with ``BOS`` at the start) is the
count of that n-gram divided by the count of its context: the maximum-likelihood estimate. Counts
come from ``np.unique`` over n-grams encoded as integers (``context * V + next``), sampling from
one ``np.searchsorted`` per step over all lines being written, and perplexity from the same
tables, smoothed by interpolation with lower orders and an add-k unigram (see
:meth:`NGramModel.perplexity`).
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import numpy as np

from ._checks import (
    check_array,
    check_budget,
    check_int,
    check_real,
    check_temperature,
    make_rng,
)
from ._portable import exp, log

BOS, EOS, UNK = 0, 1, 2
"""Ids of the special tokens: start of line (padding only), end of line, unknown word."""

SPECIAL_TOKENS = ("<s>", "</s>", "<unk>")

MAX_ORDER = 4
"""Highest n-gram order; n-grams are encoded in 63-bit integers (``models * V**order < 2**62``)."""

WORD_PATTERN = re.compile(r"[a-z]+(?:'[a-z]+)*")
"""A word: letters a-z, with apostrophes kept inside a word (appear'd, o'er), not at its edges."""

SHAKESPEARE_FILE = "shakespeare.txt.gz"

TEST_PLAYS = (
    "comedies/twelfth-night",
    "problems/measure-for-measure",
    "roman/julius-caesar",
    "romances/the-tempest",
    "tragedies/macbeth",
)
"""Held-out plays (one per genre) whose lines are the real test text; the others are training."""

SHUFFLE_SEED = 0
"""Seed of the fixed order of training lines (any prefix is then a sample of every play)."""


# -- words -------------------------------------------------------------------------------------
def tokenize(line: str) -> list[str]:
    """Lower-case words of a line of text.

    A word is a run of letters a-z, after lower-casing, that may contain apostrophes between
    letters (``appear'd``, ``o'er``). Everything else separates words: punctuation, digits,
    spaces, hyphens (``to-night`` gives ``to`` and ``night``) and apostrophes at the edges of a
    word (``'tis`` gives ``tis``).
    """
    if not isinstance(line, str):
        raise TypeError(f"line must be a str, got {type(line).__name__}")
    return WORD_PATTERN.findall(line.lower())


@dataclass(frozen=True)
class Vocabulary:
    """Words and their ids: ``words[i]`` has id ``i``; ids 0-2 are ``<s>``, ``</s>``, ``<unk>``."""

    words: tuple[str, ...]

    def __post_init__(self) -> None:
        if tuple(self.words[:3]) != SPECIAL_TOKENS:
            raise ValueError(f"words must start with {SPECIAL_TOKENS}, got {self.words[:3]}")
        index = {w: i for i, w in enumerate(self.words)}
        if len(index) != len(self.words):
            raise ValueError("words must not repeat")
        object.__setattr__(self, "_index", index)

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> Vocabulary:
        """Every word of ``lines``, most frequent first (ties in alphabetical order)."""
        counts = Counter(w for line in _check_lines(lines) for w in tokenize(line))
        ranked = sorted(counts, key=lambda w: (-counts[w], w))
        return cls((*SPECIAL_TOKENS, *ranked))

    def __len__(self) -> int:
        return len(self.words)

    def id(self, word: str) -> int:
        """The id of ``word``, or ``UNK``."""
        if not isinstance(word, str):
            raise TypeError(f"word must be a str, got {type(word).__name__}")
        return self._index.get(word, UNK)

    def encode(self, lines: Iterable[str]) -> np.ndarray:
        """Token ids of ``lines``: each line's words then ``EOS``; lines without words are skipped.

        Words missing from the vocabulary become ``UNK``.
        """
        ids: list[int] = []
        get = self._index.get
        for line in _check_lines(lines):
            words = tokenize(line)
            if words:
                ids.extend(get(w, UNK) for w in words)
                ids.append(EOS)
        return np.asarray(ids, dtype=np.int64)

    def decode(self, tokens: Sequence[int] | np.ndarray) -> list[str]:
        """The lines of a token array, words joined by spaces (a last line without EOS is kept)."""
        tokens = _check_tokens("tokens", tokens, len(self))
        lines, current = [], []
        for t in tokens.tolist():
            if t == EOS:
                lines.append(" ".join(current))
                current = []
            elif t != BOS:
                current.append(self.words[t])
        if current:
            lines.append(" ".join(current))
        return lines


# -- Shakespeare ---------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def shakespeare() -> Mapping[str, tuple[str, ...]]:
    """The spoken lines of 27 plays, keyed ``"genre/play"`` (e.g. ``"tragedies/hamlet"``).

    Read from the package's ``shakespeare.txt.gz``; its provenance note ``shakespeare.md`` says
    what was kept. Lines are the text as printed, with punctuation and capitals.
    """
    from .data import path

    plays: dict[str, list[str]] = {}
    current: list[str] = []
    with gzip.open(path(SHAKESPEARE_FILE), "rt", encoding="utf-8") as f:
        for line in f.read().splitlines():
            if line.startswith("# "):
                current = plays.setdefault(line[2:], [])
            elif line:
                current.append(line)
    return MappingProxyType({name: tuple(lines) for name, lines in plays.items()})


@dataclass(frozen=True)
class TextSplit:
    """Shakespeare encoded: a vocabulary of every play, training tokens and held-out test tokens."""

    vocabulary: Vocabulary
    train: np.ndarray
    test: np.ndarray
    train_plays: tuple[str, ...]
    test_plays: tuple[str, ...]


def shakespeare_split(test_plays: Sequence[str] = TEST_PLAYS) -> TextSplit:
    """Training and test tokens: the test plays are held out whole.

    The training lines come in a fixed random order (seed :data:`SHUFFLE_SEED`), so that the first
    ``N`` words are a sample of every training play; the test lines keep their order. The
    vocabulary holds every word of every play, most frequent first.
    """
    if isinstance(test_plays, str):
        raise TypeError("test_plays must be a sequence of play names, not a single str")
    try:
        plays = tuple(test_plays)
    except TypeError:
        raise TypeError(
            f"test_plays must be a sequence of play names, got {type(test_plays).__name__}"
        ) from None
    if not all(isinstance(p, str) for p in plays):
        raise TypeError(f"test_plays must hold play names (str), got {plays!r:.80}")
    return _split(plays)


@lru_cache(maxsize=4)
def _split(test_plays: tuple[str, ...]) -> TextSplit:
    plays = shakespeare()
    unknown = [p for p in test_plays if p not in plays]
    if unknown or len(set(test_plays)) != len(test_plays) or len(test_plays) >= len(plays):
        raise ValueError(
            f"test_plays must be distinct names among {', '.join(plays)} (not all of them), "
            f"got {test_plays!r}"
        )
    vocabulary = Vocabulary.from_lines(line for lines in plays.values() for line in lines)
    train_plays = tuple(p for p in plays if p not in test_plays)
    train_lines = [line for p in train_plays for line in plays[p]]
    order = np.random.default_rng(SHUFFLE_SEED).permutation(len(train_lines))
    train = vocabulary.encode(train_lines[i] for i in order)
    test = vocabulary.encode(line for p in test_plays for line in plays[p])
    train.flags.writeable = False
    test.flags.writeable = False
    return TextSplit(vocabulary, train, test, train_plays, test_plays)


# -- argument checks -----------------------------------------------------------------------------
def _check_lines(lines: object) -> Iterable[str]:
    """The lines of an iterable of str, one by one (raising TypeError naming ``lines``)."""
    if isinstance(lines, str | bytes):
        raise TypeError("lines must be an iterable of lines, not a single str")
    try:
        iterator = iter(lines)
    except TypeError:
        raise TypeError(f"lines must be an iterable of str, got {type(lines).__name__}") from None
    for line in iterator:
        if not isinstance(line, str):
            raise TypeError(f"lines must hold only str, got a {type(line).__name__}")
        yield line


def _check_tokens(name: str, tokens: object, vocab_size: int | None = None) -> np.ndarray:
    """A 1-D array of integer token ids (in ``[0, vocab_size)`` when given)."""
    what = "a 1-D array of integer token ids"
    arr = check_array(name, tokens, dtype=int, what=what)
    if arr.ndim != 1:
        raise TypeError(f"{name} must be {what}, got {tokens!r:.80}")
    if arr.size and (arr.min() < 0 or (vocab_size is not None and arr.max() >= vocab_size)):
        bad = arr[(arr < 0) | (arr >= (vocab_size or np.iinfo(np.int64).max))][0]
        upper = f" and < vocab_size = {vocab_size}" if vocab_size is not None else ""
        raise ValueError(f"{name} must hold ids >= 0{upper}, got {bad}")
    return arr


def _check_corpus(
    name: str, tokens: object, vocab_size: int, offsets: object = None
) -> tuple[np.ndarray, np.ndarray]:
    """Tokens that end every corpus with EOS and never contain BOS, and checked offsets."""
    arr = _check_tokens(name, tokens, vocab_size)
    if offsets is None:
        cuts = np.array([0, arr.size], dtype=np.int64)
    else:
        cuts = check_array("offsets", offsets, dtype=int, what=_OFFSETS)
        if cuts.ndim != 1 or cuts.size < 2:
            raise TypeError(f"offsets must be {_OFFSETS}, got {offsets!r:.80}")
        if cuts[0] != 0 or cuts[-1] != arr.size or np.any(np.diff(cuts) < 0):
            raise ValueError(
                f"offsets must rise from 0 to len({name}) = {arr.size}, got {cuts.tolist()}"
            )
    if np.any(arr == BOS):
        raise ValueError(f"{name} must not contain BOS (id {BOS}): it only pads contexts")
    ends = cuts[1:][np.diff(cuts) > 0] - 1
    if ends.size and np.any(arr[ends] != EOS):
        raise ValueError(f"{name} must end every line (and every corpus) with EOS (id {EOS})")
    return arr, cuts


_OFFSETS = "a 1-D integer array of length >= 2"


def _check_model_size(order: int, vocab_size: int, models: int, tokens: int) -> None:
    """A model's n-gram tables and its dense (models, vocab_size) tables within the budget."""

    def cost(vocab_size: int, tokens: int) -> tuple[int, int]:
        return 8 * (3 * models * vocab_size + 6 * (order + 1) * tokens), 300 * order * tokens

    check_budget(cost, vocab_size=vocab_size, tokens=tokens)


def _check_truncation(top_k: object, top_p: object) -> tuple[int | None, float]:
    """``top_k``: None (no limit) or an integer >= 1; ``top_p``: a number in (0, 1]."""
    if top_k is not None:
        top_k = check_int("top_k", top_k, minimum=1)
    top_p = check_real("top_p", top_p, minimum=0.0, strict_minimum=True, maximum=1.0)
    return top_k, top_p


def _check_order_size(order: object, vocab_size: object, models: int = 1) -> tuple[int, int]:
    order = check_int("order", order, minimum=1, maximum=MAX_ORDER)
    vocab_size = check_int("vocab_size", vocab_size, minimum=3)
    if models * vocab_size**order >= 2**62:
        raise ValueError(
            f"vocab_size must keep models * vocab_size**order < 2**62 (63-bit n-gram codes), "
            f"got vocab_size = {vocab_size} with order {order} and {models} models"
        )
    return order, vocab_size


# -- n-gram codes --------------------------------------------------------------------------------
def _line_position(tokens: np.ndarray) -> np.ndarray:
    """Position of each token in its line (0 for the first word of a line)."""
    idx = np.arange(tokens.size)
    start = np.zeros(tokens.size, dtype=bool)
    if tokens.size:
        start[0] = True
        start[1:] = tokens[:-1] == EOS
    return idx - np.maximum.accumulate(np.where(start, idx, 0))


def _codes(tokens: np.ndarray, order: int, vocab_size: int, position=None) -> list[np.ndarray]:
    """For m = 1..order, the code of the m-gram ending at every token, BOS-padded in its line.

    The code of tokens (h_{m-1}, ..., h_1, w) is the base-``vocab_size`` number with those digits,
    so sorting codes sorts by context, then by next token.
    """
    pos = _line_position(tokens) if position is None else position
    codes = [tokens.copy()]
    context = np.zeros(tokens.size, dtype=np.int64)  # code of the last m - 1 tokens
    power = 1
    for k in range(1, order):
        previous = np.zeros(tokens.size, dtype=np.int64)
        previous[k:] = tokens[:-k]
        previous[pos < k] = BOS
        context = context + previous * power
        power *= vocab_size
        codes.append(context * vocab_size + tokens)
    return codes


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (by sorting: faster than ``np.unique``'s hash table for int64)."""
    ordered = np.sort(values, axis=None)
    if ordered.size == 0:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def _group_of(offsets: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(offsets.size - 1), np.diff(offsets))


def _segments(sorted_keys: np.ndarray, values: np.ndarray):
    """Unique values of ``sorted_keys`` (sorted) and the sum of ``values`` over each."""
    if sorted_keys.size == 0:
        return sorted_keys, values
    start = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    return sorted_keys[start], np.add.reduceat(values, start)


def _search(sorted_array: np.ndarray, needles: np.ndarray, side: str = "left") -> np.ndarray:
    """``np.searchsorted`` with the needles sorted first: several times faster for many needles."""
    order = np.argsort(needles, axis=None, kind="stable")
    found = np.empty(needles.size, dtype=np.int64)
    found[order] = np.searchsorted(sorted_array, needles.ravel()[order], side=side)
    return found.reshape(needles.shape)


def _lookup(
    sorted_keys: np.ndarray, values: np.ndarray, query: np.ndarray, query_sorted: bool = False
) -> np.ndarray:
    """``values`` at ``query`` keys, 0 where a key is absent."""
    if sorted_keys.size == 0:
        return np.zeros(query.shape, dtype=values.dtype)
    where = np.searchsorted(sorted_keys, query) if query_sorted else _search(sorted_keys, query)
    idx = np.minimum(where, sorted_keys.size - 1)
    return np.where(sorted_keys[idx] == query, values[idx], 0)


# -- the model ----------------------------------------------------------------------------------
class NGramModel:
    """Maximum-likelihood n-gram word models: one, or several fitted at once (``models``).

    Build one with :meth:`fit`. ``keys[m - 1]`` holds the sorted codes of every m-gram seen
    (m = 1..order), each prefixed by its model (``model * V**m + code``), and ``counts[m - 1]``
    their counts. Two models add up (:meth:`merge`): the counts of their training corpora pooled.
    """

    def __init__(
        self,
        order: int,
        vocab_size: int,
        models: int,
        keys: tuple[np.ndarray, ...],
        counts: tuple[np.ndarray, ...],
    ) -> None:
        self.order, self.vocab_size, self.models = order, vocab_size, models
        self.keys, self.counts = keys, counts
        self._context_tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._samplers: dict[tuple[float, int | None, float], _Sampler] = {}

    # construction ------------------------------------------------------------------------------
    @classmethod
    def fit(
        cls, tokens: object, order: int = 3, vocab_size: int | None = None, *, offsets=None
    ) -> NGramModel:
        """Count the n-grams of order 1..``order`` of a corpus (or of several, cut by ``offsets``).

        Parameters
        ----------
        tokens : array of int
            Token ids, each line ended by ``EOS``; ``BOS`` never appears (it only pads).
        order : int
            n, from 1 (unigram) to :data:`MAX_ORDER`.
        vocab_size : int, optional
            Size V of the id space (default: largest id + 1, at least 3).
        offsets : array of int, optional
            Corpus g is ``tokens[offsets[g]:offsets[g + 1]]``; one model is fitted to each.
        """
        arr = _check_tokens("tokens", tokens)
        if vocab_size is None:
            vocab_size = max(3, int(arr.max()) + 1 if arr.size else 3)
        if offsets is None:
            models = 1
        else:
            models = max(check_array("offsets", offsets, dtype=int, what=_OFFSETS).size - 1, 1)
        order, vocab_size = _check_order_size(order, vocab_size, models)
        arr, cuts = _check_corpus("tokens", arr, vocab_size, offsets)
        models = cuts.size - 1
        _check_model_size(order, vocab_size, models, arr.size)
        group = _group_of(cuts)
        keys, counts = [], []
        for m, code in enumerate(_codes(arr, order, vocab_size), start=1):
            k, c = np.unique(group * vocab_size**m + code, return_counts=True)
            keys.append(k)
            counts.append(c.astype(np.int64))
        return cls(order, vocab_size, models, tuple(keys), tuple(counts))

    def merge(self, other: NGramModel) -> NGramModel:
        """A model of both training corpora together (counts added, model by model)."""
        if not isinstance(other, NGramModel):
            raise TypeError(f"other must be an NGramModel, got {type(other).__name__}")
        mine = (self.order, self.vocab_size, self.models)
        theirs = (other.order, other.vocab_size, other.models)
        if mine != theirs:
            raise ValueError(
                f"other must have the same (order, vocab_size, models) = {mine}, got {theirs}"
            )
        keys, counts = [], []
        for k1, c1, k2, c2 in zip(self.keys, self.counts, other.keys, other.counts, strict=True):
            k, inverse = np.unique(np.concatenate([k1, k2]), return_inverse=True)
            keys.append(k)
            counts.append(np.bincount(inverse, weights=np.concatenate([c1, c2])).astype(np.int64))
        return NGramModel(self.order, self.vocab_size, self.models, tuple(keys), tuple(counts))

    def replicate(self, models: int) -> NGramModel:
        """``models`` copies of a single model (to start several seeds from the same data)."""
        models = check_int("models", models, minimum=1)
        if self.models != 1:
            raise ValueError(f"only a single model can be replicated, this one has {self.models}")
        _check_order_size(self.order, self.vocab_size, models)
        entries = sum(k.size for k in self.keys)

        def cost(models: int) -> tuple[int, int]:  # the tables, and the dense unigram counts
            return 8 * models * (2 * entries + 3 * self.vocab_size), 20 * models * entries

        check_budget(cost, models=models)
        g = np.arange(models, dtype=np.int64)[:, None]
        keys = tuple(
            (k[None, :] + g * self.vocab_size**m).ravel() for m, k in enumerate(self.keys, 1)
        )
        counts = tuple(np.tile(c, models) for c in self.counts)
        return NGramModel(self.order, self.vocab_size, models, keys, counts)

    # what the model knows ------------------------------------------------------------------------
    @property
    def tokens_seen(self) -> np.ndarray:
        """Training tokens (words and EOS) of each model."""
        return np.bincount(
            self.keys[0] // self.vocab_size, weights=self.counts[0], minlength=self.models
        ).astype(np.int64)

    def unigram_counts(self) -> np.ndarray:
        """Count of every id in each model's training corpus, shape ``(models, vocab_size)``."""
        dense = np.zeros(self.models * self.vocab_size, dtype=np.int64)
        dense[self.keys[0]] = self.counts[0]
        return dense.reshape(self.models, self.vocab_size)

    def _context_table(self, m: int) -> tuple[np.ndarray, np.ndarray]:
        """Sorted context keys of the order-m table (model prefix included) and their counts."""
        if m not in self._context_tables:
            self._context_tables[m] = _segments(
                self.keys[m - 1] // self.vocab_size, self.counts[m - 1]
            )
        return self._context_tables[m]

    def probabilities(
        self,
        context: Sequence[int] = (),
        *,
        temperature: float = 1.0,
        model: int = 0,
        top_k: int | None = None,
        top_p: float = 1.0,
    ) -> np.ndarray:
        """Next-token distribution after ``context`` (the last ``order - 1`` ids; ``BOS`` pads).

        The maximum-likelihood estimate, count(context, w) / count(context), raised to the power
        1/temperature and renormalised; then, if asked, truncated to the ``top_k`` most likely
        tokens and to the nucleus of probability ``top_p`` (see :meth:`sample`) and renormalised
        again. Raises ``ValueError`` for a context never seen.
        """
        temperature = check_temperature(temperature, minimum=0.0)
        top_k, top_p = _check_truncation(top_k, top_p)
        model = check_int("model", model, minimum=0, maximum=self.models - 1)
        if isinstance(context, str | bytes) or not isinstance(context, Iterable):
            raise TypeError(f"context must be a sequence of token ids, got {context!r:.80}")
        ctx = _check_tokens("context", list(context), self.vocab_size)
        if ctx.size != self.order - 1:
            raise ValueError(f"context must hold order - 1 = {self.order - 1} ids, got {ctx.size}")
        code = 0
        for t in ctx.tolist():
            code = code * self.vocab_size + t
        v = self.vocab_size
        low = (model * v ** (self.order - 1) + code) * v
        keys, counts = self.keys[-1], self.counts[-1]
        a, b = np.searchsorted(keys, [low, low + v])
        if a == b:
            raise ValueError(f"context {ctx.tolist()} was never seen by model {model}")
        p = np.zeros(v)
        p[keys[a:b] - low] = _tempered(counts[a:b], temperature)
        if top_k is not None or top_p < 1.0:  # the sampler's weights, for the same decisions
            c = counts[a:b]
            lw = log(c) / temperature
            w = c.astype(float) if temperature == 1.0 else exp(lw - lw.max())
            one = np.zeros(c.size, dtype=np.int64)  # a single context
            kept = _truncation(c, w, one[:1], one, top_k, top_p)
            p[keys[a:b][~kept] - low] = 0.0
            p /= p.sum()
        return p

    # writing -------------------------------------------------------------------------------------
    def sample(
        self,
        words: int,
        *,
        temperature: float = 1.0,
        rng: int | np.random.Generator = 0,
        max_line_words: int = 200,
        top_k: int | None = None,
        top_p: float = 1.0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each model writes a corpus of exactly ``words`` words, line by line.

        Lines start from the ``BOS`` context and end when ``EOS`` is drawn (or after
        ``max_line_words`` words). All lines of all models are written together, one
        ``searchsorted`` per step. Lines are independent draws; whole lines are taken until the
        corpus has ``words`` words, and the last one is cut to fit (its cut end is the only n-gram
        of the corpus that the model may never have seen; so are the ends of lines stopped at
        ``max_line_words``).

        Three knobs reshape each next-token distribution, in this order. ``temperature`` raises
        the probabilities to the power 1/T (renormalised). ``top_k`` (>= 1, default: no limit)
        keeps the k most likely next tokens of each context. ``top_p`` (0 < p <= 1, nucleus
        sampling) then keeps the fewest most likely tokens whose probability, renormalised over
        those kept so far, reaches p. Likelihood is ranked by count, ties by token id, so the
        kept set is the same on every machine; ``top_k=1`` (or a tiny ``top_p``) is greedy. The
        defaults truncate nothing.

        Returns ``(tokens, offsets)``: corpus g is ``tokens[offsets[g]:offsets[g + 1]]``.
        """
        words = check_int("words", words, minimum=1)
        temperature = check_temperature(temperature, minimum=0.0)
        top_k, top_p = _check_truncation(top_k, top_p)
        max_line_words = check_int("max_line_words", max_line_words, minimum=1)
        models = self.models

        def cost(words: int) -> tuple[int, int]:  # tokens, lines and their batches
            return 8 * 16 * models * (words + max_line_words), 600 * models * words

        check_budget(cost, words=words)
        gen = make_rng(rng)
        if np.any(self.tokens_seen == 0):
            raise ValueError("every model must have seen some text before it can write")
        return self._write(self._sampler(temperature, top_k, top_p), words, gen, max_line_words)

    def _write(
        self, sampler: _Sampler, words: int, gen: np.random.Generator, max_line_words: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """The body of :meth:`sample` for a given sampler (checked arguments)."""
        if np.any(sampler.mute):
            raise ValueError(
                "top_k, top_p and temperature must leave a word to start a line with: after the "
                "start of a line they keep only the end of line, so every line would be empty"
            )
        lines_per_word = sampler.lines / np.maximum(self.tokens_seen - sampler.lines, 1)

        need = np.full(self.models, words, dtype=np.int64)  # words still missing per model
        batches: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        while np.any(need > 0):
            n_lines = np.where(need > 0, np.ceil(need * lines_per_word * 1.1).astype(int) + 8, 0)
            tokens, line_model, line_length = sampler.lines_for(n_lines, gen, max_line_words)
            batches.append((tokens, line_model, line_length))
            need -= np.bincount(line_model, weights=line_length - 1, minlength=self.models).astype(
                np.int64
            )
        return _assemble(batches, self.models, words)

    def _sampler(
        self, temperature: float, top_k: int | None = None, top_p: float = 1.0
    ) -> _Sampler:
        key = (temperature, top_k, top_p)
        if key not in self._samplers:
            self._samplers[key] = _Sampler(self, temperature, top_k, top_p)
        return self._samplers[key]

    # reading -------------------------------------------------------------------------------------
    def perplexity(
        self,
        tokens: object,
        *,
        vocabulary: object = None,
        weights: Sequence[float] | None = None,
        add_k: float = 0.5,
    ) -> np.ndarray:
        """Perplexity of each model on a text, smoothed so that unseen words cost a finite amount.

        The probability of a token w after context h is the interpolation

            P(w | h) = sum_m lambda_m P_m(w | h_m)

        of the maximum-likelihood estimates P_m of every order m = 2..order (h_m: the last m - 1
        tokens of h) and an add-k unigram P_1(w) = (c(w) + k) / (N + k |vocabulary|). An order
        whose context was never seen drops out and the weights of the others are renormalised.
        Only tokens in ``vocabulary`` are scored (default: every id but ``BOS`` and ``UNK``);
        others, such as ``UNK``, still serve as context. Perplexity = exp(-mean ln P).

        Parameters
        ----------
        tokens : array of int
            Test text, each line ended by ``EOS``.
        vocabulary : array of bool (vocab_size,) or of ids, optional
            The fixed set of tokens the unigram spreads its add-k mass over, and that are scored.
        weights : sequence of float, optional
            lambda_1..lambda_order, >= 0, not all zero (normalised to sum 1). Default
            :func:`default_weights`.
        add_k : float
            Pseudo-count k >= 0 added to every token of ``vocabulary`` (default 1/2).

        Returns
        -------
        numpy.ndarray
            One perplexity per model.
        """
        arr, _ = _check_corpus("tokens", tokens, self.vocab_size)
        per = self.models * (self.order + 4)  # per token scored
        check_budget(lambda tokens: (48 * per * tokens, 100 * per * tokens), tokens=arr.size)
        mask = _vocabulary_mask(vocabulary, self.vocab_size)
        lam = _check_weights(weights, self.order)
        add_k = check_real("add_k", add_k, minimum=0.0)
        log_p = self._log_probabilities(arr, mask, lam, add_k)
        if log_p.shape[1] == 0:
            raise ValueError("tokens must contain at least one token of the vocabulary")
        return np.exp(-log_p.mean(axis=1))

    def _log_probabilities(
        self, tokens: np.ndarray, mask: np.ndarray, lam: np.ndarray, add_k: float
    ) -> np.ndarray:
        """ln P of every scored token, shape ``(models, scored tokens)``."""
        v, g = self.vocab_size, np.arange(self.models, dtype=np.int64)[:, None]
        scored = mask[tokens]
        codes = [c[scored] for c in _codes(tokens, self.order, v)]
        target = codes[0]
        unigram = self.unigram_counts()
        denominator = (unigram * mask).sum(axis=1, keepdims=True) + add_k * mask.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            numerator = lam[0] * (unigram[:, target] + add_k) / denominator
            total_weight = np.full(numerator.shape, lam[0])
            for m in range(2, self.order + 1):
                # sort the queries once: model-prefixed keys of sorted codes are sorted too
                order = np.argsort(codes[m - 1], kind="stable")
                code = codes[m - 1][order]
                ctx_keys, ctx_counts = self._context_table(m)
                context = np.empty(numerator.shape, dtype=np.int64)
                count = np.empty(numerator.shape, dtype=np.int64)
                context[:, order] = _lookup(
                    ctx_keys, ctx_counts, g * v ** (m - 1) + code // v, True
                )
                count[:, order] = _lookup(
                    self.keys[m - 1], self.counts[m - 1], g * v**m + code, True
                )
                seen = context > 0
                numerator += lam[m - 1] * np.where(seen, count / np.maximum(context, 1), 0.0)
                total_weight += lam[m - 1] * seen
            return np.log(numerator / total_weight)


def default_weights(order: int) -> tuple[float, ...]:
    """Interpolation weights lambda_1..lambda_order of :meth:`NGramModel.perplexity`: all equal.

    An equal mix is the simplest choice that is not tuned to the test text; on Shakespeare it is
    within a few percent of the best weights of a coarse grid.
    """
    order = check_int("order", order, minimum=1, maximum=MAX_ORDER)
    return (1.0 / order,) * order


def _check_weights(weights: object, order: int) -> np.ndarray:
    if weights is None:
        return np.asarray(default_weights(order))
    try:
        lam = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"weights must be a sequence of {order} numbers, got {weights!r}") from None
    if lam.shape != (order,) or not np.all(np.isfinite(lam)) or np.any(lam < 0) or lam[0] <= 0:
        raise ValueError(
            f"weights must be {order} finite numbers >= 0 with weights[0] > 0 (the unigram "
            f"backs every other order), got {weights!r}"
        )
    return lam / lam.sum()


def _vocabulary_mask(vocabulary: object, vocab_size: int) -> np.ndarray:
    if vocabulary is None:
        mask = np.ones(vocab_size, dtype=bool)
        mask[[BOS, UNK]] = False
        return mask
    try:
        arr = np.asarray(vocabulary)
    except ValueError:  # ragged
        raise TypeError(f"vocabulary must be ids or a bool mask, got {vocabulary!r:.80}") from None
    if arr.dtype == bool:
        if arr.shape != (vocab_size,):
            raise ValueError(
                f"vocabulary must be a bool mask of shape ({vocab_size},), got {arr.shape}"
            )
        mask = arr.copy()
    else:
        ids = _check_tokens("vocabulary", arr, vocab_size)
        mask = np.zeros(vocab_size, dtype=bool)
        mask[ids] = True
    if mask[BOS]:
        raise ValueError(f"vocabulary must not contain BOS (id {BOS}): it is never predicted")
    if not mask.any():
        raise ValueError("vocabulary must not be empty")
    return mask


def _truncation(
    counts: np.ndarray,
    weight: np.ndarray,
    starts: np.ndarray,
    rank: np.ndarray,
    top_k: int | None,
    top_p: float,
) -> np.ndarray:
    """Which entries of a table of next tokens survive top-k, then top-p truncation (bool mask).

    Entries are grouped by context (entry j belongs to context ``rank[j]``, which starts at entry
    ``starts[rank[j]]``) and sorted by token id within it; ``weight`` is proportional to each
    entry's probability. A context keeps its ``top_k`` most likely tokens, then the fewest of those
    whose weight reaches ``top_p`` of theirs. Tokens are ranked by their integer count (the same
    order at every temperature, with no rounding), ties by token id: a stable sort.
    """
    order = np.lexsort((-counts, rank))  # by context, most frequent first, ties by token id
    first = starts[rank[order]]
    keep = np.ones(counts.size, dtype=bool)  # in sorted order
    if top_k is not None:
        keep = np.arange(counts.size) - first < top_k
    if top_p < 1.0:
        w = np.where(keep, weight[order], 0.0)
        earlier = np.cumsum(w) - w
        before = earlier - earlier[first]  # weight of the more likely tokens of the context
        total = np.add.reduceat(w, starts)[rank[order]]
        keep &= before < top_p * total  # the most likely token has before = 0: always kept
    kept = np.empty(counts.size, dtype=bool)
    kept[order] = keep
    return kept


def _tempered(counts: np.ndarray, temperature: float) -> np.ndarray:
    """counts ** (1 / temperature), normalised, computed in logs so it never overflows."""
    if temperature == 1.0:
        return counts / counts.sum()
    logw = log(counts) / temperature
    w = exp(logw - logw.max())
    return w / w.sum()


class _Sampler:
    """Cumulative-probability table of the highest order, for vectorised sampling.

    Entries (one per n-gram seen) are sorted by context; ``cum[j] = rank of j's context +
    P(tokens up to j | context)``, so the entry drawn for context c with a uniform u is the first
    with ``cum > c + u`` (one searchsorted for every line at once). ``next_context[j]`` is the rank
    of the context that follows, and ``bos[g]`` the rank of model g's start-of-line context.
    With ``top_k`` or ``top_p`` the entries a context does not keep are left out of the table
    (every context keeps at least its most likely token, so the contexts and their ranks stay).
    ``entry_weight`` (optional, > 0, one per entry of ``model.keys[-1]``) multiplies each entry's
    tempered weight before truncation and renormalisation: a watermark's bias of the next-token
    distribution (:mod:`peakdata.living.watermark`). Without it every output is unchanged.
    """

    def __init__(
        self,
        model: NGramModel,
        temperature: float,
        top_k: int | None = None,
        top_p: float = 1.0,
        entry_weight: np.ndarray | None = None,
    ) -> None:
        v, n = model.vocab_size, model.order
        keys, counts = model.keys[-1], model.counts[-1]
        context_key = keys // v
        starts = np.flatnonzero(np.r_[True, context_key[1:] != context_key[:-1]])
        rank = np.cumsum(np.r_[True, context_key[1:] != context_key[:-1]]) - 1
        if temperature == 1.0:
            weight = counts.astype(float)
        else:
            logw = log(counts) / temperature
            weight = exp(logw - np.maximum.reduceat(logw, starts)[rank])
        if entry_weight is not None:
            weight = weight * entry_weight
        if top_k is not None or top_p < 1.0:
            kept = _truncation(counts, weight, starts, rank, top_k, top_p)
            keys, weight, rank = keys[kept], weight[kept], rank[kept]
            context_key = keys // v
            starts = np.flatnonzero(np.r_[True, context_key[1:] != context_key[:-1]])
        running = np.cumsum(weight)
        before = (running - weight)[starts][rank]  # total weight of earlier contexts
        seg_total = np.add.reduceat(weight, starts)[rank]
        within = (running - before) / seg_total
        ends = np.r_[starts[1:], keys.size] - 1
        within[ends] = 1.0
        self.cum = rank + within
        self.last = ends  # last entry of each context
        self.token = keys % v
        model_id = keys // v**n
        contexts = context_key[starts]  # sorted
        nxt = model_id * v ** (n - 1) + keys % v ** (n - 1)
        nxt = np.where(self.token == EOS, model_id * v ** (n - 1), nxt)
        self.next_context = _search(contexts, nxt)
        self.bos = np.searchsorted(contexts, np.arange(model.models) * v ** (n - 1))
        self.lines = model.unigram_counts()[:, EOS]
        b = np.minimum(self.bos, max(starts.size - 1, 0))
        # models whose start-of-line context keeps only EOS: every line they write is empty
        self.mute = (ends[b] == starts[b]) & (self.token[starts[b]] == EOS) if keys.size else True

    def lines_for(
        self, n_lines: np.ndarray, gen: np.random.Generator, max_line_words: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Write ``n_lines[g]`` lines for each model g; tokens line after line, model-major."""
        line_model = np.repeat(np.arange(n_lines.size), n_lines)
        context = self.bos[line_model]
        active = np.arange(line_model.size)
        steps_token, steps_line = [], []
        for step in range(max_line_words + 1):
            if active.size == 0:
                break
            u = gen.random(active.size)
            j = np.minimum(_search(self.cum, context + u, side="right"), self.last[context])
            token = self.token[j]
            if step == max_line_words:
                token = np.full(active.size, EOS)  # a line that never ends is cut here
            steps_token.append(token)
            steps_line.append(active)
            going = token != EOS
            active, context = active[going], self.next_context[j[going]]
        line = np.concatenate(steps_line)
        tokens = np.concatenate(steps_token)[np.argsort(line, kind="stable")]
        return tokens, line_model, np.bincount(line, minlength=line_model.size)


def _assemble(batches, models: int, words: int) -> tuple[np.ndarray, np.ndarray]:
    """Corpora of exactly ``words`` words per model from batches of lines, in the order drawn."""
    tokens = np.concatenate([b[0] for b in batches])
    line_model = np.concatenate([b[1] for b in batches])
    length = np.concatenate([b[2] for b in batches])
    start = np.r_[0, np.cumsum(length)[:-1]]
    order = np.argsort(line_model, kind="stable")  # model-major, batch order kept within a model
    line_model, length, start = line_model[order], length[order], start[order]
    n_words = length - 1
    cum = np.cumsum(n_words)
    first = np.r_[0, np.cumsum(np.bincount(line_model, minlength=models))[:-1]]
    before = cum - n_words - (cum - n_words)[first][line_model]  # words of earlier lines
    keep_words = np.clip(words - before, 0, n_words)
    kept = keep_words > 0
    keep_words, start, line_model = keep_words[kept], start[kept], line_model[kept]
    new_length = keep_words + 1
    line_of = np.repeat(np.arange(new_length.size), new_length)
    within = np.arange(line_of.size) - np.repeat(np.cumsum(new_length) - new_length, new_length)
    out = tokens[start[line_of] + within]
    out[within == keep_words[line_of]] = EOS  # the last line may be cut short
    offsets = np.r_[0, np.cumsum(np.bincount(line_model, weights=new_length, minlength=models))]
    return out, offsets.astype(np.int64)


# -- diversity ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CorpusStats:
    """Diversity of one or several corpora (arrays with one entry per corpus)."""

    words: np.ndarray  # word tokens (EOS not counted)
    lines: np.ndarray
    vocabulary: np.ndarray  # distinct words
    hapax: np.ndarray  # words seen exactly once (hapax legomena)
    distinct: dict[int, np.ndarray]  # n -> distinct n-grams / n-grams, within lines
    gini_simpson: np.ndarray  # 1 - sum_w p_w^2 over word frequencies


def corpus_stats(
    tokens: object, *, offsets: object = None, vocab_size: int | None = None, ns=(1, 2, 3)
) -> CorpusStats:
    """Vocabulary, hapax legomena, distinct-n and Gini-Simpson index of each corpus.

    Words are all tokens but ``EOS`` (``BOS`` never appears in a corpus). distinct-n counts the
    n-grams of words inside lines (none across a line end) and divides the number of different
    ones by their total; distinct-1 is the type-token ratio.
    """
    arr = _check_tokens("tokens", tokens)
    if vocab_size is None:
        vocab_size = max(3, int(arr.max()) + 1 if arr.size else 3)
    vocab_size = check_int("vocab_size", vocab_size, minimum=3)
    arr, cuts = _check_corpus("tokens", arr, vocab_size, offsets)
    if isinstance(ns, str | bytes) or not isinstance(ns, Iterable):
        raise TypeError(f"ns must be a sequence of n-gram orders, got {ns!r:.80}")
    ns = tuple(check_int("ns", n, minimum=1, maximum=MAX_ORDER) for n in ns)
    check_budget(lambda tokens: (8 * 16 * tokens, 300 * tokens), tokens=arr.size)
    models = cuts.size - 1
    if models * vocab_size ** max(ns, default=1) >= 2**62:  # n-gram codes would overflow int64:
        arr, vocab_size = _compact(arr)  # number the words 3, 4, ... (the statistics are the same)
    group = _group_of(cuts)
    is_word = arr != EOS
    n_words = np.bincount(group[is_word], minlength=models)
    n_lines = np.bincount(group[~is_word], minlength=models)
    keys, counts = np.unique(group[is_word] * vocab_size + arr[is_word], return_counts=True)
    owner = keys // vocab_size
    vocabulary = np.bincount(owner, minlength=models)
    hapax = np.bincount(owner[counts == 1], minlength=models)
    with np.errstate(invalid="ignore", divide="ignore"):
        share_sq = (counts / n_words[owner]) ** 2
        gini = 1.0 - np.bincount(owner, weights=share_sq, minlength=models)
    gini[n_words == 0] = np.nan
    pos = _line_position(arr)
    distinct = {}
    for n in ns:
        inside = is_word & (pos >= n - 1)
        total = np.bincount(group[inside], minlength=models)
        if models * vocab_size**n < 2**62:
            code = _codes(arr, n, vocab_size, pos)[n - 1]
            k = _distinct(group[inside] * vocab_size**n + code[inside])
            owners = k // vocab_size**n
        else:  # too many words for base-V codes: number the n-grams by successive ranks
            owners = _distinct_owners(arr, n, group, np.flatnonzero(inside), vocab_size)
        with np.errstate(invalid="ignore", divide="ignore"):
            distinct[n] = np.bincount(owners, minlength=models) / total
    return CorpusStats(n_words, n_lines, vocabulary, hapax, distinct, gini)


def _compact(tokens: np.ndarray) -> tuple[np.ndarray, int]:
    """The same corpora with the words numbered 3, 4, ... (EOS kept): a smaller id space."""
    ids, inverse = np.unique(tokens, return_inverse=True)
    return np.where(tokens == EOS, EOS, 3 + inverse), int(ids.size) + 3


def _distinct_owners(
    tokens: np.ndarray, n: int, group: np.ndarray, at: np.ndarray, vocab_size: int
) -> np.ndarray:
    """The corpus of each distinct n-gram ending at the positions ``at``, found without base-V
    codes: the rank of (corpus, w1), then of (that rank, w2), ... stays below len(tokens)."""
    if at.size == 0:
        return at
    rank = group[at].astype(np.int64)
    for k in range(n - 1, -1, -1):
        _, rank = np.unique(rank * vocab_size + tokens[at - k], return_inverse=True)
    _, first = np.unique(rank, return_index=True)
    return group[at][first]


def vocabulary_size(tokens: object) -> int:
    """Number of distinct words (tokens other than ``EOS``)."""
    arr = _check_tokens("tokens", tokens)
    return int(_distinct(arr[arr != EOS]).size)


def hapax_count(tokens: object) -> int:
    """Number of words that occur exactly once (hapax legomena)."""
    arr = _check_tokens("tokens", tokens)
    _, counts = np.unique(arr[arr != EOS], return_counts=True)
    return int(np.sum(counts == 1))


def distinct_n(tokens: object, n: int = 2) -> float:
    """Distinct n-grams of words inside lines divided by their total (NaN if there are none)."""
    n = check_int("n", n, minimum=1, maximum=MAX_ORDER)
    arr = _check_tokens("tokens", tokens)
    if arr.size and arr[-1] != EOS:
        arr = np.r_[arr, EOS]
    return float(corpus_stats(arr, ns=(n,)).distinct[n][0])


def type_token_ratio(tokens: object) -> float:
    """Distinct words divided by words, EOS not counted (NaN for a text without words).

    The same number as distinct-1. It falls as a text grows (later words more often repeat earlier
    ones), so compare texts of the same length only.
    """
    arr = _check_tokens("tokens", tokens)
    words = arr[arr != EOS]
    if words.size == 0:
        return float("nan")
    return _distinct(words).size / words.size


def rank_frequency(tokens: object) -> tuple[np.ndarray, np.ndarray]:
    """The rank-frequency (Zipf) curve of a text: ranks 1, 2, ..., V and the share of the text's
    words that the word of each rank makes up, most frequent first (EOS not counted).

    The shares sum to 1 and the last rank is the number of distinct words. On log-log axes,
    natural text is close to a straight line of slope about -1 (Zipf's law).
    """
    arr = _check_tokens("tokens", tokens)
    words = arr[arr != EOS]
    if words.size == 0:
        raise ValueError("tokens must contain at least one word (a token other than EOS)")
    _, counts = np.unique(words, return_counts=True)
    counts = np.sort(counts, kind="stable")[::-1]
    return np.arange(1, counts.size + 1), counts / words.size
