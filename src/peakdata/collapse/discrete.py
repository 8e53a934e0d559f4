"""Model collapse for discrete distributions: a vocabulary resampled from itself.

The simplest model of a vocabulary is a list of category probabilities. Each generation draws
``samples`` (M) tokens from the current model, possibly at a sampling temperature, and the next
model is their empirical frequencies. At temperature 1 this is Wright-Fisher drift from population
genetics: rare categories vanish first and, once lost, never come back. Closed forms (the book's
SCIENCE notes, A1 "Discrete case", A4 and A5) sit next to the simulation:

* :func:`miss_probability`: a category of probability q is absent from one generation's sample
  with probability (1 - q)^M;
* :func:`fixation_probability`: a category eventually takes over with probability equal to its
  initial share (it is lost with probability 1 - share);
* :func:`expected_diversity`: E[1 - sum p_i^2] = H0 (1 - 1/M)^t;
* :func:`extinction_probability` and :func:`expected_survivors`: the exact probability that a
  category is lost by generation t, from the binomial chain each category follows on its own;
* :func:`memorisation_error`: the learning curve of a model that memorises what it has seen
  (Hutter 2021; Dohmatob et al. 2024), with an optional cut of the training distribution's tail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._checks import (
    MEMORY_BUDGET,
    check_array,
    check_budget,
    check_int,
    check_length,
    check_loop_sizes,
    check_real,
    check_temperature,
    make_rng,
    sum_tolerance,
)
from .._portable import exp, log

PROBS_TOLERANCE = 1e-9
"""How far from 1 the probabilities may sum before they are rejected."""

MAX_EXACT_SAMPLES = 2000
"""Largest M for :func:`extinction_probability`, which uses an (M+1) x (M+1) matrix."""


# -- argument checks ------------------------------------------------------------------------------
def check_probs(name: str, probs: object) -> np.ndarray:
    """Return ``probs`` as a 1-D float array (a copy), or raise naming ``name``.

    The sum may miss 1 by :data:`PROBS_TOLERANCE`, more for float32 or float16 input (see
    ``sum_tolerance``); a vector that misses it by more than 1e-12 is renormalised.
    """
    p = check_array(name, probs, ndim=1, min_size=1, minimum=0.0, what="an array of probabilities")
    dtype = probs.dtype if isinstance(probs, np.ndarray) else np.float64
    tolerance = sum_tolerance(dtype, p.size, PROBS_TOLERANCE)
    total = p.sum()
    if abs(total - 1) > tolerance:
        raise ValueError(f"{name} must sum to 1 (within {tolerance:g}), got sum {total:.12g}")
    if abs(total - 1) > 1e-12:  # float32 input, or a loose sum: numpy's samplers want it tight
        return p / total
    return p.copy()


def _check_sizes(name: str, values: object) -> np.ndarray:
    """Training-set sizes: a non-empty 1-D array of integers >= 0."""
    what = "integers (one or a 1-D array)"
    try:
        arr = np.atleast_1d(check_array(name, values, dtype=int, what=what))
    except ValueError:  # ragged nesting: not integers
        raise TypeError(f"{name} must be {what}, got {values!r:.80}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise TypeError(f"{name} must be {what}, got {values!r:.80}")
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0, got {arr.min()}")
    return arr.astype(np.int64)


def _check_cutoff(cutoff: object, n: int) -> int | None:
    return None if cutoff is None else check_int("cutoff", cutoff, minimum=1, maximum=n)


def _check_record(record: Iterable[int] | None, generations: int) -> np.ndarray:
    if record is None:
        return np.arange(generations + 1)
    try:
        values = [check_int("record", r, minimum=0, maximum=generations) for r in record]
    except TypeError:
        raise TypeError(f"record must be None or integers, got {record!r}") from None
    return np.array(sorted(set(values)), dtype=np.int64)


# -- distributions --------------------------------------------------------------------------------
def zipf_probs(n: int, beta: float) -> np.ndarray:
    """Zipf's law on ``n`` categories: p_i proportional to i^(-beta), i = 1..n (rank order).

    Parameters
    ----------
    n : int
        Number of categories (>= 1).
    beta : float
        Exponent (>= 0); word frequencies in text have beta close to 1.

    Returns
    -------
    numpy.ndarray
        Probabilities of shape ``(n,)``, decreasing with rank, summing to 1.
    """
    n = check_int("n", n, minimum=1)
    beta = check_real("beta", beta, minimum=0.0)
    check_length("n", n, arrays=12, steps=100)
    weights = exp(-beta * log(np.arange(1, n + 1, dtype=float)))
    return weights / weights.sum()


def with_temperature(probs: object, temperature: float) -> np.ndarray:
    """Sampling at a temperature: p_i^(1/T), renormalised.

    T < 1 sharpens the distribution towards its most likely categories, T > 1 flattens it;
    a category of probability 0 stays at 0.
    """
    p = check_probs("probs", probs)
    temperature = check_temperature(temperature, minimum=0.0)
    return _temper(p, temperature)


def _temper(p: np.ndarray, temperature: float) -> np.ndarray:
    if temperature == 1.0:
        return p
    # in log space, relative to the largest entry: no underflow for small T
    with np.errstate(divide="ignore"):
        log_p = log(p)
    w = exp((log_p - log_p.max(axis=-1, keepdims=True)) / temperature)
    return w / w.sum(axis=-1, keepdims=True)


# -- the simulation -------------------------------------------------------------------------------
@dataclass(frozen=True)
class DiscreteChain:
    """Many independent runs of the resample-and-count loop.

    Attributes
    ----------
    probs : (n,) array
        Generation 0, the real distribution.
    recorded : (k,) int array
        The generations whose models are kept in ``freqs``.
    freqs : (seeds, k, n) array
        ``freqs[s, j, i]``: probability that the model of generation ``recorded[j]`` in run
        ``s`` gives to category ``i`` (its share of the M samples; the real ``probs`` at 0).
    diversity : (seeds, generations + 1) array
        Gini-Simpson diversity 1 - sum_i p_i^2 of every generation's model.
    lost_at : (seeds, n) int array
        First generation at which a category has probability 0 (then it never returns),
        or -1 if it survives the whole run.
    samples, temperature : the loop's M and sampling temperature T.
    """

    probs: np.ndarray
    recorded: np.ndarray
    freqs: np.ndarray
    diversity: np.ndarray
    lost_at: np.ndarray
    samples: int
    temperature: float

    @property
    def generations(self) -> int:
        return self.diversity.shape[1] - 1

    @property
    def seeds(self) -> int:
        return self.diversity.shape[0]

    def lost_by(self, generation: int) -> np.ndarray:
        """Boolean ``(seeds, n)``: which categories are gone at ``generation``."""
        generation = check_int("generation", generation, minimum=0, maximum=self.generations)
        return (self.lost_at >= 0) & (self.lost_at <= generation)

    def surviving(self) -> np.ndarray:
        """Number of categories with probability > 0, shape ``(seeds, generations + 1)``."""
        g = self.generations + 1
        lost = np.where(self.lost_at >= 0, self.lost_at, g)  # g: never lost within the run
        keys = (np.arange(self.seeds)[:, None] * (g + 1) + lost).ravel()
        per_generation = np.bincount(keys, minlength=self.seeds * (g + 1)).reshape(self.seeds, -1)
        return self.probs.size - np.cumsum(per_generation[:, :g], axis=1)

    def fixed_category(self) -> np.ndarray:
        """Per run, the category that holds all the mass at the last generation, else -1."""
        alive = self.lost_at < 0
        return np.where(alive.sum(axis=1) == 1, np.argmax(alive, axis=1), -1)


def discrete_chain(
    probs: object,
    generations: int,
    samples: int,
    *,
    temperature: float = 1.0,
    seeds: int = 1,
    rng: int | np.random.Generator = 0,
    record: Iterable[int] | None = None,
) -> DiscreteChain:
    """Resample a discrete distribution from itself, generation after generation, for many seeds.

    Generation t + 1 draws ``samples`` tokens from the model of generation t (at ``temperature``:
    probabilities p^(1/T), renormalised) and its model is their empirical frequencies. All runs
    advance together: one ``Generator.multinomial`` call per generation draws every run's counts.

    Parameters
    ----------
    probs : array of shape (n,)
        The real distribution (generation 0): non-negative, summing to 1.
    generations : int
        Rounds of sample-then-count (>= 0).
    samples : int
        Tokens M drawn per generation (>= 1).
    temperature : float
        Sampling temperature T (> 0); 1 samples the model as it is.
    seeds : int
        Independent runs (>= 1).
    rng : int or numpy.random.Generator
        Seed or generator; the same integer gives the same result.
    record : iterable of int, optional
        Generations whose full models are kept in ``freqs`` (default: all). ``freqs`` takes
        ``8 * seeds * len(record) * n`` bytes; the diversity and the losses are always kept.

    Returns
    -------
    DiscreteChain
        ``freqs`` of shape ``(seeds, len(record), n)``, ``diversity`` of shape
        ``(seeds, generations + 1)``, ``lost_at`` of shape ``(seeds, n)``.
    """
    p = check_probs("probs", probs)
    generations, samples = check_loop_sizes(generations, samples)
    temperature = check_temperature(temperature, minimum=0.0)
    seeds = check_int("seeds", seeds, minimum=1)
    check_budget(_chain_cost(p.size, 0), generations=generations, seeds=seeds)
    recorded = _check_record(record, generations)
    check_budget(_chain_cost(p.size, recorded.size), generations=generations, seeds=seeds)
    gen = make_rng(rng)
    n = p.size

    freqs = np.zeros((seeds, recorded.size, n))
    slot = {int(t): j for j, t in enumerate(recorded)}
    if 0 in slot:
        freqs[:, slot[0]] = p
    diversity = np.empty((seeds, generations + 1))
    diversity[:, 0] = 1 - (p * p).sum()
    lost_at = np.full((seeds, n), -1, dtype=np.int64)
    lost_at[:, p == 0] = 0

    # Only categories still alive in some run are sampled: columns hold their labels. The
    # column of the last category stays last, so the draws are exactly those of
    # ``rng.multinomial(samples, p)`` on the full vector, seed after seed (tested).
    columns = np.flatnonzero(p > 0)
    if columns[-1] != n - 1:
        columns = np.append(columns, n - 1)
    labels = np.broadcast_to(columns, (seeds, columns.size)).copy()
    model = np.broadcast_to(p[columns], labels.shape)
    alive = model > 0
    rows = np.arange(seeds)[:, None]
    for t in range(1, generations + 1):
        counts = gen.multinomial(samples, _temper(model, temperature))
        now_alive = counts > 0
        r, c = np.nonzero(alive & ~now_alive)
        lost_at[r, labels[r, c]] = t
        alive = now_alive
        width = int(alive[:, :-1].sum(axis=1).max()) + 1
        if width < 0.75 * labels.shape[1]:
            # dead columns move left (stable: the alive keep their order), then drop them
            last = labels.shape[1] - 1
            order = np.argsort(alive[:, :-1], axis=1, kind="stable")[:, last - width + 1 :]
            order = np.concatenate([order, np.full((seeds, 1), last)], axis=1)
            counts = np.take_along_axis(counts, order, axis=1)
            labels = np.take_along_axis(labels, order, axis=1)
            alive = np.take_along_axis(alive, order, axis=1)
        model = counts / samples
        diversity[:, t] = 1 - (model * model).sum(axis=1)
        if t in slot:
            freqs[rows, slot[t], labels] = model
        if alive.sum(axis=1).max() == 1:  # every run has fixed: nothing can change any more
            diversity[:, t + 1 :] = 0.0
            for later in recorded[recorded > t]:
                freqs[rows, slot[int(later)], labels] = model
            break
    return DiscreteChain(p, recorded, freqs, diversity, lost_at, samples, temperature)


def _chain_cost(categories: int, recorded: int):
    """(bytes, steps) of :func:`discrete_chain`, for ``check_budget``."""

    def cost(generations: int, seeds: int) -> tuple[int, int]:
        kept = seeds * (recorded * categories + generations + 1 + 8 * categories)
        return 8 * kept, generations * (seeds * categories * 40 + 80_000)

    return cost


# -- closed forms ---------------------------------------------------------------------------------
def miss_probability(probs: object, samples: int) -> np.ndarray:
    """Probability that each category is absent from one generation's M samples: (1 - q)^M."""
    p = check_probs("probs", probs)
    samples = check_int("samples", samples, minimum=1)
    return (1 - p) ** samples


