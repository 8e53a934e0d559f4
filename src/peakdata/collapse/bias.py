"""Feedback and bias: loops in which a model's preference for the majority amplifies an imbalance.

Two loops, each with its simulation (vectorised over seeds) and its theory (the book's SCIENCE
notes, A5; Alemohammad et al. 2024, Bertrand et al. 2024, Taori and Hashimoto 2023):

Sampling at low temperature
    A population of k groups with shares p. Each generation the model writes M examples at
    temperature T: group shares sharpened to p^(1/T), renormalised. The next model's shares are the
    frequencies in a training set of M examples of which round(alpha*M) are fresh real examples
    (shares p0). Theory: the deterministic map (M -> infinity) and its fixed points
    (:func:`temperature_map`, :func:`temperature_path`, :func:`temperature_fixed_point`), the real
    fraction needed to keep the minority above a threshold (:func:`critical_real_fraction`), and
    the exact finite-M Markov chain for two groups (:func:`temperature_exact`).

A classifier labelling its own next training set
    Two classes, y = 1 with probability ``true_prior``, features x | y ~ N(+-separation/2, 1). A
    model (class prior and class means, unit variance known) labels a fresh unlabelled batch with
    its Bayes rule; the next model is fitted to those labels plus round(alpha*N) truly labelled
    examples. Theory: the expected next prior given a model, exact for any N, computed with the
    normal CDF (:func:`classifier_map`), its deterministic path and fixed point, and the real
    fraction needed to keep the prior's bias small (:func:`classifier_critical_real_fraction`).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from .._checks import (
    MAX_MAGNITUDE,
    WORK_BUDGET,
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

TABULATED_SAMPLES = 1000
"""Up to this M, two-group chains draw counts from the tabulated Markov chain (else multinomial)."""

MAX_SEPARATION = 1e6
"""Largest class separation accepted, in standard deviations (features are drawn in float32)."""

_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)
_erfc = np.frompyfunc(math.erfc, 1, 1)


# -- argument checks ----------------------------------------------------------------------------
def _check_open_unit(name: str, value: object) -> float:
    """A real number strictly between 0 and 1."""
    value = check_real(name, value)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be > 0 and < 1, got {value}")
    return value


def _check_shares(name: str, value: object) -> np.ndarray:
    """A share in (0, 1) (two groups: value, 1 - value) or k >= 2 shares in (0, 1) summing to 1."""
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a share in (0, 1) or a sequence of shares, got {value!r}")
    if isinstance(value, numbers.Real):
        x = _check_open_unit(name, value)
        return np.array([x, 1.0 - x])
    what = "a share in (0, 1) or a sequence of shares"
    shares = check_array(name, value, finite=False, what=what)
    if shares.ndim != 1 or shares.size < 2:
        raise ValueError(f"{name} must hold at least 2 shares in a flat sequence, got {value!r}")
    if not np.all(np.isfinite(shares)) or np.any(shares <= 0) or np.any(shares >= 1):
        raise ValueError(f"{name} must hold shares > 0 and < 1, got {shares.tolist()}")
    dtype = value.dtype if isinstance(value, np.ndarray) else np.float64
    if abs(shares.sum() - 1.0) > sum_tolerance(dtype, shares.size):
        raise ValueError(f"{name} must sum to 1, got a sum of {shares.sum():.12g}")
    return shares / shares.sum()


def _check_temperature(value: object) -> float:
    return check_temperature(value, minimum=0)


def _check_separation(value: object) -> float:
    return check_real("separation", value, minimum=0, strict_minimum=True, maximum=MAX_SEPARATION)


_STEP = 120_000
"""Work of one generation of a deterministic temperature map, in budget steps (about 0.1 ms)."""


def _check_real_fraction(value: object) -> float:
    return check_real("real_fraction", value, minimum=0, maximum=1)


def _check_settling(tolerance: object, max_generations: object) -> tuple[float, int]:
    """When an iteration to a fixed point stops: a step below ``tolerance`` (> 0), or after
    ``max_generations`` (>= 1) steps."""
    return (
        check_real("tolerance", tolerance, minimum=0, strict_minimum=True),
        check_int("max_generations", max_generations, minimum=1),
    )


# -- loop 1: sampling at temperature T ----------------------------------------------------------
def _sharpen(shares: np.ndarray, temperature: float) -> np.ndarray:
    """p^(1/T) renormalised along the last axis, in logs so that small T cannot overflow."""
    with np.errstate(divide="ignore"):
        logs = log(shares) / temperature
    logs = logs - logs.max(axis=-1, keepdims=True)
    weights = exp(logs)
    return weights / weights.sum(axis=-1, keepdims=True)


def sharpen(shares: np.ndarray, temperature: float) -> np.ndarray:
    """Group shares as sampled at temperature T: p^(1/T), renormalised.

    Parameters
    ----------
    shares : array_like
        Shares along the last axis (each in [0, 1], summing to 1); leading axes are kept.
    temperature : float
        T > 0. T < 1 favours the large groups, T = 1 leaves the shares alone, T > 1 evens them out.

    Returns
    -------
    numpy.ndarray
        The sharpened shares, same shape as ``shares``.
    """
    temperature = _check_temperature(temperature)
    dtype = shares.dtype if isinstance(shares, np.ndarray) else np.float64
    shares = check_array("shares", shares, finite=False)
    check_budget(lambda shares: (8 * 12 * shares, 200 * shares), shares=shares.size)
    if shares.ndim == 0 or shares.shape[-1] < 2:
        raise ValueError(f"shares must hold at least 2 shares along the last axis, got {shares!r}")
    if not np.all(np.isfinite(shares)) or np.any(shares < 0) or np.any(shares > 1):
        raise ValueError("shares must be >= 0 and <= 1")
    if np.any(np.abs(shares.sum(axis=-1) - 1.0) > sum_tolerance(dtype, shares.shape[-1])):
        raise ValueError("shares must sum to 1 along the last axis")
    return _sharpen(shares, temperature)


def temperature_map(
    shares: np.ndarray, p0: float | np.ndarray, *, temperature: float, real_fraction: float
) -> np.ndarray:
    """One generation of the temperature loop with infinitely many samples (M -> infinity).

    F(p) = alpha * p0 + (1 - alpha) * sharpen(p, T). For finite M this is still the exact
    expectation of the next shares given the current ones.

    Parameters
    ----------
    shares : array_like
        Current shares along the last axis (k groups, each in [0, 1], summing to 1).
    p0 : float or array_like
        The real shares: a share in (0, 1) (two groups) or k shares in (0, 1) summing to 1.
    temperature : float
        Sampling temperature T > 0.
    real_fraction : float
        Fraction alpha of each generation's data that is fresh real data (0 <= alpha <= 1).

    Returns
    -------
    numpy.ndarray
        The next shares, same shape as ``shares``.
    """
    p0 = _check_shares("p0", p0)
    alpha = _check_real_fraction(real_fraction)
    sharpened = sharpen(shares, temperature)
    if sharpened.shape[-1] != p0.size:
        raise ValueError(
            f"shares must have {p0.size} groups along the last axis, like p0, "
            f"got {sharpened.shape[-1]}"
        )
    return alpha * p0 + (1 - alpha) * sharpened


def temperature_path(
    p0: float | np.ndarray, generations: int, *, temperature: float, real_fraction: float = 0.0
) -> np.ndarray:
    """The deterministic path p_0 = p0, p_{n+1} = F(p_n) of the temperature loop.

    Without real data it has a closed form: p_n = sharpen(p0, T^n), i.e. every log-ratio of two
    shares is multiplied by 1/T each generation.

    Returns
    -------
    numpy.ndarray
        Shape ``(generations + 1, k)``.
    """
    p0 = _check_shares("p0", p0)
    generations = check_int("generations", generations, minimum=0)
    temperature = _check_temperature(temperature)
    alpha = _check_real_fraction(real_fraction)
    check_length("generations", generations, arrays=2 * p0.size, steps=_STEP + 200 * p0.size)
    path = np.empty((generations + 1, p0.size))
    path[0] = p0
    for n in range(1, generations + 1):
        path[n] = alpha * p0 + (1 - alpha) * _sharpen(path[n - 1], temperature)
    return path


def _two_group_map(x: np.ndarray, x0: float, beta: float, alpha: float) -> np.ndarray:
    """F for the share x of group 0 of two groups (beta = 1/T)."""
    with np.errstate(divide="ignore"):
        logit = beta * (np.log(x) - np.log1p(-x))
    return alpha * x0 + (1 - alpha) * 0.5 * (1 + np.tanh(logit / 2))


def _two_group_limit(x0: float, temperature: float, alpha: float) -> float:
    """Exact limit of the deterministic two-group path from x0 (the attractor it reaches).

    F is increasing, so the path moves monotonically: down to the largest fixed point below x0
    if F(x0) < x0, up to the smallest one above x0 if F(x0) > x0. Both are found by scanning
    g(x) = F(x) - x on a grid (uniform in log-odds, so tiny shares are resolved) and bisecting.
    """
    beta = 1.0 / temperature
    g0 = float(_two_group_map(np.array(x0), x0, beta, alpha)) - x0
    if g0 == 0.0:
        return x0
    lo_logit, x0_logit = math.log(1e-15 / (1 - 1e-15)), math.log(x0 / (1 - x0))
    if g0 < 0:  # moving down: the largest x in [0, x0] with g(x) >= 0
        grid = np.concatenate([[0.0], 1 / (1 + np.exp(-np.linspace(lo_logit, x0_logit, 4097)))])
        g = _two_group_map(grid, x0, beta, alpha) - grid
        i = int(np.nonzero(g >= 0)[0].max())  # g(0) = alpha * x0 >= 0: never empty
        if i == grid.size - 1:
            return x0
        low, high = grid[i], grid[i + 1]  # g(low) >= 0 > g(high)
        keep_low = True
    else:  # moving up: the smallest x in [x0, 1] with g(x) <= 0
        grid = np.concatenate([1 / (1 + np.exp(-np.linspace(x0_logit, -lo_logit, 4097))), [1.0]])
        g = _two_group_map(grid, x0, beta, alpha) - grid
        i = int(np.nonzero(g <= 0)[0].min())  # g(1) = -alpha * (1 - x0) <= 0: never empty
        if i == 0:
            return x0
        low, high = grid[i - 1], grid[i]  # g(low) > 0 >= g(high)
        keep_low = False
    for _ in range(200):
        mid = 0.5 * (low + high)
        if mid in (low, high):
            break
        g_mid = float(_two_group_map(np.array(mid), x0, beta, alpha)) - mid
        if (g_mid >= 0) if keep_low else (g_mid > 0):
            low = mid
        else:
            high = mid
    return float(low if keep_low else high)


def temperature_fixed_point(
    p0: float | np.ndarray,
    *,
    temperature: float,
    real_fraction: float,
    tolerance: float = 1e-13,
    max_generations: int = 1_000_000,
) -> np.ndarray:
    """Where the deterministic temperature loop started at p0 ends up: a fixed point of F.

    For two groups the limit is found exactly (F is increasing, so the path is monotone and stops
    at the first fixed point it meets). For k > 2 groups the map is iterated until no share moves
    by more than ``tolerance``.

    Returns
    -------
    numpy.ndarray
        The limiting shares, shape ``(k,)``. With no real data and T < 1 this is the largest
        group alone (shares 0 and 1); with any real data every group keeps at least alpha * p0.
    """
    p0 = _check_shares("p0", p0)
    temperature = _check_temperature(temperature)
    alpha = _check_real_fraction(real_fraction)
    tolerance, max_generations = _check_settling(tolerance, max_generations)
    if p0.size == 2:
        x = _two_group_limit(float(p0[0]), temperature, alpha)
        return np.array([x, 1.0 - x])
    p = p0.copy()
    # a map that settles slowly (T just above 1) stops at the work budget, not minutes later
    affordable = max(1, int(WORK_BUDGET // (_STEP + 200 * p0.size)))
    for _ in range(min(max_generations, affordable)):
        new = alpha * p0 + (1 - alpha) * _sharpen(p, temperature)
        if np.max(np.abs(new - p)) <= tolerance:
            return new
        p = new
    if max_generations > affordable:
        raise RuntimeError(
            f"the map did not settle within {affordable} generations (the work budget; "
            f"max_generations = {max_generations})"
        )
    raise RuntimeError(f"the map did not settle within {max_generations} generations")


def critical_real_fraction(
    p0: float | np.ndarray, threshold: float, *, temperature: float
) -> float:
    """The least real fraction alpha that keeps the minority's limiting share >= ``threshold``.

    Two groups, minority share x0 = min(p0), deterministic loop (M -> infinity). With
    s(x) = sharpen(x, T) and h(x) = (x - s(x)) / (x0 - s(x)), the limit is >= threshold exactly when
    alpha >= min of h over [threshold, x0]; when h increases (every case the book shows) this is
    h(threshold). Returns 0 when sampling does not push the minority down (T >= 1 or equal shares).

    Parameters
    ----------
    p0 : float or array_like
        The real shares of two groups.
    threshold : float
        Share the minority must keep, 0 < threshold <= x0.
    temperature : float
        Sampling temperature T > 0.
    """
    p0 = _check_shares("p0", p0)
    temperature = _check_temperature(temperature)
    if p0.size != 2:
        raise ValueError(f"p0 must hold 2 shares for critical_real_fraction, got {p0.size}")
    x0 = float(p0.min())
    threshold = check_real("threshold", threshold, minimum=0, strict_minimum=True)
    if threshold > x0:
        raise ValueError(f"threshold must be > 0 and <= the minority share {x0:g}, got {threshold}")
    beta = 1.0 / temperature
    if float(_two_group_map(np.array(x0), x0, beta, 0.0)) >= x0:
        return 0.0
    if threshold == x0:
        return 1.0
    lo, hi = math.log(threshold / (1 - threshold)), math.log(x0 / (1 - x0))
    grid = np.concatenate([[threshold], 1 / (1 + np.exp(-np.linspace(lo, hi, 4097)[1:-1]))])
    s = _two_group_map(grid, x0, beta, 0.0)
    h = (grid - s) / (x0 - s)
    return float(max(0.0, min(1.0, h.min())))


def _binomial_pmf(trials: int, probs: np.ndarray) -> np.ndarray:
    """P(K = k) for K ~ Binomial(trials, p), one row per p, columns k = 0..trials."""
    probs = np.asarray(probs, dtype=float)
    k = np.arange(trials + 1)
    log_fact = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, trials + 1)))])
    log_choose = log_fact[trials] - log_fact[k] - log_fact[trials - k]
    p = probs[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pmf = log_choose + k * np.log(p) + (trials - k) * np.log1p(-p)
    pmf = np.exp(log_pmf)
    # p = 0 or 1: all the mass on k = 0 or k = trials (0 * log 0 = 0)
    pmf = np.where(p == 0, (k == 0).astype(float), pmf)
    pmf = np.where(p == 1, (k == trials).astype(float), pmf)
    return pmf


def _count_transitions(
    shares: np.ndarray, x0: float, temperature: float, real: int, synthetic: int
) -> np.ndarray:
    """P(next count = j | current share), one row per share: Bin(M - R, s(x)) + Bin(R, x0).

    The convolution of the two binomials is done by FFT (rounding errors ~1e-17, clipped).
    """
    samples = real + synthetic
    synth = _binomial_pmf(synthetic, _two_group_map(shares, x0, 1.0 / temperature, 0.0))
    if real == 0:
        return synth
    real_pmf = _binomial_pmf(real, np.array([x0]))[0]
    if synthetic == 0:
        return np.broadcast_to(real_pmf, (shares.size, samples + 1)).copy()
    size = 1 << int(samples).bit_length()  # FFT length >= samples + 1: a full linear convolution
    out = np.fft.irfft(
        np.fft.rfft(synth, size, axis=1) * np.fft.rfft(real_pmf, size), size, axis=1
    )[:, : samples + 1]
    out = np.clip(out, 0.0, None)
    return out / out.sum(axis=1, keepdims=True)


class _InverseTransform:
    """Exact draws from the rows of a probability table: row r, uniform u -> min{j: cdf[r, j] > u}.

    A guide table (Chen and Asau 1974) jumps close to the answer; two forward steps finish almost
    every draw, a binary search the rest. Much faster than numpy's binomial for many seeds.
    """

    def __init__(self, probs: np.ndarray) -> None:
        rows, width = probs.shape
        cdf = np.minimum(np.cumsum(probs, axis=1), 1.0)
        cdf[:, -1] = 1.0
        self.width = width
        self.cdf = cdf.ravel()
        # row r lives in [2r, 2r + 1] of one increasing array, so one search serves every row
        self.offset_cdf = (cdf + 2.0 * np.arange(rows)[:, None]).ravel()
        buckets = 2.0 * np.arange(rows)[:, None] + np.arange(width)[None, :] / width
        self.guide = np.searchsorted(self.offset_cdf, buckets.ravel(), side="right")

    def draw(self, row: np.ndarray, u: np.ndarray) -> np.ndarray:
        start = row * self.width
        index = self.guide[start + (u * self.width).astype(np.int64)]
        for _ in range(2):
            index += self.cdf[index] <= u
        slow = self.cdf[index] <= u
        if np.any(slow):
            index[slow] = np.searchsorted(self.offset_cdf, 2.0 * row[slow] + u[slow], side="right")
        return index - start


def temperature_exact(
    p0: float | np.ndarray,
    generations: int,
    samples: int,
    *,
    temperature: float,
    real_fraction: float = 0.0,
) -> dict[str, np.ndarray]:
    """Exact distribution of group 0's share in the finite-M temperature loop (two groups).

    The count of group 0 is a Markov chain on 0..M: the next count is
    Binomial(M - R, s(x)) + Binomial(R, x0) with R = round(alpha * M) real examples and s the
    sharpening at temperature T. Propagating its distribution gives the exact expectations that
    :func:`temperature_chain` estimates by simulation (two groups; cost grows like M^2 per step).

    Returns
    -------
    dict of numpy.ndarray, each of length ``generations + 1``
        ``mean`` E[x_n], ``sd`` its standard deviation, ``lost`` P(x_n = 0), and ``distribution``,
        shape ``(generations + 1, samples + 1)``, P(count_n = j) (row 0 is empty: x_0 = x0 is not a
        count).
    """
    p0 = _check_shares("p0", p0)
    if p0.size != 2:
        raise ValueError(f"p0 must hold 2 shares for temperature_exact, got {p0.size}")
    generations, samples = check_loop_sizes(generations, samples)
    temperature = _check_temperature(temperature)
    alpha = _check_real_fraction(real_fraction)

    def cost(generations: int, samples: int) -> tuple[int, int]:  # tables of (M + 1)^2
        m = samples + 1
        return 8 * (2 * (generations + 1) * m + 16 * m * m), 2 * generations * m * m + 300 * m * m

    check_budget(cost, generations=generations, samples=samples)
    x0 = float(p0[0])
    real = int(round(alpha * samples))
    synthetic = samples - real

    def rows(shares: np.ndarray) -> np.ndarray:
        return _count_transitions(shares, x0, temperature, real, synthetic)

    distribution = np.zeros((generations + 1, samples + 1))
    share = np.arange(samples + 1) / samples
    if generations:
        distribution[1] = rows(np.array([x0]))[0]
        transition = rows(share) if generations > 1 else None
        for n in range(2, generations + 1):
            distribution[n] = distribution[n - 1] @ transition
    mean = np.empty(generations + 1)
    sd = np.zeros(generations + 1)
    lost = np.zeros(generations + 1)
    mean[0] = x0
    mean[1:] = distribution[1:] @ share
    sd[1:] = np.sqrt(np.clip(distribution[1:] @ share**2 - mean[1:] ** 2, 0.0, None))
    lost[1:] = distribution[1:, 0]
    return {"mean": mean, "sd": sd, "lost": lost, "distribution": distribution}


@dataclass(frozen=True)
class TemperatureChain:
    """Shares of many independent runs of the temperature loop.

    ``shares`` has shape ``(seeds, generations + 1, k)``; generation 0 is the real population p0.
    """

    shares: np.ndarray
    p0: np.ndarray
    samples: int
    real_samples: int
    temperature: float

    @property
    def generations(self) -> int:
        return self.shares.shape[1] - 1

    @property
    def real_fraction(self) -> float:
        """The fraction of real examples actually used, round(alpha * M) / M."""
        return self.real_samples / self.samples

    @property
    def minority(self) -> np.ndarray:
        """Share of the group that is smallest in p0, shape ``(seeds, generations + 1)``."""
        return self.shares[:, :, int(np.argmin(self.p0))]


def temperature_chain(
    p0: float | np.ndarray,
    generations: int,
    samples: int,
    *,
    temperature: float,
    real_fraction: float = 0.0,
    seeds: int = 1,
    rng: int | np.random.Generator = 0,
) -> TemperatureChain:
    """Run the temperature loop for many seeds at once.

    Each generation: R = round(alpha * M) real examples drawn with shares p0, M - R synthetic ones
    drawn from the current model at temperature T; the next model's shares are the frequencies
    of the M examples. With two groups and M <= ``TABULATED_SAMPLES`` the counts are drawn by
    inversion from the tabulated Markov chain of :func:`temperature_exact` (exact, and about as
    fast per seed as a few array operations); otherwise with numpy's binomial or multinomial.

    Parameters
    ----------
    p0 : float or array_like
        The real shares: a share in (0, 1) (two groups: p0, 1 - p0) or k shares in (0, 1).
    generations : int
        Rounds of sample-then-refit (>= 0).
    samples : int
        Examples M in each generation's training set (>= 1).
    temperature : float
        Sampling temperature T > 0.
    real_fraction : float
        Fraction alpha of fresh real examples in each training set (0 <= alpha <= 1).
    seeds : int
        Independent runs, simulated together (>= 1).
    rng : int or numpy.random.Generator
        Seed or generator; the same integer gives the same result.

    Returns
    -------
    TemperatureChain
        ``shares`` of shape ``(seeds, generations + 1, k)``.
    """
    p0 = _check_shares("p0", p0)
    generations, samples = check_loop_sizes(generations, samples)
    temperature = _check_temperature(temperature)
    alpha = _check_real_fraction(real_fraction)
    seeds = check_int("seeds", seeds, minimum=1)
    k = p0.size

    def cost(generations: int, samples: int, seeds: int) -> tuple[int, int]:
        kept = seeds * ((generations + 1) * k + generations + 4 * k)
        steps = generations * (seeds * k * 100 + 3 * _STEP)
        if k == 2 and samples <= TABULATED_SAMPLES:  # the tabulated chain
            kept, steps = kept + 16 * (samples + 1) ** 2, steps + 300 * (samples + 1) ** 2
        return 8 * kept, steps

    check_budget(cost, generations=generations, samples=samples, seeds=seeds)
    gen = make_rng(rng)
    real = int(round(alpha * samples))
    synthetic = samples - real

    shares = np.empty((seeds, generations + 1, p0.size))
    shares[:, 0] = p0
    if p0.size == 2 and samples <= TABULATED_SAMPLES and generations:
        # two groups: the count of group 0 is a Markov chain on 0..M. Tabulate its transition
        # distribution once, then draw every seed's next count by inversion (exact, and fast).
        x0 = float(p0[0])
        grid = np.arange(samples + 1) / samples
        first = _InverseTransform(
            _count_transitions(np.array([x0]), x0, temperature, real, synthetic)
        )
        table = _InverseTransform(_count_transitions(grid, x0, temperature, real, synthetic))
        count = first.draw(np.zeros(seeds, dtype=np.int64), gen.random(seeds))
        counts = np.empty((seeds, generations), dtype=np.int64)
        counts[:, 0] = count
        for n in range(1, generations):
            count = table.draw(count, gen.random(seeds))
            counts[:, n] = count
        shares[:, 1:, 0] = counts / samples
        shares[:, 1:, 1] = (samples - counts) / samples
        return TemperatureChain(shares, p0, samples, real, temperature)
    for n in range(1, generations + 1):
        # the current model writes M - R examples at temperature T, the world adds R real ones
        sampled = _sharpen(shares[:, n - 1], temperature)
        if p0.size == 2:  # binomial counts of group 0: the same law, faster than multinomial
            first = gen.binomial(synthetic, sampled[:, 0]) + gen.binomial(real, p0[0], size=seeds)
            shares[:, n, 0] = first / samples
            shares[:, n, 1] = (samples - first) / samples
        else:
            counts = gen.multinomial(synthetic, sampled) + gen.multinomial(real, p0, size=seeds)
            shares[:, n] = counts / samples
    return TemperatureChain(shares, p0, samples, real, temperature)


# -- loop 2: a classifier labelling its own next training set -----------------------------------
def normal_cdf(z: float | np.ndarray) -> float | np.ndarray:
    """Standard normal CDF, Phi(z) = erfc(-z / sqrt 2) / 2 (accurate in both tails)."""
    if isinstance(z, numbers.Real) and not isinstance(z, bool):
        infinite = isinstance(z, float | np.floating) and math.isinf(z)  # Phi(+-inf) = 1 or 0
        z = float(z) if infinite else check_real("z", z)
        return 0.5 * math.erfc(-z / _SQRT2)
    z = check_array("z", z, finite=False)
    if np.isnan(z).any():
        raise ValueError("z must not be NaN (+-inf are fine), got nan")
    check_budget(lambda z: (80 * z, 200 * z), z=z.size)  # one Python float per entry
    return 0.5 * _erfc(-z / _SQRT2).astype(float)


def _normal_pdf(z: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * z * z) / _SQRT2PI


def _check_model(prior, mean0, mean1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    prior = check_array("prior", prior, finite=False)
    mean0 = check_array("mean0", mean0, finite=False)
    mean1 = check_array("mean1", mean1, finite=False)
    if np.any(~np.isfinite(prior)) or np.any((prior < 0) | (prior > 1)):
        raise ValueError("prior must be >= 0 and <= 1")
    for name, value in (("mean0", mean0), ("mean1", mean1)):
        if np.any(~np.isfinite(value)):
            raise ValueError(f"{name} must be finite")
        if np.any(np.abs(value) > MAX_MAGNITUDE):
            raise ValueError(f"{name} must be >= {-MAX_MAGNITUDE:g} and <= {MAX_MAGNITUDE:g}")
    arrays = {"prior": prior, "mean0": mean0, "mean1": mean1}
    try:
        shape = np.broadcast_shapes(prior.shape, mean0.shape, mean1.shape)
    except ValueError:
        shapes = ", ".join(f"{k} {v.shape}" for k, v in arrays.items())
        raise ValueError(
            f"prior, mean0 and mean1 must have shapes that broadcast, got {shapes}"
        ) from None
    largest = max(arrays, key=lambda k: arrays[k].size)  # named if the tables are too big
    per_entry = 8 * 40 * math.prod(shape) / max(arrays[largest].size, 1)
    check_budget(lambda **n: (per_entry * n[largest], 0), **{largest: arrays[largest].size})
    return np.broadcast_arrays(prior, mean0, mean1)


def _label_masses(prior, mean0, mean1, separation):
    """Per true class y (last axis: y = 0, 1), P(label 1 | y) and E[x; label 1 | y].

    The model's Bayes rule labels 1 when (m1 - m0)(x - (m0 + m1)/2) + logit(prior) > 0: a
    threshold t on x, upwards if m1 > m0, downwards if m1 < m0 (a tie x = t has probability 0),
    and a constant rule, everything to the model's majority, if the means are equal.
    """
    mu = np.array([-separation / 2, separation / 2])
    prior, mean0, mean1 = (np.asarray(a, dtype=float)[..., None] for a in (prior, mean0, mean1))
    diff = mean1 - mean0
    with np.errstate(divide="ignore"):
        logit = np.log(prior) - np.log1p(-prior)
    safe = np.where(diff != 0, diff, 1.0)
    with np.errstate(invalid="ignore"):
        t = (mean0 + mean1) / 2 - logit / safe
    sign = np.where(diff > 0, 1.0, -1.0)
    z = sign * (mu - t)  # distance from the class mean to the threshold, on the labelled side
    mass = normal_cdf(z)
    dens = _normal_pdf(np.where(np.isfinite(z), z, 0.0)) * np.isfinite(z)
    first = mu * mass + sign * dens
    flat = np.broadcast_to(diff == 0, mass.shape)
    if np.any(flat):
        ones = np.broadcast_to((logit > 0) | ((logit == 0) & (prior >= 0.5)), mass.shape)
        mass = np.where(flat, ones.astype(float), mass)
        first = np.where(flat, np.where(ones, mu, 0.0), first)
    return mass, first


def _label_rate(prior, mean0, mean1, true_prior, separation):
    """P(label 1) and E[x; label 1] for a fresh point of the real mixture."""
    mass, first = _label_masses(prior, mean0, mean1, separation)
    weight = np.array([1 - true_prior, true_prior])
    return (weight * mass).sum(axis=-1), (weight * first).sum(axis=-1)


def classifier_scores(
    prior: float | np.ndarray,
    mean0: float | np.ndarray,
    mean1: float | np.ndarray,
    *,
    true_prior: float,
    separation: float,
) -> dict[str, np.ndarray]:
    """How a model (prior, class means, unit variance) labels the real world, exactly.

    Returns a dict of arrays broadcast over the inputs: ``label_rate`` P(label 1), ``accuracy``
    P(label = y), ``recall1`` P(label 1 | y = 1) and ``recall0`` P(label 0 | y = 0).
    """
    true_prior = _check_open_unit("true_prior", true_prior)
    separation = _check_separation(separation)
    prior, mean0, mean1 = _check_model(prior, mean0, mean1)
    mass, _ = _label_masses(prior, mean0, mean1, separation)
    recall1, recall0 = mass[..., 1], 1.0 - mass[..., 0]
    return {
        "label_rate": true_prior * recall1 + (1 - true_prior) * (1 - recall0),
        "accuracy": true_prior * recall1 + (1 - true_prior) * recall0,
        "recall1": recall1,
        "recall0": recall0,
    }


def classifier_map(
    prior: float | np.ndarray,
    mean0: float | np.ndarray,
    mean1: float | np.ndarray,
    *,
    true_prior: float,
    separation: float,
    real_fraction: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One generation of the self-labelling loop with infinitely many examples.

    The model (prior, mean0, mean1) labels fresh points x ~ true mixture with its Bayes rule;
    the next prior is alpha * true_prior + (1 - alpha) * P(label 1), P(label 1) from the normal CDF.
    That prior is also the exact expectation of the next estimated prior for any finite batch
    (with alpha = R / N); the next means are the N -> infinity limits of the class averages.

    Returns
    -------
    tuple of numpy.ndarray
        Next (prior, mean0, mean1), broadcast over the inputs. A class that receives no labels
        keeps its previous mean.
    """
    true_prior = _check_open_unit("true_prior", true_prior)
    separation = _check_separation(separation)
    alpha = _check_real_fraction(real_fraction)
    prior, mean0, mean1 = _check_model(prior, mean0, mean1)
    return _classifier_step(prior, mean0, mean1, true_prior, separation, alpha)


