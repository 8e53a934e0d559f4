"""Scaling laws, compute, cost and repetition (SCIENCE.md B1, B2, B4), and their argument checks."""

import dataclasses
import math
import warnings
from fractions import Fraction

import numpy as np
import pytest

from peakdata import scaling
from peakdata.scaling import (
    FITS,
    R_STAR_DATA,
    ScalingFit,
    chinchilla_loss,
    compute_for_tokens,
    compute_optimal,
    device_hours,
    effective_tokens,
    optimal_tokens_per_parameter,
    tokens_for_loss,
    training_cost,
    training_flops,
)

CHINCHILLA = 6 * 70e9 * 1.4e12  # FLOP


@pytest.fixture
def reproduction_rows():
    return scaling.reproductions()


def test_published_constants():
    hoffmann, besiroglu = FITS["hoffmann"], FITS["besiroglu"]
    assert (hoffmann.E, hoffmann.A, hoffmann.B, hoffmann.alpha, hoffmann.beta) == (
        1.69,
        406.4,
        410.7,
        0.34,
        0.28,
    )
    assert (besiroglu.E, besiroglu.A, besiroglu.B, besiroglu.alpha, besiroglu.beta) == (
        1.8172,
        482.01,
        2085.43,
        0.3478,
        0.3658,
    )
    assert hoffmann.source == "hoffmann2022chinchilla"
    assert besiroglu.source == "besiroglu2024chinchilla"
    assert R_STAR_DATA == 15.387756
    with pytest.raises(dataclasses.FrozenInstanceError):
        hoffmann.E = 2.0
    with pytest.raises(TypeError):
        FITS["mine"] = hoffmann


def test_chinchilla_compute_is_about_5_9e23_flop():
    assert training_flops(70e9, 1.4e12) == pytest.approx(5.88e23)
    assert training_flops(70e9, 1.4e12) == pytest.approx(5.9e23, rel=0.01)
    # within 3% of the budget the paper quotes (Gopher's, 5.76e23 FLOP)
    assert training_flops(70e9, 1.4e12) == pytest.approx(5.76e23, rel=0.03)


def test_tokens_per_parameter_at_chinchilla_compute():
    # the rounded Hoffmann constants put the optimum near 90 tokens per parameter, not 20
    hoffmann = optimal_tokens_per_parameter(CHINCHILLA, "hoffmann")
    assert hoffmann == pytest.approx(92.8, abs=0.5)
    # the Besiroglu refit agrees with the ~20 Chinchilla was trained with
    besiroglu = optimal_tokens_per_parameter(CHINCHILLA, "besiroglu")
    assert 18 <= besiroglu <= 22
    assert besiroglu == pytest.approx(18.4, abs=0.1)
    n, d = compute_optimal(CHINCHILLA, "besiroglu")
    assert n == pytest.approx(73.0e9, rel=0.01) and d == pytest.approx(1.34e12, rel=0.01)
    assert d / n == pytest.approx(besiroglu)


@pytest.mark.parametrize("fit", ["hoffmann", "besiroglu"])
@pytest.mark.parametrize("compute", [1e20, CHINCHILLA, 1e26])
def test_optimum_is_the_brute_force_minimum_along_c_equals_6nd(fit, compute):
    n_opt, d_opt = compute_optimal(compute, fit)
    assert 6 * n_opt * d_opt == pytest.approx(compute)
    x = np.linspace(6.0, math.log10(compute / 6) - 6, 100_001)  # log10 N, D >= 1e6
    n = 10.0**x
    loss = chinchilla_loss(n, compute / (6 * n), fit)
    best = n[np.argmin(loss)]
    step = x[1] - x[0]
    assert abs(math.log10(best) - math.log10(n_opt)) <= step
    assert chinchilla_loss(n_opt, d_opt, fit) <= loss.min() + 1e-12


def test_compute_for_tokens_inverts_the_optimum():
    compute = np.array([1e20, CHINCHILLA, 5e28])
    for fit in FITS:
        _, d = compute_optimal(compute, fit)
        np.testing.assert_allclose(compute_for_tokens(d, fit), compute, rtol=1e-10)


