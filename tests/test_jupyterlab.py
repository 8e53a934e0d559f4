"""What a Binder reader does: open a chapter in a real JupyterLab, run it, move a slider.

Starts JupyterLab on 127.0.0.1 over a copy of the notebook (JupyterLab autosaves), drives it with
headless Chromium, and checks that the demo's figure changes when a slider moves; then looks at
one demo of each mark kind as drawn live, in the light and the dark theme, on a desktop and a
390 px phone screen (screenshots in _build/test-artifacts/lab/ for a person to look at).

The helpers (:func:`lab_server`, :func:`run_notebook`) also serve benchmarks/lab_latency.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from _browser import ARTIFACTS, CHROMIUM

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("*/*.ipynb"))
CHAPTERS = [p for p in CHAPTERS if "appendix" not in p.parts]
LAB_ARTIFACTS = ARTIFACTS / "lab"
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}

pytestmark = pytest.mark.browser


@contextlib.contextmanager
def lab_server(root: Path) -> Iterator[tuple[str, str]]:
    """A JupyterLab serving ``root`` on 127.0.0.1 with its own (empty) settings: (url, token)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k != "PEAKDATA_SITE_BUILD"}
    env["JUPYTER_CONFIG_DIR"] = str(root / ".config")  # no user settings leak in
    env["JUPYTER_RUNTIME_DIR"] = str(root / ".runtime")  # kernels' connection files
    # ...and none asked for: no "get notified about Jupyter news?" toast over the page
    settings = root / ".config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    lab = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if lab.poll() is not None:
                    raise RuntimeError("JupyterLab exited during start-up") from None
                time.sleep(0.25)
        else:
            raise RuntimeError("JupyterLab did not start within 60 s")
        yield base, token
    finally:
        lab.terminate()
        lab.wait(timeout=30)


def _sessions(base: str, token: str) -> list[dict]:
    with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=5) as r:
        return json.load(r)


def _wait_for_connected_kernel(base: str, token: str, name: str, timeout: float = 90) -> None:
    """Until the notebook's kernel has a connection from the page and is idle (server's view)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for session in _sessions(base, token):
            kernel = session.get("kernel") or {}
            if (
                session.get("path", "").endswith(name)
                and kernel.get("connections", 0) > 0
                and kernel.get("execution_state") == "idle"
            ):
                return
        time.sleep(0.5)
    raise TimeoutError(f"the kernel of {name} did not connect within {timeout} s")


def shutdown_kernels(base: str, token: str) -> None:
    """End every session (and its kernel): the next notebook gets the machine to itself."""
    for session in _sessions(base, token):
        request = urllib.request.Request(
            f"{base}/api/sessions/{session['id']}?token={token}", method="DELETE"
        )
        urllib.request.urlopen(request, timeout=30)


def run_notebook(page, base: str, token: str, name: str):
    """Open notebook ``name`` in ``page``, run all its cells, and return the demo's output area
    (the output holding the live panel's figure images), scrolled into view."""
    # a workspace of its own: JupyterLab would otherwise reopen (and rerun the kernels of) the
    # notebooks an earlier page of the same server had open
    workspace = Path(name).stem.replace("_", "-")
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{name}?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    _wait_for_connected_kernel(base, token, name)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    try:  # a run-all sent while the kernel still connects can be dropped: click again
        page.wait_for_selector(".jp-InputPrompt:has-text('[1]')", timeout=20_000)
    except Exception:
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()
    # JupyterLab skips rendering cells out of view: wait for the demo, then scroll to it
    image = page.wait_for_selector(".widget-image", state="attached", timeout=180_000)
    image.scroll_into_view_if_needed()
    output = page.locator(".jp-OutputArea-output", has=page.locator(".widget-image")).first
    page.wait_for_function(
        "out => [...out.querySelectorAll('.widget-image')].every(i => i.complete && "
        "i.naturalWidth > 0)",
        arg=output.element_handle(),
        timeout=60_000,
    )
    return output


def _failure_screenshot(page, stem: str) -> None:
    shot = ARTIFACTS / f"jupyterlab-failure-{stem}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot of the failure: {shot}")
    for text in page.locator(".jp-OutputArea-output").all_inner_texts():
        if "idget" in text or "rror" in text:
            print("output:", text[:500])


