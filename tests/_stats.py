"""Monte Carlo assertions shared by the tests of the simulations."""

import numpy as np

from peakdata.reproduce import within_se


def assert_within(sample, expected: float, z: float = 4.5) -> None:
    """The sample mean lies within z standard errors of the expected value."""
    mean, tolerance = within_se(np.asarray(sample, dtype=float), z)
    assert abs(mean - expected) <= tolerance + 1e-12, (mean, expected, tolerance)
