"""`python -m peakdata.reproduce` prints the reproductions table and fails if a row fails."""

import subprocess
import sys

import pytest

from peakdata import reproduce
from peakdata.reproduce import STATED, Reproduction, derived


def test_every_reproduction_passes():
    result = subprocess.run(
        [sys.executable, "-m", "peakdata.reproduce"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = reproduce.collect()
    assert rows and all(r.passed for r in rows)
    assert f"{len(rows)} of {len(rows)} reproductions pass" in result.stdout
    assert result.stdout.splitlines()[0].split()[:3] == ["source", "origin", "claim"]
    for module in reproduce.MODULES:
        assert any(
            r.claim in result.stdout for r in __import__(module, fromlist=["x"]).reproductions()[:1]
        )


def test_every_row_says_where_its_result_comes_from():
    bib = open("book/references.bib", encoding="utf-8").read()
    for r in reproduce.collect():
        assert r.origin == STATED or r.origin.startswith("derived here, extending "), r
        assert f"{{{r.source}," in bib, r.source
        if r.origin != STATED:
            assert f"{{{r.origin.removeprefix('derived here, extending ')}," in bib, r.origin


def test_origin_is_required():
    with pytest.raises(TypeError):
        Reproduction("key", "a claim", "closed form", 1.0, 1.0, 0.1)  # no origin
    with pytest.raises(ValueError, match="origin must be"):
        Reproduction("key", "a claim", "closed form", 1.0, 1.0, 0.1, origin=" ")


def test_a_failing_row_fails_the_command(monkeypatch, capsys):
    bad = Reproduction("key", "a claim that does not hold", "closed form", 1.0, 2.0, 0.1, STATED)
    monkeypatch.setattr(reproduce, "collect", lambda: [bad])
    assert reproduce.main() == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "stated in the paper" in out


def test_markdown_table_cites_and_escapes():
    rows = [
        Reproduction("key", "a|b", "published figure", 1.0, 1.05, 0.1, origin=STATED),
        Reproduction("key", "c", "closed form", 1.0, 1.0, 0.1, origin=derived("key")),
        Reproduction("key", "d", "closed form", 1.0, 1.0, 0.1, origin=derived("other")),
    ]
    md = reproduce.markdown_table(rows)
    assert "| source | origin | claim |" in md
    assert "{cite:p}`key`" in md and "a\\|b (published figure)" in md
    assert "1.05 ± 0.1" in md and "| pass |" in md
    assert "| stated in the paper |" in md and "| derived here |" in md
    assert "derived here, extending {cite:t}`other`" in md
    text = reproduce.table(rows)
    assert "derived here, extending other" in text and "stated in the paper" in text
