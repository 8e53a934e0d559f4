"""Argument checks (peakdata._checks) and one regression test for every kind of bad input that
used to hang, blow up memory, return a wrong answer or fail with an internal error (issue 7)."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from peakdata import _checks
from peakdata._checks import (
    MEMORY_BUDGET,
    check_array,
    check_budget,
    check_choice,
    check_int,
    check_real,
    check_scale,
    check_temperature,
    sum_tolerance,
)
from peakdata.collapse import bias, discrete, gaussian, regression, twod
from peakdata.collapse import text as ctext
from peakdata.data import path
from peakdata.text import EOS, NGramModel, Vocabulary, corpus_stats, hapax_count, shakespeare_split


def quickly(fn, seconds=2.0):
    """Call fn, and check that it returned or raised within ``seconds``."""
    start = time.perf_counter()
    try:
        return fn()
    finally:
        assert time.perf_counter() - start < seconds, f"took {time.perf_counter() - start:.1f} s"


# -- the checks themselves ---------------------------------------------------------------------
def test_memory_budget_is_two_gigabytes():
    assert MEMORY_BUDGET == 2 * 10**9


@pytest.mark.parametrize("value", [np.array(["mle"]), ["mle"], ("mle",), b"mle", None, 1])
def test_check_choice_refuses_anything_but_a_str(value):
    with pytest.raises(TypeError, match=r"estimator must be one of 'mle', 'unbiased' \(a str\)"):
        check_choice("estimator", value, gaussian.ESTIMATORS)


def test_check_choice_takes_str_subclasses_and_returns_a_plain_str():
    out = check_choice("estimator", np.str_("mle"), gaussian.ESTIMATORS)
    assert out == "mle" and type(out) is str
    with pytest.raises(ValueError, match="estimator must be one of 'mle', 'unbiased', got 'MLE'"):
        check_choice("estimator", "MLE", gaussian.ESTIMATORS)


def test_check_int_and_check_real_bounds():
    assert check_int("n", np.int32(5), minimum=1) == 5
    with pytest.raises(ValueError, match=r"n must be < 2\*\*63 \(a 64-bit integer\), got 10+"):
        check_int("n", 10**30, minimum=1)
    assert check_int("rng", 10**30, unbounded=True) == 10**30
    with pytest.raises(ValueError, match="x must be finite, got inf"):
        check_real("x", 10**400)  # an int too large for a float is not an OverflowError
    with pytest.raises(ValueError, match=r"x must be >= -1e\+100 and <= 1e\+100, got 1e\+160"):
        check_real("x", 1e160, magnitude=1e100)
    with pytest.raises(ValueError, match=r"sigma0 must be > 0.0 and <= 1e\+100, got 1e\+160"):
        check_scale("sigma0", 1e160)
    with pytest.raises(ValueError, match="sigma0 must be >= 1e-100, got 1e-200"):
        check_scale("sigma0", 1e-200)
    assert check_scale("bandwidth", 1e-200, zero=True) == 1e-200
    with pytest.raises(ValueError, match="temperature must be >= 0.001, got 1e-320"):
        check_temperature(1e-320)
    with pytest.raises(ValueError, match="temperature must be > 0, got 0.0"):
        check_temperature(0.0, minimum=0)


@pytest.mark.parametrize(
    ("value", "kwargs", "error", "message"),
    [
        ("abc", {}, TypeError, "x must be an array of real numbers, got 'abc'"),
        (None, {}, TypeError, "x must be an array of real numbers, got None"),
        ([1, "a"], {}, TypeError, "x must be an array of real numbers"),
        ([[1, 2], [3]], {}, TypeError, r"x must be an array of real numbers \(rectangular\)"),
        ([1j], {}, TypeError, "x must be an array of real numbers"),
        ([True, False], {}, TypeError, "x must be an array of real numbers"),
        ([1.5], {"dtype": int}, TypeError, "x must be an array of integers"),
        ([[1.0]], {"ndim": 1}, ValueError, r"x must be a 1-D array, got shape \(1, 1\)"),
        ([], {"ndim": 1, "min_size": 1}, ValueError, "x must be a non-empty 1-D array"),
        ([1.0, np.nan], {}, ValueError, "x must be finite, got nan at index 1"),
        ([[0.0, -1.0]], {"minimum": 0}, ValueError, r"x must be >= 0, got -1.0 at index \(0, 1\)"),
        ([2.0], {"maximum": 1}, ValueError, "x must be <= 1, got 2.0 at index 0"),
    ],
)
def test_check_array_names_the_argument(value, kwargs, error, message):
    with pytest.raises(error, match=message):
        check_array("x", value, **kwargs)


def test_check_array_converts():
    out = check_array("x", np.array([1, 2], np.float32))
    assert out.dtype == np.float64 and out.tolist() == [1.0, 2.0]
    assert check_array("x", [3, 4], dtype=int).dtype == np.int64
    assert check_array("x", [], dtype=int).size == 0


def test_check_budget_names_the_argument_over_its_limit():
    def cost(seeds, samples):
        return 8 * seeds * samples, 0

    check_budget(cost, seeds=10, samples=10)
    with pytest.raises(ValueError) as info:
        check_budget(cost, seeds=2, samples=10**12)
    message = str(info.value)
    limit = MEMORY_BUDGET // 16
    assert message.startswith(f"samples must be <= {limit} when seeds = 2 (the arrays would take")
    assert "over the memory budget of 2 GB), got 1000000000000" in message
    with pytest.raises(ValueError, match="over the budget of 3e\\+10 steps"):
        check_budget(lambda n: (0, 10**12 * n), n=5)


def test_sum_tolerance_scales_with_precision_and_length():
    assert sum_tolerance(np.float64, 10) == 1e-9
    assert sum_tolerance(np.float32, 1) == pytest.approx(4 * np.finfo(np.float32).eps)
    assert sum_tolerance(np.float32, 10_000) == pytest.approx(400 * np.finfo(np.float32).eps)


# -- options passed as numpy arrays ran the other branch ---------------------------------------
def test_options_must_be_exact_str():
    with pytest.raises(TypeError, match="estimator must be one of 'mle', 'unbiased'"):
        gaussian.gaussian_chain(3, 5, estimator=np.array(["mle"]))
    with pytest.raises(TypeError, match="workflow must be one of 'replace'"):
        gaussian.gaussian_chain(3, 5, workflow=np.array(["replace"]))
    with pytest.raises(TypeError, match="workflow must be one of"):
        regression.linear_regression_chain(2, 6, 2, workflow=np.array(["accumulate-subsample"]))
    with pytest.raises(TypeError, match="workflow must be one of 'replace', 'accumulate'"):
        ctext.text_chain(1, 10, workflow=["accumulate"])
    chain = gaussian.gaussian_chain(3, 5, estimator=np.str_("unbiased"))
    assert chain.estimator == "unbiased" and type(chain.estimator) is str


# -- unbounded sizes are refused at once, by name ----------------------------------------------
@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: bias.classifier_chain(0.6, 3, 10**12), "samples"),
        (lambda: bias.temperature_exact(0.3, 3, 10**5, temperature=0.8), "samples"),
        (lambda: bias.temperature_chain(0.3, 10**12, 10, temperature=0.8), "generations"),
        (lambda: gaussian.gaussian_chain(3, 5, seeds=10**12), "seeds"),
        (lambda: gaussian.gaussian_chain(10**12, 5), "generations"),
        (lambda: gaussian.gaussian_chain_theory(10**12, 5), "generations"),
        (lambda: regression.linear_regression_chain(3, 10**9, 2), "samples"),
        (lambda: discrete.zipf_probs(10**12, 1.0), "n"),
        (lambda: discrete.memorisation_simulation([0.5, 0.5], [10**12]), "train_sizes"),
        (lambda: discrete.extinction_probability([0.5, 0.5], 10**9, 100), "generations"),
        (lambda: twod.kde_chain(np.zeros((3, 2)), 3, 10**12, 0.1), "samples"),
        (lambda: twod.fit_gmm(np.zeros((5, 2)), 2, max_iter=10**12), "max_iter"),
        (lambda: bias.normal_cdf(np.zeros(10**8)), "z"),
        (
            lambda: bias.classifier_scores(
                np.zeros((10**5, 1)), np.zeros((1, 10**5)), 0.5, true_prior=0.5, separation=1.0
            ),
            "prior",
        ),
        (lambda: NGramModel.fit(np.array([5, EOS]), 1, 10**12), "vocab_size"),
        (lambda: NGramModel.fit(np.array([5, EOS]), 2).sample(10**12), "words"),
        (lambda: ctext.text_chain(10**9, 1000), "generations"),
    ],
)
def test_huge_requests_are_refused_at_once_by_name(call, name):
    with pytest.raises(ValueError, match=rf"^{name} must be <= \d+"):
        quickly(call)


# -- hangs ----------------------------------------------------------------------------------------
def test_gaussian_chain_theory_for_huge_samples_is_a_closed_form():
    th = quickly(lambda: gaussian.gaussian_chain_theory(3, 10**9), seconds=0.5)
    x = (10**9 - 1) / 2
    step = -1 / (2 * x) - 1 / (12 * x**2) + math.log((10**9 - 1) / 10**9)
    np.testing.assert_allclose(th["typical_sigma"], np.exp(np.arange(4) * step / 2), rtol=1e-15)
    assert np.all(np.isfinite(th["mean_sigma"])) and th["mean_sigma"][3] < 1


def test_asymptotic_series_match_the_exact_sums():
    n = 100_001  # digamma at an integer: -gamma + H_(n-1), summed exactly with fsum
    exact = -0.5772156649015329 + math.fsum(1 / j for j in range(1, n)) - math.log(n)
    assert gaussian._digamma_minus_log(n) == pytest.approx(exact, rel=1e-8)
    m = 2 * 10**5 + 3
    lgamma_ratio = math.sqrt(2 / (m - 1)) * math.exp(math.lgamma(m / 2) - math.lgamma((m - 1) / 2))
    assert gaussian._mean_chi_ratio(m) == pytest.approx(lgamma_ratio, rel=1e-9)


def test_small_samples_keep_the_exact_digamma():
    for m in (2, 3, 20, 101):
        x = (m - 1) / 2
        assert gaussian._digamma_minus_log(x) == gaussian._digamma(x) - math.log(x)


def test_workflow_theory_refuses_a_loop_of_minutes():
    with pytest.raises(ValueError, match=r"^generations must be <= \d+ "):
        quickly(lambda: gaussian.gaussian_workflow_theory(10**8, 5))
    with pytest.raises(ValueError, match=r"^generations must be <= \d+ .* steps"):
        quickly(lambda: gaussian.gaussian_workflow_theory(2 * 10**7, 5))  # fits in memory


def test_bisection_stops_at_adjacent_floats():
    default = bias.classifier_critical_real_fraction(0.6, 0.02)
    fine = quickly(lambda: bias.classifier_critical_real_fraction(0.6, 0.02, tolerance=1e-17), 10)
    assert fine == pytest.approx(default, abs=1e-6)


def test_fixed_point_loops_are_bounded():
    with pytest.raises(ValueError, match=r"^max_generations must be <= \d+"):
        bias.classifier_fixed_point(0.6, real_fraction=0.1, max_generations=10**12)


# -- silently wrong answers ---------------------------------------------------------------------
def test_ngram_codes_cannot_overflow():
    rng = np.random.default_rng(0)
    corpora = [
        np.r_[rng.integers(3, 10**6, 8), EOS, rng.integers(3, 10**6, 5), EOS] for _ in range(12)
    ]  # 12 corpora * (10**6)**3 > 2**63: base-V codes of 3-grams would wrap around
    corpora[1] = corpora[0].copy()  # two equal corpora, so counts must be per corpus
    tokens = np.concatenate(corpora)
    offsets = np.r_[0, np.cumsum([c.size for c in corpora])]
    big = corpus_stats(tokens, offsets=offsets, vocab_size=10**6 + 1, ns=(1, 2, 3, 4))
    for g, corpus in enumerate(corpora):
        words = corpus[corpus != EOS]
        lines = [corpus[:8], corpus[9:14]]
        assert big.vocabulary[g] == np.unique(words).size
        for n in (1, 2, 3, 4):
            grams = {tuple(line[i : i + n]) for line in lines for i in range(line.size - n + 1)}
            total = sum(max(line.size - n + 1, 0) for line in lines)
            assert big.distinct[n][g] == pytest.approx(len(grams) / total)


def test_scales_are_bounded_instead_of_overflowing():
    with pytest.raises(ValueError, match=r"sigma0 must be > 0.0 and <= 1e\+100, got 1e\+160"):
        gaussian.gaussian_chain(3, 5, sigma0=1e160)
    with pytest.raises(ValueError, match=r"mu0 must be >= -1e\+100 and <= 1e\+100"):
        gaussian.gaussian_chain(3, 5, mu0=-1e160)
    with pytest.raises(ValueError, match=r"noise must be > 0.0 and <= 1e\+100"):
        regression.ols_error(10, 2, noise=1e300)
    with pytest.raises(ValueError, match=r"bandwidth must be >= 0.0 and <= 1e\+100"):
        twod.kde_fixed_point(10, 1e300)
    with pytest.raises(ValueError, match=r"data must be >= -1e\+50 and <= 1e\+50"):
        twod.kde_chain(np.full((3, 2), 1e150), 2, 5, 0.1)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: NGramModel.fit(np.array([5, 6, EOS, 5, 5, EOS]), 2).sample(5, temperature=t),
        lambda t: bias.temperature_chain(0.3, 3, 10, temperature=t),
        lambda t: bias.sharpen([0.3, 0.7], t),
        lambda t: discrete.discrete_chain([0.5, 0.5], 3, 10, temperature=t),
        lambda t: ctext.text_chain(1, 10, temperature=t),
    ],
)
def test_subnormal_temperature_is_refused(call):
    with pytest.raises(ValueError, match="temperature must be >= 0.001, got 1e-320"):
        call(1e-320)


def test_unigram_expectations_of_a_one_word_corpus():
    out = ctext.unigram_expectations([3, 1])
    assert out == {"vocabulary": 1.0, "hapax": 1.0, "hapax_lost": 0.0}
    assert ctext.unigram_expectations([3, 4, 1], samples=1)["hapax"] == 1.0


def test_fit_without_regularisation_fails_loudly_on_degenerate_points():
    with pytest.raises(ValueError, match="reg must be > 0 for these points"):
        twod.fit_gmm(np.array([[1.4, 0.2], [1.4, 0.2]]), 2, reg=0.0)


# -- valid input that was refused ---------------------------------------------------------------
def test_float32_probability_vectors_are_accepted():
    p32 = discrete.zipf_probs(5000, 1.1).astype(np.float32)
    assert abs(float(p32.astype(np.float64).sum()) - 1) > 1e-9  # off by more than 1e-9 ...
    p = discrete.check_probs("probs", p32)  # ... and still accepted, renormalised
    assert p.dtype == np.float64 and p.sum() == pytest.approx(1.0, abs=1e-15)
    chain = discrete.discrete_chain(p32, 3, 100, seeds=2)
    assert np.all(np.isfinite(chain.diversity))
    shares = np.array([0.1, 0.2, 0.3, 0.4], np.float32)
    assert bias.sharpen(shares, 0.5).sum() == pytest.approx(1.0)
    assert bias.temperature_chain(shares, 2, 10, temperature=0.8).shares.shape == (1, 3, 4)
    with pytest.raises(ValueError, match=r"probs must sum to 1 \(within 1e-09\), got sum 0.9"):
        discrete.check_probs("probs", [0.5, 0.4])


def test_float64_probabilities_within_the_tolerance_are_unchanged():
    p = discrete.zipf_probs(50, 1.2)
    np.testing.assert_array_equal(discrete.check_probs("probs", p), p)
    loose = np.array([0.5 + 4e-10, 0.5 + 4e-10, 1e-10])  # within 1e-9: accepted, made exact
    assert discrete.check_probs("probs", loose).sum() == pytest.approx(1.0, abs=1e-15)
    assert discrete.discrete_chain(loose, 2, 10).diversity.shape == (1, 3)


# -- internal errors instead of named ones --------------------------------------------------------
def test_excerpts_of_a_corpus_with_fewer_lines():
    real = np.array([5, 6, EOS, 7, EOS])
    chain = ctext.text_chain(1, 3, real=real, order=1, excerpt_lines=5)
    assert chain.excerpts[0].tolist() == [5, 6, EOS, 7, EOS]
    assert all(e.size and e[-1] == EOS for e in chain.excerpts)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: bias.normal_cdf("a"), TypeError, "z must be an array of real numbers"),
        (lambda: bias.normal_cdf({1.0}), TypeError, "z must be an array of real numbers"),
        (
            lambda: bias.classifier_scores("a", 0.0, 0.0, true_prior=0.5, separation=1.0),
            TypeError,
            "prior must be an array of real numbers",
        ),
        (
            lambda: bias.classifier_map(0.5, [[1, 2], [3]], 0.0, true_prior=0.5, separation=1.0),
            TypeError,
            "mean0 must be an array of real numbers",
        ),
        (
            lambda: bias.classifier_scores([0.5, 0.5], [0, 0, 0], 0, true_prior=0.5, separation=1),
            ValueError,
            "prior, mean0 and mean1 must have shapes that broadcast",
        ),
        (lambda: bias.sharpen("abc", 0.5), TypeError, "shares must be an array of real numbers"),
        (lambda: twod.variance_theory(3, 5, 1j), TypeError, "initial must be a finite variance"),
        (lambda: twod.variance_theory(3, 5, "1"), TypeError, "initial must be a finite variance"),
        (lambda: hapax_count([[5, 1], [6]]), TypeError, "tokens must be a 1-D array of integer"),
        (lambda: ctext.unigram_expectations([[5, 1], [6]]), TypeError, "corpus must be a 1-D"),
        (lambda: Vocabulary.from_lines("to be"), TypeError, "lines must be an iterable of lines"),
        (lambda: Vocabulary.from_lines([1, 2]), TypeError, "lines must hold only str, got a int"),
        (lambda: Vocabulary.from_lines(None), TypeError, "lines must be an iterable of str"),
        (lambda: Vocabulary(("<s>", "</s>", "<unk>")).id(5), TypeError, "word must be a str"),
        (lambda: shakespeare_split(None), TypeError, "test_plays must be a sequence of play"),
        (lambda: shakespeare_split([["a"]]), TypeError, "test_plays must hold play names"),
        (lambda: corpus_stats([5, EOS], ns=(0,)), ValueError, "ns must be >= 1 and <= 4, got 0"),
        (lambda: corpus_stats([5, EOS], ns=None), TypeError, "ns must be a sequence"),
        (lambda: NGramModel.fit([5, EOS], offsets=[[0, 2]]), TypeError, "offsets must be a 1-D"),
        (
            lambda: twod.gmm_chain(
                twod.load_iris_petals()[:30], 1, 10, components=2
            ).heldout_loglik(np.zeros((4, 3))),
            ValueError,
            "heldout must have shape",
        ),
        (lambda: path(None), TypeError, "name must be a str"),
    ],
)
def test_errors_name_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


# -- data files -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["../text.py", "/etc/passwd", "__init__.py", "../__init__.py", ".", "", "iris.md/../iris.csv"],
)
def test_only_shipped_data_files_are_served(name):
    with pytest.raises(ValueError, match="name must be one of the shipped data files"):
        path(name)


def test_shipped_data_files_are_served():
    for name in ("iris.csv", "iris.md", "shakespeare.txt.gz"):
        assert path(name).is_file() and path(name).name == name
    assert not any(n.endswith(".py") or n[0] in "_." for n in _checks_shipped())


def _checks_shipped() -> list[str]:
    from peakdata.data import _shipped

    return _shipped()


def test_budget_constants_are_documented():
    for name in ("MEMORY_BUDGET", "WORK_BUDGET", "MAX_MAGNITUDE", "MIN_SCALE", "MIN_TEMPERATURE"):
        assert getattr(_checks, name) > 0
