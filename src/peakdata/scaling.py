"""Scaling laws: how much data a language model needs, what it costs, and what repetition buys.

Part I of the book ("Peak data"). The loss of a model with N parameters trained on D tokens is
modelled as (Hoffmann et al. 2022, approach 3)

    L(N, D) = E + A / N^alpha + B / D^beta,

and training costs about C = 6 N D floating-point operations (FLOP). Two published sets of
constants are in :data:`FITS` (the book's SCIENCE notes, B1); :func:`compute_optimal` gives the
model size and data that minimise L at a fixed compute budget, :func:`tokens_for_loss` the data a
smaller (over-trained) model needs to reach the same loss, :func:`training_cost` the bill, and
:func:`effective_tokens` what repeated data is worth (Muennighoff et al. 2023, SCIENCE notes B2).

Every function takes scalars or numpy arrays (broadcast together) and returns a float for scalar
input, an array otherwise.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from ._checks import MEMORY_BUDGET, check_int, check_length, check_real

__all__ = [
    "FITS",
    "R_STAR_DATA",
    "ScalingFit",
    "brute_force_optimum",
    "chinchilla_loss",
    "compute_for_tokens",
    "compute_optimal",
    "device_hours",
    "effective_tokens",
    "epoch_value",
    "get_fit",
    "optimal_tokens_per_parameter",
    "overtraining_tokens_ratio",
    "reproductions",
    "tokens_for_loss",
    "training_cost",
    "training_flops",
]

R_STAR_DATA = 15.387756
"""Muennighoff et al. (2023), appendix A: the fitted decay constant R*_D of repeated data."""


# -- argument checks for array inputs -----------------------------------------------------------
def _as_array(name: str, value: object) -> np.ndarray:
    """``value`` (a real number or an array_like of them) as a float array; TypeError otherwise."""
    kind = "a real number or an array of real numbers"
    if value is None or isinstance(value, str | bytes | bool | np.bool_):
        raise TypeError(f"{name} must be {kind}, got {value!r}")
    if isinstance(value, numbers.Real):
        return np.asarray(_float(value))
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):  # ragged nested sequences and the like
        raise TypeError(f"{name} must be {kind}, got {value!r}") from None
    if array.dtype.kind == "O":
        flat = array.ravel().tolist()
        if not all(isinstance(x, numbers.Real) and not isinstance(x, bool) for x in flat):
            raise TypeError(f"{name} must be {kind}, got {value!r}")
        return np.array([_float(x) for x in flat]).reshape(array.shape)
    if array.dtype.kind not in "iuf":  # bool, complex, strings, dates...
        raise TypeError(f"{name} must be {kind}, got an array of dtype {array.dtype}")
    return array.astype(float)


def _float(x: numbers.Real) -> float:
    """float(x), or an infinity for an integer too large for a float (caught as not finite)."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def _check_array(
    name: str,
    value: object,
    *,
    minimum: float | None = 0.0,
    strict_minimum: bool = True,
    maximum: float | None = None,
) -> np.ndarray:
    """A float array of finite values in the range; the first bad element is named otherwise."""
    array = _as_array(name, value)
    bad = ~np.isfinite(array)
    if minimum is not None:
        bad |= (array <= minimum) if strict_minimum else (array < minimum)
    if maximum is not None:
        bad |= array > maximum
    if bad.any():
        where = int(np.flatnonzero(bad)[0])
        first = array.flat[where]
        if minimum is None and maximum is None:
            allowed = "finite"
        else:
            low = ">" if strict_minimum else ">="
            parts = [f"{low} {minimum:g}"] if minimum is not None else []
            parts += [f"<= {maximum:g}"] if maximum is not None else []
            allowed = "finite and " + " and ".join(parts)
        at = "" if array.ndim == 0 else f" at index {_index(where, array.shape)}"
        raise ValueError(f"{name} must be {allowed}, got {first}{at}")
    return array


def _index(flat: int, shape: tuple[int, ...]) -> int | tuple[int, ...]:
    """The position of element ``flat`` of an array of ``shape``, as plain ints."""
    index = tuple(int(i) for i in np.unravel_index(flat, shape))
    return index[0] if len(index) == 1 else index


_BROADCAST_ARRAYS = 8
"""Float arrays of the broadcast shape one call may hold at once (inputs, temporaries, result)."""