def _classifier_step(prior, mean0, mean1, true_prior, separation, alpha):
    rate, first = _label_rate(prior, mean0, mean1, true_prior, separation)
    mu0, mu1 = -separation / 2, separation / 2
    total = true_prior * mu1 + (1 - true_prior) * mu0  # E[x] under the real mixture
    new_prior = alpha * true_prior + (1 - alpha) * rate
    sum1 = alpha * true_prior * mu1 + (1 - alpha) * first
    sum0 = alpha * (1 - true_prior) * mu0 + (1 - alpha) * (total - first)
    with np.errstate(divide="ignore", invalid="ignore"):
        new1 = np.where(new_prior > 0, sum1 / new_prior, mean1)
        new0 = np.where(new_prior < 1, sum0 / (1 - new_prior), mean0)
    return new_prior, new0, new1


def classifier_path(
    true_prior: float, generations: int, *, separation: float = 1.0, real_fraction: float = 0.0
) -> dict[str, np.ndarray]:
    """The deterministic (N -> infinity) path of the self-labelling loop, from the true model.

    Returns a dict of arrays of length ``generations + 1``: ``prior``, ``mean0``, ``mean1`` and,
    from :func:`classifier_scores`, ``accuracy``, ``recall0`` and ``recall1``.
    """
    true_prior = _check_open_unit("true_prior", true_prior)
    generations = check_int("generations", generations, minimum=0)
    separation = _check_separation(separation)
    alpha = _check_real_fraction(real_fraction)
    check_length("generations", generations, arrays=8, steps=70_000)
    prior, mean0, mean1 = np.empty((3, generations + 1))
    prior[0], mean0[0], mean1[0] = true_prior, -separation / 2, separation / 2
    for n in range(1, generations + 1):
        prior[n], mean0[n], mean1[n] = _classifier_step(
            prior[n - 1], mean0[n - 1], mean1[n - 1], true_prior, separation, alpha
        )
    scores = classifier_scores(prior, mean0, mean1, true_prior=true_prior, separation=separation)
    return {"prior": prior, "mean0": mean0, "mean1": mean1, **scores}


