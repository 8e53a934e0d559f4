"""Argument checks shared by the public functions: clear errors, never a deep numpy traceback."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable

import numpy as np

MEMORY_BUDGET = 2 * 10**9
"""Most memory, in bytes, that one call may ask for (2 GB, less than a Binder kernel has): a
request for more is refused before anything is allocated, naming the argument to make smaller."""

WORK_BUDGET = 3 * 10**10
"""Most work one call may take on, in elementary steps of about a nanosecond (half a minute):
a request for more (a loop that would run for minutes) is refused before it starts."""

MAX_MAGNITUDE = 1e100
"""Largest magnitude accepted for a location or a scale (a mean, a standard deviation, a
bandwidth): squares and sums of squares of such numbers stay finite in float64."""

MIN_SCALE = 1e-100
"""Smallest positive scale accepted where a scale must be > 0 (its square stays a normal float)."""

MIN_TEMPERATURE = 1e-3
"""Smallest sampling temperature accepted (the book uses 0.5 to 2). Sampling is all but greedy
well before it, and a tiny temperature such as 1e-320 makes log(p)/T overflow: inf - inf, NaN
weights and a wrong sample."""

_INT64_MAX = 2**63 - 1


def check_int(
    name: str,
    value: object,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    unbounded: bool = False,
) -> int:
    """Return ``value`` as an int, or raise naming ``name`` and the allowed range.

    Unless ``unbounded``, the value must also fit in a 64-bit integer (numpy's sizes and counts).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {_short(value)}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {_range_text(minimum, maximum)}, got {value}")
    if not unbounded and abs(value) > _INT64_MAX:
        raise ValueError(f"{name} must be < 2**63 (a 64-bit integer), got {value}")
    return value


def check_real(
    name: str,
    value: object,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_minimum: bool = False,
    smallest: float | None = None,
    magnitude: float | None = None,
) -> float:
    """Return ``value`` as a finite float within the range, or raise naming ``name``.

    Checked after the range: ``smallest``, a floor (a scale must be > 0, and >= 1e-100), and
    ``magnitude``, a bound on ``abs(value)`` (a location, e.g. within +-1e100).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_short(value)}")
    try:
        value = float(value)
    except OverflowError:  # an int too large for a float
        value = math.inf if value > 0 else -math.inf
    too_low = minimum is not None and (value <= minimum if strict_minimum else value < minimum)
    too_high = maximum is not None and value > maximum
    if not math.isfinite(value) or too_low or too_high:
        allowed = (
            _range_text(minimum, maximum, strict_minimum)
            if (minimum is not None or maximum is not None)
            else "finite"
        )
        raise ValueError(f"{name} must be {allowed}, got {value}")
    if smallest is not None and value < smallest:
        raise ValueError(f"{name} must be >= {smallest:g}, got {value}")
    if magnitude is not None and abs(value) > magnitude:
        raise ValueError(f"{name} must be >= {-magnitude:g} and <= {magnitude:g}, got {value}")
    return value


def check_scale(name: str, value: object, *, zero: bool = False) -> float:
    """A scale (a standard deviation, a bandwidth): at most :data:`MAX_MAGNITUDE`, and > 0 and
    at least :data:`MIN_SCALE` (with ``zero=True``: >= 0; a tiny scale is then as good as 0)."""
    value = check_real(name, value, minimum=0.0, strict_minimum=not zero, maximum=MAX_MAGNITUDE)
    if not zero and value < MIN_SCALE:
        raise ValueError(f"{name} must be >= {MIN_SCALE:g}, got {value}")
    return value


def check_temperature(value: object, *, minimum: float = 0.0) -> float:
    """A sampling temperature: > 0 and >= :data:`MIN_TEMPERATURE`. (``minimum`` only sets how
    the bound reads in the message for 0 or less: ``0`` or ``0.0``.)"""
    value = check_real("temperature", value, minimum=minimum, strict_minimum=True)
    if value < MIN_TEMPERATURE:
        raise ValueError(f"temperature must be >= {MIN_TEMPERATURE:g}, got {value}")
    return value


def check_length(name: str, value: int, *, arrays: int = 10, steps: float = 100.0) -> None:
    """Budget check for ``arrays`` float64 arrays of ``value + 1`` entries, ``steps`` of work for
    each entry (a closed form evaluated per generation, or a loop over generations)."""

    def cost(**sizes: int) -> tuple[float, float]:
        n = sizes[name] + 1
        return 8.0 * arrays * n, steps * n

    check_budget(cost, **{name: value})


def check_loop_sizes(
    generations: object, samples: object, *, max_samples: int | None = None
) -> tuple[int, int]:
    """The two sizes of a resampling loop, checked in this order: ``generations`` (>= 0) and
    ``samples`` drawn per generation (>= 1, and <= ``max_samples`` if given)."""
    return (
        check_int("generations", generations, minimum=0),
        check_int("samples", samples, minimum=1, maximum=max_samples),
    )


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``, or raise listing them."""
    choices = tuple(choices)
    allowed = ", ".join(map(repr, choices))
    if not isinstance(value, str):  # an array or a list would compare elementwise, or not at all
        raise TypeError(f"{name} must be one of {allowed} (a str), got {_short(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return str(value)


def check_array(
    name: str,
    value: object,
    *,
    dtype: type = float,
    ndim: int | tuple[int, ...] | None = None,
    min_size: int = 0,
    finite: bool = True,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_minimum: bool = False,
    what: str | None = None,
) -> np.ndarray:
    """Return ``value`` as a float64 (``dtype=float``) or int64 (``dtype=int``) array, or raise
    naming ``name``: ``TypeError`` for anything but real (or integer) numbers, ``ValueError`` for
    the wrong number of dimensions, too few entries, non-finite entries or entries out of range.

    Bools, strings, None, complex numbers and object arrays are refused; float16/float32 and
    integer inputs are converted. The result may share memory with ``value``: copy it before
    writing to it.
    """
    integer = dtype is int
    what = what or ("an array of integers" if integer else "an array of real numbers")
    if isinstance(value, str | bytes | dict | set) or value is None:
        raise TypeError(f"{name} must be {what}, got {_short(value)}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError, OverflowError):  # ragged nesting, or not array-like at all
        raise TypeError(f"{name} must be {what} (rectangular), got {_short(value)}") from None
    kinds = "iu" if integer else "iuf"
    if arr.dtype.kind not in kinds and not (arr.size == 0 and arr.dtype.kind == "f"):
        raise TypeError(f"{name} must be {what}, got {_short(value)}")
    if integer:
        if arr.dtype.kind == "u" and arr.size and arr.max() > np.iinfo(np.int64).max:
            raise ValueError(f"{name} must hold integers < 2**63, got {arr.max()}")
        arr = arr.astype(np.int64, copy=False)
    else:
        arr = arr.astype(np.float64, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed or arr.size < min_size:
            dims = " or ".join(f"{d}-D" for d in allowed)
            empty = "non-empty " if min_size == 1 else ""
            size = f" with at least {min_size} entries" if min_size > 1 else ""
            raise ValueError(f"{name} must be a {empty}{dims} array{size}, got shape {arr.shape}")
    elif arr.size < min_size:
        raise ValueError(f"{name} must hold at least {min_size} entries, got {arr.size}")
    if finite and not integer:
        bad = ~np.isfinite(arr)
        if bad.any():
            raise ValueError(f"{name} must be finite, got {arr[bad].flat[0]}{_at(bad)}")
    if minimum is not None:
        bad = arr <= minimum if strict_minimum else arr < minimum
        if bad.any():
            low = ">" if strict_minimum else ">="
            raise ValueError(f"{name} must be {low} {minimum:g}, got {arr[bad].flat[0]}{_at(bad)}")
    if maximum is not None:
        bad = arr > maximum
        if bad.any():
            raise ValueError(f"{name} must be <= {maximum:g}, got {arr[bad].flat[0]}{_at(bad)}")
    return arr


def sum_tolerance(dtype: np.dtype, size: int, tolerance: float = 1e-9) -> float:
    """How far from 1 a vector of ``size`` probabilities of type ``dtype`` may sum: ``tolerance``
    for float64, wider for float32 and float16, whose entries are only that precise."""
    eps = np.finfo(dtype).eps if np.issubdtype(dtype, np.floating) else 0.0
    return max(tolerance, 4.0 * float(eps) * math.sqrt(max(size, 1)))


def check_budget(cost: Callable[..., tuple[float, float]], /, **sizes: int) -> None:
    """Refuse a call whose arrays would exceed :data:`MEMORY_BUDGET` or whose work would exceed
    :data:`WORK_BUDGET`, before anything is allocated.

    ``cost(**sizes)`` returns ``(bytes, steps)`` for the checked integer ``sizes`` (it must grow
    with each of them). The error names the size furthest over its own limit, with that limit
    (the other sizes kept as they are).
    """
    nbytes, steps = cost(**sizes)
    if nbytes <= MEMORY_BUDGET and steps <= WORK_BUDGET:
        return

    def fits(name: str, value: int) -> bool:
        b, w = cost(**{**sizes, name: value})
        return b <= MEMORY_BUDGET and w <= WORK_BUDGET

    worst, worst_limit, worst_rank = next(iter(sizes)), 0, (False, -1.0)
    for name, value in sizes.items():
        low, high = 0, int(value)  # largest fitting value in [0, value): bisection
        if not fits(name, 0):
            continue
        while high - low > 1:
            mid = (low + high) // 2
            low, high = (mid, high) if fits(name, mid) else (low, mid)
        rank = (low >= 1, value / max(low, 1))  # a limit of 0 helps nobody: name another size
        if rank > worst_rank:
            worst, worst_limit, worst_rank = name, low, rank
    others = ", ".join(f"{k} = {v}" for k, v in sizes.items() if k != worst)
    context = f" when {others}" if others else ""
    if nbytes > MEMORY_BUDGET:
        reason = (
            f"the arrays would take {_bytes(nbytes)}, over the memory budget of "
            f"{_bytes(MEMORY_BUDGET)}"
        )
    else:
        reason = (
            f"about {steps:.1g} steps, minutes of computing, over the budget of "
            f"{WORK_BUDGET:.0e} steps"
        )
    raise ValueError(f"{worst} must be <= {worst_limit}{context} ({reason}), got {sizes[worst]}")


def make_rng(rng: int | np.random.Generator) -> np.random.Generator:
    """A Generator from an integer seed (>= 0), or the Generator itself."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(check_int("rng", rng, minimum=0, unbounded=True))


def _short(value: object) -> str:
    """A short repr of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _at(bad: np.ndarray) -> str:
    """' at index i' for the first True entry of ``bad`` (empty for a 0-D array)."""
    if bad.ndim == 0:
        return ""
    index = np.unravel_index(int(np.argmax(bad)), bad.shape)
    return f" at index {index[0] if len(index) == 1 else tuple(int(i) for i in index)}"


def _bytes(n: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} bytes"


def _range_text(minimum, maximum, strict_minimum: bool = False) -> str:
    low = ">" if strict_minimum else ">="
    if minimum is not None and maximum is not None:
        return f"{low} {minimum} and <= {maximum}"
    if minimum is not None:
        return f"{low} {minimum}"
    return f"<= {maximum}"
