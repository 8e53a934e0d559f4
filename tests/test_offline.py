"""The downloadable copy of the site (tools/offline.py) works from file://, without a network.

Run after `make book`: the test zips the built site as `make offline` does, unzips it into a
temporary folder and opens pages from disk in headless Chromium.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
sys.path.insert(0, str(ROOT / "tools"))
import offline  # noqa: E402

pytestmark = [pytest.mark.site, pytest.mark.browser]


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory) -> Path:
    if not (SITE / "index.html").exists():
        pytest.fail("the site is not built: run `make book` first")
    out = offline.write(SITE, tmp_path_factory.mktemp("zip") / "peakdata-site.zip")
    target = tmp_path_factory.mktemp("classroom")
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert all(n.startswith(offline.FOLDER + "/") for n in names)
        assert not any("/reports/" in n or n.endswith(".buildinfo") for n in names)
        zf.extractall(target)
    return target / offline.FOLDER


def _explorable_pages(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*.html") if 'class="peakdata-explorable"' in p.read_text("utf-8")
    )


def _open(browser, path: Path):
    """A page opened from disk, collecting errors and any request that leaves the folder."""
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))

    def leaves(request):
        if urlparse(request.url).scheme not in {"file", "data", "blob", "about"}:
            problems.append(f"request off disk: {request.url}")

    page.on("request", leaves)
    page.goto(path.as_uri(), wait_until="load")
    return page, problems


def test_the_zip_holds_every_page(unzipped):
    built = {p.relative_to(SITE) for p in SITE.rglob("*.html") if "reports" not in p.parts}
    copied = {p.relative_to(unzipped) for p in unzipped.rglob("*.html")}
    assert built == copied


def test_pages_open_from_disk_without_errors(browser, unzipped):
    pages = [unzipped / "index.html", *_explorable_pages(unzipped)[:3]]
    for path in pages:
        page, problems = _open(browser, path)
        page.wait_for_timeout(500)
        assert problems == [], f"{path.relative_to(unzipped)}: {problems}"
        page.close()


def test_explorables_respond_from_disk(browser, unzipped):
    pages = _explorable_pages(unzipped)
    assert pages, "no page of the copy shows an explorable"
    for path in pages:
        page, problems = _open(browser, path)
        box = page.locator(".peakdata-explorable").first
        box.scroll_into_view_if_needed()
        chart = box.locator(".peakdata-explorable-chart")
        chart.locator("svg").first.wait_for(timeout=15_000)
        slider = box.locator("input[type=range]").first
        before = chart.locator("svg").first.inner_html()
        low, high = slider.get_attribute("min"), slider.get_attribute("max")
        slider.fill(low if float(slider.input_value()) == float(high) else high)
        page.wait_for_function(
            "([el, old]) => el.querySelector('svg').innerHTML !== old",
            arg=[chart.element_handle(), before],
            timeout=5_000,
        )
        assert problems == [], f"{path.relative_to(unzipped)}: {problems}"
        page.close()
