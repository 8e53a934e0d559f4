"""Straightforward per-seed loops: what the vectorised kernels are measured against.

Each does the same work as its kernel (same model, same number of random draws), one seed and one
generation at a time, the obvious way. Loops that double as test oracles live in the tests and are
imported by ``run.py`` from there.
"""

from __future__ import annotations

import numpy as np


def kde_loop(
    data: np.ndarray, generations: int, samples: int, bandwidth: float, seeds: int, rng: int
) -> np.ndarray:
    """Refit a Gaussian KDE to its own samples; returns the variance per seed and generation."""
    gen = np.random.default_rng(rng)
    out = np.empty((seeds, generations + 1, data.shape[1]))
    for s in range(seeds):
        x = data
        out[s, 0] = x.var(axis=0)
        for n in range(1, generations + 1):
            x = x[gen.integers(0, len(x), size=samples)] + bandwidth * gen.standard_normal(
                (samples, data.shape[1])
            )
            out[s, n] = x.var(axis=0)
    return out


def temperature_loop(
    p0: float,
    generations: int,
    samples: int,
    temperature: float,
    real_fraction: float,
    seeds: int,
    rng: int,
) -> np.ndarray:
    """Two groups sampled at a temperature, with a share of fresh real data; minority share."""
    gen = np.random.default_rng(rng)
    real = int(round(real_fraction * samples))
    out = np.empty((seeds, generations + 1))
    for s in range(seeds):
        x = p0
        out[s, 0] = x
        for n in range(1, generations + 1):
            w = x ** (1 / temperature)
            written = w / (w + (1 - x) ** (1 / temperature))
            x = (gen.binomial(samples - real, written) + gen.binomial(real, p0)) / samples
            out[s, n] = x
    return out


def classifier_loop(
    true_prior: float,
    generations: int,
    samples: int,
    separation: float,
    real_fraction: float,
    seeds: int,
    rng: int,
) -> np.ndarray:
    """A classifier labelling its own next training set (Bayes rule); prior per seed, generation."""
    gen = np.random.default_rng(rng)
    half, real = separation / 2, int(round(real_fraction * samples))
    out = np.empty((seeds, generations + 1))
    for s in range(seeds):
        prior, m0, m1 = true_prior, -half, half
        out[s, 0] = prior
        for n in range(1, generations + 1):
            y_real = gen.random(real) < true_prior
            x_real = gen.standard_normal(real) + np.where(y_real, half, -half)
            y_true = gen.random(samples - real) < true_prior
            x = gen.standard_normal(samples - real) + np.where(y_true, half, -half)
            threshold = (m0 + m1) / 2 - np.log(prior / (1 - prior)) / (m1 - m0)
            labels = np.concatenate([y_real, x > threshold])
            xs = np.concatenate([x_real, x])
            ones = labels.sum()
            if 0 < ones < samples:
                prior, m1, m0 = ones / samples, xs[labels].mean(), xs[~labels].mean()
            out[s, n] = prior
    return out