def test_tokens_for_loss_inverts_the_loss():
    params = np.array([1e9, 8e9, 70e9, 405e9])[:, None]
    tokens = np.array([1e11, 1.4e12, 15e12])
    for fit in FITS:
        loss = chinchilla_loss(params, tokens, fit)
        assert loss.shape == (4, 3)
        expected = np.broadcast_to(tokens, loss.shape)
        np.testing.assert_allclose(tokens_for_loss(params, loss, fit), expected, rtol=1e-8)
    assert tokens_for_loss(70e9, chinchilla_loss(70e9, 1.4e12)) == pytest.approx(1.4e12)


def test_smaller_models_need_more_tokens_for_the_same_loss():
    target = chinchilla_loss(70e9, 1.4e12, "besiroglu")
    sizes = np.array([70e9, 35e9, 17.5e9])
    needed = tokens_for_loss(sizes, target, "besiroglu")
    assert needed[0] == pytest.approx(1.4e12)
    assert np.all(np.diff(needed) > 0)
    # and more compute: over-training trades training compute for a smaller model
    assert np.all(np.diff(training_flops(sizes, needed)) > 0)


def test_unreachable_loss_names_the_bound():
    fit = FITS["hoffmann"]
    floor = fit.E + fit.A / 1e9**fit.alpha  # 1e9 parameters can never do better
    with pytest.raises(ValueError, match=r"loss must be > 2\.0") as info:
        tokens_for_loss(1e9, floor - 0.01)
    assert f"{floor:.6g}" in str(info.value)
    with pytest.raises(ValueError, match="loss must be >"):
        tokens_for_loss(1e9, floor)
    with pytest.raises(ValueError, match="at index 1"):
        tokens_for_loss([70e9, 1e9], floor)


def test_cost_of_a_run():
    # 5.88e23 FLOP at 1e15 FLOP/s and 50% utilisation: 1.176e9 device-seconds
    hours = device_hours(70e9, 1.4e12, peak_flops=1e15, utilisation=0.5)
    assert hours == pytest.approx(1.176e9 / 3600)
    cost = training_cost(70e9, 1.4e12, peak_flops=1e15, utilisation=0.5, price_per_hour=2.0)
    assert cost == pytest.approx(2.0 * 1.176e9 / 3600)
    assert isinstance(cost, float)
    costs = training_cost(
        70e9, 1.4e12, peak_flops=1e15, utilisation=np.array([0.25, 0.5, 1.0]), price_per_hour=2.0
    )
    np.testing.assert_allclose(costs, [2 * cost, cost, cost / 2])


def _exact_hours(n, d, peak, use, price=1.0) -> float:
    """6 N D / (peak x use) / 3600 x price in exact rational arithmetic, rounded once."""
    exact = Fraction(6) * Fraction(n) * Fraction(d) / (Fraction(peak) * Fraction(use))
    return float(exact / 3600 * Fraction(price))


@pytest.mark.parametrize(
    ("params", "tokens", "peak_flops", "utilisation"),
    [
        (1e-200, 1e-200, 1e-200, 1e-200),  # peak x utilisation and 6 N D underflow to 0: was NaN
        (1e-160, 1e-160, 5e-324, 0.5),  # a subnormal peak: N D underflows, was inexact
        (1e-100, 1e-100, 1e-170, 1e-170),  # peak x utilisation underflows to 0: was inf
        (70e9, 1.4e12, 1e15, 0.5),
    ],
)
def test_cost_of_tiny_throughput_is_finite_and_right(params, tokens, peak_flops, utilisation):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no division by zero along the way
        hours = device_hours(params, tokens, peak_flops=peak_flops, utilisation=utilisation)
        cost = training_cost(
            params, tokens, peak_flops=peak_flops, utilisation=utilisation, price_per_hour=3.0
        )
    assert hours == pytest.approx(_exact_hours(params, tokens, peak_flops, utilisation), rel=1e-15)
    assert cost == pytest.approx(
        _exact_hours(params, tokens, peak_flops, utilisation, 3.0), rel=1e-15
    )


@pytest.mark.parametrize("function", ["device_hours", "training_cost"])
def test_cost_too_large_for_a_float_names_the_arguments(function):
    kwargs = {"peak_flops": 1e-300, "utilisation": 1e-300}  # the product underflows to 0
    if function == "training_cost":
        kwargs["price_per_hour"] = 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clear ValueError, not a division by zero
        with pytest.raises(ValueError, match=r"peak_flops and utilisation .* range of a float"):
            getattr(scaling, function)(1e6, 1e6, **kwargs)


