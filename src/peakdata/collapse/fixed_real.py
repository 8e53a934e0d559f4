"""The Gaussian loop anchored by a fixed set of real data.

Generation 0 is the real distribution N(mu0, sigma0^2), from which a *fixed* real set of ``n``
samples is drawn once. Generation 1 is the Gaussian fitted to the real set alone. Every later
generation t >= 2 is fitted to the same real set plus ``k = round(ratio * n)`` fresh samples
written by generation t - 1: the real data are never thrown away and never renewed. This is the
setting of Bertrand et al. (2024) (retraining on the original real data plus lambda times as much
synthetic data) and the Gaussian version of Shumailov et al.'s (2024) "keep part of the original
data".

With the variance known (``fit_variance=False``, the model fits only its mean), the error of the
mean relative to the real set's mean, e_t = mu_t - mu_R, follows

    e_t = a (e_{t-1} + sigma0 Z_t / sqrt(k)),   a = k / (n + k),

so E[e_t^2] has an exact recursion and tends to sigma0^2 lambda / (n (1 + 2 lambda)) with
lambda = k / n (the book's SCIENCE notes, A5; derived here). The error to the true mean adds the
real set's own error: E[(mu_t - mu0)^2] = sigma0^2 / n + E[e_t^2], never below the fit on the real
set alone. With ``fit_variance=True`` the variance is refitted (maximum likelihood, pooled data) as
well; it stays bounded, and the same formula holds with sigma0^2 replaced by the mean fitted
variance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import (
    MAX_MAGNITUDE,
    check_budget,
    check_int,
    check_length,
    check_real,
    check_scale,
    make_rng,
)


@dataclass(frozen=True)
class FixedRealChain:
    """Fitted parameters of many runs of the fixed-real-set loop.

    ``mu`` and ``sigma`` have shape ``(seeds, generations + 1)``: column 0 is the real
    distribution, column t the t-th model (column 1: the fit to the real set alone).
    ``real_mean`` ``(seeds,)`` is the mean of each run's real set.
    """

    mu: np.ndarray
    sigma: np.ndarray
    real_mean: np.ndarray
    real_samples: int
    synthetic_samples: int
    mu0: float
    sigma0: float

    @property
    def generations(self) -> int:
        return self.mu.shape[1] - 1

    @property
    def ratio(self) -> float:
        """lambda: synthetic samples per real sample."""
        return self.synthetic_samples / self.real_samples

    def sq_error_to_real_set(self) -> np.ndarray:
        """(mu_t - mu_R)^2 for every run and generation, ``(seeds, generations + 1)``; NaN at 0."""
        out = (self.mu - self.real_mean[:, None]) ** 2
        out[:, 0] = np.nan
        return out

    def sq_error(self) -> np.ndarray:
        """(mu_t - mu0)^2, the error of the mean against the real distribution."""
        return (self.mu - self.mu0) ** 2


def synthetic_count(real_samples: int, ratio: float) -> int:
    """k = round(ratio * n) synthetic samples per generation (at least 1 if ratio > 0)."""
    real_samples = check_int("real_samples", real_samples, minimum=2)
    ratio = check_real("ratio", ratio, minimum=0.0, maximum=MAX_MAGNITUDE)
    k = int(round(ratio * real_samples))
    return max(k, 1) if ratio > 0 else 0


def fixed_real_chain(
    generations: int,
    real_samples: int,
    ratio: float,
    *,
    fit_variance: bool = False,
    mu0: float = 0.0,
    sigma0: float = 1.0,
    seeds: int = 1,
    rng: int | np.random.Generator = 0,
) -> FixedRealChain:
    """Run the loop anchored by a fixed real set, for many seeds at once.

    Parameters
    ----------
    generations : int
        Number of fitted models, >= 1 (model 1 is fitted to the real set alone).
    real_samples : int
        Size n of the fixed real set, >= 2.
    ratio : float
        lambda >= 0: each generation t >= 2 adds k = round(lambda n) samples of model t - 1.
    fit_variance : bool
        Refit the variance too (maximum likelihood on the pooled data); otherwise the model's
        variance is the real sigma0^2 and only the mean is fitted (the exact closed form).
    mu0, sigma0 : float
        The real distribution.
    seeds : int
        Independent runs, each with its own real set.
    rng : int or numpy.random.Generator
    """
    generations = check_int("generations", generations, minimum=1)
    n = check_int("real_samples", real_samples, minimum=2)
    k = synthetic_count(n, ratio)
    if not isinstance(fit_variance, bool):
        raise TypeError(f"fit_variance must be True or False, got {fit_variance!r}")
    mu0 = check_real("mu0", mu0, magnitude=MAX_MAGNITUDE)
    sigma0 = check_scale("sigma0", sigma0)
    seeds = check_int("seeds", seeds, minimum=1)
    lam = k / n

    def cost(generations: int, real_samples: int, seeds: int) -> tuple[float, float]:
        synth = lam * real_samples if generations >= 2 else 0.0  # k, drawn from generation 2 on
        nbytes = 8.0 * seeds * (4 * real_samples + 3 * synth + 2 * (generations + 1))
        steps = seeds * (20 * real_samples + generations * 30 * synth) + 20_000 * generations
        return nbytes, steps

    check_budget(cost, generations=generations, real_samples=n, seeds=seeds)
    gen = make_rng(rng)

    real = mu0 + sigma0 * gen.standard_normal((seeds, n))
    real_mean = real.mean(axis=1)
    real_ss = ((real - real_mean[:, None]) ** 2).sum(axis=1)
    mu = np.empty((seeds, generations + 1))
    sigma = np.empty((seeds, generations + 1))
    mu[:, 0], sigma[:, 0] = mu0, sigma0
    mu[:, 1] = real_mean
    sigma[:, 1] = np.sqrt(real_ss / n) if fit_variance else sigma0
    for t in range(2, generations + 1):
        if k == 0:
            mu[:, t], sigma[:, t] = mu[:, 1], sigma[:, 1]
            continue
        synth = mu[:, t - 1, None] + sigma[:, t - 1, None] * gen.standard_normal((seeds, k))
        m = (n * real_mean + synth.sum(axis=1)) / (n + k)
        mu[:, t] = m
        if fit_variance:
            ss = real_ss + n * (real_mean - m) ** 2 + ((synth - m[:, None]) ** 2).sum(axis=1)
            sigma[:, t] = np.sqrt(ss / (n + k))
        else:
            sigma[:, t] = sigma0
    return FixedRealChain(mu, sigma, real_mean, n, k, mu0, sigma0)


def fixed_real_theory(
    generations: int, real_samples: int, ratio: float, *, sigma0: float = 1.0
) -> dict[str, np.ndarray]:
    """Exact expectations of the mean-only loop (``fit_variance=False``), t = 0..generations.

    Returns ``"sq_error_to_real_set"`` (E[(mu_t - mu_R)^2], NaN at t = 0, 0 at t = 1) and
    ``"sq_error"`` (E[(mu_t - mu0)^2] = sigma0^2 / n + the former, 0 at t = 0).
    """
    generations = check_int("generations", generations, minimum=1)
    n = check_int("real_samples", real_samples, minimum=2)
    k = synthetic_count(n, ratio)
    sigma0 = check_scale("sigma0", sigma0)
    check_length("generations", generations, arrays=3, steps=3_000)  # a Python loop
    e = np.full(generations + 1, np.nan)
    e[1] = 0.0
    a = k / (n + k)
    for t in range(2, generations + 1):
        e[t] = a * a * (e[t - 1] + (sigma0**2 / k if k else 0.0))
    total = sigma0**2 / n + e
    total[0] = 0.0
    return {"sq_error_to_real_set": e, "sq_error": total}


def fixed_real_limit(real_samples: int, ratio: float, *, sigma0: float = 1.0) -> float:
    """lim E[(mu_t - mu_R)^2] = sigma0^2 lambda / (n (1 + 2 lambda)), lambda = k / n."""
    n = check_int("real_samples", real_samples, minimum=2)
    lam = synthetic_count(n, ratio) / n
    sigma0 = check_scale("sigma0", sigma0)
    return sigma0**2 * lam / (n * (1 + 2 * lam))


def reproductions() -> list:
    """Rows of the reproductions table for the fixed-real-set loop (derived here)."""
    from ..reproduce import Reproduction, derived, within_se

    key = "bertrand2024stability"
    rows = []
    for n, ratio, seed in ((20, 1.0, 401), (10, 2.0, 402)):
        chain = fixed_real_chain(60, n, ratio, seeds=20_000, rng=seed)
        simulated, tolerance = within_se(chain.sq_error_to_real_set()[:, 60])
        rows.append(
            Reproduction(
                key,
                f"fixed real set plus λn synthetic samples: E[(μ−μ_R)²] → σ²λ/(n(1+2λ)) "
                f"(n={n}, λ={ratio:g}, t=60)",
                "closed form",
                fixed_real_limit(n, ratio),
                simulated,
                tolerance,
                origin=derived(key),
            )
        )
    return rows
