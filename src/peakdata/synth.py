"""Synthetic data from a fitted model, and how to measure it against the real data.

Two generative models of points in the plane, both fitted to real data:

* a Gaussian mixture fitted by EM with a **fixed** number of steps (:func:`fit_gmm`; the EM
  itself is :func:`peakdata.collapse.twod.fit_gmm`), sampled with ``.sample``;
* a Gaussian kernel density estimate with bandwidth h: a sample picks a real point at random and
  adds N(0, h² I) noise (:func:`kde_sample`, the step of :func:`peakdata.collapse.twod.kde_chain`).

Four measures of a synthetic sample against a real one, from distances between points:

* **precision** and **recall** of distributions with k-nearest neighbours (Kynkäänniemi et al.
  2019, :func:`precision_recall`): fidelity (the share of synthetic points inside the real data's
  k-NN balls) and diversity (the share of real points inside the synthetic data's k-NN balls);
* the **energy distance** between the two samples (:func:`energy_distance`);
* **memorisation**: each synthetic point's distance to its closest real record
  (:func:`closest_record`), against the real data's own nearest-neighbour distances
  (:func:`knn_radius`, leave-one-out).

Portability: a squared distance is summed coordinate by coordinate, (x₀ − y₀)² + (x₁ − y₁)² + ...,
with elementwise operations only (never a BLAS product x·yᵀ, whose rounding depends on the CPU),
and every comparison (a point inside a ball, the k-th smallest distance) is made between squared
distances computed that way. So the counts behind precision and recall, and the distances, are the
same bits on every machine. Pairs are processed in blocks of rows, so memory stays bounded for any
number of points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import (
    MAX_MAGNITUDE,
    check_array,
    check_budget,
    check_int,
    check_real,
    check_scale,
    make_rng,
)
from .collapse import twod

BLOCK = 1 << 15
"""Pairs of points per block of the distance computations (256 KB per float64 array: the
blocks stay in the CPU's cache)."""


# -- models ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GaussianMixture:
    """A Gaussian mixture in the plane fitted by :func:`fit_gmm`.

    ``mixture`` holds the weights, means and covariances
    (a :class:`peakdata.collapse.twod.Mixture`); ``iterations`` the EM steps taken;
    ``train_loglik`` the mean log-likelihood per training point (nats).
    """

    mixture: twod.Mixture
    iterations: int
    train_loglik: float

    @property
    def components(self) -> int:
        return self.mixture.components

    @property
    def weights(self) -> np.ndarray:
        return self.mixture.weights

    @property
    def means(self) -> np.ndarray:
        return self.mixture.means

    @property
    def covs(self) -> np.ndarray:
        return self.mixture.covs

    def sample(self, n: int, rng: int | np.random.Generator = 0) -> np.ndarray:
        """``n`` points drawn from the mixture, shape ``(n, 2)``."""
        n = check_int("n", n, minimum=1)
        per_draw = self.components + 16
        check_budget(lambda n: (8 * per_draw * n, 10 * per_draw * n), n=n)
        return twod.sample_gmm(self.mixture, n, rng=rng)

    def loglik(self, x: np.ndarray) -> float:
        """Mean log density per point of ``x`` ``(n, 2)`` under the mixture (nats)."""
        x = twod._check_points("x", x, min_rows=1)
        per_row = 10 * self.components
        check_budget(lambda x: (8 * per_row * x, 10 * per_row * x), x=x.shape[0])
        return float(self.mixture.mean_loglik(x))


def fit_gmm(
    x: np.ndarray,
    components: int,
    *,
    iterations: int = 100,
    rng: int | np.random.Generator = 0,
    reg: float = 1e-6,
) -> GaussianMixture:
    """Fit a Gaussian mixture to points in the plane by exactly ``iterations`` EM steps.

    Parameters
    ----------
    x : array, shape (n, 2)
        The real data.
    components : int
        Number of components K (>= 1, <= n).
    iterations : int
        EM steps (>= 1). A fixed count, not a tolerance: no float threshold decides when EM
        stops, so the fit is the same on every machine.
    rng : int or numpy.random.Generator
        Seeds the k-means++ start (see :func:`peakdata.collapse.twod.fit_gmm`).
    reg : float
        Added to the diagonal of every covariance (same unit as ``x``, squared; >= 0).
    """
    x = twod._check_points("x", x, min_rows=1)
    k = check_int("components", components, minimum=1, maximum=x.shape[0])
    iterations = check_int("iterations", iterations, minimum=1)
    reg = check_real("reg", reg, minimum=0.0, maximum=MAX_MAGNITUDE)
    cost = twod._fit_cost(k)
    check_budget(lambda x, iterations: cost(x, iterations), x=x.shape[0], iterations=iterations)
    fit = twod.fit_gmm(x, k, rng=rng, max_iter=iterations, tol=None, reg=reg)
    return GaussianMixture(fit.mixture, int(fit.iterations), float(fit.loglik))


def kde_sample(
    x: np.ndarray, bandwidth: float, n: int, rng: int | np.random.Generator = 0
) -> np.ndarray:
    """``n`` points from the Gaussian kernel density estimate of ``x`` with bandwidth h.

    Each point: a row of ``x`` picked at random, plus N(0, h² I) noise. The same draws as one
    generation of :func:`peakdata.collapse.twod.kde_chain`. With h = 0 every point is a copy of a
    real one (the bootstrap). Per coordinate, the sample's variance is the data's (divisor n)
    plus h², in expectation.

    Parameters
    ----------
    x : array, shape (m, d)
        The real data.
    bandwidth : float
        Kernel standard deviation h per coordinate (>= 0, same unit as ``x``).
    n : int
        Points to draw (>= 1).
    rng : int or numpy.random.Generator
        Seed or generator.
    """
    x = _check_data("x", x)
    h = check_scale("bandwidth", bandwidth, zero=True)
    n = check_int("n", n, minimum=1)
    d = x.shape[1]
    check_budget(lambda n: (8 * n * (2 * d + 1), 20 * n * d), n=n)
    gen = make_rng(rng)
    out = x[gen.integers(0, x.shape[0], size=n)]
    out += h * gen.standard_normal((n, d))
    return out


# -- measures ----------------------------------------------------------------------------------
def knn_radius(x: np.ndarray, k: int = 1) -> np.ndarray:
    """Each point's distance to its k-th nearest *other* point (leave-one-out), shape ``(n,)``.

    With k = 1: the data's own nearest-neighbour distances, the yardstick for
    :func:`closest_record`. A point with at least k exact duplicates has radius 0.
    """
    x = _check_data("x", x, min_rows=2)
    k = check_int("k", k, minimum=1, maximum=x.shape[0] - 1)
    _check_pairs(x=x.shape[0], d=x.shape[1])
    return np.sqrt(_knn_sq(x, k))


def precision_recall(real: np.ndarray, synthetic: np.ndarray, k: int = 3) -> tuple[float, float]:
    """Precision and recall of a synthetic sample against a real one (Kynkäänniemi et al. 2019).

    Every point of a sample gets a ball whose radius is the distance to its k-th nearest
    neighbour in the same sample (itself excluded). **Precision** (fidelity) is the share of
    synthetic points that lie in at least one real point's ball (distance <= radius); **recall**
    (diversity) is the share of real points that lie in at least one synthetic point's ball.

    Parameters
    ----------
    real, synthetic : array, shape (n, d) and (m, d)
        The two samples (same number of columns d).
    k : int
        Neighbour that sets each ball's radius (>= 1, < n and < m; the paper uses 3).
    """
    real, synthetic = _check_two(real, synthetic, min_rows=2)
    k = check_int("k", k, minimum=1, maximum=min(real.shape[0], synthetic.shape[0]) - 1)
    _check_pairs(real=real.shape[0], synthetic=synthetic.shape[0], d=real.shape[1], within=True)
    r_real, r_syn = _knn_sq(real, k), _knn_sq(synthetic, k)
    precise = np.zeros(synthetic.shape[0], dtype=bool)
    recalled = np.zeros(real.shape[0], dtype=bool)
    for rows, d2 in _blocks(synthetic, real):
        precise[rows] = (d2 <= r_real).any(axis=1)
        recalled |= (d2 <= r_syn[rows, None]).any(axis=0)
    return float(precise.mean()), float(recalled.mean())


def closest_record(real: np.ndarray, synthetic: np.ndarray) -> np.ndarray:
    """Each synthetic point's distance to its closest real point (record), shape ``(m,)``.

    0 means an exact copy of a real record. Compare with the real data's own nearest-neighbour
    distances (:func:`knn_radius` with k = 1), or with held-out real points' distances to the
    training set: a model that generalises puts its points about as far from the training
    records as new real data are.
    """
    real, synthetic = _check_two(real, synthetic, min_rows=1)
    _check_pairs(real=real.shape[0], synthetic=synthetic.shape[0], d=real.shape[1])
    out = np.empty(synthetic.shape[0])
    for rows, d2 in _blocks(synthetic, real):
        out[rows] = d2.min(axis=1)
    return np.sqrt(out)


def energy_distance(real: np.ndarray, synthetic: np.ndarray) -> float:
    """Energy distance between two samples: 2 E|X − Y| − E|X − X'| − E|Y − Y'|.

    Means over all pairs, each sample's own pairs including a point with itself (the
    V-statistic of Székely and Rizzo): it is >= 0, 0 only when the two samples are the same
    points (in any order and multiplicity), and has the unit of the data. For two samples of one
    distribution it is small but positive, shrinking like 1/n + 1/m.
    """
    real, synthetic = _check_two(real, synthetic, min_rows=1)
    _check_pairs(real=real.shape[0], synthetic=synthetic.shape[0], d=real.shape[1], within=True)
    cross = _mean_distance(synthetic, real)
    within_real = _mean_distance(real, real)
    within_syn = _mean_distance(synthetic, synthetic)
    return max(2 * cross - within_real - within_syn, 0.0)


def resampling_energy(real: np.ndarray, m: int) -> float:
    """Expected energy distance between ``real`` and ``m`` points resampled from it (h = 0).

    Derived here: if Y₁, ..., Yₘ are drawn with replacement from the n real points, the cross
    term and the real term of :func:`energy_distance` both have mean B, the mean distance over
    all n² pairs of real points, and the synthetic term (1 − 1/m)B (its m diagonal pairs are 0),
    so the expectation is B/m. It is the floor that sampling noise alone sets for a model that
    reproduces the real sample exactly.
    """
    real = _check_data("real", real)
    m = check_int("m", m, minimum=1)
    _check_pairs(real=real.shape[0], d=real.shape[1])
    return _mean_distance(real, real) / m


@dataclass(frozen=True)
class Measures:
    """The four measures of a synthetic sample against a real one (see :func:`measure`)."""

    precision: float
    recall: float
    energy: float
    closest: np.ndarray

    @property
    def closest_median(self) -> float:
        """Median distance to the closest real record."""
        return float(np.median(self.closest))

    @property
    def copies(self) -> float:
        """Share of synthetic points that are exact copies of a real record."""
        return float(np.mean(self.closest == 0))


def measure(real: np.ndarray, synthetic: np.ndarray, k: int = 3) -> Measures:
    """Precision, recall, energy distance and closest-record distances, in one call."""
    precision, recall = precision_recall(real, synthetic, k)
    return Measures(
        precision, recall, energy_distance(real, synthetic), closest_record(real, synthetic)
    )


# -- helpers -----------------------------------------------------------------------------------
def _check_data(name: str, value: object, *, min_rows: int = 1) -> np.ndarray:
    """A finite float array of shape (n, d), n >= ``min_rows``, d >= 1, entries within +-1e100."""
    arr = check_array(name, value, ndim=2, min_size=1, what="an array of real numbers")
    if arr.shape[0] < min_rows or arr.shape[1] < 1:
        raise ValueError(
            f"{name} must have shape (n, d) with n >= {min_rows} points and d >= 1 coordinates, "
            f"got shape {arr.shape}"
        )
    big = np.abs(arr) > MAX_MAGNITUDE
    if big.any():
        raise ValueError(
            f"{name} must be >= {-MAX_MAGNITUDE:g} and <= {MAX_MAGNITUDE:g}, got {arr[big].flat[0]}"
        )
    return arr


def _check_two(real: object, synthetic: object, *, min_rows: int) -> tuple[np.ndarray, np.ndarray]:
    real = _check_data("real", real, min_rows=min_rows)
    synthetic = _check_data("synthetic", synthetic, min_rows=min_rows)
    if synthetic.shape[1] != real.shape[1]:
        raise ValueError(
            f"synthetic must have as many columns as real ({real.shape[1]}), "
            f"got shape {synthetic.shape}"
        )
    return real, synthetic


def _check_pairs(*, d: int, within: bool = False, **sizes: int) -> None:
    """Budget of a pairwise computation over the samples ``sizes`` (points each), d coordinates:
    the inputs and outputs, a few blocks of pairs; about 4d + 10 steps per pair. One sample:
    its pairs with itself; two: the pairs across them (synthetic × real), and with ``within``
    each sample's pairs with itself too. So the message gives the size each sample may have
    given the other's (not a limit of 0 when both are large)."""

    if within and len(sizes) == 2:  # first each sample with itself: a limit for each alone
        for name, value in sizes.items():
            _check_pairs(d=d, **{name: value})

    def cost(**n: int) -> tuple[int, int]:
        counts = list(n.values())
        pairs = counts[0] ** 2 if len(counts) == 1 else counts[0] * counts[1]
        if within and len(counts) == 2:
            pairs += counts[0] ** 2 + counts[1] ** 2
        nbytes = 8 * sum(counts) * (d + 4) + 8 * 4 * BLOCK
        return nbytes, (4 * d + 10) * pairs

    check_budget(cost, **sizes)


def _blocks(a: np.ndarray, b: np.ndarray):
    """Yield (rows, squared distances ``(len(rows), len(b))``) over blocks of rows of ``a``.

    Squared distances are summed coordinate by coordinate with elementwise operations, so they
    are the same bits on every CPU, and d²(a, b) = d²(b, a) exactly. The yielded array is a
    buffer reused by the next block: the caller may change it, not keep it.
    """
    q = b.shape[0]
    step = max(1, BLOCK // q)
    buffer = np.empty((min(step, a.shape[0]), q))
    spare = np.empty_like(buffer) if a.shape[1] > 1 else None
    for start in range(0, a.shape[0], step):
        rows = slice(start, min(start + step, a.shape[0]))
        count = rows.stop - rows.start
        yield rows, _sq_dist(a[rows], b, buffer[:count], None if spare is None else spare[:count])


def _sq_dist(
    a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None, spare: np.ndarray | None = None
) -> np.ndarray:
    """Σⱼ (aⱼ − bⱼ)² for every pair, shape (len(a), len(b)), coordinates added in order."""
    out = np.subtract.outer(a[:, 0], b[:, 0], out=out)
    np.multiply(out, out, out=out)
    if a.shape[1] > 1:
        spare = np.empty_like(out) if spare is None else spare
        for j in range(1, a.shape[1]):
            np.subtract.outer(a[:, j], b[:, j], out=spare)
            np.multiply(spare, spare, out=spare)
            np.add(out, spare, out=out)
    return out


def _knn_sq(x: np.ndarray, k: int) -> np.ndarray:
    """Squared distance of every point to its k-th nearest other point (itself excluded by
    index, so duplicates count as neighbours at distance 0)."""
    out = np.empty(x.shape[0])
    for rows, d2 in _blocks(x, x):
        local = np.arange(d2.shape[0])
        d2[local, local + rows.start] = np.inf
        out[rows] = np.partition(d2, k - 1, axis=1)[:, k - 1]
    return out


def _mean_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean Euclidean distance over all pairs (a point with itself counts, at 0)."""
    total = 0.0
    for _, d2 in _blocks(a, b):
        np.sqrt(d2, out=d2)
        total += float(d2.sum())
    return total / (a.shape[0] * b.shape[0])


__all__ = [
    "BLOCK",
    "GaussianMixture",
    "Measures",
    "closest_record",
    "energy_distance",
    "fit_gmm",
    "kde_sample",
    "knn_radius",
    "measure",
    "precision_recall",
    "resampling_energy",
]