def _broadcast(**arrays: np.ndarray) -> list[np.ndarray]:
    """Broadcast the named arrays together, or raise a ValueError naming them and their shapes
    (also when the broadcast shape is too large for the memory budget)."""
    shapes = ", ".join(f"{name} {a.shape}" for name, a in arrays.items())
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        raise ValueError(f"cannot broadcast the shapes of {shapes} together") from None
    nbytes = 8.0 * _BROADCAST_ARRAYS * math.prod(shape)
    if nbytes > MEMORY_BUDGET:
        raise ValueError(
            f"{', '.join(arrays)} must broadcast to at most "
            f"{MEMORY_BUDGET // (8 * _BROADCAST_ARRAYS)} values, got shapes {shapes}, which "
            f"broadcast to {shape} ({math.prod(shape)} values, about {nbytes / 1e9:.3g} GB of "
            f"arrays, over the memory budget of {MEMORY_BUDGET / 1e9:g} GB)"
        )
    return list(np.broadcast_arrays(*arrays.values()))


def _finite(value: np.ndarray, formula: str, **arrays: np.ndarray) -> np.ndarray:
    """``value`` if every entry is finite; otherwise a ValueError naming the arguments that
    make ``formula`` overflow a float (about 1.8e308), with their values there."""
    bad = ~np.isfinite(value)
    if not bad.any():
        return value
    where = int(np.flatnonzero(bad)[0])
    at = "" if np.ndim(value) == 0 else f" at index {_index(where, np.shape(value))}"
    got = ", ".join(
        f"{name} = {np.broadcast_to(a, np.shape(value)).flat[where]:g}"
        for name, a in arrays.items()
    )
    raise ValueError(
        f"{' and '.join(arrays)} must keep {formula} within the range of a float "
        f"(about 1.8e308), got {got}{at}"
    )


def _result(value: np.ndarray) -> float | np.ndarray:
    """A float for a 0-d result, the array otherwise."""
    value = np.asarray(value, dtype=float)
    return float(value) if value.ndim == 0 else value


# -- the two published fits ---------------------------------------------------------------------
@dataclass(frozen=True)
class ScalingFit:
    """Constants of L(N, D) = E + A/N^alpha + B/D^beta, with the key of their source.

    Build your own to explore (every constant must be finite and > 0), or use :data:`FITS`.
    """

    name: str
    E: float
    A: float
    B: float
    alpha: float
    beta: float
    source: str = ""  # key in book/references.bib

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str, got {self.name!r}")
        for field in ("E", "A", "B", "alpha", "beta"):
            value = check_real(field, getattr(self, field), minimum=0.0, strict_minimum=True)
            object.__setattr__(self, field, value)

    @property
    def G(self) -> float:
        """G = (alpha A / (beta B))^(1/(alpha+beta)), the scale of the compute-optimal split."""
        return (self.alpha * self.A / (self.beta * self.B)) ** (1 / (self.alpha + self.beta))

    @property
    def a(self) -> float:
        """Exponent of the optimal model size: N_opt ∝ C^a, a = beta/(alpha+beta)."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        """Exponent of the optimal data: D_opt ∝ C^b, b = alpha/(alpha+beta)."""
        return self.alpha / (self.alpha + self.beta)


FITS = MappingProxyType(
    {
        "hoffmann": ScalingFit(
            "hoffmann", 1.69, 406.4, 410.7, 0.34, 0.28, source="hoffmann2022chinchilla"
        ),
        "besiroglu": ScalingFit(
            "besiroglu", 1.8172, 482.01, 2085.43, 0.3478, 0.3658, source="besiroglu2024chinchilla"
        ),
    }
)
"""The published fits of L(N, D), by name (read-only).

