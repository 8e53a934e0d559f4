"""Fixtures shared by the browser tests: one Chromium for the whole session.

Playwright's sync API allows one running instance per thread, so every test module that drives a
browser takes this fixture instead of starting its own.
"""

import pytest
from _browser import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: install Debian's package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
