"""Portable numerics: the same bits on every CPU (DESIGN.md §6).

numpy chooses SIMD code by CPU; ``BASELINE`` turns that off (numpy's baseline code path) and
runs OpenBLAS on one thread. The loops that feed their output back into their input must give
bit-identical results both ways, or a notebook's printed numbers change from machine to machine.
"""

import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

from peakdata._portable import exp, log

BASELINE = {
    "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
    "OPENBLAS_NUM_THREADS": "1",
}

FINGERPRINT = """
import hashlib, numpy as np
from peakdata.collapse.bias import temperature_chain
from peakdata.collapse.discrete import discrete_chain, zipf_probs
from peakdata.collapse.twod import gmm_chain, kde_chain, load_iris_petals, split_heldout
from peakdata.text import NGramModel
from peakdata._portable import exp, log

train, _ = split_heldout(load_iris_petals())
gmm = gmm_chain(train, 40, 30, seeds=20, rng=7)
cold = discrete_chain(zipf_probs(100, 1.1), 60, 50, temperature=0.8, seeds=50, rng=3)
kde = kde_chain(train, 30, 30, 0.2, seeds=20, rng=5)
temp = temperature_chain(0.3, 40, 50, temperature=0.8, seeds=50, rng=9)
tokens = np.random.default_rng(1).integers(1, 40, 5000)
tokens[-1] = 1  # EOS ends the corpus
text = NGramModel.fit(tokens, order=2, vocab_size=40).sample(200, temperature=0.7, rng=2)[0]
x = np.linspace(-700, 700, 100001)
arrays = [gmm.mixtures.means, gmm.mixtures.covs, gmm.modes(), cold.diversity, cold.lost_at,
          kde.variance, temp.shares, text,
          exp(x), log(np.abs(x) + 1e-300)]
digest = hashlib.sha256()
for a in arrays:
    digest.update(np.ascontiguousarray(np.asarray(a, dtype=float)).tobytes())
print(digest.hexdigest())
"""


def _fingerprint(extra_env: dict) -> str:
    env = {**os.environ, **extra_env}
    result = subprocess.run(
        [sys.executable, "-c", FINGERPRINT], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_feedback_loops_give_the_same_bits_on_numpys_baseline_code_path():
    assert _fingerprint({}) == _fingerprint(BASELINE)


def test_exp_and_log_agree_with_numpy_to_a_few_ulps():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-745, 709, 200_000), rng.uniform(-3, 3, 200_000)])
    ref = np.exp(x)
    ok = ref > 0
    assert np.max(np.abs(exp(x)[ok] - ref[ok]) / np.spacing(ref[ok])) <= 2
    y = np.concatenate([np.exp(rng.uniform(-700, 700, 200_000)), rng.uniform(0.5, 2, 200_000)])
    ref = np.log(y)
    ok = ref != 0
    assert np.max(np.abs(log(y)[ok] - ref[ok]) / np.spacing(np.abs(ref[ok]))) <= 4


@pytest.mark.parametrize(
    ("x", "expected"),
    [(0.0, 1.0), (-np.inf, 0.0), (np.inf, np.inf), (800.0, np.inf), (-800.0, 0.0), (1.0, np.e)],
)
def test_exp_special_values(x, expected):
    assert exp(x) == pytest.approx(expected, rel=1e-15)


def test_log_special_values():
    with np.errstate(invalid="ignore"):
        out = log(np.array([0.0, 1.0, np.e, np.inf, -1.0, np.nan, 5e-324]))
    assert out[0] == -np.inf and out[1] == 0.0 and out[2] == pytest.approx(1.0, rel=1e-15)
    assert out[3] == np.inf and np.isnan(out[4]) and np.isnan(out[5])
    assert out[6] == pytest.approx(np.log(5e-324), rel=1e-15)
    assert np.isnan(exp(np.nan))


def test_fingerprint_changes_when_a_result_changes():
    """The fingerprint is sensitive: one seed more gives another digest."""
    changed = FINGERPRINT.replace("seeds=20, rng=7", "seeds=20, rng=8")
    env = dict(os.environ)
    out = [
        subprocess.run(
            [sys.executable, "-c", src], env=env, capture_output=True, text=True, check=True
        ).stdout
        for src in (FINGERPRINT, changed)
    ]
    digest = hashlib.sha256(out[0].encode()).hexdigest()
    assert out[0] != out[1] and digest
