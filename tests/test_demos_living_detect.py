"""The watermark demo: parameters, compute against the library, the lessons the chapter draws
from it, and the two renderings (live update, explorable size)."""

import numpy as np
import pytest

from peakdata.demos._base import MAX_PAGE_DATA_GZIP, Histogram, Readout, Text
from peakdata.demos.detect import (
    KEY,
    TEXTS,
    WatermarkDemo,
    corpus,
    first_texts,
    passage,
    plain_scores,
    rewritten,
    scores,
    writer,
)
from peakdata.living.watermark import green_mask, paraphrase, watermark_sample, watermark_score
from peakdata.text import EOS


@pytest.fixture(scope="module")
def demo():
    return WatermarkDemo()


def test_params_and_marks(demo):
    demo.validate()
    delta, length, share, threshold = demo.params
    assert delta.values() == [0, 1, 2, 3, 4]
    assert length.values() == [25, 50, 75, 100, 125, 150, 175, 200]
    assert share.values() == [0.0, 0.2, 0.4, 0.6]
    assert threshold.values() == [2, 3, 4, 5]
    assert [type(m) for m in demo.marks()] == [Histogram, Histogram, Text, Readout]
    with pytest.raises(ValueError, match="delta must be between"):
        demo.curves(delta=0.5)


def test_scores_come_from_the_library():
    tokens, _ = watermark_sample(writer(), TEXTS * 200, key=KEY, delta=2.0, rng=5)
    assert np.array_equal(corpus(2.0), tokens)
    assert np.array_equal(rewritten(2.0, 0.4), paraphrase(tokens, writer(), 0.4, rng=6))
    t, offsets = first_texts(rewritten(2.0, 0.4), 75, TEXTS)
    assert offsets.size == TEXTS + 1 and np.all(np.diff(np.cumsum(t != EOS)[offsets[1:] - 1]) == 75)
    np.testing.assert_array_equal(scores(2.0, 75, 0.4), watermark_score(t, KEY, offsets=offsets).z)
    # delta 0 is plain text
    np.testing.assert_array_equal(scores(0.0, 75, 0.0), plain_scores(75))


def test_passage_marks_the_green_tokens():
    text = passage(3.0, 0.0)
    lines = text.splitlines()
    assert len(lines) == 3
    tokens = corpus(3.0)
    head = tokens[: np.flatnonzero(tokens == EOS)[2] + 1]
    green = green_mask(head, KEY)
    words = [w for line in lines for w in line.split() if w != "/"]
    assert [w.isupper() for w in words] == green[head != EOS].tolist()


def test_the_lessons_of_the_chapter(demo):
    def detected(delta, length, share=0.0, threshold=4.0):
        return np.mean(scores(delta, length, share) > threshold)

    # plain text: false positives near the closed form; stronger and longer watermarks: detected
    assert np.mean(plain_scores(200) > 2.0) < 0.06
    assert detected(2.0, 25) < detected(2.0, 100) < 0.99 <= detected(2.0, 200)
    assert detected(1.0, 200) < detected(2.0, 200)
    assert detected(2.0, 200, 0.6) < 0.5 < detected(2.0, 200, 0.2)
    c = demo.curves(delta=2, length=100, paraphrase=0.0, threshold=4)
    numbers = dict(c["numbers"])
    assert numbers["false-positive rate 1 − Φ(z*)"] == "0.00%"
    assert "mean z, watermarked" in numbers
    assert "z-score" in demo.describe(demo.check(delta=2, length=100), c)


def test_live_and_static(demo):
    explorable = demo.explorable()
    assert explorable.gzip_bytes <= MAX_PAGE_DATA_GZIP
    panel = demo.live()
    before = panel.state["numbers"].value
    panel.set(threshold=2)
    assert panel.state["numbers"].value != before