def fixation_probability(probs: object) -> np.ndarray:
    """Probability that each category eventually holds all the mass (temperature 1).

    The frequencies form a martingale, so a category wins with probability equal to its initial
    share, and is eventually lost with probability 1 - share, whatever M.
    """
    return check_probs("probs", probs)


def expected_diversity(probs: object, generations: int, samples: int) -> np.ndarray:
    """E[1 - sum_i p_i^2] at generations 0..generations: H0 (1 - 1/M)^t (temperature 1)."""
    p = check_probs("probs", probs)
    generations, samples = check_loop_sizes(generations, samples)
    check_length("generations", generations, arrays=4)
    return (1 - p @ p) * (1 - 1 / samples) ** np.arange(generations + 1)


def extinction_probability(probs: object, generations: int, samples: int) -> np.ndarray:
    """Exact probability that each category is lost by generation t (temperature 1).

    On its own, a category's count follows a binomial chain: given k of M samples now, the next
    count is Binomial(M, k/M). With the (M+1) x (M+1) transition matrix P, the probability
    h_t(k) of having hit 0 within t steps from count k obeys h_t = P h_{t-1}, h_0 = [k = 0].

    Returns
    -------
    numpy.ndarray
        Shape ``(generations + 1, n)``; row 0 marks the categories of probability 0. As t grows,
        each column tends to 1 - probs (:func:`fixation_probability`).
    """
    p = check_probs("probs", probs)
    generations, samples = check_loop_sizes(generations, samples, max_samples=MAX_EXACT_SAMPLES)
    check_budget(_exact_cost(p.size, table=True), generations=generations, samples=samples)
    h = _absorption_table(samples, generations)
    out = np.empty((generations + 1, p.size))
    out[0] = p == 0
    out[1:] = h[:generations] @ _binomial_pmf(samples, p).T  # the first step starts from p
    return np.clip(out, 0.0, 1.0)


