"""`python -m peakdata.reproduce` prints the reproductions table and fails if a row fails."""

import subprocess
import sys

from peakdata import reproduce
from peakdata.reproduce import Reproduction


def test_every_reproduction_passes():
    result = subprocess.run(
        [sys.executable, "-m", "peakdata.reproduce"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = reproduce.collect()
    assert rows and all(r.passed for r in rows)
    assert f"{len(rows)} of {len(rows)} reproductions pass" in result.stdout
    for module in reproduce.MODULES:
        assert any(
            r.claim in result.stdout for r in __import__(module, fromlist=["x"]).reproductions()[:1]
        )


def test_a_failing_row_fails_the_command(monkeypatch, capsys):
    bad = Reproduction("key", "a claim that does not hold", "closed form", 1.0, 2.0, 0.1)
    monkeypatch.setattr(reproduce, "collect", lambda: [bad])
    assert reproduce.main() == 1
    assert "FAIL" in capsys.readouterr().out


def test_markdown_table_cites_and_escapes():
    rows = [Reproduction("key", "a|b", "published figure", 1.0, 1.05, 0.1)]
    md = reproduce.markdown_table(rows)
    assert "{cite:p}`key`" in md and "a\\|b (published figure)" in md
    assert "1.05 ± 0.1" in md and "| pass |" in md