def classifier_fixed_point(
    true_prior: float,
    *,
    separation: float = 1.0,
    real_fraction: float,
    tolerance: float = 1e-12,
    max_generations: int = 1_000_000,
) -> dict[str, float]:
    """Where the deterministic self-labelling loop started at the true model settles.

    The map is iterated until prior and means move by less than ``tolerance``. Without real data
    and with much class overlap the majority takes over: the prior tends to 1 (or 0) while the
    minority's mean runs off, so only the prior is required to settle and the returned means are
    those at which it did. With well-separated classes the loop settles at a finite bias even
    without real data.

    Returns
    -------
    dict
        ``prior``, ``mean0``, ``mean1``, ``generations`` (iterations used) and the scores of
        :func:`classifier_scores` at the fixed point.
    """
    true_prior = _check_open_unit("true_prior", true_prior)
    separation = _check_separation(separation)
    alpha = _check_real_fraction(real_fraction)
    tolerance, max_generations = _check_settling(tolerance, max_generations)
    check_length("max_generations", max_generations, arrays=0, steps=3_000)
    state = _classifier_fixed_point(true_prior, separation, alpha, tolerance, max_generations)
    prior, mean0, mean1, used = state
    scores = classifier_scores(prior, mean0, mean1, true_prior=true_prior, separation=separation)
    return {
        "prior": prior,
        "mean0": mean0,
        "mean1": mean1,
        "generations": used,
        **{k: float(v) for k, v in scores.items()},
    }