def expected_survivors(probs: object, generations: int, samples: int) -> np.ndarray:
    """Expected number of categories still present at generations 0..generations (T = 1).

    The sum over categories of 1 - :func:`extinction_probability`, computed without the
    per-category table: the generation-1 count distributions are summed first.
    """
    p = check_probs("probs", probs)
    generations, samples = check_loop_sizes(generations, samples, max_samples=MAX_EXACT_SAMPLES)
    check_budget(_exact_cost(p.size, table=False), generations=generations, samples=samples)
    h = _absorption_table(samples, generations)
    lost = np.empty(generations + 1)
    lost[0] = np.count_nonzero(p == 0)
    lost[1:] = h[:generations] @ _binomial_pmf(samples, p).sum(axis=0)
    return p.size - lost


def _exact_cost(categories: int, table: bool):
    """(bytes, steps) of the exact extinction tables, for ``check_budget``."""

    def cost(generations: int, samples: int) -> tuple[int, int]:
        m = samples + 1
        kept = 2 * generations * m + 3 * m * m + 6 * categories * m
        if table:
            kept += 2 * (generations + 1) * categories
        steps = 2 * generations * m * m + 50 * categories * m + 2 * generations * m * categories
        return 8 * kept, steps

    return cost


_CACHED_TABLE = MEMORY_BUDGET // 64
"""Largest absorption table (bytes) kept in the cache; bigger ones are recomputed."""


