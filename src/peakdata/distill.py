"""When synthetic data helps: a teacher labels synthetic inputs to train a small student.

The experiment of the chapter *When synthetic data helps* (book/synthetic/when_it_helps.ipynb):

* a **world** of two classes whose inputs are Gaussian with a shared covariance
  (:class:`GaussianWorld`): the exact accuracy of any linear rule and the best possible rule (the
  Bayes rule) are known, so every label can be checked;
* a **teacher**, a model trained on plenty of real data (or a weaker one), gives the labels;
* a **generator** of inputs, one Gaussian per class fitted to real data
  (:func:`fit_class_gaussians`), draws the synthetic inputs, possibly too narrow or too wide
  (``spread``);
* a **verifier** keeps a synthetic example only if it gives the stated label a probability of at
  least ``threshold`` (threshold 0 keeps everything);
* a **student**, a logistic regression (:func:`fit_logistic`), is trained on a few real examples
  plus the kept synthetic ones, and scored on held-out real data (:func:`teacher_student`).

Everything is vectorised over seeds. Scores are written as elementwise products summed over the
few features (no BLAS matrix product) and the fit uses :mod:`peakdata._portable`'s ``exp`` with a
fixed number of Newton steps, so that printed accuracies are the same on every machine.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._checks import (
    check_array,
    check_budget,
    check_int,
    check_real,
    make_rng,
)
from ._portable import exp, log

ITERATIONS = 8
"""Newton steps of :func:`fit_logistic` (fixed, never a tolerance: see DESIGN.md section 6)."""

L2 = 1e-2
"""Default ridge penalty of :func:`fit_logistic` on the weights (not on the intercept)."""

MAX_FEATURES = 8
"""Most input features accepted (the fit solves a (features + 1)-square system per seed)."""


# -- logistic regression ----------------------------------------------------------------------
def _design(x: np.ndarray) -> np.ndarray:
    """x with a leading column of ones: (..., n, d) -> (..., n, d + 1)."""
    return np.concatenate([np.ones((*x.shape[:-1], 1)), x], axis=-1)


def _dot(design: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """Scores b + w.x: elementwise products added one coefficient after the other, a fixed
    order (a BLAS product sums in an order that depends on the CPU)."""
    out = design[..., 0] * coef[..., 0, None]
    for j in range(1, design.shape[-1]):
        out += design[..., j] * coef[..., j, None]
    return out


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z) without overflow, with the portable exp."""
    e = exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve a x = b for a batch of small symmetric positive-definite systems, (..., k, k) and
    (..., k): Gaussian elimination written out elementwise (the same bits on every CPU)."""
    a = a.copy()
    b = b.copy()
    k = a.shape[-1]
    for i in range(k):
        for j in range(i + 1, k):
            f = a[..., j, i] / a[..., i, i]
            a[..., j, i:] -= f[..., None] * a[..., i, i:]
            b[..., j] -= f * b[..., i]
    x = np.empty_like(b)
    for i in range(k - 1, -1, -1):
        s = b[..., i].copy()
        for j in range(i + 1, k):
            s -= a[..., i, j] * x[..., j]
        x[..., i] = s / a[..., i, i]
    return x


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    iterations: int = ITERATIONS,
    l2: float = L2,
) -> np.ndarray:
    """Logistic regression by a fixed number of Newton steps, for many data sets at once.

    Minimises the weighted mean of the log-loss plus ``l2 / 2 * |w|^2`` (the intercept is not
    penalised), starting from zero.

    Parameters
    ----------
    x : array_like
        Inputs, shape ``(n, d)`` or ``(seeds, n, d)`` (1 <= d <= 8).
    y : array_like
        Labels 0 or 1, shape ``(n,)`` or ``(seeds, n)``.
    weights : array_like, optional
        Weight of each example (>= 0; 0 drops it), same shape as ``y``. Each data set needs a
        positive total weight.
    iterations : int
        Newton steps (>= 1).
    l2 : float
        Ridge penalty on the weights (> 0 keeps separable data finite).

    Returns
    -------
    numpy.ndarray
        Coefficients, intercept first: shape ``(d + 1,)`` or ``(seeds, d + 1)``.
    """
    x = check_array("x", x, ndim=(2, 3))
    single = x.ndim == 2
    if not 1 <= x.shape[-1] <= MAX_FEATURES:
        raise ValueError(f"x must have 1 to {MAX_FEATURES} features (columns), got {x.shape[-1]}")
    y = check_array("y", y, ndim=x.ndim - 1)
    if y.shape != x.shape[:-1]:
        raise ValueError(f"y must have shape {x.shape[:-1]} to match x, got {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold labels 0 or 1")
    if weights is None:
        w = np.ones(y.shape)
    else:
        w = check_array("weights", weights, minimum=0.0)
        if w.shape != y.shape:
            raise ValueError(f"weights must have shape {y.shape} to match y, got {w.shape}")
    iterations = check_int("iterations", iterations, minimum=1)
    l2 = check_real("l2", l2, minimum=0.0, maximum=1e6)
    d = x.shape[-1]

    def cost(examples: int, iterations: int) -> tuple[float, float]:
        return 8.0 * examples * (3 * d + 8), 40.0 * examples * (d + 1) ** 2 * iterations

    check_budget(cost, examples=y.size, iterations=iterations)
    if single:
        x, y, w = x[None], y[None], w[None]
    total = w.sum(axis=-1)
    if np.any(total <= 0):
        raise ValueError("weights must give every data set a positive total weight")
    design = _design(x)
    k = d + 1
    iu, ju = np.triu_indices(k)
    products = design[..., iu] * design[..., ju]  # (seeds, n, k(k+1)/2): the Hessian's terms
    penalty = np.full(k, l2)
    penalty[0] = 0.0
    share = w / total[:, None]
    coef = np.zeros((x.shape[0], k))
    ridge = np.diag(penalty + 1e-12)
    for step in range(iterations):
        p = np.full(y.shape, 0.5) if step == 0 else _sigmoid(_dot(design, coef))
        grad = ((share * (p - y))[..., None] * design).sum(axis=1) + penalty * coef
        upper = ((share * p * (1.0 - p))[..., None] * products).sum(axis=1)
        hess = np.empty((x.shape[0], k, k))
        hess[:, iu, ju] = upper
        hess[:, ju, iu] = upper
        hess += ridge
        coef = coef - _solve(hess, grad)
    return coef[0] if single else coef


def logistic_scores(coef: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Scores b + w.x of linear rules (predict 1 where > 0), the same bits on every CPU.

    ``coef`` has shape ``(..., d + 1)`` (intercept first), ``x`` shape ``(n, d)`` or
    ``(..., n, d)``; the result has shape ``(..., n)``.
    """
    coef = check_array("coef", coef, ndim=(1, 2))
    x = check_array("x", x, ndim=(2, 3))
    if x.shape[-1] + 1 != coef.shape[-1]:
        raise ValueError(
            f"coef must have {x.shape[-1] + 1} entries (intercept and one per feature of x), "
            f"got {coef.shape[-1]}"
        )
    return _dot(_design(x), coef)