``"hoffmann"``: Hoffmann et al. (2022), approach 3, the rounded constants printed in the paper.
``"besiroglu"``: Besiroglu et al. (2024), the same model refitted to data reconstructed from
Hoffmann et al.'s figures. Beware: the rounded Hoffmann constants put the compute-optimal ratio
near 90 tokens per parameter at Chinchilla's budget, not the ~20 Chinchilla was trained with;
the refit gives about 18.
"""


def get_fit(fit: str | ScalingFit) -> ScalingFit:
    """The :class:`ScalingFit` named ``fit`` (a key of :data:`FITS`), or ``fit`` itself."""
    if isinstance(fit, ScalingFit):
        return fit
    if not isinstance(fit, str):
        raise TypeError(
            f"fit must be one of {', '.join(map(repr, FITS))} or a ScalingFit, got {fit!r}"
        )
    if fit not in FITS:
        raise ValueError(f"fit must be one of {', '.join(map(repr, FITS))}, got {fit!r}")
    return FITS[fit]


# -- loss, optimum, over-training ---------------------------------------------------------------
def chinchilla_loss(
    params: float | np.ndarray, tokens: float | np.ndarray, fit: str | ScalingFit = "hoffmann"
) -> float | np.ndarray:
    """Predicted loss L(N, D) = E + A/N^alpha + B/D^beta (nats per token).

    Parameters
    ----------
    params : float or array_like
        Model parameters N (> 0).
    tokens : float or array_like
        Training tokens D (> 0), broadcast against ``params``.
    fit : {"hoffmann", "besiroglu"} or ScalingFit
        Which constants (:data:`FITS`).
    """
    f = get_fit(fit)
    n = _check_array("params", params)
    d = _check_array("tokens", tokens)
    n, d = _broadcast(params=n, tokens=d)
    return _result(f.E + f.A / n**f.alpha + f.B / d**f.beta)


def compute_optimal(
    compute: float | np.ndarray, fit: str | ScalingFit = "hoffmann"
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Model size and data that minimise the loss for a compute budget C = 6 N D.

    N_opt = G (C/6)^a and D_opt = (C/6)^b / G, with G = (alpha A/(beta B))^(1/(alpha+beta)),
    a = beta/(alpha+beta), b = alpha/(alpha+beta), as Hoffmann et al. (2022) give it.

    Parameters
    ----------
    compute : float or array_like
        Training compute C in FLOP (> 0).
    fit : {"hoffmann", "besiroglu"} or ScalingFit
        Which constants (:data:`FITS`).

    Returns
    -------
    params, tokens
        N_opt and D_opt, floats for a scalar ``compute``.
    """
    f = get_fit(fit)
    c = _check_array("compute", compute)
    with np.errstate(over="ignore"):
        n = f.G * (c / 6) ** f.a
        d = (c / 6) ** f.b / f.G
    return _result(n), _result(d)


def optimal_tokens_per_parameter(
    compute: float | np.ndarray, fit: str | ScalingFit = "hoffmann"
) -> float | np.ndarray:
    """D_opt / N_opt at compute C: (C/6)^(b-a) / G^2 (about 20 for Chinchilla's budget and the
    Besiroglu fit, about 90 with the rounded Hoffmann constants)."""
    f = get_fit(fit)
    c = _check_array("compute", compute)
    with np.errstate(over="ignore", divide="ignore"):
        ratio = (c / 6) ** (f.b - f.a) / f.G**2
    return _result(_finite(ratio, "(C/6)^(b-a) / G^2", compute=c))


def compute_for_tokens(
    tokens: float | np.ndarray, fit: str | ScalingFit = "hoffmann"
) -> float | np.ndarray:
    """The compute budget whose optimal data is ``tokens``: C = 6 (G D)^(1/b), the inverse of
    the data half of :func:`compute_optimal`."""
    f = get_fit(fit)
    d = _check_array("tokens", tokens)
    with np.errstate(over="ignore"):
        return _result(_finite(6 * (f.G * d) ** (1 / f.b), "6 (G D)^(1/b)", tokens=d))


def tokens_for_loss(
    params: float | np.ndarray, loss: float | np.ndarray, fit: str | ScalingFit = "hoffmann"
) -> float | np.ndarray:
    """Training tokens a model of ``params`` parameters needs to reach ``loss``.

    The inverse of :func:`chinchilla_loss` in D: D = (B / (L - E - A/N^alpha))^(1/beta). A
    smaller model needs more data for the same loss (with the Hoffmann constants, a model a
    quarter of Chinchilla's 70B parameters needs about 3.7 times its 1.4T tokens); below the
    compute-optimal size it needs more compute too: over-training buys a model that is cheaper
    to run with extra training compute. No number of tokens takes a model to a loss at or
    below E + A/N^alpha.

    Raises
    ------
    ValueError
        If ``loss`` is not above E + A/N^alpha, the loss the model reaches with unlimited data
        (the message gives that bound). A result too large for a float is ``inf``.
    """
    f = get_fit(fit)
    n = _check_array("params", params)
    target = _check_array("loss", loss)
    n, target = _broadcast(params=n, loss=target)
    floor = f.E + f.A / n**f.alpha
    gap = target - floor
    bad = gap <= 0
    if bad.any():
        where = int(np.flatnonzero(bad)[0])
        at = "" if n.ndim == 0 else f" at index {_index(where, n.shape)}"
        raise ValueError(
            f"loss must be > {floor.flat[where]:.6g}, the lowest loss a model of "
            f"{n.flat[where]:.4g} parameters reaches with unlimited data (E + A/N^alpha, "
            f"fit {f.name!r}), got {target.flat[where]}{at}"
        )
    with np.errstate(over="ignore"):
        return _result((f.B / gap) ** (1 / f.beta))