def test_effective_tokens_follow_muennighoff():
    u = 1e11
    assert effective_tokens(u, 1) == u  # one epoch: the unique data, exactly
    four = effective_tokens(u, 4)
    assert four == pytest.approx(3.7257 * u, rel=1e-4)  # 7% short of 4 fresh epochs
    assert 0.92 * 4 * u < four < 4 * u
    assert effective_tokens(u, 2) == pytest.approx(4 * u / 2, rel=0.02)
    epochs = np.linspace(1, 200, 400)
    value = effective_tokens(u, epochs)
    assert np.all(np.diff(value) > 0) and np.all(value <= u * (1 + R_STAR_DATA))
    assert effective_tokens(u, 1e6) == pytest.approx(u * (1 + R_STAR_DATA), rel=1e-12)
    assert u * (1 + R_STAR_DATA) == pytest.approx(16.4 * u, rel=0.01)
    # at ~40 epochs, one more epoch is worth less than a tenth of a fresh one
    assert effective_tokens(u, 41) - effective_tokens(u, 40) < 0.1 * u
    # fractional epochs and a custom decay constant
    assert effective_tokens(u, 1.5, r_star=1e9) == pytest.approx(1.5 * u)


def test_scalars_give_floats_and_arrays_broadcast():
    assert isinstance(chinchilla_loss(70e9, 1.4e12), float)
    assert isinstance(compute_optimal(1e23)[0], float)
    assert isinstance(effective_tokens(10, 3), float)
    assert chinchilla_loss(np.ones((3, 1)) * 1e9, np.full(4, 1e10)).shape == (3, 4)
    n, d = compute_optimal([1e21, 1e22])
    assert n.shape == d.shape == (2,)
    assert n[0] == pytest.approx(compute_optimal(1e21)[0], rel=1e-14)  # SIMD vs scalar pow
    # lists and big Python integers are fine
    assert chinchilla_loss([10**24], [10**24])[0] == pytest.approx(FITS["hoffmann"].E, abs=1e-3)


def test_a_fit_of_your_own():
    mine = ScalingFit("mine", E=1.0, A=100.0, B=100.0, alpha=0.5, beta=0.5)
    n, d = compute_optimal(6e20, mine)
    assert n == pytest.approx(1e10) and d == pytest.approx(1e10)  # symmetric: N = D
    with pytest.raises(ValueError, match="alpha must be > 0"):
        ScalingFit("bad", E=1.0, A=1.0, B=1.0, alpha=0.0, beta=0.5)
    with pytest.raises(TypeError, match="B must be a real number"):
        ScalingFit("bad", E=1.0, A=1.0, B="1", alpha=0.5, beta=0.5)


def test_reproductions_pass(reproduction_rows):
    assert len(reproduction_rows) >= 4
    keys = {"hoffmann2022chinchilla", "besiroglu2024chinchilla", "muennighoff2023scaling"}
    assert {r.source for r in reproduction_rows} == keys
    for row in reproduction_rows:
        assert row.passed, row
        assert row.kind in ("closed form", "published figure")
        assert row.origin == "stated in the paper" or row.origin.startswith("derived here")


CALLS = {
    "chinchilla_loss": lambda **kw: chinchilla_loss(
        kw.get("params", 1e9), kw.get("tokens", 1e10), kw.get("fit", "hoffmann")
    ),
    "compute_optimal": lambda **kw: compute_optimal(
        kw.get("compute", 1e21), kw.get("fit", "besiroglu")
    ),
    "optimal_tokens_per_parameter": lambda **kw: optimal_tokens_per_parameter(
        kw.get("compute", 1e21), kw.get("fit", "hoffmann")
    ),
    "tokens_for_loss": lambda **kw: tokens_for_loss(
        kw.get("params", 1e9), kw.get("loss", 3.0), kw.get("fit", "hoffmann")
    ),
    "training_cost": lambda **kw: training_cost(
        kw.get("params", 1e9),
        kw.get("tokens", 1e10),
        peak_flops=kw.get("peak_flops", 1e15),
        utilisation=kw.get("utilisation", 0.4),
        price_per_hour=kw.get("price_per_hour", 2.0),
    ),
    "effective_tokens": lambda **kw: effective_tokens(
        kw.get("unique_tokens", 1e9), kw.get("epochs", 2), r_star=kw.get("r_star", R_STAR_DATA)
    ),
}

