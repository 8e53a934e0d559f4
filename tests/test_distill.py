"""Teacher, generator, verifier and student: the experiment of 'When synthetic data helps'."""

import numpy as np
import pytest

from peakdata.distill import (
    ClassGaussians,
    accuracy,
    fit_class_gaussians,
    fit_logistic,
    gaussian_world,
    load_iris_pair,
    log_loss,
    logistic_scores,
    nearest_mean,
    teacher_student,
)


@pytest.fixture(scope="module")
def world():
    return gaussian_world(1.5, 0.8)


@pytest.fixture(scope="module")
def setting(world):
    pool_x, pool_y = world.sample(2000, rng=1)
    test_x, test_y = world.sample(2000, rng=2)
    return {
        "pool": (pool_x, pool_y),
        "test": (test_x, test_y),
        "teacher": fit_logistic(pool_x, pool_y),
        "generator": fit_class_gaussians(pool_x, pool_y),
    }


def _run(world, setting, **kw):
    args = {
        "teacher": setting["teacher"],
        "generator": setting["generator"],
        "real": 8,
        "synthetic": (0, 100, 1000),
        "reference": world.bayes_coef(),
        "seeds": 20,
        "rng": 3,
    }
    return teacher_student(*setting["pool"], *setting["test"], **{**args, **kw})


# -- logistic regression -------------------------------------------------------------------------
def test_logistic_regression_recovers_a_known_boundary():
    rng = np.random.default_rng(0)
    true = np.array([0.5, 2.0, -1.0])
    x = rng.standard_normal((20_000, 2))
    y = (rng.random(20_000) < 1 / (1 + np.exp(-(true[0] + x @ true[1:])))).astype(float)
    coef = fit_logistic(x, y, l2=0.0)
    np.testing.assert_allclose(coef, true, atol=0.08)


def test_logistic_regression_matches_a_plain_newton_loop_and_is_a_minimum():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((300, 2))
    y = (x[:, 0] + 0.5 * rng.standard_normal(300) > 0).astype(float)
    l2 = 0.05
    design = np.column_stack([np.ones(300), x])
    beta = np.zeros(3)
    reg = np.array([0.0, l2, l2])
    for _ in range(30):
        p = 1 / (1 + np.exp(-design @ beta))
        grad = design.T @ (p - y) / 300 + reg * beta
        hess = (design.T * (p * (1 - p))) @ design / 300 + np.diag(reg)
        beta -= np.linalg.solve(hess, grad)
    coef = fit_logistic(x, y, l2=l2)
    np.testing.assert_allclose(coef, beta, rtol=1e-8, atol=1e-10)
    # the penalised loss is smallest at the fit
    objective = log_loss(coef, x, y) + l2 / 2 * (coef[1:] ** 2).sum()
    for delta in np.eye(3) * 1e-3:
        for sign in (1, -1):
            moved = coef + sign * delta
            assert log_loss(moved, x, y) + l2 / 2 * (moved[1:] ** 2).sum() > objective


def test_logistic_regression_is_vectorised_over_seeds_and_weights_drop_examples():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 50, 2))
    y = (rng.random((3, 50)) < 0.5).astype(float)
    batch = fit_logistic(x, y)
    for s in range(3):
        np.testing.assert_array_equal(batch[s], fit_logistic(x[s], y[s]))
    w = np.ones((3, 50))
    w[:, 40:] = 0
    np.testing.assert_allclose(fit_logistic(x, y, weights=w)[1], fit_logistic(x[1, :40], y[1, :40]))