def _classifier_fixed_point(true_prior, separation, alpha, tolerance, max_generations):
    """Scalar iteration of the map (math functions only: fast for one model)."""
    mu0, mu1 = -separation / 2, separation / 2
    total = true_prior * mu1 + (1 - true_prior) * mu0
    prior, m0, m1 = true_prior, mu0, mu1
    for n in range(1, max_generations + 1):
        if prior in (0.0, 1.0) or m1 == m0:
            new = tuple(
                float(v) for v in _classifier_step(prior, m0, m1, true_prior, separation, alpha)
            )
        else:
            diff = m1 - m0
            t = (m0 + m1) / 2 - math.log(prior / (1 - prior)) / diff
            s = 1.0 if diff > 0 else -1.0
            rate = first = 0.0
            for w, mu in ((1 - true_prior, mu0), (true_prior, mu1)):
                z = s * (mu - t)
                mass = 0.5 * math.erfc(-z / _SQRT2)
                rate += w * mass
                first += w * (mu * mass + s * math.exp(-0.5 * z * z) / _SQRT2PI)
            new_prior = alpha * true_prior + (1 - alpha) * rate
            new1 = (
                (alpha * true_prior * mu1 + (1 - alpha) * first) / new_prior
                if new_prior > 0
                else m1
            )
            new0 = (
                (alpha * (1 - true_prior) * mu0 + (1 - alpha) * (total - first)) / (1 - new_prior)
                if new_prior < 1
                else m0
            )
            new = (new_prior, new0, new1)
        moved = abs(new[0] - prior)
        if alpha > 0:  # with real data the means settle too; without, the minority's mean runs off
            moved = max(moved, abs(new[1] - m0), abs(new[2] - m1))
        prior, m0, m1 = new
        if moved <= tolerance:
            return prior, m0, m1, n
    raise RuntimeError(f"the map did not settle within {max_generations} generations")