@pytest.fixture(params=CHAPTERS, ids=lambda p: p.stem)
def jupyterlab(request, tmp_path):
    notebook = request.param
    shutil.copy(notebook, tmp_path / notebook.name)
    try:
        with lab_server(tmp_path) as (base, token):
            yield base, token, notebook
    except RuntimeError as e:
        pytest.fail(str(e))


def _need_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: install Debian's package (apt-get install chromium)")


def test_demo_responds_in_jupyterlab(jupyterlab, browser):
    base, token, notebook = jupyterlab
    page = browser.new_page(viewport=DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        output = run_notebook(page, base, token, notebook.name)
        sources = "out => [...out.querySelectorAll('.widget-image')].map(i => i.src).join('|')"
        texts = (
            "() => [...document.querySelectorAll('.widget-html-content')]"
            ".map(e => e.innerText).join('|')"
        )
        out = output.element_handle()
        sliders = output.locator(".widget-slider .noUi-handle")
        # one step of each slider in turn, until one changes a figure (a slider may move
        # a curve that the current setting hides: the picture is then the same)
        for k in range(sliders.count()):
            before, caption = out.evaluate(sources), page.evaluate(texts)
            slider = sliders.nth(k)
            at_max = slider.get_attribute("aria-valuenow") == slider.get_attribute("aria-valuemax")
            slider.focus()
            page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
            try:
                page.wait_for_function(
                    f"([out, old]) => ({sources})(out) !== old",
                    arg=[out, before],
                    timeout=15_000 if k + 1 < sliders.count() else 30_000,
                )
                break
            except Exception:
                if k + 1 == sliders.count():
                    raise
        # the caption is a separate widget: its update may arrive just after the image's
        page.wait_for_function(f"old => ({texts})() !== old", arg=caption, timeout=30_000)
    except Exception:
        _failure_screenshot(page, notebook.stem)
        raise
    assert errors == []
    page.close()


# -- live renderings in the light and the dark theme, desktop and phone -------------------------
#: One demo of each mark kind, by its chapter: lines, histogram, heatmap and readout (bias),
#: points (from_a_model), text (synthetic text).
RENDERED = {
    "bias": ("collapse/bias.ipynb", {"lines", "histogram", "heatmap", "readout"}),
    "from_a_model": ("synthetic/from_a_model.ipynb", {"points", "readout"}),
    "synthetic_text": ("synthetic/text.ipynb", {"lines", "text", "readout"}),
}

# Geometry of the demo's output, in CSS px: each figure image and the output area around it.
_GEOMETRY = """out => {
  const box = out.getBoundingClientRect();
  return {
    output: {left: box.left, right: box.right, scroll: out.scrollWidth, client: out.clientWidth},
    // the right edge of the widest visible control, figure or table (an overflow:hidden
    // parent would hide a part of it rather than scroll)
    widest: Math.max(...[...out.querySelectorAll('.jupyter-widgets *')]
      .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0)
      .map(r => r.right)),
    images: [...out.querySelectorAll('.widget-image')].map(img => {
      const r = img.getBoundingClientRect();
      return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
              natural: [img.naturalWidth, img.naturalHeight]};
    }),
    html: [...out.querySelectorAll('.widget-html-content')].map(e => {
      const s = getComputedStyle(e);
      return {color: s.color, text: e.innerText.length};
    }),
    background: getComputedStyle(document.body).getPropertyValue('--jp-layout-color0').trim(),
  };
}"""


def _luminance(rgb) -> float:
    r, g, b = (c / 255 for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _css_rgb(color: str) -> list[int]:
    """``rgb(r, g, b)`` or ``rgba(r, g, b, a)`` as [r, g, b]."""
    return [int(float(c)) for c in re.findall(r"[\d.]+", color)[:3]]


def _set_theme(page, theme: str) -> None:
    """Switch JupyterLab's theme from its Settings menu (offline, no reload)."""
    page.get_by_role("menuitem", name="Settings", exact=True).click()
    page.get_by_text("Theme", exact=True).click()
    page.get_by_text(THEMES[theme], exact=True).click()
    dark = "true" if theme == "dark" else "false"
    page.wait_for_function(
        f"() => document.body.dataset.jpThemeLight === '{'false' if dark == 'true' else 'true'}'",
        timeout=30_000,
    )
    page.wait_for_timeout(500)  # the theme's stylesheet applies


def _toggle_left_sidebar(page) -> None:
    page.get_by_role("menuitem", name="View", exact=True).click()
    page.get_by_text("Appearance", exact=True).click()
    page.get_by_text("Show Left Sidebar", exact=True).click()


def _settled_box(page, locator) -> dict:
    """The element's box on the screen once the notebook has stopped scrolling to it."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    for _ in range(25):
        page.wait_for_timeout(200)
        again = locator.bounding_box()
        if again == box:
            break
        box = again
    return box


def _check_rendering(page, output, label: str) -> dict:
    """Screenshot the demo and check that every figure is drawn, fits, and is opaque."""
    from PIL import Image

    images = output.locator(".widget-image")
    images.first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    geometry = output.evaluate(_GEOMETRY)
    LAB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(LAB_ARTIFACTS / f"{label}.png"))  # for a person to look at
    assert geometry["images"], f"{label}: no figure"
    # no horizontal overflow: the output area holds its controls, figures and tables
    assert geometry["output"]["scroll"] <= geometry["output"]["client"] + 1, (
        f"{label}: the demo is wider than its output area {geometry['output']}"
    )
    assert geometry["widest"] <= geometry["output"]["right"] + 3, (  # a widget's 2 px margin
        f"{label}: a part of the demo reaches {geometry['widest']:.0f} px, beyond its output "
        f"area's right edge at {geometry['output']['right']:.0f} px"
    )
    for k, img in enumerate(geometry["images"]):
        assert min(img["natural"]) > 0, f"{label}: figure {k} is empty"
        assert img["right"] - img["left"] > 100, f"{label}: figure {k} is too narrow {img}"
        assert img["left"] >= geometry["output"]["left"] - 1, f"{label}: figure {k} overflows"
        assert img["right"] <= geometry["output"]["right"] + 3, f"{label}: figure {k} overflows"
        # the figure as drawn on the page: its own face is opaque and light (its corners read
        # as the figure's, not the page's, in the dark theme too), with dark ink on it
        box = _settled_box(page, images.nth(k))
        shot = page.screenshot(path=str(LAB_ARTIFACTS / f"{label}-figure{k}.png"), clip=box)
        picture = Image.open(io.BytesIO(shot)).convert("RGB")
        w, h = picture.size
        for xy in ((3, 3), (w - 4, 3), (3, h - 4), (w - 4, h - 4)):
            pixel = picture.getpixel(xy)
            assert _luminance(pixel) > 0.9, f"{label}: figure {k}'s face at {xy} is {pixel}"
        assert picture.convert("L").getextrema()[0] < 100, f"{label}: figure {k} shows nothing"
    return geometry


@pytest.mark.parametrize("chapter", list(RENDERED), ids=list(RENDERED))
def test_live_rendering_in_light_and_dark(chapter, tmp_path, browser):
    path, kinds = RENDERED[chapter]
    notebook = ROOT / "book" / path
    shutil.copy(notebook, tmp_path / notebook.name)
    with lab_server(tmp_path) as (base, token):
        page = browser.new_page(viewport=DESKTOP)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            output = run_notebook(page, base, token, notebook.name)
            for theme in THEMES:
                if theme != "light":
                    _set_theme(page, theme)
                for screen, size in (("desktop", DESKTOP), ("phone", PHONE)):
                    if screen == "phone":  # where a reader closes the file browser
                        _toggle_left_sidebar(page)
                    page.set_viewport_size(size)
                    page.wait_for_timeout(500)  # the lab lays itself out again
                    geometry = _check_rendering(page, output, f"{chapter}-{theme}-{screen}")
                    if "text" in kinds or "readout" in kinds:
                        # HTML widgets (text, readouts) follow the theme: light text when dark
                        lum = [
                            _luminance(_css_rgb(h["color"])) for h in geometry["html"] if h["text"]
                        ]
                        assert lum, f"{chapter}: no text or readout shown"
                        assert all((x > 0.5) == (theme == "dark") for x in lum), (theme, lum)
                    if screen == "phone":
                        page.set_viewport_size(DESKTOP)
                        _toggle_left_sidebar(page)
        except Exception:
            _failure_screenshot(page, f"render-{chapter}")
            raise
        assert errors == []
        page.close()