def overtraining_tokens_ratio(
    fraction: float | np.ndarray, fit: str | ScalingFit = "hoffmann"
) -> float | np.ndarray:
    """How many times D_opt a model of ``fraction`` x N_opt needs to match the optimum's loss.

    At the compute-optimal point alpha A/N^alpha = beta B/D^beta, so the loss of a model of
    f N_opt parameters trained on D tokens equals the optimum's when

        D / D_opt = [(alpha/beta) / (1 + alpha/beta - f^-alpha)]^(1/beta),

    the same at every compute budget (derived here from L(N, D) and C = 6 N D; the book's
    chapter on scaling laws). Its training compute is f D / D_opt times the optimum's. Below
    f_min = (1 + alpha/beta)^(-1/alpha) no amount of data reaches the optimum's loss.

    Parameters
    ----------
    fraction : float or array_like
        f = N / N_opt, in (f_min, 1] for a smaller model (larger values are allowed: a bigger
        model needs fewer tokens).
    fit : {"hoffmann", "besiroglu"} or ScalingFit
        Which constants (:data:`FITS`).

    Raises
    ------
    ValueError
        If ``fraction`` is not above f_min (the message gives it).
    """
    f = get_fit(fit)
    frac = _check_array("fraction", fraction)
    ratio = f.alpha / f.beta
    gap = 1 + ratio - frac ** (-f.alpha)
    bad = gap <= 0
    if bad.any():
        where = int(np.flatnonzero(bad)[0])
        at = "" if frac.ndim == 0 else f" at index {_index(where, frac.shape)}"
        f_min = (1 + ratio) ** (-1 / f.alpha)
        raise ValueError(
            f"fraction must be > {f_min:.6g}, the smallest model (as a share of N_opt) that can "
            f"reach the compute-optimal loss with the {f.name!r} fit, got {frac.flat[where]}{at}"
        )
    return _result((ratio / gap) ** (1 / f.beta))


def brute_force_optimum(
    compute: float, fit: str | ScalingFit = "hoffmann", *, points: int = 20_001
) -> tuple[float, float]:
    """N and D minimising L(N, D) on C = 6 N D, found by search instead of the closed form.

    Evaluates the loss at ``points`` model sizes evenly spaced in log10 N (from 10^6 to the
    size that leaves 10^6 tokens), takes the best, and refines it with a parabola through it
    and its two neighbours. A check on :func:`compute_optimal`, not a replacement.

    Parameters
    ----------
    compute : float
        Training compute C in FLOP (> 6e12, so that the search interval is not empty).
    fit : {"hoffmann", "besiroglu"} or ScalingFit
        Which constants (:data:`FITS`).
    points : int
        Grid size (>= 3).
    """

    f = get_fit(fit)
    compute = check_real("compute", compute, minimum=6e12, strict_minimum=True)
    points = check_int("points", points, minimum=3)
    check_length("points", points, arrays=8)
    n = _grid_optimum(compute, f, points)
    return n, compute / (6 * n)


# -- compute and cost ---------------------------------------------------------------------------
def training_flops(params: float | np.ndarray, tokens: float | np.ndarray) -> float | np.ndarray:
    """Training compute C = 6 N D in FLOP (2 N D forward, 4 N D backward; a standard estimate
    for dense transformers; for a mixture of experts pass the active parameters)."""
    n = _check_array("params", params)
    d = _check_array("tokens", tokens)
    n, d = _broadcast(params=n, tokens=d)
    with np.errstate(over="ignore"):
        flops = 6 * n * d
    return _result(_finite(flops, "6 N D", params=n, tokens=d))


