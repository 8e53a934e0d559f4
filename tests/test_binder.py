"""Binder builds what CI tests: repo2docker's Dockerfile pins our Python and installs our pins.

``repo2docker --no-build --debug`` prints the Dockerfile it would build, without Docker.
"""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTED = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture(scope="module")
def dockerfile() -> str:
    exe = shutil.which("repo2docker") or str(Path(sys.executable).parent / "repo2docker")
    if not Path(exe).exists():
        pytest.fail("repo2docker is not installed (it is in requirements-dev.txt)")
    result = subprocess.run(
        [exe, "--no-build", "--debug", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout + result.stderr


def test_runtime_txt_pins_the_python_ci_tests():
    assert (ROOT / "runtime.txt").read_text().strip() == f"python-{TESTED}"


def test_binder_builds_the_tested_python(dockerfile):
    versions = set(re.findall(r"python=(\d+\.\d+)", dockerfile))
    assert versions == {TESTED}, versions


def test_binder_installs_requirements_after_copying_the_repository(dockerfile):
    copy = dockerfile.index("COPY --chown=0:0 src/ ${REPO_DIR}/")
    install = dockerfile.index('pip install --no-cache-dir -r "requirements.txt"')
    assert copy < install  # the "-e ." line needs the repository in place


def test_requirements_are_exact_pins_and_install_the_package():
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert "-e ." in lines
    assert all("==" in line for line in lines if line != "-e ."), lines


def test_the_package_admits_colabs_python():
    """Colab installs the package with its loose lower bounds on its own Python (3.12)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    assert all(">=" in dep and "==" not in dep for dep in project["dependencies"])