def accuracy(coef: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Share of examples ``(x, y)`` that linear rules ``coef`` classify correctly, ``(...)``."""
    y = _check_labels("y", y, x)
    scores = logistic_scores(coef, x)
    return ((scores > 0) == (y == 1)).mean(axis=-1)


def _check_labels(name: str, y: object, x: object) -> np.ndarray:
    """Labels 0 or 1, one per row of ``x`` (``x`` is checked by the caller after this)."""
    y = check_array(name, y, ndim=(1, 2))
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"{name} must hold labels 0 or 1")
    rows = np.shape(x)[:-1] if isinstance(x, np.ndarray) else None
    if rows is not None and len(rows) in (1, 2) and y.shape != rows:
        raise ValueError(f"{name} must have shape {rows} to match x, got {y.shape}")
    return y


def _check_size(size: object, d: int) -> tuple[int, ...]:
    """``size`` (an int or a tuple of ints >= 0) as a shape, within the memory budget for
    drawing that many d-dimensional examples."""
    if isinstance(size, numbers.Integral) and not isinstance(size, bool):
        shape = (size,)
    elif isinstance(size, tuple | list):
        shape = tuple(size)
    else:
        raise TypeError(f"size must be an integer or a tuple of integers, got {size!r}")
    shape = tuple(check_int("size", s, minimum=0) for s in shape)
    per = 2 * d * d + 3 * d + 4  # labels, normal draws, their products with the factor, inputs
    check_budget(lambda size: (8.0 * per * size, 20.0 * per * size), size=math.prod(shape))
    return shape


# -- the world ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class GaussianWorld:
    """Two classes, y = 1 with probability ``prior1``, x | y ~ N(mean_y, cov) (shared cov).

    Because the world is known, the best possible classifier (the Bayes rule, linear here) and
    the exact accuracy of any linear rule are known too.
    """

    mean0: np.ndarray
    mean1: np.ndarray
    cov: np.ndarray
    prior1: float = 0.5

    @property
    def dim(self) -> int:
        return self.mean0.size

    def sample(
        self, size: int | tuple[int, ...], *, rng: int | np.random.Generator = 0
    ) -> tuple[np.ndarray, np.ndarray]:
        """``size`` real examples: inputs ``(*size, d)`` and labels ``(*size)`` (0 or 1)."""
        shape = _check_size(size, self.dim)
        gen = make_rng(rng)
        y = (gen.random(shape) < self.prior1).astype(float)
        z = gen.standard_normal((*shape, self.dim))
        chol = _cholesky(self.cov)
        noise = (z[..., None, :] * chol).sum(axis=-1)
        x = np.where(y[..., None] == 1, self.mean1, self.mean0) + noise
        return x, y

    def bayes_coef(self) -> np.ndarray:
        """Coefficients of the Bayes rule, the true log-odds b + w.x (intercept first)."""
        w = _solve(self.cov, self.mean1 - self.mean0)
        b = -0.5 * float(((self.mean1 + self.mean0) * w).sum()) + math.log(
            self.prior1 / (1 - self.prior1)
        )
        return np.concatenate([[b], w])

    def accuracy(self, coef: np.ndarray) -> np.ndarray:
        """Exact accuracy of linear rules ``coef`` (..., d + 1) on the world's data (normal CDF)."""
        from .collapse.bias import normal_cdf

        coef = check_array("coef", coef, ndim=(1, 2))
        if coef.shape[-1] != self.dim + 1:
            raise ValueError(f"coef must have {self.dim + 1} entries, got {coef.shape[-1]}")
        b, w = coef[..., 0], coef[..., 1:]
        spread = np.sqrt((w * _matvec(self.cov, w)).sum(axis=-1))
        spread = np.where(spread > 0, spread, np.inf)
        s1 = (b + (w * self.mean1).sum(axis=-1)) / spread
        s0 = (b + (w * self.mean0).sum(axis=-1)) / spread
        return self.prior1 * normal_cdf(s1) + (1 - self.prior1) * normal_cdf(-s0)

    def bayes_accuracy(self) -> float:
        """The best accuracy any classifier can reach in this world."""
        return float(self.accuracy(self.bayes_coef()))


def _matvec(cov: np.ndarray, w: np.ndarray) -> np.ndarray:
    """cov @ w for a batch of w, as elementwise sums."""
    return (cov * w[..., None, :]).sum(axis=-1)


def _cholesky(cov: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor of small positive-definite matrices (..., d, d), elementwise."""
    d = cov.shape[-1]
    out = np.zeros_like(cov, dtype=float)
    for j in range(d):
        s = cov[..., j, j] - (out[..., j, :j] ** 2).sum(axis=-1)
        out[..., j, j] = np.sqrt(np.maximum(s, 0.0))
        for i in range(j + 1, d):
            t = cov[..., i, j] - (out[..., i, :j] * out[..., j, :j]).sum(axis=-1)
            with np.errstate(invalid="ignore", divide="ignore"):
                out[..., i, j] = np.where(out[..., j, j] > 0, t / out[..., j, j], 0.0)
    return out


def gaussian_world(separation: float = 1.5, correlation: float = 0.8) -> GaussianWorld:
    """The chapter's world: two equally likely classes in 2-D, class means -+ separation/2 along
    the first feature, both features of unit variance with the given correlation.

    The correlation makes the Bayes rule lean away from the line between the means, so a
    classifier needs enough data (or a good teacher) to find its direction.
    """
    separation = check_real("separation", separation, minimum=0, strict_minimum=True, maximum=100)
    correlation = check_real("correlation", correlation, minimum=-0.99, maximum=0.99)
    half = np.array([separation / 2, 0.0])
    cov = np.array([[1.0, correlation], [correlation, 1.0]])
    return GaussianWorld(-half, half, cov, 0.5)


# -- the generator of inputs ------------------------------------------------------------------
@dataclass(frozen=True)
class ClassGaussians:
    """A generator of inputs: one Gaussian per class (``means`` (2, d), ``chols`` (2, d, d),
    Cholesky factors of the covariances) mixed with the class ``shares`` (2,)."""

    means: np.ndarray
    chols: np.ndarray
    shares: np.ndarray

    def sample(
        self,
        size: int | tuple[int, ...],
        *,
        spread: float = 1.0,
        shift: Sequence[float] | np.ndarray | None = None,
        rng: int | np.random.Generator = 0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Synthetic inputs ``(*size, d)`` and the class each was drawn from ``(*size)``.

        ``spread`` scales every class's spread (1: faithful; < 1: typical inputs only, the tails
        lost; > 1: too varied); ``shift`` moves every input (off the real data).
        """
        d = self.means.shape[-1]
        shape = _check_size(size, d)
        spread = check_real("spread", spread, minimum=0.0, maximum=100.0)
        offset = np.zeros(d) if shift is None else check_array("shift", shift, ndim=1)
        if offset.size != d:
            raise ValueError(f"shift must have {d} entries, got {offset.size}")
        gen = make_rng(rng)
        c = (gen.random(shape) < self.shares[1]).astype(np.int64)
        z = gen.standard_normal((*shape, d))
        noise = (z[..., None, :] * self.chols[c]).sum(axis=-1)
        return self.means[c] + spread * noise + offset, c.astype(float)


def fit_class_gaussians(x: np.ndarray, y: np.ndarray) -> ClassGaussians:
    """Fit one Gaussian per class (mean and covariance) and the class shares to labelled data.

    Needs at least d + 1 examples of each class (so that each covariance is positive-definite).
    """
    x = check_array("x", x, ndim=2, min_size=1)
    y = check_array("y", y, ndim=1)
    if y.shape[0] != x.shape[0]:
        raise ValueError(f"y must have {x.shape[0]} labels to match x, got {y.shape[0]}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold labels 0 or 1")
    d = x.shape[1]
    means, chols, counts = [], [], []
    for c in (0, 1):
        xc = x[y == c]
        if xc.shape[0] < d + 1:
            raise ValueError(
                f"y must label at least {d + 1} examples as class {c} (got {xc.shape[0]})"
            )
        m = xc.mean(axis=0)
        centred = xc - m
        cov = (centred[:, :, None] * centred[:, None, :]).sum(axis=0) / (xc.shape[0] - 1)
        means.append(m)
        chols.append(_cholesky(cov))
        counts.append(xc.shape[0])
    shares = np.array(counts, dtype=float) / sum(counts)
    return ClassGaussians(np.array(means), np.array(chols), shares)


def nearest_mean(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The nearest-class-mean rule fitted to labelled data, as linear coefficients (intercept
    first): a simple model that ignores how the features vary together (a weak teacher)."""
    x, y = _check_labelled("", x, y)
    if not (np.any(y == 0) and np.any(y == 1)):
        raise ValueError(f"data_y must hold both labels, 0 and 1: y holds only {int(y[0])}s")
    m0, m1 = x[y == 0].mean(axis=0), x[y == 1].mean(axis=0)
    w = m1 - m0
    return np.concatenate([[-0.5 * float(((m1 + m0) * w).sum())], w])


# -- the experiment -----------------------------------------------------------------------------
@dataclass(frozen=True)
class DistillResult:
    """Results of :func:`teacher_student`, one row per seed.

    ``accuracy``, ``kept`` and ``label_error`` have shape ``(seeds, len(synthetic))``:
    the student's held-out accuracy, the share of synthetic examples the verifier kept, and the
    share of kept examples whose label differs from the reference (NaN when none is kept).
    ``baseline`` (seeds,) is the accuracy of the same student trained on its real examples only.
    """

    synthetic: tuple[int, ...]
    real: int
    accuracy: np.ndarray
    baseline: np.ndarray
    kept: np.ndarray
    label_error: np.ndarray
    teacher_accuracy: float

    def mean(self) -> np.ndarray:
        """Mean accuracy over seeds, one per synthetic amount."""
        return self.accuracy.mean(axis=0)

    def standard_error(self) -> np.ndarray:
        """Monte Carlo standard error of :meth:`mean`."""
        return self.accuracy.std(axis=0, ddof=1) / math.sqrt(self.accuracy.shape[0])


def _check_labelled(name: str, x: object, y: object, d: int | None = None):
    """Checked ``{name}_x`` and ``{name}_y`` (plain ``x`` and ``y`` for an empty ``name``)."""
    xn, yn = (f"{name}_x", f"{name}_y") if name else ("x", "y")
    xs = check_array(xn, x, ndim=2, min_size=1)
    ys = check_array(yn, y, ndim=1)
    if ys.shape[0] != xs.shape[0]:
        raise ValueError(f"{yn} must have {xs.shape[0]} labels to match {xn}")
    if not np.all((ys == 0) | (ys == 1)):
        raise ValueError(f"{yn} must hold labels 0 or 1")
    if d is not None and xs.shape[1] != d:
        raise ValueError(f"{xn} must have {d} features like real_x, got {xs.shape[1]}")
    return xs, ys


def _check_coef(name: str, value: object, d: int) -> np.ndarray:
    coef = check_array(name, value, ndim=1)
    if coef.size != d + 1:
        raise ValueError(f"{name} must have {d + 1} entries (intercept first), got {coef.size}")
    return coef


def teacher_student(
    real_x: np.ndarray,
    real_y: np.ndarray,
    test_x: np.ndarray,
    test_y: np.ndarray,
    *,
    teacher: np.ndarray,
    generator: ClassGaussians,
    real: int,
    synthetic: Sequence[int],
    threshold: float = 0.0,
    label_noise: float = 0.0,
    spread: float = 1.0,
    verifier: np.ndarray | None = None,
    reference: np.ndarray | None = None,
    seeds: int = 100,
    rng: int | np.random.Generator = 0,
    iterations: int = ITERATIONS,
    l2: float = L2,
) -> DistillResult:
    """Train a student on ``real`` real examples plus synthetic examples a teacher labelled.

    For each seed: ``real`` examples are drawn without replacement from the pool
    ``(real_x, real_y)``, half of each class; ``max(synthetic)`` inputs are drawn from
    ``generator`` (spread scaled by ``spread``), labelled 1 where the ``teacher``'s score is
    positive, and a share ``label_noise`` of them, chosen at random, is labelled 0 whatever the
    input (a careless labeller that gives the default answer). The verifier (default: the
    teacher) keeps an example when its probability of the stated label is at least
    ``threshold``. For each amount m in ``synthetic`` the student is fitted to the real examples
    plus the kept examples among the first m synthetic ones (the sets are nested), and scored on
    ``(test_x, test_y)``.

    Parameters
    ----------
    real_x, real_y : array_like
        The pool of real labelled examples, ``(n, d)`` and ``(n,)``.
    test_x, test_y : array_like
        Held-out real examples the students are scored on.
    teacher, verifier, reference : array_like
        Linear rules (intercept first, ``(d + 1,)``): the labeller, the verifier (default: the
        teacher), and the rule labels are checked against for ``label_error`` (default: the
        teacher; pass the world's Bayes rule when it is known).
    generator : ClassGaussians
        The generator of synthetic inputs.
    real : int
        Real examples per student (even, >= 2; at most twice the smaller class of the pool).
    synthetic : sequence of int
        Amounts of synthetic data, each >= 0.
    threshold : float
        The verifier's threshold, 0 <= threshold <= 1 (0 keeps everything).
    label_noise : float
        Share of synthetic examples labelled 0 at random, 0 <= label_noise <= 1.
    spread : float
        Scale of the generator's spread (1: faithful).
    seeds : int
        Independent repetitions (>= 2), simulated together.
    rng : int or numpy.random.Generator
        Seed or generator; the same integer gives the same result.
    """
    px, py = _check_labelled("real", real_x, real_y)
    d = px.shape[1]
    tx, ty = _check_labelled("test", test_x, test_y, d)
    teacher = _check_coef("teacher", teacher, d)
    verifier = teacher if verifier is None else _check_coef("verifier", verifier, d)
    reference = teacher if reference is None else _check_coef("reference", reference, d)
    if not isinstance(generator, ClassGaussians):
        raise TypeError(f"generator must be a ClassGaussians, got {type(generator).__name__}")
    if generator.means.shape[-1] != d:
        raise ValueError(f"generator must draw {d} features like real_x")
    smallest = int(min((py == 0).sum(), (py == 1).sum()))
    real = check_int("real", real, minimum=2, maximum=2 * smallest)
    if real % 2:
        raise ValueError(f"real must be even (half of each class), got {real}")
    if isinstance(synthetic, int | np.integer) or not isinstance(synthetic, Sequence):
        raise TypeError(f"synthetic must be a sequence of amounts, got {synthetic!r}")
    amounts = tuple(check_int("synthetic", m, minimum=0) for m in synthetic)
    if not amounts:
        raise ValueError("synthetic must hold at least one amount")
    threshold = check_real("threshold", threshold, minimum=0.0, maximum=1.0)
    label_noise = check_real("label_noise", label_noise, minimum=0.0, maximum=1.0)
    spread = check_real("spread", spread, minimum=0.0, maximum=100.0)
    seeds = check_int("seeds", seeds, minimum=2)
    iterations = check_int("iterations", iterations, minimum=1)
    l2 = check_real("l2", l2, minimum=0.0, maximum=1e6)
    top = max(amounts)

    def cost(seeds: int, examples: int) -> tuple[float, float]:
        per = seeds * (examples + real)
        return 8.0 * per * (3 * d + 12), 60.0 * per * (d + 1) ** 2 * iterations * len(amounts)

    check_budget(cost, seeds=seeds, examples=top)
    gen = make_rng(rng)

    # the real examples of each seed: half of each class, without replacement
    half = real // 2
    picks = []
    for c in (0, 1):
        idx = np.flatnonzero(py == c)
        order = np.argsort(gen.random((seeds, idx.size)), axis=1, kind="stable")
        picks.append(idx[order[:, :half]])
    pick = np.concatenate(picks, axis=1)
    xr, yr = px[pick], py[pick]

    # synthetic inputs, the teacher's labels, the careless ones, the verifier's verdict
    xs, _ = generator.sample((seeds, top), spread=spread, rng=gen)
    lazy = gen.random((seeds, top)) < label_noise
    label = np.where(lazy, 0.0, (logistic_scores(teacher, xs) > 0).astype(float))
    p_verifier = _sigmoid(logistic_scores(verifier, xs))
    p_stated = np.where(label == 1, p_verifier, 1.0 - p_verifier)
    keep = p_stated >= threshold
    wrong = label != (logistic_scores(reference, xs) > 0)

    baseline_coef = fit_logistic(xr, yr, iterations=iterations, l2=l2)
    baseline = accuracy(baseline_coef, tx, ty)
    acc = np.empty((seeds, len(amounts)))
    kept = np.empty((seeds, len(amounts)))
    error = np.full((seeds, len(amounts)), np.nan)
    for j, m in enumerate(amounts):
        if m == 0:
            acc[:, j], kept[:, j] = baseline, 0.0
            continue
        x = np.concatenate([xr, xs[:, :m]], axis=1)
        y = np.concatenate([yr, label[:, :m]], axis=1)
        w = np.concatenate([np.ones(yr.shape), keep[:, :m]], axis=1).astype(float)
        coef = fit_logistic(x, y, weights=w, iterations=iterations, l2=l2)
        acc[:, j] = accuracy(coef, tx, ty)
        n_kept = keep[:, :m].sum(axis=1)
        kept[:, j] = n_kept / m
        with np.errstate(invalid="ignore", divide="ignore"):
            error[:, j] = np.where(
                n_kept > 0, (wrong[:, :m] & keep[:, :m]).sum(axis=1) / n_kept, np.nan
            )
    return DistillResult(
        synthetic=amounts,
        real=real,
        accuracy=acc,
        baseline=baseline,
        kept=kept,
        label_error=error,
        teacher_accuracy=float(accuracy(teacher, tx, ty)),
    )


# -- real data: two species of iris --------------------------------------------------------------
def load_iris_pair() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Petal length and width of *Iris versicolor* (label 0) and *I. virginica* (label 1).

    Returns ``(train_x, train_y, test_x, test_y)``: every third of the 100 flowers is held
    out (a fixed split: 67 training flowers, 34 and 33 of each species, and 33 held out).
    Inputs are standardised with the training flowers' mean and standard deviation.
    Provenance: ``src/peakdata/data/iris.md``.
    """
    from .collapse.twod import load_iris_petals

    petals = load_iris_petals()[50:]
    labels = np.repeat([0.0, 1.0], 50)
    held = np.zeros(100, dtype=bool)
    held[2::3] = True
    train, test = petals[~held], petals[held]
    mean, sd = train.mean(axis=0), train.std(axis=0)
    return (train - mean) / sd, labels[~held], (test - mean) / sd, labels[held]


def log_loss(coef: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean log-loss of linear rules ``coef`` on ``(x, y)`` (the student's training objective,
    without its penalty)."""
    z = logistic_scores(coef, x)
    y = _check_labels("y", y, x)
    return (np.maximum(z, 0) - z * y + log(1.0 + exp(-np.abs(z)))).mean(axis=-1)
