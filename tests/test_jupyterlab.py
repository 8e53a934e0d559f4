"""What a Binder reader does: open a chapter in a real JupyterLab, run it, move a slider.

Starts JupyterLab on 127.0.0.1 over a copy of the notebook (JupyterLab autosaves), drives it with
headless Chromium, and checks that the demo's figure changes when a slider moves.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from _browser import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("*/*.ipynb"))
CHAPTERS = [p for p in CHAPTERS if "appendix" not in p.parts]

pytestmark = pytest.mark.browser


@pytest.fixture(params=CHAPTERS, ids=lambda p: p.stem)
def jupyterlab(request, tmp_path):
    notebook = request.param
    shutil.copy(notebook, tmp_path / notebook.name)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k != "PEAKDATA_SITE_BUILD"}
    env["JUPYTER_CONFIG_DIR"] = str(tmp_path / "config")  # no user settings leak in
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
            f"--ServerApp.root_dir={tmp_path}",
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
                    pytest.fail("JupyterLab exited during start-up")
                time.sleep(0.25)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield base, token, notebook
    finally:
        lab.terminate()
        lab.wait(timeout=30)


def _wait_for_connected_kernel(base: str, token: str, name: str, timeout: float = 90) -> None:
    """Until the notebook's kernel has a connection from the page and is idle (server's view)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=5) as r:
            sessions = json.load(r)
        for session in sessions:
            kernel = session.get("kernel") or {}
            if (
                session.get("path", "").endswith(name)
                and kernel.get("connections", 0) > 0
                and kernel.get("execution_state") == "idle"
            ):
                return
        time.sleep(0.5)
    pytest.fail(f"the kernel of {name} did not connect within {timeout} s")


def test_demo_responds_in_jupyterlab(jupyterlab):
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: install Debian's package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    base, token, notebook = jupyterlab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/lab/tree/{notebook.name}?token={token}")
        try:
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
            _wait_for_connected_kernel(base, token, notebook.name)
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_text("Run All Cells", exact=True).click()
            try:  # a run-all sent while the kernel still connects can be dropped: click again
                page.wait_for_selector(".jp-InputPrompt:has-text('[1]')", timeout=20_000)
            except Exception:
                page.get_by_role("menuitem", name="Run", exact=True).click()
                page.get_by_text("Run All Cells", exact=True).click()
            # JupyterLab skips rendering cells out of view: wait for the demo, then scroll to it
            image = page.wait_for_selector(".widget-image", state="attached", timeout=120_000)
            image.scroll_into_view_if_needed()
            page.wait_for_function("el => el.src && el.src.length > 0", arg=image, timeout=30_000)
            before = image.get_attribute("src")
            slider = page.locator(".widget-slider .noUi-handle").first
            at_max = slider.get_attribute("aria-valuenow") == slider.get_attribute("aria-valuemax")
            texts = (
                "() => [...document.querySelectorAll('.widget-html-content')]"
                ".map(e => e.innerText).join('|')"
            )
            caption = page.evaluate(texts)  # the title, the caption, a readout: all HTML widgets
            slider.focus()
            page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")  # one step
            page.wait_for_function(
                "([el, old]) => el.src !== old", arg=[image, before], timeout=30_000
            )
            # the caption is a separate widget: its update may arrive just after the image's
            page.wait_for_function(f"old => ({texts})() !== old", arg=caption, timeout=30_000)
        except Exception:
            shot = ROOT / "_build" / "test-artifacts" / f"jupyterlab-failure-{notebook.stem}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failure: {shot}")
            for text in page.locator(".jp-OutputArea-output").all_inner_texts():
                if "idget" in text or "rror" in text:
                    print("output:", text[:500])
            raise
        assert errors == []
        browser.close()