def classifier_critical_real_fraction(
    true_prior: float, max_bias: float, *, separation: float = 1.0, tolerance: float = 1e-6
) -> float:
    """The least real fraction alpha whose settled prior is within ``max_bias`` of the truth.

    Bisection on alpha over :func:`classifier_fixed_point` (the settled bias |prior - true_prior|
    falls as alpha grows; at alpha = 1 it is 0).

    Parameters
    ----------
    true_prior : float
        Share of class 1 in the real world, in (0, 1).
    max_bias : float
        Largest acceptable |settled prior - true_prior|, > 0.
    separation : float
        Distance between the two class means, in units of the feature's standard deviation (> 0).
    tolerance : float
        Width of the final bracket on alpha.
    """
    true_prior = _check_open_unit("true_prior", true_prior)
    max_bias = check_real("max_bias", max_bias, minimum=0, strict_minimum=True)
    separation = _check_separation(separation)
    tolerance = check_real("tolerance", tolerance, minimum=0, strict_minimum=True)

    def bias(alpha: float) -> float:
        prior = _classifier_fixed_point(true_prior, separation, alpha, 1e-12, 1_000_000)[0]
        return abs(prior - true_prior)

    if bias(0.0) <= max_bias:
        return 0.0
    low, high = 0.0, 1.0
    for _ in range(1100):  # bounded: stops once low and high are adjacent floats
        if high - low <= tolerance:
            break
        mid = 0.5 * (low + high)
        if mid in (low, high):
            break
        if bias(mid) <= max_bias:
            high = mid
        else:
            low = mid
    return high