def device_hours(
    params: float | np.ndarray,
    tokens: float | np.ndarray,
    *,
    peak_flops: float | np.ndarray,
    utilisation: float | np.ndarray,
) -> float | np.ndarray:
    """Accelerator-hours to train: 6 N D / (peak_flops x utilisation) / 3600.

    Parameters
    ----------
    params, tokens : float or array_like
        N and D (> 0); for a mixture of experts, N is the active parameters.
    peak_flops : float or array_like
        Peak throughput of one device in FLOP per second (> 0), at the precision used for
        training (the vendor's data sheet gives it).
    utilisation : float or array_like
        Share of the peak actually sustained over the run, in (0, 1] (the model FLOP
        utilisation).
    """
    n, d, peak, use = _cost_arrays(params, tokens, peak_flops, utilisation)
    hours = _hours(n, d, peak, use)
    names = {"params": n, "tokens": d, "peak_flops": peak, "utilisation": use}
    return _result(_finite(hours, "the device-hours", **names))


def training_cost(
    params: float | np.ndarray,
    tokens: float | np.ndarray,
    *,
    peak_flops: float | np.ndarray,
    utilisation: float | np.ndarray,
    price_per_hour: float | np.ndarray,
) -> float | np.ndarray:
    """Cost of a training run: 6 N D / (peak_flops x utilisation) seconds x price_per_hour / 3600.

    ``price_per_hour`` is the price of one device-hour (> 0); the answer is in its currency.
    See :func:`device_hours` for the other arguments. Only the compute of the final run is
    counted: no experiments, failed runs, staff or data.
    """
    n, d, peak, use, price = _cost_arrays(params, tokens, peak_flops, utilisation, price_per_hour)
    cost = _hours(n, d, peak, use, price)
    names = {"params": n, "tokens": d, "peak_flops": peak, "utilisation": use}
    return _result(_finite(cost, "the cost", **names, price_per_hour=price))


def _cost_arrays(params, tokens, peak_flops, utilisation, *price) -> list[np.ndarray]:
    """The checked, broadcast arguments of the cost functions (``price`` optional)."""
    arrays = {
        "params": _check_array("params", params),
        "tokens": _check_array("tokens", tokens),
        "peak_flops": _check_array("peak_flops", peak_flops),
        "utilisation": _check_array("utilisation", utilisation, maximum=1.0),
    }
    if price:
        arrays["price_per_hour"] = _check_array("price_per_hour", price[0])
    return _broadcast(**arrays)


def _hours(n, d, peak, use, *price) -> np.ndarray:
    """6 N D / (peak x use) / 3600 (x price), with no overflow or underflow along the way.

    Each argument is split into a mantissa in [0.5, 1) and a power of two (``np.frexp``); the
    formula runs on the mantissas and the powers are added apart. Scaling by a power of two is
    exact, so where the plain formula neither overflows nor underflows this gives the same bits;
    where a product in it would (tiny ``peak_flops`` and ``utilisation``: a division by zero and
    an infinite number of hours), this still gives the right answer whenever it fits in a float,
    and an infinity (caught by :func:`_finite`) only where the answer itself is too large.
    """
    (mn, en), (md, ed), (mp, ep), (mu, eu) = (np.frexp(a) for a in (n, d, peak, use))
    mantissa = 6 * mn * md / (mp * mu) / 3600
    exponent = en.astype(np.int64) + ed - ep - eu
    if price:
        mc, ec = np.frexp(price[0])
        mantissa, exponent = mantissa * mc, exponent + ec
    with np.errstate(over="ignore"):
        return np.ldexp(mantissa, exponent)


# -- repeated data ------------------------------------------------------------------------------
def effective_tokens(
    unique_tokens: float | np.ndarray,
    epochs: float | np.ndarray,
    *,
    r_star: float = R_STAR_DATA,
) -> float | np.ndarray:
    """What ``epochs`` passes over ``unique_tokens`` are worth in fresh tokens (Muennighoff et al.).

    D' = U + U R* (1 - exp(-R/R*)) with R = epochs - 1 repetitions. One epoch is worth U;
    four are worth about 3.7 U; D' never exceeds U (1 + R*), about 16.4 U.

    Parameters
    ----------
    unique_tokens : float or array_like
        U, the unique tokens (> 0).
    epochs : float or array_like
        Passes over the data (>= 1; fractional passes allowed).
    r_star : float
        The decay constant R* (> 0), 15.387756 as fitted by Muennighoff et al. (2023).
    """
    u = _check_array("unique_tokens", unique_tokens)
    e = _check_array("epochs", epochs, minimum=1.0, strict_minimum=False)
    r_star = check_real("r_star", r_star, minimum=0.0, strict_minimum=True)
    u, e = _broadcast(unique_tokens=u, epochs=e)
    return _result(u + u * r_star * -np.expm1(-(e - 1) / r_star))


