"""What prevents collapse: fresh real data, accumulation and a verifier, on the Gaussian loop.

Part III's Gaussian loop (:mod:`peakdata.collapse.gaussian`) already mixes in fresh real data and
keeps or replaces the data (``real_fraction``, ``workflow``); :mod:`peakdata.collapse.fixed_real`
anchors it with a fixed real set. This module adds what is new in Part IV:

* **a verifier** (Feng et al. 2025; Yi et al. 2025): each synthetic candidate x drawn from the
  current fit N(mu, sigma^2) is kept with probability exp(-(x - c)^2 / (2 s^2)), a verifier with
  centre c (its idea of the truth, possibly wrong) and width s (its leniency). The kept samples
  are exactly Gaussian, N(mu', sigma'^2) with 1/sigma'^2 = 1/sigma^2 + 1/s^2 and
  mu' = sigma'^2 (mu/sigma^2 + c/s^2) (:func:`accepted_gaussian`, derived here: a product of
  two Gaussian curves);
* :func:`prevent_chain`, the loop with any mix of the three remedies, vectorised over seeds;
  with ``fit_spread=False`` the spread stays the real one and only the centre is learned: the
  loop of *answers* (Part III's regression loop with one constant input, the setting of Yi et al.
  in one dimension), where a verifier judges correctness rather than diversity;
* closed forms, all derived here: the exact expectations of the verified loop without real data
  (:func:`verified_theory`) and of the verified loop of answers
  (:func:`verified_centre_theory`), the deterministic map when every generation has infinitely many
  samples (:func:`mitigation_map`), the exact expected diversity of the replace loop with a share
  of fresh real data (:func:`fresh_real_theory`) and the stability condition it gives
  (:func:`critical_share`, :func:`crossing_generation`).

Generation 0 is the real distribution N(mu0, sigma0^2); model 1 is fitted to M real samples;
every later model n is fitted (maximum likelihood) to the data its workflow keeps, generation n
being ``real_count(M, real_fraction)`` fresh real samples plus synthetic samples of model n - 1
that the verifier accepted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _portable
from .._checks import (
    MAX_MAGNITUDE,
    MIN_SCALE,
    check_array,
    check_budget,
    check_choice,
    check_int,
    check_length,
    check_real,
    check_scale,
    make_rng,
)
from ..collapse.gaussian import gaussian_chain, real_count

WORKFLOWS = ("replace", "accumulate")
"""What each model is fitted to: the M samples just written, or every sample written so far."""


def _location_array(name: str, value: object) -> np.ndarray:
    arr = check_array(name, value)
    if np.any(np.abs(arr) > MAX_MAGNITUDE):
        raise ValueError(f"{name} must be within ±{MAX_MAGNITUDE:g}, got {value!r}")
    return arr


def _scale_array(name: str, value: object) -> np.ndarray:
    arr = check_array(name, value, minimum=0.0, strict_minimum=True)
    if np.any(arr > MAX_MAGNITUDE) or np.any(arr < MIN_SCALE):
        raise ValueError(
            f"{name} must be between {MIN_SCALE:g} and {MAX_MAGNITUDE:g}, got {value!r}"
        )
    return arr


def _accepted(mu, sigma, centre: float, width: float):
    """(mu', sigma') of the kept samples, without checks (used inside the loop)."""
    var, w2 = sigma * sigma, width * width
    keep = w2 / (w2 + var)  # the weight of the model's own mean: s^2 / (s^2 + sigma^2)
    return keep * mu + (1.0 - keep) * centre, sigma * np.sqrt(keep)


def _rate(mu, sigma, centre: float, width: float):
    """Probability that a candidate from N(mu, sigma^2) is kept, without checks."""
    total = width * width + sigma * sigma
    return width / np.sqrt(total) * _portable.exp(-((mu - centre) ** 2) / (2.0 * total))


def accepted_gaussian(
    mu: float | np.ndarray, sigma: float | np.ndarray, *, centre: float, width: float
) -> tuple[np.ndarray, np.ndarray]:
    """The distribution of the candidates a verifier keeps: N(mu', sigma'^2).

    Candidates come from N(mu, sigma^2); each is kept with probability
    exp(-(x - centre)^2 / (2 width^2)). Density times acceptance is again a Gaussian curve, so
    (derived here)

        1 / sigma'^2 = 1 / sigma^2 + 1 / width^2,
        mu' = sigma'^2 (mu / sigma^2 + centre / width^2),

    a precision-weighted average of the model's mean and the verifier's centre.

    Parameters
    ----------
    mu, sigma : float or array
        The generator's mean and standard deviation (sigma > 0); arrays broadcast.
    centre : float
        The verifier's centre c.
    width : float
        The verifier's width s > 0: small is strict, large is lenient.

    Returns
    -------
    (mu', sigma') : tuple of arrays, of the broadcast shape of ``mu`` and ``sigma``.
    """
    mu = _location_array("mu", mu)
    sigma = _scale_array("sigma", sigma)
    centre = check_real("centre", centre, magnitude=MAX_MAGNITUDE)
    width = check_scale("width", width)
    return _accepted(*np.broadcast_arrays(mu, sigma), centre, width)


def acceptance_rate(
    mu: float | np.ndarray, sigma: float | np.ndarray, *, centre: float, width: float
) -> np.ndarray:
    """Share of candidates from N(mu, sigma^2) the verifier keeps (derived here):

        s / sqrt(s^2 + sigma^2) * exp(-(mu - c)^2 / (2 (s^2 + sigma^2))).

    A rejection sampler needs on average M / rate candidates to keep M samples.
    """
    mu = _location_array("mu", mu)
    sigma = _scale_array("sigma", sigma)
    centre = check_real("centre", centre, magnitude=MAX_MAGNITUDE)
    width = check_scale("width", width)
    mu, sigma = np.broadcast_arrays(mu, sigma)
    return _rate(mu, sigma, centre, width)


def verify(
    candidates: np.ndarray,
    *,
    centre: float,
    width: float,
    rng: int | np.random.Generator = 0,
) -> np.ndarray:
    """The verifier itself: keep each candidate x with probability exp(-(x - c)^2 / (2 s^2)).

    Returns a boolean array of the shape of ``candidates`` (True: kept). This is the literal
    rejection step; :func:`prevent_chain` draws the kept samples from their exact distribution
    (:func:`accepted_gaussian`) instead, so that its work per generation is fixed.
    """
    x = _location_array("candidates", candidates)
    centre = check_real("centre", centre, magnitude=MAX_MAGNITUDE)
    width = check_scale("width", width)
    gen = make_rng(rng)
    z = (x - centre) / width
    with np.errstate(over="ignore"):
        score = _portable.exp(-0.5 * np.minimum(z * z, 1e4))
    return gen.random(x.shape) < score


@dataclass(frozen=True)
class PreventChain:
    """Fitted parameters of many runs of the loop with remedies.

    ``mu`` and ``sigma`` have shape ``(seeds, generations + 1)``: column 0 is the real
    distribution, column n the n-th model. ``acceptance[:, n]`` is the share of model n - 1's
    candidates the verifier keeps when generation n is written (NaN at n = 0 and 1, whose data
    are real, and everywhere without a verifier): a rejection sampler would need
    ``synthetic / acceptance`` candidates per generation.
    """

    mu: np.ndarray
    sigma: np.ndarray
    acceptance: np.ndarray
    samples: int
    real_fraction: float
    workflow: str
    centre: float
    width: float | None
    mu0: float
    sigma0: float
    fit_spread: bool = True

    @property
    def generations(self) -> int:
        return self.mu.shape[1] - 1

    @property
    def real_samples(self) -> int:
        """Fresh real samples among the M written at each generation n >= 2."""
        return real_count(self.samples, self.real_fraction)

    def variance(self) -> np.ndarray:
        """Fitted variance sigma_n^2, per seed and generation."""
        return self.sigma**2

    def sq_mu_error(self) -> np.ndarray:
        """(mu_n - mu0)^2, per seed and generation."""
        return (self.mu - self.mu0) ** 2

    def w2_squared(self) -> np.ndarray:
        """Squared W2 distance to the real Gaussian: (mu - mu0)^2 + (sigma - sigma0)^2."""
        return (self.mu - self.mu0) ** 2 + (self.sigma - self.sigma0) ** 2


def prevent_chain(
    generations: int,
    samples: int,
    *,
    real_fraction: float = 0.0,
    workflow: str = "replace",
    centre: float = 0.0,
    width: float | None = None,
    seeds: int = 1,
    rng: int | np.random.Generator = 0,
    mu0: float = 0.0,
    sigma0: float = 1.0,
    fit_spread: bool = True,
) -> PreventChain:
    """Run the Gaussian loop with any mix of remedies, for many seeds at once.

    Generation 1 is M real samples (model 1 is the fit to real data). At every generation
    n >= 2, ``real_count(M, real_fraction)`` samples are fresh real draws and the rest are
    synthetic samples of model n - 1 that the verifier (``centre``, ``width``) kept; model n is
    fitted by maximum likelihood to them (``"replace"``) or to every sample written so far
    (``"accumulate"``). Without a verifier (``width=None``) and with ``fit_spread=True`` this
    is :func:`peakdata.collapse.gaussian.gaussian_chain`, which is called.

    With ``fit_spread=False`` only the mean is fitted and every model keeps the real spread
    sigma0: each generation's samples are answers mu_{n-1} + noise of the known size sigma0, as
    in the regression loop of Part III with a single constant input (the noise is fresh, the
    model does not learn it). There the verifier can only judge where the answers lie.

    Rejection sampling with bounded work: the kept samples are drawn from their exact
    distribution N(mu', sigma'^2) (:func:`accepted_gaussian`), which is what a rejection sampler
    with an unlimited supply of candidates returns; the work is M draws per generation, whatever
    the acceptance rate. The rate a real rejection sampler would face is in ``acceptance``.

    Parameters
    ----------
    generations : int
        Models fitted after the real distribution (>= 0).
    samples : int
        Samples M written at each generation (>= 2).
    real_fraction : float
        Share of each generation's M samples that are fresh real data, in [0, 1].
    workflow : {"replace", "accumulate"}
    centre, width : float
        The verifier: centre c and width s > 0; ``width=None``: no verifier.
    seeds : int
        Independent runs, simulated together.
    rng : int or numpy.random.Generator
    mu0, sigma0 : float
        The real distribution.
    fit_spread : bool
        True: fit mean and variance (maximum likelihood); False: fit the mean only, the spread
        stays sigma0.
    """
    generations = check_int("generations", generations, minimum=0)
    samples = check_int("samples", samples, minimum=2)
    real_fraction = check_real("real_fraction", real_fraction, minimum=0.0, maximum=1.0)
    workflow = check_choice("workflow", workflow, WORKFLOWS)
    if not isinstance(fit_spread, (bool, np.bool_)):
        raise TypeError(f"fit_spread must be True or False, got {fit_spread!r}")
    fit_spread = bool(fit_spread)
    centre = check_real("centre", centre, magnitude=MAX_MAGNITUDE)
    if width is not None:
        width = check_scale("width", width)
    seeds = check_int("seeds", seeds, minimum=1)
    mu0 = check_real("mu0", mu0, magnitude=MAX_MAGNITUDE)
    sigma0 = check_scale("sigma0", sigma0)

    def cost(generations: int, samples: int, seeds: int) -> tuple[float, float]:
        nbytes = 8.0 * seeds * (5 * (generations + 1) + 4 * samples + 8)
        steps = generations * (seeds * samples * 25.0 + 30_000)
        return nbytes, steps

    check_budget(cost, generations=generations, samples=samples, seeds=seeds)
    meta = {
        "samples": samples,
        "real_fraction": real_fraction,
        "workflow": workflow,
        "centre": centre,
        "width": width,
        "mu0": mu0,
        "sigma0": sigma0,
        "fit_spread": fit_spread,
    }
    if width is None and fit_spread:
        chain = gaussian_chain(
            generations,
            samples,
            workflow=workflow,
            real_fraction=real_fraction,
            seeds=seeds,
            rng=rng,
            mu0=mu0,
            sigma0=sigma0,
        )
        return PreventChain(chain.mu, chain.sigma, np.full(chain.mu.shape, np.nan), **meta)

    gen = make_rng(rng)
    m, real = samples, real_count(samples, real_fraction)
    mu = np.empty((seeds, generations + 1))
    sigma = np.empty((seeds, generations + 1))
    acceptance = np.full((seeds, generations + 1), np.nan)
    mu[:, 0], sigma[:, 0] = mu0, sigma0
    count, mean, scatter = 0, np.zeros(seeds), np.zeros(seeds)  # the data kept (accumulate)
    for n in range(1, generations + 1):
        z = gen.standard_normal((seeds, m))
        if n == 1:  # model 0 is the real distribution: M real samples, nothing to verify
            x = mu0 + sigma0 * z
        elif width is None:  # no verifier, spread known: the model's own answers
            x = mu[:, n - 1, None] + sigma[:, n - 1, None] * z
            x[:, :real] = mu0 + sigma0 * z[:, :real]
        else:
            kept_mu, kept_sigma = _accepted(mu[:, n - 1], sigma[:, n - 1], centre, width)
            acceptance[:, n] = _rate(mu[:, n - 1], sigma[:, n - 1], centre, width)
            x = kept_mu[:, None] + kept_sigma[:, None] * z
            x[:, :real] = mu0 + sigma0 * z[:, :real]
        batch_mean = x.mean(axis=1)
        batch_scatter = ((x - batch_mean[:, None]) ** 2).sum(axis=1)
        if workflow == "replace":
            mu[:, n], sigma[:, n] = batch_mean, np.sqrt(batch_scatter / m)
            if not fit_spread:
                sigma[:, n] = sigma0
            continue
        # accumulate: merge the batch into the running count, mean and scatter (Chan et al.)
        delta = batch_mean - mean
        total = count + m
        mean = mean + delta * (m / total)
        scatter = scatter + batch_scatter + (count * m / total) * delta**2
        count = total
        mu[:, n], sigma[:, n] = mean, (np.sqrt(scatter / count) if fit_spread else sigma0)
    return PreventChain(mu, sigma, acceptance, **meta)


def verified_theory(
    generations: int,
    samples: int,
    *,
    centre: float,
    width: float,
    mu0: float = 0.0,
    sigma0: float = 1.0,
) -> dict[str, np.ndarray]:
    """Exact expectations of the verified replace loop without real data, n = 0..generations.

    In natural parameters (precision lambda = 1/sigma^2, eta = mu/sigma^2) the verifier only adds
    (1/s^2, c/s^2), and a maximum-likelihood refit from M samples multiplies both expectations
    by rho = M/(M - 3) (E[1/chi2_{M-1}] = 1/(M - 3)). So (derived here), with model 1 the fit to
    M real samples and, for short, mu0 = 0 and sigma0 = 1 (other units by shifting and scaling),

        E[lambda_1] = rho,  E[lambda_n] = rho (E[lambda_{n-1}] + 1/s^2),
        E[eta_1] = 0,       E[eta_n] = rho (E[eta_{n-1}] + c/s^2).

    Returns, in units of the real distribution, ``"mean_precision"`` (E[sigma0^2/sigma_n^2]) and
    ``"mean_natural_mean"`` (E[sigma0 (mu_n - mu0)/sigma_n^2]), and the map with infinitely many
    samples per generation (rho = 1) in the data's own units: ``"map_mu"`` and ``"map_var"``,
    where 1/sigma_n^2 = 1/sigma0^2 + (n - 1)/s^2 and mu_n -> c. Needs M >= 4 (for M <= 3,
    E[1/sigma^2] is infinite). Expectations beyond 1e300 are capped there.
    """
    generations = check_int("generations", generations, minimum=0)
    samples = check_int("samples", samples, minimum=4)
    centre = check_real("centre", centre, magnitude=MAX_MAGNITUDE)
    width = check_scale("width", width)
    mu0 = check_real("mu0", mu0, magnitude=MAX_MAGNITUDE)
    sigma0 = check_scale("sigma0", sigma0)
    check_length("generations", generations, arrays=8, steps=3_000)  # a Python loop
    rho = samples / (samples - 3)
    # in units of sigma0 around mu0 (so nothing overflows)
    c, s2 = (centre - mu0) / sigma0, (width / sigma0) ** 2
    lam, eta = np.empty(generations + 1), np.empty(generations + 1)
    map_lam, map_eta = np.empty(generations + 1), np.empty(generations + 1)
    lam[0], eta[0], map_lam[0], map_eta[0] = 1.0, 0.0, 1.0, 0.0
    cap = 1e300
    for n in range(1, generations + 1):
        add_lam, add_eta = (
            (0.0, 0.0) if n == 1 else (min(1.0 / s2, cap), max(min(c / s2, cap), -cap))
        )
        lam[n] = min(rho * (lam[n - 1] + add_lam), cap)
        eta[n] = max(min(rho * (eta[n - 1] + add_eta), cap), -cap)
        map_lam[n] = min(map_lam[n - 1] + add_lam, cap)
        map_eta[n] = max(min(map_eta[n - 1] + add_eta, cap), -cap)
    return {
        "mean_precision": lam,
        "mean_natural_mean": eta,
        "map_mu": mu0 + sigma0 * np.clip(map_eta / map_lam, -abs(c) - 1, abs(c) + 1),
        "map_var": sigma0**2 / map_lam,
    }


def verified_centre_theory(
    generations: int,
    samples: int,
    *,
    centre: float = 0.0,
    width: float | None = None,
    mu0: float = 0.0,
    sigma0: float = 1.0,
) -> dict[str, np.ndarray | float]:
    """Exact expectations of the verified loop of answers (``fit_spread=False``, replace, no
    real data after generation 1), n = 0..generations.

    Model 1 is the mean of M real samples; model n >= 2 is the mean of M answers of model n - 1,
    mu_{n-1} + sigma0 * noise, that the verifier (c, s) kept. The kept answers are
    N(k mu_{n-1} + (1 - k) c, k sigma0^2) with k = s^2 / (s^2 + sigma0^2) (k = 1 without a
    verifier), so (derived here)

        E[mu_n] - c = k (E[mu_{n-1}] - c),   Var[mu_n] = k^2 Var[mu_{n-1}] + k sigma0^2 / M,

    and E[(mu_n - mu0)^2] = Var[mu_n] + (E[mu_n] - mu0)^2. Without a verifier this is
    n sigma0^2 / M, without bound; with any verifier it tends to

        (c - mu0)^2 + sigma0^2 k / (M (1 - k^2)).

    Returns ``"mean_mu"`` and ``"mean_sq_mu_error"`` (arrays of length generations + 1) and
    ``"limit_sq_mu_error"`` (a float, ``math.inf`` without a verifier).
    """
    generations = check_int("generations", generations, minimum=0)
    samples = check_int("samples", samples, minimum=2)
    centre = check_real("centre", centre, magnitude=MAX_MAGNITUDE)
    if width is not None:
        width = check_scale("width", width)
    mu0 = check_real("mu0", mu0, magnitude=MAX_MAGNITUDE)
    sigma0 = check_scale("sigma0", sigma0)
    check_length("generations", generations, arrays=4, steps=3_000)  # a Python loop
    # in units of sigma0 around mu0 (so nothing overflows)
    c = (centre - mu0) / sigma0
    k = 1.0 if width is None else 1.0 / (1.0 + (sigma0 / width) ** 2)
    mean, var = np.zeros(generations + 1), np.zeros(generations + 1)
    for n in range(1, generations + 1):
        if n == 1:  # the fit to M real samples
            mean[n], var[n] = 0.0, 1.0 / samples
        else:
            mean[n] = c + k * (mean[n - 1] - c)
            var[n] = k * k * var[n - 1] + k / samples
    limit = math.inf if k == 1.0 else c * c + k / (samples * (1.0 - k * k))
    return {
        "mean_mu": mu0 + sigma0 * mean,
        "mean_sq_mu_error": sigma0**2 * (var + mean * mean),
        "limit_sq_mu_error": sigma0**2 * limit,
    }


def mitigation_map(
    generations: int,
    *,
    real_fraction: float = 0.0,
    workflow: str = "replace",
    centre: float = 0.0,
    width: float | None = None,
    mu0: float = 0.0,
    sigma0: float = 1.0,
) -> dict[str, np.ndarray]:
    """The loop of :func:`prevent_chain` with infinitely many samples per generation.

    Nothing is random any more: generation n >= 2 is a share f (exactly ``real_fraction``, no
    rounding) of real data N(mu0, sigma0^2) and 1 - f of the verifier's kept samples
    N(mu', sigma'^2); model n is the Gaussian with the mean and variance of that mixture
    (``"replace"``) or of the average of generations 1..n (``"accumulate"``). Without a
    verifier the map stands still at the real distribution: collapse without a verifier is a
    finite-sample effect. Returns ``"mu"`` and ``"var"``, arrays of length generations + 1.
    """
    generations = check_int("generations", generations, minimum=0)
    f = check_real("real_fraction", real_fraction, minimum=0.0, maximum=1.0)
    workflow = check_choice("workflow", workflow, WORKFLOWS)
    centre = check_real("centre", centre, magnitude=MAX_MAGNITUDE)
    if width is not None:
        width = check_scale("width", width)
    mu0 = check_real("mu0", mu0, magnitude=MAX_MAGNITUDE)
    sigma0 = check_scale("sigma0", sigma0)
    check_length("generations", generations, arrays=4, steps=3_000)
    # in units of sigma0 around mu0
    c = (centre - mu0) / sigma0
    s = None if width is None else width / sigma0
    mu, var = np.zeros(generations + 1), np.ones(generations + 1)
    sum_mean, sum_second = 0.0, 0.0  # sums over the generations kept (accumulate)
    for n in range(1, generations + 1):
        if n == 1 or s is None:
            kept_mu, kept_var = mu[n - 1], var[n - 1]
        else:
            keep = s * s / (s * s + var[n - 1])
            kept_mu, kept_var = keep * mu[n - 1] + (1 - keep) * c, keep * var[n - 1]
        share = 1.0 if n == 1 else f
        batch_mean = (1 - share) * kept_mu
        batch_second = share * 1.0 + (1 - share) * (kept_var + kept_mu**2)
        if workflow == "replace":
            mean, second = batch_mean, batch_second
        else:
            sum_mean, sum_second = sum_mean + batch_mean, sum_second + batch_second
            mean, second = sum_mean / n, sum_second / n
        mu[n], var[n] = mean, max(second - mean * mean, 0.0)
    return {"mu": mu0 + sigma0 * mu, "var": sigma0**2 * var}


def _fresh_constants(samples: int, real_fraction: float) -> tuple[float, float]:
    """(e*, q) of the replace loop with ``real_count`` fresh real samples (see below)."""
    s = samples - real_count(samples, real_fraction)
    q = s * (s - 1) / samples**2
    return samples / (samples**2 - s * (s - 1)), q


def fresh_real_theory(
    generations: int, samples: int, *, real_fraction: float, sigma0: float = 1.0
) -> dict[str, np.ndarray]:
    """Exact expectations of the replace loop with fresh real data, in closed form.

    With r = ``real_count(M, real_fraction)`` real and s = M - r synthetic samples per generation
    and the maximum-likelihood fit, E[(mu_n - mu0)^2] + E[sigma_n^2] = sigma0^2 at every n, and
    e_n = E[(mu_n - mu0)^2] / sigma0^2 follows e_n = 1/M + q e_{n-1}, q = s(s - 1)/M^2, so
    (derived here)

        E[(mu_n - mu0)^2] = sigma0^2 e* (1 - q^n),   E[sigma_n^2] = sigma0^2 (1 - e* (1 - q^n)),
        e* = M / (M^2 - s(s - 1)).

    Without real data (s = M) this is Part III's sigma0^2 ((M - 1)/M)^n; one real sample is
    enough for a positive long-run level. Returns ``"mean_var"`` and ``"mean_sq_mu_error"``,
    the values :func:`peakdata.collapse.gaussian.gaussian_workflow_theory` computes by recursion.
    """
    generations = check_int("generations", generations, minimum=0)
    samples = check_int("samples", samples, minimum=2)
    real_fraction = check_real("real_fraction", real_fraction, minimum=0.0, maximum=1.0)
    sigma0 = check_scale("sigma0", sigma0)
    check_length("generations", generations, arrays=4)
    e_star, q = _fresh_constants(samples, real_fraction)
    n = np.arange(generations + 1, dtype=float)
    with np.errstate(under="ignore"):
        error = e_star * (1.0 - q**n)
    return {"mean_var": sigma0**2 * (1.0 - error), "mean_sq_mu_error": sigma0**2 * error}


def critical_share(samples: int, level: float) -> float:
    """The stability condition: the least share of fresh real data (replace, no verifier) whose
    long-run expected fitted variance is at least ``level`` sigma0^2.

    The long-run level is 1 - e* with e* = M / (M^2 - s(s - 1)) (:func:`fresh_real_theory`), so
    the condition is s <= s_c = (1 + sqrt(1 + 4 (M^2 - M / (1 - level)))) / 2 synthetic samples,
    i.e. a share f >= f_c = 1 - s_c / M (derived here). With whole samples the least number of
    real samples per generation is ceil(f_c M). ``level`` must be in (0, (M - 1)/M]: even
    all-real data give only (M - 1)/M with the maximum-likelihood fit.
    """
    samples = check_int("samples", samples, minimum=2)
    level = check_real(
        "level", level, minimum=0.0, maximum=(samples - 1) / samples, strict_minimum=True
    )
    m = float(samples)
    s_c = (1.0 + math.sqrt(max(1.0 + 4.0 * (m * m - m / (1.0 - level)), 0.0))) / 2.0
    return min(max(1.0 - s_c / m, 0.0), 1.0)


def crossing_generation(samples: int, real_fraction: float, level: float) -> float:
    """The generation at which E[sigma_n^2] / sigma0^2 of the replace loop with fresh real data
    (no verifier) falls to ``level``: the boundary of the phase diagram (derived here).

    From :func:`fresh_real_theory`, n* = ln(1 - (1 - level)/e*) / ln q, a real number (the
    expectation crosses between generations floor(n*) and ceil(n*)); ``math.inf`` when the
    long-run level stays at or above ``level`` (``real_fraction`` >= :func:`critical_share`).
    """
    samples = check_int("samples", samples, minimum=2)
    real_fraction = check_real("real_fraction", real_fraction, minimum=0.0, maximum=1.0)
    level = check_real("level", level, minimum=0.0, maximum=1.0, strict_minimum=True)
    e_star, q = _fresh_constants(samples, real_fraction)
    if e_star <= 1.0 - level or q <= 0.0:
        return math.inf
    return math.log(1.0 - (1.0 - level) / e_star) / math.log(q)
