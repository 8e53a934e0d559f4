"""The demo of Part II's first chapter: parameters, compute against the library, the lessons the
chapter draws from it, and the two renderings (live update time, explorable size)."""

import numpy as np
import pytest

from peakdata.collapse.twod import load_iris_petals, split_heldout
from peakdata.demos._base import MAX_PAGE_DATA_GZIP, Choice, Points, Readout
from peakdata.demos.synth import (
    BANDWIDTHS,
    COMPONENTS,
    MODELS,
    SAMPLE_SEEDS,
    SyntheticIrisDemo,
    heldout_reference,
    summary,
    synthetic_sample,
)
from peakdata.synth import fit_gmm, kde_sample, measure, resampling_energy


@pytest.fixture(scope="module")
def demo():
    return SyntheticIrisDemo()


@pytest.fixture(scope="module")
def train():
    return split_heldout(load_iris_petals())[0]


def test_params_and_marks(demo):
    demo.validate()
    model, size = demo.params
    assert isinstance(model, Choice) and model.values() == [v for v, _ in MODELS]
    assert len(MODELS) == len(COMPONENTS) + len(BANDWIDTHS) == 12
    assert size.values() == [100, 200, 300, 400]
    assert [type(m) for m in demo.marks()] == [Points, Readout]
    with pytest.raises(ValueError, match="model must be one of"):
        demo.curves(model="gmm7")
    with pytest.raises(ValueError, match="size must be between 100 and 400"):
        demo.curves(size=50)


def test_samples_come_from_the_library(train):
    np.testing.assert_array_equal(
        synthetic_sample("gmm4", 200, 3), fit_gmm(train, 4, iterations=100, rng=0).sample(200, 3)
    )
    np.testing.assert_array_equal(
        synthetic_sample("kde0.2", 100, 5), kde_sample(train, 0.2, 100, 5)
    )


def test_readout_is_the_mean_over_the_seeds(demo, train):
    curves = demo.curves(model="kde0.1", size=200)
    sample, means = summary("kde0.1", 200)
    np.testing.assert_array_equal(curves["sample"], sample)
    ms = [measure(train, synthetic_sample("kde0.1", 200, s)) for s in SAMPLE_SEEDS]
    assert means["precision"] == pytest.approx(np.mean([m.precision for m in ms]))
    assert means["closest"] == pytest.approx(np.mean([m.closest.mean() for m in ms]))
    numbers = dict(curves["numbers"])
    assert numbers["precision (fidelity)"].startswith(f"{means['precision']:.2f} (real ")
    noise = resampling_energy(train, 200)
    assert numbers["energy distance"].endswith(f"(noise {noise:.3f} cm)")


def test_the_chapter_lessons_hold_on_the_sliders():
    ref = heldout_reference()
    copy = summary("kde0", 100)[1]
    assert copy["precision"] == 1.0 and copy["copies"] == 1.0 and copy["closest"] == 0.0
    wide = summary("kde1", 100)[1]
    assert wide["precision"] < 0.4 < 0.95 < wide["recall"]  # diverse but wrong
    one = summary("gmm1", 400)[1]
    assert one["precision"] < 0.8 and one["energy"] > 0.1  # one cloud over the gap
    good = summary("gmm3", 100)[1]
    assert abs(good["closest"] - ref["closest"]) < 0.02 and good["copies"] == 0.0
    # precision falls and the closest-record distance grows with the bandwidth
    prec = [summary(f"kde{h:g}", 200)[1]["precision"] for h in BANDWIDTHS]
    dist = [summary(f"kde{h:g}", 200)[1]["closest"] for h in BANDWIDTHS]
    assert prec[0] == 1.0 and all(np.diff(prec[1:]) < 0) and all(np.diff(dist) > 0)


def test_describe_and_live_update(demo):
    text = demo.describe(demo.check(), demo.curves())
    assert "mixture, K = 3" in text and "precision" in text
    live = demo.live()
    live.set(model="kde0", size=100)  # warm the caches as a reader's first moves do
    times = []
    for model in ("gmm2", "kde0.5"):
        for size in (100, 400):
            summary(model, size)
            live.set(model=model, size=size)
            times.append(live.last_update_seconds)
    assert max(times) < 0.5  # budget 0.1 s on a quiet machine; generous for loaded CI
    assert "exact copies" in live.state["numbers"].value


def test_explorable_fits_the_page_budget(demo):
    explorable = demo.explorable()
    assert explorable.gzip_bytes < MAX_PAGE_DATA_GZIP / 2
    html = explorable.to_html()
    assert "peakdata-explorable" in html and "kernel, h = 0 cm" in html