def epoch_value(
    unique_tokens: float | np.ndarray,
    epochs: float | np.ndarray,
    *,
    r_star: float = R_STAR_DATA,
) -> float | np.ndarray:
    """What one more epoch adds to :func:`effective_tokens`: dD'/d(epochs) = U exp(-R/R*).

    The derivative of Muennighoff et al.'s D' in the number of epochs (derived here): the first
    repetition is worth a fresh epoch, U tokens; the value then decays by a factor e every R*
    epochs. Arguments as in :func:`effective_tokens`.
    """
    u = _check_array("unique_tokens", unique_tokens)
    e = _check_array("epochs", epochs, minimum=1.0, strict_minimum=False)
    r_star = check_real("r_star", r_star, minimum=0.0, strict_minimum=True)
    u, e = _broadcast(unique_tokens=u, epochs=e)
    return _result(u * np.exp(-(e - 1) / r_star))


# -- reproductions ------------------------------------------------------------------------------
def _grid_optimum(compute: float, fit: ScalingFit, points: int = 200_001) -> float:
    """N minimising L(N, C/(6N)), by a grid over log10 N refined by a parabola through the best
    grid point and its neighbours (so the answer does not jump between grid points)."""
    top = math.log10(compute / 6) - 6  # keep D = C/(6N) >= 1e6 tokens
    x = np.linspace(6.0, top, points)
    n = 10.0**x
    loss = fit.E + fit.A / n**fit.alpha + fit.B / (compute / (6 * n)) ** fit.beta
    i = int(np.clip(np.argmin(loss), 1, points - 2))
    y0, y1, y2 = loss[i - 1 : i + 2]
    step = x[1] - x[0]
    shift = 0.5 * step * (y0 - y2) / (y0 - 2 * y1 + y2)
    return float(10.0 ** (x[i] + shift))


def reproductions() -> list:
    """Rows of the reproductions table (``python -m peakdata.reproduce``) for scaling laws."""
    from .reproduce import Reproduction

    rows = []
    chinchilla = training_flops(70e9, 1.4e12)
    rows.append(
        Reproduction(
            source="hoffmann2022chinchilla",
            claim="Chinchilla, 70B parameters × 1.4T tokens: 6ND ≈ Gopher's budget (±3%)",
            kind="published figure",
            expected=5.76e23,
            simulated=chinchilla,
            tolerance=0.03 * 5.76e23,
            origin="stated in the paper",
        )
    )
    for name in FITS:
        fit = FITS[name]
        n_opt, _ = compute_optimal(chinchilla, fit)
        rows.append(
            Reproduction(
                source=fit.source,
                claim=f"{name} fit: N_opt = G(C/6)^a minimises L on C = 6ND "
                "(grid search, C = 5.88e23 FLOP, ±0.1%)",
                kind="closed form",
                expected=n_opt,
                simulated=_grid_optimum(chinchilla, fit),
                tolerance=1e-3 * n_opt,
                origin="stated in the paper",
            )
        )
    rows.append(
        Reproduction(
            source="besiroglu2024chinchilla",
            claim="refit: ~20 tokens per parameter at Chinchilla's budget, as trained (±3)",
            kind="published figure",
            expected=20.0,
            simulated=optimal_tokens_per_parameter(chinchilla, "besiroglu"),
            tolerance=3.0,
            origin="stated in the paper",
        )
    )
    many = 1e6  # epochs: exp(-R/R*) underflows to 0, D' has reached its ceiling
    rows.append(
        Reproduction(
            source="muennighoff2023scaling",
            claim="repeated data saturates: D′/U → 1 + R* ≈ 16.4 (the limit of D′, 10⁶ epochs)",
            kind="closed form",
            expected=1 + R_STAR_DATA,
            simulated=effective_tokens(1.0, many),
            tolerance=1e-9,
            origin="derived here, extending muennighoff2023scaling",
        )
    )
    return rows
