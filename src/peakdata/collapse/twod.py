"""Model collapse in two dimensions: Gaussian mixtures and kernel density estimates refitted to
their own samples, starting from real data (the petals of Fisher's irises).

Generation 0's training set is real data. Model t is fitted to training set t; training set t + 1
is ``samples`` draws from model t; and so on. Two models:

* a Gaussian mixture with a fixed number of components, fitted by EM (:func:`fit_gmm`);
* a Gaussian kernel density estimate with a fixed bandwidth h: sampling it means picking a
  training point at random and adding N(0, h² I) noise.

Both chains run many seeds at once. The sample variance per coordinate (divisor = set size) obeys
E[S²ₜ₊₁] = ((M−1)/M)(E[S²ₜ] + a), with a = h² for the kernel density estimate (fixed point
(M−1)h², the book's SCIENCE notes, A5) and a = ``reg`` for the mixture, whose M-step copies the
sample's mean and covariance exactly (:func:`variance_theory`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._checks import (
    MAX_MAGNITUDE,
    check_array,
    check_budget,
    check_int,
    check_real,
    check_scale,
    make_rng,
)
from .._portable import exp, log

_LOG_2PI = math.log(2 * math.pi)
MAX_COORDINATE = 1e50
"""Largest magnitude of a point's coordinates: determinants of their covariances stay finite."""
_TINY = 10 * np.finfo(float).eps
_FIELDS = ("weights", "means", "covs")


# -- the real data -----------------------------------------------------------------------------
def load_iris_petals() -> np.ndarray:
    """Petal length and width (cm) of Fisher's 150 irises, shape ``(150, 2)``.

    Rows are ordered by species: setosa (0–49), versicolor (50–99), virginica (100–149).
    Provenance: ``src/peakdata/data/iris.md``.
    """
    from ..data import path

    return np.loadtxt(path("iris.csv"), delimiter=",", skiprows=1, ndmin=2)