def test_separable_data_stay_finite_with_a_penalty():
    x = np.array([[-1.0, 0.0], [-2.0, 0.5], [1.0, 0.0], [2.0, -0.5]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    coef = fit_logistic(x, y)
    assert np.all(np.isfinite(coef)) and accuracy(coef, x, y) == 1.0


# -- the world ------------------------------------------------------------------------------------
def test_world_accuracy_closed_form_matches_a_large_sample(world):
    x, y = world.sample(200_000, rng=5)
    bayes = world.bayes_coef()
    for coef in (bayes, np.array([0.3, 1.0, 0.0]), np.array([-0.2, 1.0, 1.0])):
        exact = float(world.accuracy(coef))
        observed = float(accuracy(coef, x, y))
        assert abs(observed - exact) < 4.5 * np.sqrt(exact * (1 - exact) / 200_000)
    # the Bayes rule is the best linear rule, and the nearest-mean rule is worse here
    assert world.bayes_accuracy() == pytest.approx(0.8944, abs=1e-4)
    assert float(world.accuracy(nearest_mean(x, y))) < world.bayes_accuracy() - 0.1


def test_class_gaussians_reproduce_the_data(world):
    x, y = world.sample(50_000, rng=6)
    gen = fit_class_gaussians(x, y)
    assert isinstance(gen, ClassGaussians)
    np.testing.assert_allclose(gen.means, [world.mean0, world.mean1], atol=0.03)
    np.testing.assert_allclose(gen.shares, [0.5, 0.5], atol=0.01)
    xs, c = gen.sample(50_000, rng=7)
    for k, mean in enumerate((world.mean0, world.mean1)):
        np.testing.assert_allclose(xs[c == k].mean(axis=0), mean, atol=0.04)
        np.testing.assert_allclose(np.cov(xs[c == k].T), world.cov, atol=0.05)
    narrow, _ = gen.sample(50_000, spread=0.5, rng=7)
    np.testing.assert_allclose(narrow.std(axis=0) ** 2, [0.25 + 0.5625, 0.25], atol=0.05)


# -- the experiment -------------------------------------------------------------------------------
def test_a_good_teacher_with_many_synthetic_examples_approaches_the_teacher(world, setting):
    r = _run(world, setting, synthetic=(0, 3000))
    assert r.mean()[1] == pytest.approx(r.teacher_accuracy, abs=0.01)
    assert r.mean()[1] > r.baseline.mean() + 0.03  # little real data: synthetic data help
    np.testing.assert_array_equal(r.accuracy[:, 0], r.baseline)


def test_a_verifier_at_threshold_zero_keeps_everything(world, setting):
    r = _run(world, setting, label_noise=0.3, threshold=0.0)
    np.testing.assert_array_equal(r.kept[:, 1:], 1.0)
    assert np.all(r.kept[:, 0] == 0)
    # careless labels: about 30% labelled 0 at random, half of them wrongly
    assert np.nanmean(r.label_error[:, 2]) == pytest.approx(0.15 + 0.02, abs=0.03)
    strict = _run(world, setting, label_noise=0.3, threshold=0.5)
    assert np.all(strict.kept[:, 1:] < 1.0)
    assert np.nanmean(strict.label_error[:, 2]) < 0.05
    assert strict.mean()[2] > r.mean()[2]


def test_bad_teachers_and_narrow_generators_do_not_help(world, setting):
    weak = _run(world, setting, teacher=nearest_mean(*setting["pool"]))
    assert weak.mean()[2] < weak.baseline.mean()
    narrow = _run(world, setting, spread=0.2)
    assert narrow.mean()[2] < narrow.baseline.mean()


def test_teacher_student_is_deterministic_per_seed(world, setting):
    a, b = _run(world, setting, rng=11), _run(world, setting, rng=11)
    np.testing.assert_array_equal(a.accuracy, b.accuracy)
    np.testing.assert_array_equal(a.kept, b.kept)
    c = _run(world, setting, rng=12)
    assert not np.array_equal(a.accuracy, c.accuracy)


def test_iris_pair_split():
    train_x, train_y, test_x, test_y = load_iris_pair()
    assert train_x.shape == (67, 2) and test_x.shape == (33, 2)
    assert (train_y == 0).sum() == 34 and (test_y == 1).sum() == 17
    np.testing.assert_allclose(train_x.mean(axis=0), 0, atol=1e-12)


# -- bad inputs -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"iterations": 0}, ValueError, "iterations"),
        ({"iterations": 2.5}, TypeError, "iterations"),
        ({"l2": -1.0}, ValueError, "l2"),
        ({"weights": -np.ones(4)}, ValueError, "weights"),
        ({"weights": np.ones(3)}, ValueError, "weights"),
        ({"weights": np.zeros(4)}, ValueError, "weights"),
    ],
)
def test_fit_logistic_rejects_bad_arguments(kwargs, error, match):
    x = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    with pytest.raises(error, match=match):
        fit_logistic(x, y, **kwargs)


