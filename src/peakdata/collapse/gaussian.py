"""Model collapse: models fitted, generation after generation, to their own samples.

The Gaussian loop of Shumailov et al. (2024): generation 0 is the real distribution
N(mu0, sigma0^2); each later generation fits a Gaussian to ``samples`` draws from the one before.
Closed forms for it are in :func:`gaussian_chain_theory` (the book's SCIENCE notes, A1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_choice, check_int, check_real, make_rng

ESTIMATORS = ("mle", "unbiased")
"""How each generation estimates sigma: divide by M ("mle") or by M - 1 ("unbiased")."""

_EULER_GAMMA = 0.5772156649015329


@dataclass(frozen=True)
class GaussianChain:
    """Fitted parameters of many independent runs of the Gaussian loop.

    ``mu`` and ``sigma`` have shape ``(seeds, generations + 1)``; column 0 is the real
    distribution (mu0, sigma0), column n the model after n rounds of fit-then-sample.
    """

    mu: np.ndarray
    sigma: np.ndarray
    samples: int
    estimator: str
    mu0: float
    sigma0: float

    @property
    def generations(self) -> int:
        return self.mu.shape[1] - 1

    def w2_squared(self) -> np.ndarray:
        """Squared Wasserstein-2 distance to the real Gaussian, per seed and generation."""
        return (self.mu - self.mu0) ** 2 + (self.sigma - self.sigma0) ** 2


def gaussian_chain(
    generations: int,
    samples: int,
    *,
    estimator: str = "mle",
    seeds: int = 1,
    rng: int | np.random.Generator = 0,
    mu0: float = 0.0,
    sigma0: float = 1.0,
) -> GaussianChain:
    """Run the Gaussian model-collapse loop for many seeds at once.

    Parameters
    ----------
    generations : int
        Rounds of fit-then-sample (>= 0).
    samples : int
        Samples M drawn from each generation to fit the next (>= 2).
    estimator : {"mle", "unbiased"}
        Standard deviation with divisor M ("mle", numpy's default) or M - 1 ("unbiased").
    seeds : int
        Independent runs, simulated together (>= 1).
    rng : int or numpy.random.Generator
        Seed or generator; the same integer gives the same result.
    mu0, sigma0 : float
        The real distribution (sigma0 > 0).

    Returns
    -------
    GaussianChain
        ``mu`` and ``sigma`` of shape ``(seeds, generations + 1)``.
    """
    generations = check_int("generations", generations, minimum=0)
    samples = check_int("samples", samples, minimum=2)
    seeds = check_int("seeds", seeds, minimum=1)
    estimator = check_choice("estimator", estimator, ESTIMATORS)
    mu0 = check_real("mu0", mu0)
    sigma0 = check_real("sigma0", sigma0, minimum=0.0, strict_minimum=True)
    gen = make_rng(rng)
    ddof = 0 if estimator == "mle" else 1

    mu = np.empty((seeds, generations + 1))
    sigma = np.empty((seeds, generations + 1))
    mu[:, 0], sigma[:, 0] = mu0, sigma0
    for n in range(1, generations + 1):
        # sample M points from the previous model, then fit the next one to them
        x = mu[:, n - 1, None] + sigma[:, n - 1, None] * gen.standard_normal((seeds, samples))
        mu[:, n] = x.mean(axis=1)
        sigma[:, n] = x.std(axis=1, ddof=ddof)
    return GaussianChain(mu, sigma, samples, estimator, mu0, sigma0)


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
    sigma0 = check_real("sigma0", sigma0, minimum=0.0, strict_minimum=True)
    m = samples
    n = np.arange(generations + 1, dtype=float)
    # the unbiased variance of M normal draws is sigma^2 chi2_{M-1}/(M-1); MLE scales it by r
    r = (m - 1) / m if estimator == "mle" else 1.0
    c = math.sqrt(2 / (m - 1)) * math.exp(math.lgamma(m / 2) - math.lgamma((m - 1) / 2))
    log_var_step = _digamma((m - 1) / 2) - math.log((m - 1) / 2) + math.log(r)

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


def _digamma(x: float) -> float:
    """Digamma at a positive integer or half-integer (all the chain needs), exactly."""
    if x <= 0 or (2 * x) % 1:
        raise ValueError(f"x must be a positive integer or half-integer, got {x}")
    if x % 1 == 0:
        return -_EULER_GAMMA + sum(1 / j for j in range(1, int(x)))
    k = int(x - 0.5)
    return -_EULER_GAMMA - 2 * math.log(2) + sum(2 / (2 * j - 1) for j in range(1, k + 1))


def reproductions() -> list:
    """Rows of the reproductions table (``python -m peakdata.reproduce``) for the Gaussian loop."""
    from ..reproduce import Reproduction, within_se

    key = "shumailov2024nature"
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
        ),
        (
            "unbiased fit: E[ln σ²] falls ≈ n/(M−1) (n=50, M=20)",
            np.log(unbiased.sigma[:, 50] ** 2),
            2 * np.log(th_u["typical_sigma"][50]),
        ),
        (
            "unbiased fit: E[(μ−μ0)²] = nσ²/M (n=50, M=20)",
            unbiased.mu[:, 50] ** 2,
            th_u["mean_sq_mu_error"][50],
        ),
        ("MLE fit: E[σ²] = σ²((M−1)/M)ⁿ (n=10, M=20)", mle.sigma[:, 10] ** 2, th_m["mean_var"][10]),
        ("MLE fit: E[W₂²] → 2σ² (n=200, M=20)", mle.w2_squared()[:, 200], th_m["mean_w2_sq"][200]),
    ]
    for claim, samples, expected in checks:
        simulated, tolerance = within_se(samples)
        rows.append(Reproduction(key, claim, "closed form", float(expected), simulated, tolerance))
    return rows