def _absorption_table(samples: int, generations: int) -> np.ndarray:
    """:func:`_absorption`, cached only while small: eight big tables must not fill the memory."""
    if 8 * max(generations, 1) * (samples + 1) > _CACHED_TABLE:
        return _absorption.__wrapped__(samples, generations)
    return _absorption(samples, generations)


@lru_cache(maxsize=8)
def _absorption(samples: int, generations: int) -> np.ndarray:
    """Row t: probability that a count of k (0..M) has hit 0 within t steps of the chain."""
    transition = _binomial_pmf(samples, np.arange(samples + 1) / samples)  # count k -> count j
    h = np.zeros((max(generations, 1), samples + 1))
    h[0, 0] = 1.0
    for t in range(1, generations):
        h[t] = transition @ h[t - 1]
    h.setflags(write=False)
    return h


def _binomial_pmf(trials: int, success: np.ndarray) -> np.ndarray:
    """Binomial(trials, s) probabilities of 0..trials, one row per success probability s."""
    k = np.arange(trials + 1)
    log_fact = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, trials + 1)))])
    log_choose = log_fact[trials] - log_fact[k] - log_fact[trials - k]
    s = np.asarray(success, dtype=float)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pmf = log_choose + k * np.log(s) + (trials - k) * np.log1p(-s)
    pmf = np.exp(log_pmf)
    # 0 * log(0) is 0: certain outcomes at s = 0 and s = 1
    pmf[s[:, 0] == 0] = k == 0
    pmf[s[:, 0] == 1] = k == trials
    return pmf