@dataclass(frozen=True)
class ClassifierChain:
    """Fitted models of many independent runs of the self-labelling loop.

    ``prior``, ``mean0`` and ``mean1`` have shape ``(seeds, generations + 1)``; column 0 is the true
    model.
    """

    prior: np.ndarray
    mean0: np.ndarray
    mean1: np.ndarray
    true_prior: float
    separation: float
    samples: int
    real_samples: int

    @property
    def generations(self) -> int:
        return self.prior.shape[1] - 1

    @property
    def real_fraction(self) -> float:
        """The fraction of truly labelled examples actually used, round(alpha * N) / N."""
        return self.real_samples / self.samples

    def expected_prior(self) -> np.ndarray:
        """E[prior_n | model_{n-1}], exact for this N (normal CDF); column 0 is NaN.

        The simulated ``prior[:, n]`` minus this has mean zero at every generation n >= 1.
        """
        rate, _ = _label_rate(
            self.prior[:, :-1],
            self.mean0[:, :-1],
            self.mean1[:, :-1],
            self.true_prior,
            self.separation,
        )
        expected = np.full(self.prior.shape, np.nan)
        expected[:, 1:] = (
            self.real_samples * self.true_prior + (self.samples - self.real_samples) * rate
        ) / self.samples
        return expected

    def scores(self) -> dict[str, np.ndarray]:
        """:func:`classifier_scores` of every fitted model, shape ``(seeds, generations + 1)``."""
        return classifier_scores(
            self.prior,
            self.mean0,
            self.mean1,
            true_prior=self.true_prior,
            separation=self.separation,
        )