BAD = [
    ("chinchilla_loss", {"params": 0}, ValueError, "params must be finite and > 0, got 0.0"),
    ("chinchilla_loss", {"params": -1e9}, ValueError, "params must be finite and > 0"),
    ("chinchilla_loss", {"tokens": float("nan")}, ValueError, "tokens must be finite"),
    ("chinchilla_loss", {"tokens": float("inf")}, ValueError, "tokens must be finite"),
    ("chinchilla_loss", {"tokens": [1e9, -1.0, 0.0]}, ValueError, r"tokens .* got -1.0 at index 1"),
    ("chinchilla_loss", {"params": "1e9"}, TypeError, "params must be a real number"),
    ("chinchilla_loss", {"params": 10**400}, ValueError, "params must be finite and > 0, got inf"),
    ("chinchilla_loss", {"params": None}, TypeError, "params must be a real number"),
    ("chinchilla_loss", {"params": True}, TypeError, "params must be a real number"),
    ("chinchilla_loss", {"params": np.array([True])}, TypeError, "params .* dtype bool"),
    ("chinchilla_loss", {"params": [1e9, "x"]}, TypeError, "params .* dtype <U"),
    ("chinchilla_loss", {"params": [1e9, None]}, TypeError, "params must be a real number"),
    ("chinchilla_loss", {"params": [[1e9], [1e9, 2e9]]}, TypeError, "params must be a real"),
    ("chinchilla_loss", {"params": [1, 2], "tokens": [1, 2, 3]}, ValueError, "cannot broadcast"),
    ("chinchilla_loss", {"fit": "chinchilla"}, ValueError, "fit must be one of 'hoffmann'"),
    ("chinchilla_loss", {"fit": "Hoffmann"}, ValueError, "fit must be one of"),
    ("chinchilla_loss", {"fit": np.array(["hoffmann"])}, TypeError, "fit must be one of"),
    ("chinchilla_loss", {"fit": None}, TypeError, "fit must be one of"),
    ("compute_optimal", {"compute": 0.0}, ValueError, "compute must be finite and > 0"),
    ("compute_optimal", {"compute": -1e21}, ValueError, "compute must be"),
    ("compute_optimal", {"compute": float("nan")}, ValueError, "compute must be"),
    ("compute_optimal", {"compute": "1e21"}, TypeError, "compute must be a real number"),
    ("compute_optimal", {"fit": ["besiroglu"]}, TypeError, "fit must be one of"),
    ("optimal_tokens_per_parameter", {"compute": [1e21, 0]}, ValueError, "compute .* index 1"),
    ("tokens_for_loss", {"loss": -1.0}, ValueError, "loss must be finite and > 0"),
    ("tokens_for_loss", {"loss": 1.0}, ValueError, "loss must be > "),
    ("tokens_for_loss", {"params": 0}, ValueError, "params must be"),
    ("training_cost", {"peak_flops": 0}, ValueError, "peak_flops must be finite and > 0"),
    ("training_cost", {"utilisation": 0}, ValueError, "utilisation must be finite and > 0"),
    ("training_cost", {"utilisation": 1.5}, ValueError, "utilisation .* <= 1"),
    ("training_cost", {"utilisation": [0.5, 2]}, ValueError, "utilisation .* index 1"),
    ("training_cost", {"price_per_hour": -2.0}, ValueError, "price_per_hour must be finite"),
    ("training_cost", {"price_per_hour": None}, TypeError, "price_per_hour must be a real"),
    ("training_cost", {"tokens": 0}, ValueError, "tokens must be"),
    ("effective_tokens", {"epochs": 0.5}, ValueError, "epochs must be finite and >= 1"),
    ("effective_tokens", {"epochs": [1, 2, 0]}, ValueError, "epochs .* index 2"),
    ("effective_tokens", {"epochs": float("inf")}, ValueError, "epochs must be finite"),
    ("effective_tokens", {"unique_tokens": 0}, ValueError, "unique_tokens must be"),
    ("effective_tokens", {"r_star": 0.0}, ValueError, "r_star must be > 0"),
    ("effective_tokens", {"r_star": "15"}, TypeError, "r_star must be a real number"),
]