def split_heldout(points: np.ndarray, every: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Split rows into (training, held-out): every ``every``-th row is held out.

    With ``every=3``, rows 2, 5, 8, ... are held out: a fixed, seed-free split that on the iris
    rows (ordered by species) holds out a third of each species.
    """
    points = _check_points("points", points, min_rows=2)
    every = check_int("every", every, minimum=2, maximum=points.shape[0])
    held = np.zeros(points.shape[0], dtype=bool)
    held[every - 1 :: every] = True
    return points[~held], points[held]


# -- Gaussian mixtures -------------------------------------------------------------------------
@dataclass(frozen=True)
class Mixture:
    """Gaussian mixtures in the plane, any batch shape ``B``.

    ``weights`` ``B + (K,)``, ``means`` ``B + (K, 2)``, ``covs`` ``B + (K, 2, 2)``.
    """

    weights: np.ndarray
    means: np.ndarray
    covs: np.ndarray

    @property
    def components(self) -> int:
        return self.weights.shape[-1]

    def __getitem__(self, index) -> Mixture:
        """Index the batch dimensions, e.g. ``chain.mixtures[:, 10]``."""
        return Mixture(self.weights[index], self.means[index], self.covs[index])

    def logpdf(self, points: np.ndarray) -> np.ndarray:
        """Log density at ``points`` (shape ``(n, 2)`` or ``B + (n, 2)``), shape ``B + (n,)``."""
        points = _check_points("points", points, min_rows=1, batched=True)
        self._check_size("points", points)
        return _logsumexp(self._log_joint(points), axis=-2)

    def _check_size(self, name: str, points: np.ndarray) -> None:
        """Batch shapes that broadcast, and a density table within the memory budget."""
        try:
            batch = np.broadcast_shapes(self.weights.shape[:-1], points.shape[:-2])
        except ValueError:
            raise ValueError(
                f"{name} must have leading dimensions that broadcast with the mixtures' batch "
                f"shape {self.weights.shape[:-1]}, got shape {points.shape}"
            ) from None
        per_row = 10 * math.prod(batch) * self.components

        def cost(**rows: int) -> tuple[int, int]:
            return 8 * per_row * rows[name], 10 * per_row * rows[name]

        check_budget(cost, **{name: points.shape[-2]})

    def mean_loglik(self, points: np.ndarray) -> np.ndarray:
        """Mean log density per point (nats), shape ``B``."""
        return self.logpdf(points).mean(axis=-1)

    def moments(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean ``B + (2,)`` and covariance ``B + (2, 2)`` of the whole mixture."""
        w = self.weights[..., None]
        mean = (w * self.means).sum(axis=-2)
        centred = self.means - mean[..., None, :]
        outer = centred[..., :, None] * centred[..., None, :]
        cov = (w[..., None] * (self.covs + outer)).sum(axis=-3)
        return mean, cov

    def modes(self, min_weight: float = 0.01, iterations: int = 500) -> np.ndarray:
        """Number of distinct peaks of each mixture's density, shape ``B``.

        Hill climbing from the mean of every component of weight >= ``min_weight`` by the
        fixed-point iteration of Carreira-Perpiñán (2000),
        x <- (Σₖ pₖ(x) Σₖ⁻¹)⁻¹ Σₖ pₖ(x) Σₖ⁻¹ μₖ with pₖ(x) the posterior of component k at x.
        Climbs that end within a tenth of the narrowest component's standard deviation of each
        other found the same peak.
        """
        min_weight = check_real("min_weight", min_weight, minimum=0.0, maximum=1.0)
        iterations = check_int("iterations", iterations, minimum=1)
        batch, k = self.weights.shape[:-1], self.components
        size = self.weights.size * k  # climbs in all, times components
        check_budget(lambda iterations: (80 * size, 100 * size * iterations), iterations=iterations)
        w = self.weights.reshape(-1, k)
        mu = self.means.reshape(-1, k, 2)
        cov = self.covs.reshape(-1, k, 2, 2)
        prec = _inv2(cov)
        p00, p01, p11 = prec[..., 0, 0], prec[..., 0, 1], prec[..., 1, 1]
        # per component: the precision's entries and precision @ mean, for one matrix product
        g = np.stack(
            [
                p00,
                p01,
                p11,
                p00 * mu[..., 0] + p01 * mu[..., 1],
                p01 * mu[..., 0] + p11 * mu[..., 1],
            ],
            axis=-1,
        )
        scale = np.sqrt(0.5 * (cov[..., 0, 0] + cov[..., 1, 1])).min(axis=-1)  # (B,)
        x = mu.copy()
        run = np.arange(w.shape[0])
        for _ in range(iterations):
            sub = Mixture(w[run], mu[run], cov[run])
            post = _softmax(sub._log_joint(x[run]), axis=-2).swapaxes(-1, -2)  # (B', starts, K)
            a00, a01, a11, b0, b1 = np.moveaxis(_matmul(post, g[run]), -1, 0)
            det = a00 * a11 - a01 * a01
            new = np.stack([(a11 * b0 - a01 * b1) / det, (a00 * b1 - a01 * b0) / det], axis=-1)
            moved = np.abs(new - x[run]).max(axis=(1, 2))
            x[run] = new
            run = run[moved > 1e-6 * scale[run]]
            if run.size == 0:
                break
        start = w >= min_weight  # (B, K)
        dist = np.linalg.norm(x[:, :, None, :] - x[:, None, :, :], axis=-1)
        earlier = np.tril(np.ones((k, k), dtype=bool), -1)[None]  # j < i
        same = (dist < 0.1 * scale[:, None, None]) & earlier & start[:, None, :]
        distinct = start & ~same.any(axis=-1)
        return distinct.sum(axis=-1).reshape(batch)

    def _log_joint(self, points: np.ndarray) -> np.ndarray:
        """log wₖ + log N(x; μₖ, Σₖ), shape ``B + (K, n)`` (the 2×2 algebra written out, and
        the points on the last axis, so sums over the few components stay fast)."""
        a, b, d = (self.covs[..., i, j, None] for i, j in ((0, 0), (0, 1), (1, 1)))
        det = a * d - b * b
        dx = points[..., None, :, 0] - self.means[..., :, 0, None]
        dy = points[..., None, :, 1] - self.means[..., :, 1, None]
        maha = (d * dx * dx - 2 * b * dx * dy + a * dy * dy) / det
        with np.errstate(divide="ignore"):
            const = log(self.weights[..., None] / np.sqrt(det)) - _LOG_2PI
        return const - 0.5 * maha


@dataclass(frozen=True)
class GMMFit:
    """A fitted mixture per batch element and how EM got there.

    ``loglik`` is the mean log-likelihood per point of the returned mixture; ``iterations`` the
    number of EM steps each run took. ``loglik_history[..., i]`` is the mean log-likelihood per
    point after i steps (the last entry: of the returned mixture); after a run has stopped, its
    entries repeat.
    """

    mixture: Mixture
    loglik: np.ndarray
    loglik_history: np.ndarray
    iterations: np.ndarray


def fit_gmm(
    points: np.ndarray,
    components: int = 3,
    *,
    rng: int | np.random.Generator = 0,
    max_iter: int = 200,
    tol: float | None = 1e-4,
    reg: float = 1e-6,
    init: np.ndarray | None = None,
) -> GMMFit:
    """Fit a Gaussian mixture by expectation–maximisation, for a batch of data sets at once.

    Parameters
    ----------
    points : array, shape (n, 2) or (seeds, n, 2)
        The data, one set per seed.
    components : int
        Number of components K (>= 1, <= n).
    rng : int or numpy.random.Generator
        Seeds the initial means (k-means++ seeding: the first a random point, each next one a
        point drawn with probability proportional to its squared distance to the nearest mean).
    max_iter : int
        At most this many EM steps (>= 1).
    tol : float or None
        A run stops when a step raises its mean log-likelihood per point by less than this
        (>= 0; with 0 it stops when rounding makes the likelihood dip). ``None``: never stop
        early, every run takes exactly ``max_iter`` steps (no float threshold decides how many,
        so the result is the same on every machine).
    reg : float
        Added to the diagonal of every covariance (cm², >= 0), so a component can never shrink
        onto a single point.
    init : array, shape (K, 2) or (seeds, K, 2), optional
        Initial means instead of the k-means++ seeding.

    Returns
    -------
    GMMFit
        The mixtures (batch shape ``()`` or ``(seeds,)``), their log-likelihood and its history.
    """
    x = _check_points("points", points, min_rows=1, batched=True)
    single = x.ndim == 2
    x = x[None] if single else x
    if x.ndim != 3:
        raise ValueError(f"points must have shape (n, 2) or (seeds, n, 2), got {x.shape}")
    s, n, _ = x.shape
    k = check_int("components", components, minimum=1, maximum=n)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    tol = None if tol is None else check_real("tol", tol, minimum=0.0)
    reg = check_real("reg", reg, minimum=0.0, maximum=MAX_MAGNITUDE)
    check_budget(_fit_cost(k, tol), points=s * n, max_iter=max_iter)
    gen = make_rng(rng)
    if init is None:
        means = _kmeanspp(x, k, gen)
    else:
        means = check_array("init", init, finite=False)
        far = ~(np.abs(means) <= MAX_COORDINATE)  # NaN and inf included
        if means.shape not in ((k, 2), (s, k, 2)) or np.any(far):
            raise ValueError(
                f"init must be finite with shape ({k}, 2) or ({s}, {k}, 2), got {means.shape}"
            )
        means = np.broadcast_to(means, (s, k, 2)).copy()
    centred = x - x.mean(axis=1, keepdims=True)
    data_cov = _matmul(centred.swapaxes(-1, -2), centred) / n + reg * np.eye(2)
    mix = Mixture(np.full((s, k), 1 / k), means, np.repeat(data_cov[:, None], k, axis=1))

    # EM; runs that have converged drop out of the batch, so each run stops on its own criterion
    feats = _moment_features(x)
    w, mu, cov = mix.weights.copy(), mix.means.copy(), mix.covs.copy()
    history = np.empty((s, max_iter + 1))
    iterations = np.zeros(s, dtype=int)
    previous = np.full(s, -np.inf)
    run = np.arange(s)
    for i in range(max_iter):
        loglik, resp = _e_step(Mixture(w[run], mu[run], cov[run]), x[run])
        history[run, i:] = loglik[:, None]
        keep = np.full(run.size, True) if tol is None else loglik - previous[run] >= tol
        run, resp = run[keep], resp[keep]
        if run.size == 0:
            break
        previous[run] = loglik[keep]
        w[run], mu[run], cov[run] = _m_step(feats[run], resp, reg)
        iterations[run] += 1
    mix = Mixture(w, mu, cov)
    loglik, _ = _e_step(mix, x)
    if not np.all(np.isfinite(loglik)):  # only without regularisation: fail loudly, not NaN
        raise ValueError(
            "reg must be > 0 for these points (a component shrank onto a point or a line, so "
            f"its covariance is singular), got {reg}"
        )
    hist = history[:, : iterations.max() + 1]
    hist[:, -1] = loglik  # runs that stopped earlier repeat their final value
    if single:
        return GMMFit(mix[0], loglik[0], hist[0], iterations[0])
    return GMMFit(mix, loglik, hist, iterations)


def _fit_cost(components: int, tol: float | None = None):
    """(bytes, steps) of :func:`fit_gmm` on ``points`` points in all, for ``check_budget``.

    With a tolerance, EM is counted as 20 steps (runs on the book's data stop after about as
    many; a run that is still improving may take up to ``max_iter``), without one as
    ``max_iter``; every step also costs about 30 microseconds of overhead.
    """

    def cost(points: int, max_iter: int) -> tuple[int, int]:
        nbytes = 8 * (points * (12 + 16 * components) + max_iter + 1)
        steps = min(max_iter, 20) if tol else max_iter
        return nbytes, 100 * steps * points * components + 30_000 * max_iter

    return cost


def sample_gmm(mixture: Mixture, size: int, *, rng: int | np.random.Generator = 0) -> np.ndarray:
    """Draw ``size`` points from each mixture of the batch, shape ``B + (size, 2)``."""
    if not isinstance(mixture, Mixture):
        raise TypeError(f"mixture must be a Mixture, got {type(mixture).__name__}")
    size = check_int("size", size, minimum=1)
    per_draw = math.prod(mixture.weights.shape[:-1]) * (mixture.components + 16)
    check_budget(lambda size: (8 * per_draw * size, 10 * per_draw * size), size=size)
    gen = make_rng(rng)
    batch = mixture.weights.shape[:-1]
    u = gen.random((*batch, size))
    cdf = np.cumsum(mixture.weights, axis=-1)
    comp = np.minimum((u[..., None] > cdf[..., None, :]).sum(axis=-1), mixture.components - 1)
    z = gen.standard_normal((*batch, size, 2))
    mean = np.take_along_axis(mixture.means, comp[..., None], axis=-2)
    chol = np.take_along_axis(_chol2(mixture.covs), comp[..., None, None], axis=-3)
    z0, z1 = z[..., 0], z[..., 1]
    return mean + np.stack([chol[..., 0, 0] * z0, chol[..., 1, 0] * z0 + chol[..., 1, 1] * z1], -1)


# -- the chains --------------------------------------------------------------------------------
@dataclass(frozen=True)
class GMMChain:
    """Many runs of the mixture loop.

    ``mixtures`` has batch shape ``(seeds, generations + 1)``: model t was fitted to training set
    t (set 0 is the real data). ``mean`` and ``variance`` ``(seeds, generations + 1, 2)``: each
    training set's mean and variance per coordinate (divisor = set size). ``snapshots`` maps a
    generation to its training sets ``(seeds, size, 2)``.
    """

    mixtures: Mixture
    mean: np.ndarray
    variance: np.ndarray
    samples: int
    reg: float
    snapshots: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def generations(self) -> int:
        return self.variance.shape[1] - 1

    def heldout_loglik(self, heldout: np.ndarray) -> np.ndarray:
        """Mean log density (nats per point) of ``heldout`` under each model, (seeds, gens + 1)."""
        heldout = _check_points("heldout", heldout, min_rows=1, batched=True)
        self.mixtures._check_size("heldout", heldout)
        return self.mixtures.mean_loglik(heldout)

    def modes(self, min_weight: float = 0.01) -> np.ndarray:
        """Number of peaks of each fitted density, ``(seeds, generations + 1)``."""
        return self.mixtures.modes(min_weight=min_weight)


@dataclass(frozen=True)
class KDEChain:
    """Many runs of the kernel-density loop.

    ``mean`` and ``variance`` ``(seeds, generations + 1, 2)``: the mean and variance of training
    set t per coordinate (divisor = set size); set 0 is the real data. Model t is the kernel
    density estimate of set t. ``snapshots`` maps a generation to its training sets
    ``(seeds, size, 2)``.
    """

    mean: np.ndarray
    variance: np.ndarray
    samples: int
    bandwidth: float
    snapshots: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def generations(self) -> int:
        return self.variance.shape[1] - 1


def gmm_chain(
    data: np.ndarray,
    generations: int,
    samples: int,
    *,
    components: int = 3,
    seeds: int = 1,
    rng: int | np.random.Generator = 0,
    max_iter: int = 200,
    tol: float = 1e-4,
    reg: float = 1e-6,
    snapshots: tuple[int, ...] = (),
) -> GMMChain:
    """Run the Gaussian-mixture loop for many seeds at once (EM batched across seeds).

    Every generation is fitted from scratch (a fresh k-means++ start drawn from ``rng``).

    Parameters
    ----------
    data : array, shape (n, 2)
        The real training set (generation 0).
    generations : int
        Rounds of sample-then-refit (>= 0).
    samples : int
        Points M drawn from each model to train the next (>= ``components`` and >= 2).
    components : int
        Components K of every mixture (>= 1, <= n).
    seeds : int
        Independent runs, simulated together (>= 1).
    rng : int or numpy.random.Generator
        Seed or generator: initialisations and samples.
    max_iter, tol, reg
        Passed to :func:`fit_gmm`.
    snapshots : tuple of int
        Generations whose training sets to keep (each in 0..generations).
    """
    data = _check_points("data", data, min_rows=2)
    generations = check_int("generations", generations, minimum=0)
    components = check_int("components", components, minimum=1, maximum=data.shape[0])
    samples = check_int("samples", samples, minimum=max(components, 2))
    seeds = check_int("seeds", seeds, minimum=1)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    tol = None if tol is None else check_real("tol", tol, minimum=0.0)
    snapshots = _check_snapshots(snapshots, generations)
    fit_cost, rows = _fit_cost(components, tol), data.shape[0]

    def cost(generations: int, samples: int, seeds: int, max_iter: int) -> tuple[int, int]:
        size = max(rows, samples)
        nbytes, steps = fit_cost(seeds * size, max_iter)
        kept = seeds * ((generations + 1) * (7 * components + 4) + 2 * size * len(snapshots))
        return nbytes + 8 * kept, (generations + 1) * steps

    check_budget(cost, generations=generations, samples=samples, seeds=seeds, max_iter=max_iter)
    gen = make_rng(rng)

    x = np.broadcast_to(data, (seeds, *data.shape))
    fits, mean, variance, kept = [], [], [], {}
    for t in range(generations + 1):
        if t in snapshots:
            kept[t] = np.array(x)
        mean.append(x.mean(axis=1))
        variance.append(x.var(axis=1))
        fit = fit_gmm(x, components, rng=gen, max_iter=max_iter, tol=tol, reg=reg).mixture
        fits.append(fit)
        if t < generations:
            x = sample_gmm(fit, samples, rng=gen)
    mixtures = Mixture(*(np.stack([getattr(f, a) for f in fits], 1) for a in _FIELDS))
    return GMMChain(mixtures, np.stack(mean, 1), np.stack(variance, 1), samples, reg, kept)


def kde_chain(
    data: np.ndarray,
    generations: int,
    samples: int,
    bandwidth: float,
    *,
    seeds: int = 1,
    rng: int | np.random.Generator = 0,
    snapshots: tuple[int, ...] = (),
) -> KDEChain:
    """Run the kernel-density loop for many seeds at once.

    Model t is the Gaussian kernel density estimate of training set t with bandwidth h; training
    set t + 1 is M draws from it: pick a point of set t at random, add N(0, h² I) noise. With
    h = 0 the loop just resamples the data (the bootstrap).

    Parameters
    ----------
    data : array, shape (n, 2)
        The real training set (generation 0).
    generations : int
        Rounds of sample-then-refit (>= 0).
    samples : int
        Points M drawn from each model (>= 2).
    bandwidth : float
        Kernel standard deviation h per coordinate (>= 0, same unit as the data).
    seeds : int
        Independent runs, simulated together (>= 1).
    rng : int or numpy.random.Generator
        Seed or generator.
    snapshots : tuple of int
        Generations whose training sets to keep (each in 0..generations).
    """
    data = _check_points("data", data, min_rows=2)
    generations = check_int("generations", generations, minimum=0)
    samples = check_int("samples", samples, minimum=2)
    h = check_scale("bandwidth", bandwidth, zero=True)
    seeds = check_int("seeds", seeds, minimum=1)
    snapshots = _check_snapshots(snapshots, generations)
    rows = data.shape[0]

    def cost(generations: int, samples: int, seeds: int) -> tuple[int, int]:
        size = max(rows, samples)
        kept = seeds * (4 * (generations + 1) + 2 * size * (len(snapshots) + 8))
        return 8 * kept, generations * (seeds * samples * 60 + 60_000)

    check_budget(cost, generations=generations, samples=samples, seeds=seeds)
    gen = make_rng(rng)

    # coordinates on axis 1 and points on the last axis: the per-set sums run over contiguous memory
    x = np.ascontiguousarray(np.broadcast_to(data.T, (seeds, 2, data.shape[0])))
    mean = np.empty((seeds, generations + 1, 2))
    variance = np.empty((seeds, generations + 1, 2))
    kept = {}
    for t in range(generations + 1):
        if t in snapshots:
            kept[t] = x.transpose(0, 2, 1).copy()
        mean[:, t] = x.mean(axis=-1)
        centred = x - mean[:, t, :, None]
        variance[:, t] = (centred * centred).sum(axis=-1) / x.shape[-1]
        if t < generations:
            # each new point: a random point of the current set, plus kernel noise
            pick = gen.integers(0, x.shape[-1], size=(seeds, 1, samples))
            offset = np.arange(0, 2 * seeds * x.shape[-1], x.shape[-1]).reshape(seeds, 2, 1)
            x = x.reshape(-1)[offset + pick]
            x += h * gen.standard_normal((seeds, samples, 2)).transpose(0, 2, 1)
    return KDEChain(mean, variance, samples, h, kept)


def kde_mean_loglik(points: np.ndarray, bandwidth: float, heldout: np.ndarray) -> np.ndarray:
    """Mean log density (nats per point) of ``heldout`` ``(m, 2)`` under the Gaussian kernel
    density estimate of ``points`` (``(n, 2)`` or ``(..., n, 2)``) with bandwidth h > 0."""
    points = _check_points("points", points, min_rows=1, batched=True)
    h = check_scale("bandwidth", bandwidth)
    heldout = _check_points("heldout", heldout, min_rows=1)

    def cost(points: int, heldout: int) -> tuple[int, int]:  # (..., m, n) pairs, a few arrays
        return 8 * 6 * points * heldout, 30 * points * heldout

    check_budget(cost, points=points.size // 2, heldout=heldout.shape[0])
    sq = ((heldout[:, None, :] - points[..., None, :, :]) ** 2).sum(axis=-1)  # (..., m, n)
    log_k = -sq / (2 * h * h) - _LOG_2PI - 2 * math.log(h) - math.log(points.shape[-2])
    return _logsumexp(log_k, axis=-1).mean(axis=-1)


# -- closed forms ------------------------------------------------------------------------------
def variance_theory(
    generations: int, samples: int, initial: np.ndarray | float, added: float = 0.0
) -> np.ndarray:
    """E[S²ₜ] for t = 0..generations when E[S²ₜ₊₁] = ((M−1)/M)(E[S²ₜ] + a).

    S²ₜ is the variance (divisor = set size) of training set t, per coordinate; ``initial`` is
    S²₀ (a float or one value per coordinate); ``added`` is the variance a that the model adds
    to its training set: h² for a kernel density estimate, ``reg`` for the mixture fit.
    Solution: E[S²ₜ] = F + (S²₀ − F) rᵗ with r = (M−1)/M and fixed point F = (M−1)a.
    Returns shape ``(generations + 1,) + shape(initial)``.
    """
    generations, samples, added, initial = _check_theory(generations, samples, added, initial)
    r = (samples - 1) / samples
    fixed = (samples - 1) * added
    t = np.arange(generations + 1, dtype=float).reshape(-1, *([1] * initial.ndim))
    return fixed + (initial - fixed) * r**t


def drift_theory(
    generations: int, samples: int, initial: np.ndarray | float, added: float = 0.0
) -> np.ndarray:
    """E[(x̄ₜ − x̄₀)²] per coordinate: how far the training set's mean has wandered.

    Each generation's mean is an unbiased draw around the previous one with variance
    (S²ₜ + a)/M, and the steps are uncorrelated, so the expectations add up:
    E[(x̄ₜ − x̄₀)²] = Σₛ₌₀ᵗ⁻¹ (E[S²ₛ] + a)/M = t·a + (S²₀ − F)(1 − rᵗ). For a = 0 (a model that
    copies its training set's variance, such as a Gaussian mixture) it stays below S²₀; for a
    kernel density estimate (a = h²) it grows without bound. Same arguments as
    :func:`variance_theory`.
    """
    generations, samples, added, initial = _check_theory(generations, samples, added, initial)
    r = (samples - 1) / samples
    fixed = (samples - 1) * added
    t = np.arange(generations + 1, dtype=float).reshape(-1, *([1] * initial.ndim))
    return t * added + (initial - fixed) * (1 - r**t)


def kde_fixed_point(samples: int, bandwidth: float) -> float:
    """Where the kernel-density loop's variance per coordinate settles: (M−1)h²."""
    samples = check_int("samples", samples, minimum=2)
    h = check_scale("bandwidth", bandwidth, zero=True)
    return (samples - 1) * h * h


def kde_variance_theory(
    generations: int, samples: int, bandwidth: float, initial: np.ndarray | float
) -> np.ndarray:
    """E[S²ₜ] of the kernel-density loop: (M−1)h² + (S²₀ − (M−1)h²)((M−1)/M)ᵗ."""
    h = check_scale("bandwidth", bandwidth, zero=True)
    return variance_theory(generations, samples, initial, added=h * h)


# -- reproductions -----------------------------------------------------------------------------
def reproductions() -> list:
    """Rows of the reproductions table: the kernel-density loop settles at (M−1)h² per
    coordinate, for several M and h, while its mean keeps wandering."""
    from ..reproduce import Reproduction, derived, within_se

    key = "kazdan2025collapse"  # KDE loops are studied there; the closed forms are derived here
    train, _ = split_heldout(load_iris_petals())
    s0 = train.var(axis=0)
    rows = []
    settings = ((20, 0.3, 120, 2000, 301), (50, 0.2, 300, 2000, 302), (100, 0.1, 600, 1000, 303))
    for m, h, t, seeds, seed in settings:
        chain = kde_chain(train, t, m, h, seeds=seeds, rng=seed)
        simulated, tolerance = within_se(chain.variance[:, t].mean(axis=-1))
        rows.append(
            Reproduction(
                key,
                f"KDE loop: variance per coordinate → (M−1)h² (M={m}, h={h} cm, n={t})",
                "closed form",
                float(kde_variance_theory(t, m, h, s0)[t].mean()),
                simulated,
                tolerance,
                origin=derived(key),
            )
        )
    drift = ((chain.mean[:, t] - chain.mean[:, 0]) ** 2).mean(axis=-1)
    simulated, tolerance = within_se(drift)
    rows.append(
        Reproduction(
            key,
            f"KDE loop: the mean wanders, E[(x̄ₙ−x̄₀)²] ≈ nh² (M={m}, h={h} cm, n={t})",
            "closed form",
            float(drift_theory(t, m, s0, h * h)[t].mean()),
            simulated,
            tolerance,
            origin=derived(key),
        )
    )
    return rows


# -- helpers -----------------------------------------------------------------------------------
def _check_points(name: str, value: object, *, min_rows: int, batched: bool = False) -> np.ndarray:
    """A finite float array of points in the plane: shape (n, 2), or (..., n, 2) if batched,
    coordinates within +-:data:`MAX_COORDINATE`."""
    arr = check_array(name, value, finite=False, what="an array of numbers")
    shape_ok = arr.ndim >= 2 if batched else arr.ndim == 2
    if not shape_ok or arr.shape[-1] != 2 or arr.shape[-2] < min_rows:
        wanted = "(..., n, 2)" if batched else "(n, 2)"
        raise ValueError(
            f"{name} must have shape {wanted} with n >= {min_rows}, got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            f"{name} must be finite, got {np.sum(~np.isfinite(arr))} non-finite values"
        )
    if np.any(np.abs(arr) > MAX_COORDINATE):
        raise ValueError(
            f"{name} must be >= {-MAX_COORDINATE:g} and <= {MAX_COORDINATE:g}, "
            f"got {arr.flat[np.argmax(np.abs(arr))]}"
        )
    return arr


def _check_theory(generations, samples, added, initial):
    generations = check_int("generations", generations, minimum=0)
    samples = check_int("samples", samples, minimum=2)
    added = check_real("added", added, minimum=0.0, maximum=MAX_MAGNITUDE)
    what = "a finite variance >= 0 (one, or one per coordinate)"
    initial = check_array("initial", initial, finite=False, what=what)
    bad = ~np.isfinite(initial) | (initial < 0) | (initial > MAX_MAGNITUDE)
    if initial.ndim > 1 or np.any(bad):
        raise ValueError(f"initial must be {what}, <= {MAX_MAGNITUDE:g}, got {initial}")
    check_budget(
        lambda generations: (8 * 6 * (generations + 1) * initial.size, 0), generations=generations
    )
    return generations, samples, added, initial


def _check_snapshots(snapshots: object, generations: int) -> tuple[int, ...]:
    if isinstance(snapshots, int | np.integer):
        snapshots = (snapshots,)
    try:
        items = tuple(snapshots)
    except TypeError:
        raise TypeError(f"snapshots must be a tuple of ints, got {snapshots!r}") from None
    return tuple(check_int("snapshots", t, minimum=0, maximum=generations) for t in items)


def _kmeanspp(x: np.ndarray, k: int, gen: np.random.Generator) -> np.ndarray:
    """k-means++ seeding for every data set of the batch: means of shape (seeds, k, 2)."""
    s, n, _ = x.shape
    u = gen.random((s, k))
    rows = np.arange(s)
    centre = x[rows, np.minimum((u[:, 0] * n).astype(int), n - 1)]
    centres = [centre]
    d2 = ((x - centre[:, None]) ** 2).sum(-1)
    for j in range(1, k):
        cdf = np.cumsum(d2, axis=1)
        pick = np.minimum((cdf < (u[:, j] * cdf[:, -1])[:, None]).sum(axis=1), n - 1)
        centre = x[rows, pick]
        centres.append(centre)
        d2 = np.minimum(d2, ((x - centre[:, None]) ** 2).sum(-1))
    return np.stack(centres, axis=1)


def _e_step(mix: Mixture, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean log-likelihood per point (seeds,) and responsibilities (seeds, K, n)."""
    log_joint = mix._log_joint(x)
    top = log_joint.max(axis=-2, keepdims=True)
    joint = exp(log_joint - top)
    px = joint.sum(axis=-2, keepdims=True)
    return (log(px) + top).mean(axis=(-2, -1)), joint / px


def _moment_features(x: np.ndarray) -> np.ndarray:
    """1, x, y, x², xy, y² per point, shape (seeds, n, 6): the M-step is one matrix product."""
    px, py = x[..., 0], x[..., 1]
    return np.stack([np.ones_like(px), px, py, px * px, px * py, py * py], axis=-1)


def _m_step(
    feats: np.ndarray, resp: np.ndarray, reg: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights, means and covariances from responsibilities (the sample's moments are kept)."""
    m = _matmul(resp, feats)  # (seeds, K, 6): weighted moment sums
    nk = m[..., 0] + _TINY
    mx, my = m[..., 1] / nk, m[..., 2] / nk
    cxx = m[..., 3] / nk - mx * mx + reg
    cxy = m[..., 4] / nk - mx * my
    cyy = m[..., 5] / nk - my * my + reg
    covs = np.stack([np.stack([cxx, cxy], -1), np.stack([cxy, cyy], -1)], -2)
    return nk / feats.shape[1], np.stack([mx, my], -1), covs


def _det2(c: np.ndarray) -> np.ndarray:
    return c[..., 0, 0] * c[..., 1, 1] - c[..., 0, 1] * c[..., 1, 0]


def _inv2(c: np.ndarray) -> np.ndarray:
    inv = np.empty_like(c)
    det = _det2(c)
    inv[..., 0, 0] = c[..., 1, 1] / det
    inv[..., 1, 1] = c[..., 0, 0] / det
    inv[..., 0, 1] = -c[..., 0, 1] / det
    inv[..., 1, 0] = -c[..., 1, 0] / det
    return inv


def _chol2(c: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor of 2×2 positive-definite matrices."""
    out = np.zeros_like(c)
    a = np.sqrt(c[..., 0, 0])
    out[..., 0, 0] = a
    out[..., 1, 0] = c[..., 1, 0] / a
    out[..., 1, 1] = np.sqrt(np.maximum(c[..., 1, 1] - out[..., 1, 0] ** 2, 0.0))
    return out


def _logsumexp(a: np.ndarray, axis: int) -> np.ndarray:
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    return log(exp(a - top).sum(axis=axis)) + np.squeeze(top, axis=axis)


def _matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b over the last two axes, summed in a fixed order (BLAS sums in an order that
    depends on the CPU, and this loop feeds its own output back: see peakdata._portable)."""
    return (a[..., :, :, None] * b[..., None, :, :]).sum(axis=-2)


def _softmax(a: np.ndarray, axis: int) -> np.ndarray:
    e = exp(a - np.max(a, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
