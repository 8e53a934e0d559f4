"""Model collapse in linear regression, the case where everything is exact.

Gerstgrasser et al. (2024) and Dohmatob et al. (2024): data y = x^T w* + noise with
x ~ N(0, I_d). Model 1 (generation 1) fits ordinary least squares (OLS) to the T real samples
(generation 0). Every later model labels T inputs with the previous fit (plus fresh noise) and
fits OLS again, to

* ``"replace"``: the T samples just labelled;
* ``"accumulate"``: every sample labelled so far: model n is fitted to nT samples;
* ``"accumulate-subsample"``: T samples drawn uniformly without replacement from those.

The test error is the excess risk against noise-free targets, E_x[(x^T w_n - x^T w*)^2] =
||w_n - w*||^2. Closed forms (the book's SCIENCE notes, A2 and A3) are in
:func:`linear_regression_theory`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import (
    check_budget,
    check_choice,
    check_int,
    check_length,
    check_real,
    check_scale,
    make_rng,
)
from .gaussian import WORKFLOWS, _choose, real_count

_NOISE_CHUNK = 2**22  # label-noise draws held in memory at once by the fixed-design loop


@dataclass(frozen=True)
class RegressionChain:
    """Test errors of many independent runs of the regression loop.

    ``error`` has shape ``(seeds, generations + 1)``; column 0 is the OLS fit on real data,
    column n the fit after n rounds of label-then-refit.
    """

    error: np.ndarray
    samples: int
    dim: int
    noise: float
    workflow: str
    reuse_design: bool
    real_fraction: float

    @property
    def generations(self) -> int:
        return self.error.shape[1] - 1


def linear_regression_chain(
    generations: int,
    samples: int,
    dim: int,
    *,
    noise: float = 1.0,
    workflow: str = "replace",
    reuse_design: bool = True,
    real_fraction: float = 0.0,
    seeds: int = 1,
    rng: int | np.random.Generator = 0,
) -> RegressionChain:
    """Run the linear-regression collapse loop for many seeds at once (batched linear algebra).

    Parameters
    ----------
    generations : int
        Rounds of label-then-refit after the fit on real data (>= 0).
    samples : int
        Samples T labelled at each generation (>= dim + 2, so that the OLS error is finite).
    dim : int
        Dimension d of the inputs (>= 1).
    noise : float
        Standard deviation sigma of the label noise (> 0); every labelling draws fresh noise.
    workflow : {"replace", "accumulate", "accumulate-subsample"}
        What each fit sees (module docstring).
    reuse_design : bool
        True: the same T inputs X are labelled at every generation (the setting of the closed
        forms). False: T fresh inputs per generation.
    real_fraction : float
        Share of each generation's T labels that are real (from w*, plus noise) instead of the
        previous fit's; the first ``real_count(T, real_fraction)`` rows get real labels.
    seeds : int
        Independent runs, simulated together (>= 1); each has its own X and w* ~ N(0, I/d).
    rng : int or numpy.random.Generator
        Seed or generator; the same integer gives the same result.

    Returns
    -------
    RegressionChain
        ``error`` of shape ``(seeds, generations + 1)``: ||w_n - w*||^2.

    Notes
    -----
    "replace" and "accumulate" keep only running sums. "accumulate-subsample" keeps every
    label, ``seeds * (generations + 1) * samples`` floats, and with ``reuse_design=False``
    every input too (``dim`` times more). A subsample that repeats inputs so often that fewer
    than ``dim`` distinct ones remain gets the least-norm fit (as ``numpy.linalg.lstsq``).
    """
    generations = check_int("generations", generations, minimum=0)
    dim = check_int("dim", dim, minimum=1)
    samples = _check_samples(samples, dim)
    noise = check_scale("noise", noise)
    workflow = check_choice("workflow", workflow, WORKFLOWS)
    if not isinstance(reuse_design, bool | np.bool_):
        raise TypeError(f"reuse_design must be True or False, got {reuse_design!r}")
    reuse_design = bool(reuse_design)
    real_fraction = check_real("real_fraction", real_fraction, minimum=0.0, maximum=1.0)
    seeds = check_int("seeds", seeds, minimum=1)
    check_budget(
        _chain_cost(workflow, reuse_design),
        generations=generations,
        samples=samples,
        dim=dim,
        seeds=seeds,
    )
    gen = make_rng(rng)
    t, real = samples, real_count(samples, real_fraction)

    x = gen.standard_normal((seeds, t, dim))
    w_star = gen.standard_normal((seeds, dim)) / math.sqrt(dim)
    y = _matvec(x, w_star) + noise * gen.standard_normal((seeds, t))
    error = np.empty((seeds, generations + 1))
    subsample = workflow == "accumulate-subsample"
    if reuse_design:
        # OLS on the fixed design is a fixed linear map of the labels: w = (X^T X)^-1 X^T y
        x_t = np.ascontiguousarray(np.swapaxes(x, -1, -2))
        solver = np.linalg.inv(x_t @ x) @ x_t
    else:
        gram_sum, moment_sum = _gram(x), _matvec(np.swapaxes(x, -1, -2), y)
    if subsample:
        pool_y = np.empty((seeds, (generations + 1) * t))
        pool_y[:, :t] = y
        pool_x = None if reuse_design else np.empty((seeds, (generations + 1) * t, dim))
        if pool_x is not None:
            pool_x[:, :t] = x
    w = _matvec(solver, y) if reuse_design else _solve(gram_sum, moment_sum)
    error[:, 0] = ((w - w_star) ** 2).sum(axis=1)
    if reuse_design and not subsample:
        _fixed_design(gen, x, solver, w, w_star, real, noise, workflow, error)
        return RegressionChain(error, samples, dim, noise, workflow, reuse_design, real_fraction)

    real_target = _matvec(x[:, :real], w_star) if real else None
    for n in range(1, generations + 1):
        if not reuse_design:
            x = gen.standard_normal((seeds, t, dim))
            real_target = _matvec(x[:, :real], w_star) if real else None
        target = _matvec(x, w)  # the previous fit labels the inputs ...
        if real:  # ... except the first `real` rows, labelled by the real w*
            target[:, :real] = real_target
        y = target + noise * gen.standard_normal((seeds, t))
        if subsample:
            size = (n + 1) * t
            pool_y[:, n * t : size] = y
            if pool_x is not None:
                pool_x[:, n * t : size] = x
            pick = _choose(gen, size, t, seeds)
            labels = np.take_along_axis(pool_y, pick, axis=1)
            if reuse_design:
                # the pool is n + 1 copies of X: count how often each row was picked
                w = _fit_rows(x, x_t, pick % t, labels)
            else:  # every pooled input is distinct, so the subsample has full rank
                design = np.take_along_axis(pool_x, pick[..., None], axis=1)
                w = _solve(_gram(design), _matvec(np.swapaxes(design, -1, -2), labels))
        elif workflow == "replace":
            w = _solve(_gram(x), _matvec(np.swapaxes(x, -1, -2), y))
        else:  # accumulate, fresh X: sum the normal equations
            gram_sum += _gram(x)
            moment_sum += _matvec(np.swapaxes(x, -1, -2), y)
            w = _solve(gram_sum, moment_sum)
        error[:, n] = ((w - w_star) ** 2).sum(axis=1)
    return RegressionChain(error, samples, dim, noise, workflow, reuse_design, real_fraction)


def _chain_cost(workflow: str, reuse_design: bool):
    """(bytes, steps) of :func:`linear_regression_chain`, for ``check_budget``."""

    def cost(generations: int, samples: int, dim: int, seeds: int) -> tuple[int, int]:
        kept = seeds * (6 * samples * dim + 4 * dim * dim + generations + 1)
        if workflow == "accumulate-subsample":  # every label, and every input if fresh
            kept += seeds * (generations + 1) * samples * (1 if reuse_design else dim + 1)
        steps = generations * (seeds * (samples * dim * 10 + 10 * dim**3 + 20 * samples) + 60_000)
        return 8 * kept, steps

    return cost


def _fixed_design(
    gen: np.random.Generator,
    x: np.ndarray,
    solver: np.ndarray,
    w: np.ndarray,
    w_star: np.ndarray,
    real: int,
    noise: float,
    workflow: str,
    error: np.ndarray,
) -> None:
    """Replace or accumulate on a reused design X, filling ``error`` from generation 1 on.

    OLS on X is the fixed linear map P = (X^T X)^-1 X^T. Labels X_S w + X_R w* + noise (S the
    rows the model labels, R the real ones) are mapped to A w + b + P noise, A = P_S X_S and
    b = P_R X_R w* (A = I without real rows): the loop then only moves d numbers per seed.
    Accumulating on the same X is OLS on the mean label, the mean of the batch fits.
    The noise is drawn in chunks of generations: the same numbers as one draw per generation.
    """
    seeds, t, _ = x.shape
    generations = error.shape[1] - 1
    a = solver[:, :, real:] @ x[:, real:]
    b = _matvec(solver[:, :, :real] @ x[:, :real], w_star) if real else 0.0
    total = w.copy()  # sum of the batch fits, for accumulate
    chunk = max(1, min(generations, _NOISE_CHUNK // (seeds * t)))
    for start in range(1, generations + 1, chunk):
        k = min(chunk, generations + 1 - start)
        eps = gen.standard_normal((k, seeds, t))
        fitted_noise = solver @ np.moveaxis(eps, 0, -1)  # (seeds, d, k)
        for j in range(k):
            n = start + j
            batch_fit = _matvec(a, w) + b + noise * fitted_noise[:, :, j]
            if workflow == "replace":
                w = batch_fit
            else:
                total += batch_fit
                w = total / (n + 1)
            error[:, n] = ((w - w_star) ** 2).sum(axis=1)


def ols_error(samples: int, dim: int, *, noise: float = 1.0) -> float:
    """Expected test error of one OLS fit on T real samples: sigma^2 d / (T - d - 1)."""
    dim = check_int("dim", dim, minimum=1)
    samples = _check_samples(samples, dim)
    noise = check_scale("noise", noise)
    return noise**2 * dim / (samples - dim - 1)


def linear_regression_theory(
    generations: int,
    samples: int,
    dim: int,
    *,
    noise: float = 1.0,
    workflow: str = "replace",
) -> np.ndarray:
    """Expected test error E_n, n = 0..generations (n = 0 is the fit on real data).

    With E_0 = sigma^2 d / (T - d - 1) (:func:`ols_error`) and no real labels after
    generation 0:

    * ``"replace"``: E_n = (n + 1) E_0, linear growth. Exact with the same X reused and with
      fresh X every generation (each refit adds independent noise of expected size E_0).
    * ``"accumulate"``: E_n = E_0 sum_{i=1}^{n+1} 1/i^2 < (pi^2/6) E_0. Exact with X reused;
      with fresh X the error comes out a little lower.

    Counting fits instead (fit 1 is on real data), fit k has error k E_0 for replace and
    E_0 sum_{i<=k} 1/i^2 for accumulate, as in Gerstgrasser et al. (2024). There is no closed
    form for ``"accumulate-subsample"``: asking for one raises ``ValueError``.
    """
    generations = check_int("generations", generations, minimum=0)
    first = ols_error(samples, dim, noise=noise)
    workflow = check_choice("workflow", workflow, WORKFLOWS)
    check_length("generations", generations, arrays=4)
    fits = np.arange(1, generations + 2, dtype=float)
    if workflow == "replace":
        return first * fits
    if workflow == "accumulate":
        return first * np.cumsum(1 / fits**2)
    raise ValueError(
        "workflow must be 'replace' or 'accumulate' for a closed form; "
        "'accumulate-subsample' has none (simulate it)"
    )


def accumulate_error_limit(samples: int, dim: int, *, noise: float = 1.0) -> float:
    """The bound the accumulate error approaches: (pi^2/6) sigma^2 d / (T - d - 1)."""
    return math.pi**2 / 6 * ols_error(samples, dim, noise=noise)


def _check_samples(samples: object, dim: int) -> int:
    samples = check_int("samples", samples, minimum=2)
    if samples < dim + 2:
        raise ValueError(
            f"samples must be >= dim + 2 = {dim + 2} (OLS on T <= d + 1 samples has an "
            f"infinite expected error), got {samples}"
        )
    return samples


def _gram(x: np.ndarray) -> np.ndarray:
    return np.swapaxes(x, -1, -2) @ x


def _matvec(a: np.ndarray, v: np.ndarray) -> np.ndarray:
    return (a @ v[..., None])[..., 0]


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.linalg.solve(a, b[..., None])[..., 0]


def _fit_rows(x: np.ndarray, x_t: np.ndarray, rows: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """OLS on rows of x (seeds, T, d) picked with repeats, each with its own label.

    ``x_t`` is x transposed to (seeds, d, T), contiguous (a faster batched product).

    The normal equations only need, per row, how often it was picked and the sum of its labels.
    A subsample with fewer than d distinct rows is rank-deficient: it gets the least-norm
    solution (as ``numpy.linalg.lstsq`` would give), the others an ordinary solve.
    """
    seeds, t, d = x.shape
    flat = (rows + t * np.arange(seeds)[:, None]).ravel()
    counts = np.bincount(flat, minlength=seeds * t).reshape(seeds, t)
    sums = np.bincount(flat, weights=labels.ravel(), minlength=seeds * t).reshape(seeds, t)
    gram = (x_t * counts[:, None, :]) @ x
    moment = _matvec(x_t, sums)
    full = (counts > 0).sum(axis=1) >= d  # d distinct Gaussian rows: full rank (a.s.)
    if full.all():
        return _solve(gram, moment)
    w = np.empty((seeds, d))
    w[full] = _solve(gram[full], moment[full])
    w[~full] = _solve_psd(gram[~full], moment[~full])
    return w


def _solve_psd(gram: np.ndarray, rhs: np.ndarray, rcond: float = 1e-10) -> np.ndarray:
    """Least-norm solution of gram w = rhs for a stack of symmetric PSD matrices."""
    values, vectors = np.linalg.eigh(gram)
    keep = values > rcond * values[..., -1:]
    inverse = np.where(keep, 1 / np.where(keep, values, 1.0), 0.0)
    return _matvec(vectors, inverse * _matvec(np.swapaxes(vectors, -1, -2), rhs))


def reproductions() -> list:
    """Rows of the reproductions table (``python -m peakdata.reproduce``) for regression."""
    from ..reproduce import STATED, Reproduction, within_se

    t, d, seeds = 50, 10, 10_000
    replace = linear_regression_chain(49, t, d, workflow="replace", seeds=seeds, rng=201)
    accumulate = linear_regression_chain(49, t, d, workflow="accumulate", seeds=seeds, rng=202)
    fresh = linear_regression_chain(
        9, t, d, workflow="replace", reuse_design=False, seeds=seeds, rng=203
    )
    th_r = linear_regression_theory(49, t, d, workflow="replace")
    th_a = linear_regression_theory(49, t, d, workflow="accumulate")
    checks = [
        (
            "gerstgrasser2024collapse",
            "OLS replace: fit n has test error nσ²d/(T−d−1), fit 1 on real data (n=10, T=50, d=10)",
            replace.error[:, 9],
            th_r[9],
        ),
        (
            "gerstgrasser2024collapse",
            "OLS accumulate: fit n has error σ²d/(T−d−1)·Σᵢ₌₁ⁿ1/i² (n=10, T=50, d=10)",
            accumulate.error[:, 9],
            th_a[9],
        ),
        (
            "gerstgrasser2024collapse",
            "OLS accumulate: bounded by (π²/6)σ²d/(T−d−1) (n=50, T=50, d=10)",
            accumulate.error[:, 49],
            th_a[49],
        ),
        (
            "dohmatob2024demystified",
            "OLS chain on fresh inputs: each synthetic generation adds σ²d/(T−d−1) "
            "(n=10, T=50, d=10)",
            fresh.error[:, 9],
            th_r[9],
        ),
    ]
    rows = []
    for key, claim, samples, expected in checks:
        simulated, tolerance = within_se(samples)
        rows.append(
            Reproduction(
                key, claim, "closed form", float(expected), simulated, tolerance, origin=STATED
            )
        )
    return rows