@pytest.mark.parametrize(("function", "kwargs", "error", "message"), BAD)
def test_bad_arguments_are_named(function, kwargs, error, message):
    with pytest.raises(error, match=message):
        CALLS[function](**kwargs)


@pytest.mark.parametrize("function", [training_flops, chinchilla_loss])
def test_bad_arguments_of_two_array_functions(function):
    with pytest.raises(ValueError, match="tokens must be"):
        function(1e9, 0)
    with pytest.raises(TypeError, match="params must be"):
        function(False, 1e9)


# -- over-training, brute force and the value of an epoch (the Part I chapters) -----------------
@pytest.mark.parametrize("fit", ["hoffmann", "besiroglu"])
def test_overtraining_ratio_matches_tokens_for_loss_at_every_budget(fit):
    from peakdata.scaling import overtraining_tokens_ratio

    fractions = np.array([0.2, 0.35, 0.5, 0.8, 1.0])
    for compute in (1e19, CHINCHILLA, 1e26):
        n_opt, d_opt = compute_optimal(compute, fit)
        target = chinchilla_loss(n_opt, d_opt, fit)
        needed = tokens_for_loss(fractions * n_opt, target, fit)
        np.testing.assert_allclose(
            overtraining_tokens_ratio(fractions, fit), needed / d_opt, rtol=1e-8
        )
    assert overtraining_tokens_ratio(1.0, fit) == pytest.approx(1.0)
    f = FITS[fit]
    f_min = (1 + f.alpha / f.beta) ** (-1 / f.alpha)
    with pytest.raises(ValueError, match=rf"fraction must be > {f_min:.6g}"):
        overtraining_tokens_ratio(f_min * 0.999, fit)
    with pytest.raises(ValueError, match="at index 1"):
        overtraining_tokens_ratio([0.5, 0.01], fit)


@pytest.mark.parametrize("fit", ["hoffmann", "besiroglu"])
def test_brute_force_optimum_agrees_with_the_closed_form(fit):
    from peakdata.scaling import brute_force_optimum

    for compute in (1e18, CHINCHILLA, 1e26):
        n, d = brute_force_optimum(compute, fit)
        n_opt, d_opt = compute_optimal(compute, fit)
        assert n == pytest.approx(n_opt, rel=1e-5) and d == pytest.approx(d_opt, rel=1e-5)
        assert 6 * n * d == pytest.approx(compute)
    with pytest.raises(ValueError, match="compute must be"):
        brute_force_optimum(1e12, fit)
    with pytest.raises(ValueError, match="points"):
        brute_force_optimum(1e20, fit, points=2)


def test_epoch_value_is_the_derivative_of_effective_tokens():
    from peakdata.scaling import epoch_value

    u, h = 1e10, 1e-4
    epochs = np.array([1.0, 2.0, 4.0, 16.0, 40.0, 100.0])
    numeric = (effective_tokens(u, epochs + h) - effective_tokens(u, epochs)) / h
    np.testing.assert_allclose(epoch_value(u, epochs), numeric, rtol=1e-3)
    assert epoch_value(u, 1) == u  # the first repetition is worth a fresh epoch
    assert epoch_value(u, 1 + R_STAR_DATA) == pytest.approx(u / math.e)
    with pytest.raises(ValueError, match="epochs must be finite and >= 1"):
        epoch_value(u, 0.5)


def test_a_huge_broadcast_is_refused_before_any_work():
    with pytest.raises(ValueError, match="params, tokens must broadcast to at most"):
        chinchilla_loss(np.ones((10**5, 1)), np.ones((1, 10**5)))


def test_an_overflowing_result_is_refused():
    with pytest.raises(ValueError, match="params and tokens must keep 6 N D"):
        training_flops(1e300, 1e300)
    with pytest.raises(ValueError, match="points must be <="):
        scaling.brute_force_optimum(1e24, points=10**12)