# -- learning curves: what a lost tail costs ------------------------------------------------------
def _training_distribution(p: np.ndarray, cutoff: object, train_probs: object) -> np.ndarray:
    """The distribution the training items come from: p, p cut at rank ``cutoff``, or given."""
    if train_probs is not None:
        if cutoff is not None:
            raise ValueError("give cutoff or train_probs, not both")
        q = check_probs("train_probs", train_probs)
        if q.size != p.size:
            raise ValueError(f"train_probs must have the size of probs ({p.size}), got {q.size}")
        return q
    cutoff = _check_cutoff(cutoff, p.size)
    if cutoff is None:
        return p
    head = p[:cutoff].sum()
    if head == 0:
        raise ValueError(
            f"cutoff must keep some probability: the first {cutoff} of probs sum to 0, "
            f"got cutoff={cutoff} (allowed: 1 to {p.size}, with probs[:cutoff] not all 0)"
        )
    q = np.zeros_like(p)
    q[:cutoff] = p[:cutoff] / head
    return q


def memorisation_error(
    probs: object,
    train_sizes: object,
    *,
    cutoff: int | None = None,
    train_probs: object | None = None,
) -> np.ndarray:
    """Test error of a model that memorises its training set, against training-set size T.

    A test item of category i is answered correctly only if category i appeared among the T
    training items (Hutter 2021). With training data drawn from ``probs`` the expected error is
    E(T) = sum_i p_i (1 - p_i)^T, which for Zipf probabilities decays like T^(-(1 - 1/beta)).
    With ``cutoff=k`` the training data come from the top k categories only (renormalised), as
    synthetic data that lost the tail (Dohmatob et al. 2024): E(T) = sum_{i<=k} p_i (1 - q_i)^T
    + sum_{i>k} p_i, which plateaus at the lost tail mass.

    Parameters
    ----------
    probs : array of shape (n,)
        The real (test) distribution, in the rank order the cut uses.
    train_sizes : int or 1-D array of int
        Training-set sizes T (>= 0).
    cutoff : int, optional
        Keep only categories 1..cutoff in the training distribution (1 <= cutoff <= n).
    train_probs : array of shape (n,), optional
        Draw the training items from this distribution instead, e.g. a collapsed model's
        (then E(T) = sum_i p_i (1 - train_i)^T). Not together with ``cutoff``.

    Returns
    -------
    numpy.ndarray
        Expected test error, one value per training-set size.
    """
    p = check_probs("probs", probs)
    sizes = _check_sizes("train_sizes", train_sizes)
    q = _training_distribution(p, cutoff, train_probs)

    def cost(train_sizes: int) -> tuple[int, int]:  # one pass over the vocabulary per size
        return 8 * (4 * p.size + train_sizes), 30 * train_sizes * p.size

    check_budget(cost, train_sizes=sizes.size)
    with np.errstate(divide="ignore"):
        log_miss = np.log1p(-q)  # -inf where q = 1
    # one pass over the vocabulary per size: memory stays O(n)
    return np.array([p @ np.exp(size * log_miss) if size else 1.0 for size in sizes])


