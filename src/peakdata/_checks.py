"""Argument checks shared by the public functions: clear errors, never a deep numpy traceback."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np


def check_int(
    name: str, value: object, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` as an int, or raise naming ``name`` and the allowed range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {_range_text(minimum, maximum)}, got {value}")
    return value


def check_real(
    name: str,
    value: object,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_minimum: bool = False,
) -> float:
    """Return ``value`` as a finite float within the range, or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    too_low = minimum is not None and (value <= minimum if strict_minimum else value < minimum)
    too_high = maximum is not None and value > maximum
    if not math.isfinite(value) or too_low or too_high:
        allowed = (
            _range_text(minimum, maximum, strict_minimum)
            if (minimum is not None or maximum is not None)
            else "finite"
        )
        raise ValueError(f"{name} must be {allowed}, got {value}")
    return value


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``, or raise listing them."""
    choices = tuple(choices)
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return str(value)


def make_rng(rng: int | np.random.Generator) -> np.random.Generator:
    """A Generator from an integer seed (>= 0), or the Generator itself."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(check_int("rng", rng, minimum=0))


def _range_text(minimum, maximum, strict_minimum: bool = False) -> str:
    low = ">" if strict_minimum else ">="
    if minimum is not None and maximum is not None:
        return f"{low} {minimum} and <= {maximum}"
    if minimum is not None:
        return f"{low} {minimum}"
    return f"<= {maximum}"