def classifier_chain(
    true_prior: float,
    generations: int,
    samples: int,
    *,
    separation: float = 1.0,
    real_fraction: float = 0.0,
    seeds: int = 1,
    rng: int | np.random.Generator = 0,
) -> ClassifierChain:
    """Run the self-labelling loop for many seeds at once.

    Generation 0 is the true model (prior ``true_prior``, class means -+separation/2, unit
    variance). Each generation draws N fresh points from the real world: R = round(alpha * N) keep
    their true labels, the other N - R are labelled by the current model's Bayes rule. The next
    model's prior is the share of label 1, its means the average x of each label.

    Parameters
    ----------
    true_prior : float
        Share of class 1 in the real world, in (0, 1) (> 1/2 makes class 1 the majority).
    generations : int
        Rounds of label-then-refit (>= 0).
    samples : int
        Examples N in each generation's training set (>= 1).
    separation : float
        Distance between the class means, in standard deviations (> 0); small means much overlap.
    real_fraction : float
        Fraction alpha of truly labelled examples in each training set (0 <= alpha <= 1).
    seeds : int
        Independent runs, simulated together (>= 1).
    rng : int or numpy.random.Generator
        Seed or generator; the same integer gives the same result.
    """
    true_prior = _check_open_unit("true_prior", true_prior)
    generations, samples = check_loop_sizes(generations, samples)
    separation = _check_separation(separation)
    alpha = _check_real_fraction(real_fraction)
    seeds = check_int("seeds", seeds, minimum=1)

    def cost(generations: int, samples: int, seeds: int) -> tuple[int, int]:
        nbytes = 8 * 3 * seeds * (generations + 1) + 16 * seeds * samples + 8 * samples
        return nbytes, generations * (seeds * samples * 20 + 200_000)

    check_budget(cost, generations=generations, samples=samples, seeds=seeds)
    gen = make_rng(rng)
    real = int(round(alpha * samples))
    synthetic = samples - real
    half = separation / 2

    prior, mean0, mean1 = np.empty((3, seeds, generations + 1))
    prior[:, 0], mean0[:, 0], mean1[:, 0] = true_prior, -half, half
    class1_first = np.arange(synthetic)[None, :]
    for n in range(1, generations + 1):
        p, m0, m1 = prior[:, n - 1], mean0[:, n - 1], mean1[:, n - 1]
        # R truly labelled points: their counts and sums per class, drawn exactly
        ones = gen.binomial(real, true_prior, size=seeds)
        sum1 = ones * half + np.sqrt(ones) * gen.standard_normal(seeds)
        sum_all = sum1 - (real - ones) * half + np.sqrt(real - ones) * gen.standard_normal(seeds)
        # N - R fresh points from the real world (class-1 points first), labelled by the model
        k = gen.binomial(synthetic, true_prior, size=seeds)
        # (single precision for the bulk draws, double for the sums: twice as fast)
        x = gen.standard_normal((seeds, synthetic), dtype=np.float32)
        x -= np.float32(half)
        np.add(x, np.float32(separation), out=x, where=class1_first < k[:, None])
        # the Bayes rule of the model is a threshold on x (see _label_masses)
        diff = m1 - m0
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (m0 + m1) / 2 - (np.log(p) - np.log1p(-p)) / np.where(diff != 0, diff, 1.0)
        t = t.astype(np.float32)[:, None]
        label = x > t
        if np.any(diff <= 0):  # rare: means in the wrong order, or equal
            down, flat = diff < 0, diff == 0
            label[down] = x[down] < t[down]
            label[flat] = (p[flat] >= 0.5)[:, None]
        ones = ones + np.count_nonzero(label, axis=1)
        sum1 = sum1 + (x * label).sum(axis=1, dtype=np.float64)
        sum_all = sum_all + x.sum(axis=1, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean1[:, n] = np.where(ones > 0, sum1 / ones, m1)
            mean0[:, n] = np.where(ones < samples, (sum_all - sum1) / (samples - ones), m0)
        prior[:, n] = ones / samples
    return ClassifierChain(prior, mean0, mean1, true_prior, separation, samples, real)


# -- the reproductions table ---------------------------------------------------------------------
def reproductions() -> list:
    """Rows of the reproductions table (``python -m peakdata.reproduce``) for the bias loops.

    Every closed form here (exact chain, fixed point, normal-CDF map) is derived in the book, in
    the setting of the paper cited: self-consuming loops with biased sampling (Alemohammad et al.)
    and classification EM, the argmax self-labelling loop (Celeux and Govaert)."""
    from ..reproduce import Reproduction, derived, within_se

    rows = []
    # loop 1: finite-M simulation against the exact Markov chain
    for temperature, alpha, n in ((0.8, 0.0, 10), (0.8, 0.2, 30), (1.0, 0.0, 30)):
        chain = temperature_chain(
            0.3, n, 100, temperature=temperature, real_fraction=alpha, seeds=20_000, rng=301
        )
        exact = temperature_exact(0.3, n, 100, temperature=temperature, real_fraction=alpha)
        simulated, tolerance = within_se(chain.minority[:, n])
        rows.append(
            Reproduction(
                "alemohammad2024mad",
                f"temperature loop: E[minority share] = exact chain (x0=0.3, T={temperature}, "
                f"α={alpha}, M=100, n={n})",
                "closed form",
                float(exact["mean"][n]),
                simulated,
                tolerance,
                origin=derived("alemohammad2024mad"),
            )
        )
    chain = temperature_chain(0.3, 15, 100, temperature=0.8, seeds=20_000, rng=302)
    exact = temperature_exact(0.3, 15, 100, temperature=0.8)
    simulated, tolerance = within_se(chain.minority[:, 15] == 0)
    rows.append(
        Reproduction(
            "alemohammad2024mad",
            "temperature loop, no real data: P(minority lost) = exact chain (T=0.8, M=100, n=15)",
            "closed form",
            float(exact["lost"][15]),
            simulated,
            tolerance,
            origin=derived("alemohammad2024mad"),
        )
    )
    # the fixed point: long runs with many samples settle at the deterministic limit
    chain = temperature_chain(
        0.3, 60, 5_000, temperature=0.8, real_fraction=0.2, seeds=400, rng=303
    )
    limit = temperature_fixed_point(0.3, temperature=0.8, real_fraction=0.2)[0]
    simulated, tolerance = within_se(chain.minority[:, 60])
    rows.append(
        Reproduction(
            "alemohammad2024mad",
            "temperature loop with fresh real data settles at its fixed point "
            "(T=0.8, α=0.2, M=5000)",
            "closed form",
            float(limit),
            simulated,
            tolerance,
            origin=derived("alemohammad2024mad"),
        )
    )
    # loop 2: the expected next prior is the normal-CDF map, at every generation
    for alpha, n in ((0.0, 1), (0.0, 8), (0.3, 8)):
        chain = classifier_chain(
            0.6, n, 200, separation=1.0, real_fraction=alpha, seeds=4_000, rng=304
        )
        expected_prior = chain.expected_prior()
        gap, tolerance = within_se(chain.prior[:, n] - expected_prior[:, n])
        expected = float(expected_prior[:, n].mean())
        rows.append(
            Reproduction(
                "celeux1992classification",
                f"self-labelling classifier (classification EM): "
                f"E[prior_n | model_n−1] = normal-CDF map "
                f"(π=0.6, Δ=1, α={alpha}, N=200, n={n})",
                "closed form",
                expected,
                expected + gap,
                tolerance,
                origin=derived("celeux1992classification"),
            )
        )
    return rows
