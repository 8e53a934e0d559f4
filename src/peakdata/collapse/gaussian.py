"""Model collapse: models fitted, generation after generation, to their own samples.

The Gaussian loop of Shumailov et al. (2024): generation 0 is the real distribution
N(mu0, sigma0^2); each later generation fits a Gaussian to ``samples`` draws from the one before.
Closed forms for it are in :func:`gaussian_chain_theory` (the book's SCIENCE notes, A1).

The loop can also keep data instead of replacing it (Gerstgrasser et al. 2024; Kazdan et al.
2025), mix in fresh real data, and run in ``dim`` dimensions; the exact expectations of every
such workflow are in :func:`gaussian_workflow_theory` (SCIENCE notes, A2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import (
    MAX_MAGNITUDE,
    check_budget,
    check_choice,
    check_int,
    check_length,
    check_real,
    check_scale,
    make_rng,
)

ESTIMATORS = ("mle", "unbiased")
"""How each generation estimates sigma: divide by M ("mle") or by M - 1 ("unbiased")."""

WORKFLOWS = ("replace", "accumulate", "accumulate-subsample")
"""What each generation is fitted to: the M samples just written ("replace"), everything written
so far ("accumulate"), or M samples drawn without replacement from everything written so far
("accumulate-subsample")."""

_EULER_GAMMA = 0.5772156649015329


@dataclass(frozen=True)
class GaussianChain:
    """Fitted parameters of many independent runs of the Gaussian loop.

    Column 0 (axis 1) is the real distribution, column n the model after n rounds of
    fit-then-sample.

    For ``dim == 1``: ``mu`` and ``sigma`` have shape ``(seeds, generations + 1)``.
    For ``dim > 1``: ``mu`` has shape ``(seeds, generations + 1, dim)``, ``sigma`` is ``None``
    and the fitted covariance matrices are in ``cov``. ``cov`` has shape
    ``(seeds, generations + 1, dim, dim)`` for every ``dim`` (for ``dim == 1`` it is
    ``sigma**2``). The real distribution is N(mu0 * 1, sigma0^2 * I).
    """

    mu: np.ndarray
    sigma: np.ndarray | None
    samples: int
    estimator: str
    mu0: float
    sigma0: float
    workflow: str = "replace"
    real_fraction: float = 0.0
    dim: int = 1
    cov: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.cov is None and self.sigma is not None:
            object.__setattr__(self, "cov", (self.sigma**2)[..., None, None])

    @property
    def generations(self) -> int:
        return self.mu.shape[1] - 1

    @property
    def real_samples(self) -> int:
        """Fresh real samples among the M written at each generation (see :func:`real_count`)."""
        return real_count(self.samples, self.real_fraction)

    def variance(self) -> np.ndarray:
        """Fitted variance per coordinate, trace(cov) / dim, per seed and generation."""
        if self.dim == 1 and self.sigma is not None:
            return self.sigma**2
        return np.trace(self.cov, axis1=-2, axis2=-1) / self.dim

    def sq_mu_error(self) -> np.ndarray:
        """Squared distance of the fitted mean from the real one, ||mu - mu0||^2."""
        if self.dim == 1:
            return (self.mu - self.mu0) ** 2
        return ((self.mu - self.mu0) ** 2).sum(axis=-1)

    def w2_squared(self) -> np.ndarray:
        """Squared Wasserstein-2 distance to the real Gaussian, per seed and generation.

        In ``dim`` dimensions, against N(mu0 * 1, sigma0^2 I):
        ||mu - mu0||^2 + trace(cov) + dim sigma0^2 - 2 sigma0 trace(cov^(1/2)).
        """
        if self.dim == 1:
            return (self.mu - self.mu0) ** 2 + (self.sigma - self.sigma0) ** 2
        root_trace = np.sqrt(np.clip(np.linalg.eigvalsh(self.cov), 0.0, None)).sum(axis=-1)
        return (
            self.sq_mu_error()
            + np.trace(self.cov, axis1=-2, axis2=-1)
            + self.dim * self.sigma0**2
            - 2 * self.sigma0 * root_trace
        )


def real_count(samples: int, real_fraction: float) -> int:
    """Fresh real samples among M: ``real_fraction * samples`` rounded to the nearest integer
    (halves up). The rest of the M samples come from the model."""
    samples = check_int("samples", samples, minimum=1)
    real_fraction = check_real("real_fraction", real_fraction, minimum=0.0, maximum=1.0)
    return min(samples, math.floor(real_fraction * samples + 0.5))


def gaussian_chain(
    generations: int,
    samples: int,
    *,
    estimator: str = "mle",
    workflow: str = "replace",
    real_fraction: float = 0.0,
    seeds: int = 1,
    rng: int | np.random.Generator = 0,
    mu0: float = 0.0,
    sigma0: float = 1.0,
    dim: int = 1,
) -> GaussianChain:
    """Run the Gaussian model-collapse loop for many seeds at once.

    At every generation n >= 1, M samples are written: ``real_count(M, real_fraction)`` fresh
    draws from the real distribution, the rest from model n - 1 (model 0 is the real
    distribution, so the first M samples are all real). Model n is then fitted to

    * ``"replace"``: the M samples just written;
    * ``"accumulate"``: every sample written so far, n M in all (the M real samples of
      generation 1 plus M from each later generation);
    * ``"accumulate-subsample"``: M samples drawn uniformly without replacement from those n M.

    Parameters
    ----------
    generations : int
        Rounds of fit-then-sample (>= 0).
    samples : int
        Samples M written at each generation (>= 2).
    estimator : {"mle", "unbiased"}
        Variance with divisor N ("mle", numpy's default) or N - 1 ("unbiased"), N the number
        of samples the model is fitted to.
    workflow : {"replace", "accumulate", "accumulate-subsample"}
        What each model is fitted to (above).
    real_fraction : float
        Share of each generation's M samples that are fresh real data, in [0, 1].
    seeds : int
        Independent runs, simulated together (>= 1).
    rng : int or numpy.random.Generator
        Seed or generator; the same integer gives the same result.
    mu0, sigma0 : float
        The real distribution N(mu0, sigma0^2) in each coordinate (sigma0 > 0).
    dim : int
        Dimension (>= 1): the real distribution is N(mu0 * 1, sigma0^2 I) and each model fits a
        mean vector and a full covariance matrix.

    Returns
    -------
    GaussianChain
        For ``dim == 1``, ``mu`` and ``sigma`` of shape ``(seeds, generations + 1)``; for
        ``dim > 1``, ``mu`` of shape ``(seeds, generations + 1, dim)`` and ``cov`` of shape
        ``(seeds, generations + 1, dim, dim)``.

    Notes
    -----
    "accumulate" keeps only running sums (memory independent of the number of generations);
    "accumulate-subsample" keeps every sample, ``seeds * generations * samples * dim`` floats.
    With the defaults (replace, no real data, ``dim == 1``) the loop and its random draws are
    those of the book's first chapter.
    """
    generations = check_int("generations", generations, minimum=0)
    samples = check_int("samples", samples, minimum=2)
    seeds = check_int("seeds", seeds, minimum=1)
    estimator = check_choice("estimator", estimator, ESTIMATORS)
    workflow = check_choice("workflow", workflow, WORKFLOWS)
    real_fraction = check_real("real_fraction", real_fraction, minimum=0.0, maximum=1.0)
    mu0 = check_real("mu0", mu0, magnitude=MAX_MAGNITUDE)
    sigma0 = check_scale("sigma0", sigma0)
    dim = check_int("dim", dim, minimum=1)
    check_budget(
        _chain_cost(workflow), generations=generations, samples=samples, seeds=seeds, dim=dim
    )
    gen = make_rng(rng)
    ddof = 0 if estimator == "mle" else 1
    meta = {"workflow": workflow, "real_fraction": real_fraction, "dim": dim}

    if workflow == "replace" and real_count(samples, real_fraction) == 0 and dim == 1:
        mu = np.empty((seeds, generations + 1))
        sigma = np.empty((seeds, generations + 1))
        mu[:, 0], sigma[:, 0] = mu0, sigma0
        for n in range(1, generations + 1):
            # sample M points from the previous model, then fit the next one to them
            x = mu[:, n - 1, None] + sigma[:, n - 1, None] * gen.standard_normal((seeds, samples))
            mu[:, n] = x.mean(axis=1)
            sigma[:, n] = x.std(axis=1, ddof=ddof)
        return GaussianChain(mu, sigma, samples, estimator, mu0, sigma0, **meta)

    mu, cov = _workflow_chain(
        generations, samples, ddof, workflow, real_fraction, seeds, gen, mu0, sigma0, dim
    )
    if dim == 1:
        sigma = np.sqrt(cov[..., 0, 0])
        return GaussianChain(mu[..., 0], sigma, samples, estimator, mu0, sigma0, **meta)
    return GaussianChain(mu, None, samples, estimator, mu0, sigma0, **meta, cov=cov)


def _chain_cost(workflow: str):
    """(bytes, steps) of :func:`gaussian_chain`, for ``check_budget``."""

    def cost(generations: int, samples: int, seeds: int, dim: int) -> tuple[int, int]:
        kept = seeds * ((generations + 1) * (dim * dim + dim + 2) + 6 * samples * dim + 4 * dim**2)
        if workflow == "accumulate-subsample":
            kept += seeds * generations * samples * dim  # every sample written
        steps = generations * (seeds * (samples * dim * (dim + 20) + 10 * dim**3) + 30_000)
        return 8 * kept, steps

    return cost


def _workflow_chain(
    generations: int,
    samples: int,
    ddof: int,
    workflow: str,
    real_fraction: float,
    seeds: int,
    gen: np.random.Generator,
    mu0: float,
    sigma0: float,
    dim: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Every workflow in ``dim`` dimensions: means (seeds, G+1, dim), covariances (.., dim, dim)."""
    m, real = samples, real_count(samples, real_fraction)
    mu = np.empty((seeds, generations + 1, dim))
    cov = np.empty((seeds, generations + 1, dim, dim))
    mu[:, 0], cov[:, 0] = mu0, sigma0**2 * np.eye(dim)
    root = sigma0 * np.broadcast_to(np.eye(dim), (seeds, dim, dim))  # cov = root @ root.T
    # the data kept so far: running count, mean and scatter matrix, or (subsample) every point
    count, mean, scatter = 0, np.zeros((seeds, dim)), np.zeros((seeds, dim, dim))
    pool = np.empty((seeds, generations * m, dim)) if workflow == "accumulate-subsample" else None

    for n in range(1, generations + 1):
        # write M samples: `real` fresh real ones, the rest from model n - 1
        z = gen.standard_normal((seeds, m, dim))
        x = mu[:, n - 1, None, :] + z @ np.swapaxes(root, -1, -2)
        if real:
            x[:, :real] = mu0 + sigma0 * z[:, :real]
        if workflow == "replace":
            train = x
        elif workflow == "accumulate":
            count, mean, scatter = _merge(count, mean, scatter, x)
        else:
            pool[:, (n - 1) * m : n * m] = x
            if n == 1:
                train = x
            else:  # M of the n M points, uniformly without replacement, for every seed
                pick = _choose(gen, n * m, m, seeds)
                train = np.take_along_axis(pool[:, : n * m], pick[..., None], axis=1)
        if workflow == "accumulate":
            mu[:, n] = mean
            cov[:, n] = scatter / (count - ddof)
        else:
            mu[:, n] = train.mean(axis=1)
            centred = train - mu[:, n, None, :]
            cov[:, n] = np.swapaxes(centred, -1, -2) @ centred / (m - ddof)
        root = _sqrtm_psd(cov[:, n])
    return mu, cov


def _choose(gen: np.random.Generator, population: int, k: int, seeds: int) -> np.ndarray:
    """k distinct indices in [0, population) per seed, a uniformly random subset (unordered).

    Draw with replacement, then redraw the repeats until none is left: the procedure treats
    every index alike, so every k-subset is equally likely. Fast when population >= 2 k.
    """
    if population < 2 * k:
        return np.argpartition(gen.random((seeds, population)), k - 1, axis=1)[:, :k]
    pick = gen.integers(0, population, size=(seeds, k))
    while True:
        pick.sort(axis=1)
        repeat = np.zeros(pick.shape, dtype=bool)
        repeat[:, 1:] = pick[:, 1:] == pick[:, :-1]
        count = int(repeat.sum())
        if not count:
            return pick
        pick[repeat] = gen.integers(0, population, size=count)


def _merge(
    count: int, mean: np.ndarray, scatter: np.ndarray, x: np.ndarray
) -> tuple[int, np.ndarray, np.ndarray]:
    """Add a batch x (seeds, m, dim) to running (count, mean, scatter) (Chan et al.'s update)."""
    m = x.shape[1]
    batch_mean = x.mean(axis=1)
    centred = x - batch_mean[:, None, :]
    batch_scatter = np.swapaxes(centred, -1, -2) @ centred
    delta = batch_mean - mean
    total = count + m
    new_mean = mean + delta * (m / total)
    new_scatter = scatter + batch_scatter + (count * m / total) * delta[:, :, None] * delta[:, None]
    return total, new_mean, new_scatter


def _sqrtm_psd(cov: np.ndarray) -> np.ndarray:
    """A matrix square root R with R R^T = cov, for a stack of symmetric PSD matrices."""
    if cov.shape[-1] == 1:
        return np.sqrt(np.clip(cov, 0.0, None))
    eigenvalues, vectors = np.linalg.eigh(cov)
    return vectors * np.sqrt(np.clip(eigenvalues, 0.0, None))[:, None, :]


def gaussian_chain_theory(
    generations: int, samples: int, *, estimator: str = "mle", sigma0: float = 1.0
) -> dict[str, np.ndarray]:
    """Closed-form expectations for :func:`gaussian_chain`, per generation 0..generations.

    Returns a dict of arrays of length ``generations + 1``:

    ``mean_var``         E[sigma_n^2]
    ``mean_sigma``       E[sigma_n]
    ``typical_sigma``    exp(E[ln sigma_n]), what a typical run shows
    ``mean_sq_mu_error`` E[(mu_n - mu0)^2]
    ``mean_w2_sq``       E[W2^2] between the fitted and the real Gaussian
    """
    generations = check_int("generations", generations, minimum=0)
    samples = check_int("samples", samples, minimum=2)
    estimator = check_choice("estimator", estimator, ESTIMATORS)
    sigma0 = check_scale("sigma0", sigma0)
    check_length("generations", generations, arrays=12)
    m = samples
    n = np.arange(generations + 1, dtype=float)
    # the unbiased variance of M normal draws is sigma^2 chi2_{M-1}/(M-1); MLE scales it by r
    r = (m - 1) / m if estimator == "mle" else 1.0
    c = _mean_chi_ratio(m)
    log_var_step = _digamma_minus_log((m - 1) / 2) + math.log(r)

    mean_var = sigma0**2 * r**n
    mean_sigma = sigma0 * (c * math.sqrt(r)) ** n
    if estimator == "mle":
        mean_sq_mu_error = sigma0**2 * (1 - r**n)
    else:
        mean_sq_mu_error = sigma0**2 * n / m
    return {
        "mean_var": mean_var,
        "mean_sigma": mean_sigma,
        "typical_sigma": sigma0 * np.exp(n * log_var_step / 2),
        "mean_sq_mu_error": mean_sq_mu_error,
        "mean_w2_sq": mean_sq_mu_error + mean_var - 2 * sigma0 * mean_sigma + sigma0**2,
    }


_ASYMPTOTIC = 1e5
"""From this x on, digamma and the gamma ratio come from their asymptotic series (exact to float
precision there; the sum of x terms would take seconds for large M and is less accurate)."""


def _mean_chi_ratio(m: int) -> float:
    """E[sqrt(chi2_{M-1} / (M-1))] = sqrt(2/(M-1)) Gamma(M/2) / Gamma((M-1)/2)."""
    x = (m - 1) / 2
    if x < _ASYMPTOTIC:
        return math.sqrt(2 / (m - 1)) * math.exp(math.lgamma(m / 2) - math.lgamma((m - 1) / 2))
    # Gamma(x + 1/2) / (Gamma(x) sqrt(x)) = 1 - 1/(8x) + 1/(128x^2) + 5/(1024x^3) - 21/(32768x^4)
    return 1 - 1 / (8 * x) + 1 / (128 * x**2) + 5 / (1024 * x**3) - 21 / (32768 * x**4)


def _digamma_minus_log(x: float) -> float:
    """digamma(x) - ln(x) at a positive integer or half-integer x."""
    if x < _ASYMPTOTIC:
        return _digamma(x) - math.log(x)
    # -1/(2x) - sum_k B_2k / (2k x^2k); the next term is below 1e-40 here
    return -1 / (2 * x) - 1 / (12 * x**2) + 1 / (120 * x**4) - 1 / (252 * x**6)


def _digamma(x: float) -> float:
    """Digamma at a positive integer or half-integer (all the chain needs), exactly."""
    if x <= 0 or (2 * x) % 1:
        raise ValueError(f"x must be a positive integer or half-integer, got {x}")
    if x % 1 == 0:
        return -_EULER_GAMMA + sum(1 / j for j in range(1, int(x)))
    k = int(x - 0.5)
    return -_EULER_GAMMA - 2 * math.log(2) + sum(2 / (2 * j - 1) for j in range(1, k + 1))


def gaussian_workflow_theory(
    generations: int,
    samples: int,
    *,
    estimator: str = "mle",
    workflow: str = "replace",
    real_fraction: float = 0.0,
    sigma0: float = 1.0,
    dim: int = 1,
) -> dict[str, np.ndarray]:
    """Exact expectations for :func:`gaussian_chain` under any workflow, per generation.

    Every step of the loop is linear in the second moments of the data, so their expectations
    follow a short exact recursion (the book's chapter on workflows derives it). Returns a dict
    of arrays of length ``generations + 1``:

    ``mean_var``         E[trace(cov_n)] / dim, the fitted variance per coordinate
    ``mean_sq_mu_error`` E[||mu_n - mu0||^2], summed over the ``dim`` coordinates

    For ``workflow="replace"`` and no real data these are ``gaussian_chain_theory``'s
    ``mean_var`` and ``mean_sq_mu_error``; for ``"accumulate"`` ``mean_var`` is
    :func:`accumulate_variance`.
    """
    generations = check_int("generations", generations, minimum=0)
    samples = check_int("samples", samples, minimum=2)
    estimator = check_choice("estimator", estimator, ESTIMATORS)
    workflow = check_choice("workflow", workflow, WORKFLOWS)
    real_fraction = check_real("real_fraction", real_fraction, minimum=0.0, maximum=1.0)
    sigma0 = check_scale("sigma0", sigma0)
    dim = check_int("dim", dim, minimum=1)
    check_length("generations", generations, arrays=4, steps=3_000)  # a Python loop
    ddof = 0 if estimator == "mle" else 1
    m, real = samples, real_count(samples, real_fraction)
    synth = m - real
    # One coordinate, sigma0 = 1, mu0 = 0 (the model is isotropic and linear, so this suffices).
    # Model: e = E[mu^2], v = E[var]. Pool of `count` points: a = E[sum x^2], b = E[(sum x)^2],
    # c = E[mu_model * sum of the pool] (the model's mean is correlated with the data kept).
    e, v = np.zeros(generations + 1), np.ones(generations + 1)
    count, a, b, c = 0, 0.0, 0.0, 0.0
    for n in range(1, generations + 1):
        # the batch: `real` N(0, 1) draws and `synth` draws from N(mu, var) of model n - 1
        a_batch = real + synth * (e[n - 1] + v[n - 1])
        b_batch = real + synth**2 * e[n - 1] + synth * v[n - 1]
        if workflow == "replace":
            a_train, b_train, size = a_batch, b_batch, m
        else:
            a, b, count = a + a_batch, b + b_batch + 2 * synth * c, count + m
            if workflow == "accumulate":
                a_train, b_train, size = a, b, count
            else:  # M of the `count` points without replacement: pair inclusion M(M-1)/(N(N-1))
                a_train = m / count * a
                b_train = a_train + m * (m - 1) / (count * (count - 1)) * (b - a)
                size = m
            c = b / count  # E[mean of the training set * sum of the pool], for either
        e[n] = b_train / size**2
        v[n] = (a_train - b_train / size) / (size - ddof)
    return {"mean_var": sigma0**2 * v, "mean_sq_mu_error": dim * sigma0**2 * e}


def accumulate_variance(
    generations: int, samples: int, *, estimator: str = "mle", sigma0: float = 1.0
) -> np.ndarray:
    """E[sigma_n^2] for the accumulate workflow with no fresh real data, n = 0..generations.

    Model n is fitted to n M points (M real, then M from each model 1..n-1):

    * MLE: E[sigma_n^2] = sigma0^2 ((M-1)/M) prod_{k=2}^n (1 - 1/(M k^2))
      -> sigma0^2 sin(pi/sqrt(M)) / (pi/sqrt(M)) (:func:`accumulate_variance_limit`);
    * unbiased: E[sigma_n^2] = sigma0^2 prod_{k=2}^n (1 - 1/(k (k M - 1))).
    """
    generations = check_int("generations", generations, minimum=0)
    samples = check_int("samples", samples, minimum=2)
    estimator = check_choice("estimator", estimator, ESTIMATORS)
    sigma0 = check_scale("sigma0", sigma0)
    check_length("generations", generations, arrays=6)
    k = np.arange(1, generations + 1, dtype=float)
    if estimator == "mle":
        factors = 1 - 1 / (samples * k**2)  # k = 1 gives (M - 1)/M
    else:
        factors = 1 - 1 / (k * (k * samples - 1))
        factors[:1] = 1.0
    return sigma0**2 * np.concatenate(([1.0], np.cumprod(factors)))


def accumulate_variance_limit(samples: int, *, sigma0: float = 1.0) -> float:
    """Limit of the MLE accumulate variance: sigma0^2 sin(pi/sqrt(M)) / (pi/sqrt(M)).

    It is Euler's product prod_{k>=1} (1 - x^2/k^2) = sin(pi x)/(pi x) at x = 1/sqrt(M).
    """
    samples = check_int("samples", samples, minimum=2)
    sigma0 = check_scale("sigma0", sigma0)
    x = math.pi / math.sqrt(samples)
    return sigma0**2 * math.sin(x) / x


def reproductions() -> list:
    """Rows of the reproductions table (``python -m peakdata.reproduce``) for the Gaussian loop."""
    from ..reproduce import Reproduction, derived, within_se

    key = "shumailov2024nature"
    ours = derived(key)  # closed forms derived here in the paper's setting (SCIENCE notes, A1)
    rows = []
    unbiased = gaussian_chain(50, 20, estimator="unbiased", seeds=20_000, rng=101)
    mle = gaussian_chain(200, 20, estimator="mle", seeds=20_000, rng=102)
    th_u = gaussian_chain_theory(50, 20, estimator="unbiased")
    th_m = gaussian_chain_theory(200, 20, estimator="mle")
    checks = [
        (
            "unbiased fit: E[σ²] stays σ² (n=3, M=20)",
            unbiased.sigma[:, 3] ** 2,
            th_u["mean_var"][3],
            ours,  # the paper states σ²ₙ → 0 a.s. and E[W₂²] → ∞, not E[σ²ₙ] = σ²
        ),
        (
            "unbiased fit: E[ln σ²] falls ≈ n/(M−1) (n=50, M=20)",
            np.log(unbiased.sigma[:, 50] ** 2),
            2 * np.log(th_u["typical_sigma"][50]),
            ours,
        ),
        (
            "unbiased fit: E[(μ−μ0)²] = nσ²/M (n=50, M=20)",
            unbiased.mu[:, 50] ** 2,
            th_u["mean_sq_mu_error"][50],
            ours,
        ),
        (
            "MLE fit: E[σ²] = σ²((M−1)/M)ⁿ (n=10, M=20)",
            mle.sigma[:, 10] ** 2,
            th_m["mean_var"][10],
            ours,
        ),
        (
            "MLE fit: E[W₂²] → 2σ² (n=200, M=20)",
            mle.w2_squared()[:, 200],
            th_m["mean_w2_sq"][200],
            ours,
        ),
    ]
    for claim, samples, expected, origin in checks:
        simulated, tolerance = within_se(samples)
        rows.append(
            Reproduction(
                key, claim, "closed form", float(expected), simulated, tolerance, origin=origin
            )
        )

    # accumulate instead of replace: the workflow of gerstgrasser2024collapse, whose theory covers
    # linear regression; the Gaussian product formula is derived here (SCIENCE notes, A2)
    acc = gaussian_chain(50, 10, workflow="accumulate", seeds=20_000, rng=103)
    acc_var = accumulate_variance(50, 10)
    acc_th = gaussian_workflow_theory(50, 10, workflow="accumulate")
    for claim, samples, expected in [
        (
            "accumulate, MLE fit: E[σ²] = σ²((M−1)/M)∏ₖ₌₂ⁿ(1−1/(Mk²)) (n=5, M=10)",
            acc.sigma[:, 5] ** 2,
            acc_var[5],
        ),
        (
            "accumulate, MLE fit: E[σ²] levels off near σ² sin(π/√M)/(π/√M) (n=50, M=10)",
            acc.sigma[:, 50] ** 2,
            acc_var[50],
        ),
        (
            "accumulate, MLE fit: E[(μ−μ0)²] stays below (π²/6)σ²/M (n=50, M=10)",
            acc.mu[:, 50] ** 2,
            acc_th["mean_sq_mu_error"][50],
        ),
    ]:
        simulated, tolerance = within_se(samples)
        rows.append(
            Reproduction(
                "gerstgrasser2024collapse",
                claim,
                "closed form",
                float(expected),
                simulated,
                tolerance,
                origin=derived("gerstgrasser2024collapse"),
            )
        )
    return rows