def memorisation_simulation(
    probs: object,
    train_sizes: object,
    *,
    cutoff: int | None = None,
    train_probs: object | None = None,
    seeds: int = 1,
    rng: int | np.random.Generator = 0,
) -> np.ndarray:
    """Monte Carlo version of :func:`memorisation_error`, for many seeds at once.

    Each run draws max(train_sizes) training items (from the top ``cutoff`` categories, or from
    ``train_probs``, if given);
    the error at size T is the real probability mass of the categories absent from the first T.
    Costs O(seeds * max(train_sizes)) memory and a sort of that many numbers.

    Returns
    -------
    numpy.ndarray
        Test errors of shape ``(seeds, len(train_sizes))``.
    """
    p = check_probs("probs", probs)
    sizes = _check_sizes("train_sizes", train_sizes)
    q = _training_distribution(p, cutoff, train_probs)
    seeds = check_int("seeds", seeds, minimum=1)

    def cost(seeds: int, train_sizes: int) -> tuple[int, int]:  # draws, keys and a sort
        draws = seeds * (train_sizes + 1)
        return 8 * (8 * draws + 3 * p.size), draws * 200 + sizes.size * seeds

    check_budget(cost, seeds=seeds, train_sizes=int(sizes.max()))
    gen = make_rng(rng)
    n, longest = p.size, int(sizes.max())
    cdf = np.cumsum(q)
    draws = np.searchsorted(cdf, gen.random((seeds, longest)) * cdf[-1], side="right")
    draws = np.minimum(draws, n - 1)
    # the first time each run meets a category, the run learns that category's real mass
    keys = (draws + n * np.arange(seeds)[:, None]).ravel()
    first = np.zeros(keys.size, dtype=bool)
    first[np.unique(keys, return_index=True)[1]] = True
    learned = np.cumsum(np.where(first, p[draws.ravel()], 0.0).reshape(seeds, longest), axis=1)
    learned = np.concatenate([np.zeros((seeds, 1)), learned], axis=1)
    return np.clip(1 - learned[:, sizes], 0.0, 1.0)


# -- reproductions --------------------------------------------------------------------------------
def reproductions() -> list:
    """Rows of the reproductions table (``python -m peakdata.reproduce``) for discrete loops."""
    from ..reproduce import STATED, Reproduction, derived, within_se

    rows = []
    shares = np.array([0.5, 0.3, 0.15, 0.05])
    fix = discrete_chain(shares, 400, 20, seeds=20_000, rng=201, record=[])
    rows.append(
        Reproduction(
            "shumailov2024nature",
            "a category of share q = 0.05 is eventually lost with probability 1 − q (M=20)",
            "closed form",
            1 - 0.05,
            *within_se(fix.lost_by(400)[:, 3]),
            origin=STATED,
        )
    )
    zipf = zipf_probs(200, 1.2)
    one = discrete_chain(zipf, 1, 100, seeds=20_000, rng=202, record=[1])
    rank = 20  # q ~ 1/M: about one expected appearance per generation
    rows.append(
        Reproduction(
            "shumailov2024nature",
            f"rank {rank} of Zipf(200, β=1.2) missed by one generation w.p. (1−q)^M (M=100)",
            "closed form",
            float(miss_probability(zipf, 100)[rank - 1]),
            *within_se(one.freqs[:, 0, rank - 1] == 0),
            origin=derived("shumailov2024nature"),
        )
    )
    drift = discrete_chain(zipf, 50, 100, seeds=20_000, rng=203, record=[])
    rows.append(
        Reproduction(
            "ewens2004mathematical",
            "Gini–Simpson diversity decays as H₀(1 − 1/M)ᵗ (Zipf(200, β=1.2), M=100, t=50)",
            "closed form",
            float(expected_diversity(zipf, 50, 100)[50]),
            *within_se(drift.diversity[:, 50]),
            origin=STATED,
        )
    )
    rows.append(
        Reproduction(
            "ewens2004mathematical",
            "expected surviving categories after 50 generations (Zipf(200, β=1.2), M=100)",
            "closed form",
            float(expected_survivors(zipf, 50, 100)[50]),
            *within_se(drift.surviving()[:, 50]),
            origin=derived("ewens2004mathematical"),
        )
    )
    vocab = zipf_probs(20_000, 1.5)
    sizes = [1_000, 3_000]
    full = memorisation_simulation(vocab, sizes, seeds=500, rng=204)
    cut = memorisation_simulation(vocab, sizes, cutoff=100, seeds=500, rng=205)
    tail = float(vocab[100:].sum())
    rows.append(
        Reproduction(
            "hutter2021learning",
            "memorisation test error Σ pᵢ(1−pᵢ)^T (Zipf(20000, β=1.5), T=1000)",
            "closed form",
            float(memorisation_error(vocab, 1_000)[0]),
            *within_se(full[:, 0]),
            origin=STATED,
        )
    )
    rows.append(
        Reproduction(
            "dohmatob2024tale",
            f"training data cut at rank k=100: error at T=3000, near its plateau {tail:.3f}",
            "closed form",
            float(memorisation_error(vocab, 3_000, cutoff=100)[0]),
            *within_se(cut[:, 1]),
            origin=derived("dohmatob2024tale"),
        )
    )
    return rows
