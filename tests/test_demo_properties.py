"""Every demo refuses bad slider values by name, whether called as ``curves`` or ``compute``.

The property test of the package (test_api_properties.py) covers the simulation API; this one
covers the demos: each parameter is tried with values inside its range, off its grid, outside
it, of the wrong type, and as numpy arrays.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peakdata.demos import ALL_DEMOS, Choice

BAD_TYPES = st.sampled_from([None, "1", b"x", [1], {"a": 1}, np.array([1.0]), np.array(["mle"])])


def bad_value(param):
    if isinstance(param, Choice):
        other = st.text(max_size=8).filter(lambda t: t not in param.values())
        return st.one_of(other, BAD_TYPES, st.integers(-5, 5), st.floats(allow_nan=True))
    off_grid = st.floats(param.min, param.max).filter(
        lambda v: all(abs(v - g) > 1e-6 for g in param.values())
    )
    outside = st.one_of(
        st.floats(max_value=param.min - param.step, allow_nan=False),
        st.floats(min_value=param.max + param.step, allow_nan=False),
        st.sampled_from([float("nan"), float("inf"), -float("inf")]),
    )
    return st.one_of(off_grid, outside, BAD_TYPES, st.just(True))


@pytest.mark.parametrize("demo_class", ALL_DEMOS, ids=lambda c: c.__name__)
@settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(data=st.data())
def test_bad_values_are_refused_by_name(demo_class, data):
    demo = _demo(demo_class)
    param = data.draw(st.sampled_from(demo.params), label="param")
    value = data.draw(bad_value(param), label="value")
    for call in (demo.curves, demo.compute):
        with pytest.raises((ValueError, TypeError), match=param.name):
            call(**{param.name: value})
    with pytest.raises(ValueError, match="unknown parameter"):
        demo.compute(no_such_parameter=1)


_DEMOS: dict = {}


def _demo(cls):
    if cls not in _DEMOS:
        _DEMOS[cls] = cls()
    return _DEMOS[cls]