def test_fit_logistic_rejects_bad_data():
    with pytest.raises(ValueError, match="y must hold labels 0 or 1"):
        fit_logistic(np.zeros((3, 1)), np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="y must have shape"):
        fit_logistic(np.zeros((3, 1)), np.zeros(4))
    with pytest.raises(TypeError, match="x must be"):
        fit_logistic("data", np.zeros(3))
    with pytest.raises(ValueError, match="x must be finite"):
        fit_logistic(np.array([[np.nan], [0.0]]), np.zeros(2))
    with pytest.raises(ValueError, match="x must have 1 to 8 features"):
        fit_logistic(np.zeros((3, 9)), np.zeros(3))
    with pytest.raises(ValueError, match="coef must have 3 entries"):
        logistic_scores(np.zeros(4), np.zeros((2, 2)))


def test_fit_logistic_refuses_minutes_of_work():
    with pytest.raises(ValueError, match="iterations must be <="):
        fit_logistic(np.zeros((4, 2)), np.array([0.0, 0.0, 1.0, 1.0]), iterations=10**12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"real": 3}, ValueError, "real must be even"),
        ({"real": 0}, ValueError, "real must be >= 2"),
        ({"real": 10_000}, ValueError, "real must be"),
        ({"real": 8.0}, TypeError, "real must be an integer"),
        ({"synthetic": 100}, TypeError, "synthetic must be a sequence"),
        ({"synthetic": (10, -1)}, ValueError, "synthetic must be >= 0"),
        ({"synthetic": ()}, ValueError, "synthetic must hold"),
        ({"threshold": 1.5}, ValueError, "threshold"),
        ({"label_noise": -0.1}, ValueError, "label_noise"),
        ({"spread": -1.0}, ValueError, "spread"),
        ({"seeds": 1}, ValueError, "seeds"),
        ({"teacher": np.zeros(2)}, ValueError, "teacher must have 3 entries"),
        ({"verifier": np.zeros(4)}, ValueError, "verifier must have 3 entries"),
        ({"generator": "gaussian"}, TypeError, "generator must be a ClassGaussians"),
        ({"rng": -1}, ValueError, "rng"),
        ({"seeds": 10**6, "synthetic": (10**6,)}, ValueError, "must be <="),
    ],
)
def test_teacher_student_rejects_bad_arguments(world, setting, kwargs, error, match):
    with pytest.raises(error, match=match):
        _run(world, setting, **kwargs)


def test_fit_class_gaussians_and_world_reject_bad_arguments():
    with pytest.raises(ValueError, match="at least 3 examples as class 1"):
        fit_class_gaussians(np.zeros((4, 2)), np.array([0.0, 0.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match="y must have 3 labels"):
        fit_class_gaussians(np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="separation"):
        gaussian_world(0.0)
    with pytest.raises(ValueError, match="correlation"):
        gaussian_world(1.0, 1.0)
    with pytest.raises(ValueError, match="data_y must hold both labels"):
        nearest_mean(np.zeros((2, 2)), np.zeros(2))


def test_sizes_and_labels_are_checked():
    world = gaussian_world()
    with pytest.raises(ValueError, match="size must be <="):
        world.sample(10**12)
    with pytest.raises(TypeError, match="size must be an integer"):
        world.sample(2.5)
    with pytest.raises(ValueError, match="y must have shape"):
        accuracy(np.zeros(3), np.zeros((4, 2)), np.zeros(5))
    with pytest.raises(ValueError, match="y must hold labels 0 or 1"):
        log_loss(np.zeros(3), np.zeros((4, 2)), np.full(4, 0.5))
