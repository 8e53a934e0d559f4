"""The built site (_build/html): launch links, self-contained pages, and a real browser.

Run after `make book`. The browser tests open every page in headless Chromium (Debian's
`chromium` package, driven by Playwright) served on 127.0.0.1, and fail on any console error,
any failed request and any request to another host.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from _browser import ARTIFACTS, AXE

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"

pytestmark = pytest.mark.site


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


NOTEBOOKS = [f for f in _toc_files() if (ROOT / f"{f}.ipynb").exists()]
PAGES = sorted(
    str(p.relative_to(SITE))
    for p in SITE.rglob("*.html")
    if not {"_static", "_sources", "_images", "slides"} & set(p.relative_to(SITE).parts)
)


@pytest.fixture(scope="session", autouse=True)
def built_site():
    if not (SITE / "index.html").exists():
        pytest.fail("the site is not built: run `make book` first")
    return SITE


@pytest.fixture(scope="session")
def config():
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def _html(page: str) -> str:
    return (SITE / page).read_text(encoding="utf-8")


def test_every_toc_page_is_built():
    assert NOTEBOOKS, "the book has at least one notebook chapter"
    for f in _toc_files():
        assert (SITE / f"{f}.html").exists(), f


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_pages_have_launch_links_to_themselves(notebook, config):
    repo = urlparse(config["repository"]["url"]).path.strip("/")
    branch = config["repository"]["branch"]
    html = _html(f"{notebook}.html")
    binder = f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{notebook}.ipynb"
    colab = f"https://colab.research.google.com/github/{repo}/blob/{branch}/{notebook}.ipynb"
    assert binder in html
    assert colab in html
    assert f'href="{config["repository"]["url"]}"' in html  # repository button
    assert f"{config['repository']['url']}/issues/new" in html  # issue button
    # the .ipynb download is the committed notebook: every code cell executed, no errors
    download = re.search(r'href="([^"]*_sources/[^"]*\.ipynb)"', html)
    assert download, "no .ipynb download link"
    nb = json.loads((SITE / notebook).parent.joinpath(download.group(1)).resolve().read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["execution_count"] is not None for c in code)
    assert not any(o["output_type"] == "error" for c in code for o in c["outputs"])


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_colab_cell_installs_the_configured_repository(notebook, config):
    nb = json.loads((ROOT / f"{notebook}.ipynb").read_text())
    first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    source = "".join(first_code["source"])
    assert '"google.colab" in sys.modules' in source
    assert f"git+{config['repository']['url']}" in source


@pytest.mark.parametrize("page", PAGES)
def test_pages_load_scripts_only_from_the_site_and_only_when_needed(page):
    html = _html(page)
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    tags = re.findall(r"<(?:script|link)[^>]*>", html)
    external = [
        s
        for s in sources
        if urlparse(s).scheme in {"http", "https"}
        and any(s in t and ("<script" in t or 'rel="stylesheet"' in t) for t in tags)
    ]
    assert not external, f"{page} loads from another host: {external}"
    has_explorable = 'class="peakdata-explorable"' in html
    assert ("_static/explorables.js" in html) == has_explorable
    # Vega is loaded by explorables.js when a chart nears the viewport, never by the page
    assert "vendor/vega/" not in html
    # maths is typeset at build time: KaTeX's stylesheet with maths, and no MathJax at all
    has_math = 'class="math' in html
    assert ("_static/katex/katex.css" in html) == has_math, "KaTeX's stylesheet only with maths"
    assert "tex-mml-chtml" not in html and "window.MathJax" not in html, (
        "MathJax is back (was Node.js missing at build time?)"
    )
    assert "unpkg.com" not in html and "cdn.jsdelivr" not in html
    assert "scripts/fontawesome.js" not in html, "the theme's 1.5 MB icon script is back"
    assert "styles/pydata-sphinx-theme.css" not in html, "the theme's full icon stylesheet is back"
    assert "sphinx-thebe" not in html, "thebe is off: neither its scripts nor its stylesheet"
    # the search index (which grows with the book) only on the search page
    assert ("searchindex.js" in html) == (page == "search.html")


def test_icon_font_is_cut_to_the_icons_the_site_shows():
    styles = SITE / "_static" / "styles" / "peakdata-theme.css"
    css = styles.read_text(encoding="utf-8")
    assert ".fa-bars:before" in css and ".fa-magnifying-glass:before" in css
    assert ".fa-bicycle:before" not in css  # one of the ~2,000 icons the book never shows
    assert ".spinner-grow" not in css  # a Bootstrap component the book does not use
    theme = (styles.parent / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert len(css) < len(theme) / 2
    fonts = re.findall(r"url\(([^)]+\.woff2)\)", css)
    assert fonts and all(".subset." in f for f in fonts), fonts
    for font in fonts:
        assert (styles.parent / font).resolve().stat().st_size < 20_000, font


def test_maths_fonts_are_subset_and_served_by_the_site():
    css = (SITE / "_static" / "katex" / "katex.css").read_text(encoding="utf-8")
    fonts = re.findall(r"url\((fonts/[^)]+)\)", css)
    assert fonts and all(f.endswith(".woff2") for f in fonts)  # no woff or ttf fallbacks
    for font in fonts:
        assert (SITE / "_static" / "katex" / font).stat().st_size < 20_000, font


@pytest.mark.parametrize("page", PAGES)
def test_figures_load_lazily_with_their_size(page):
    """Notebook figures are palette PNGs, lazy, with width and height: no layout shift."""
    from PIL import Image

    for tag in re.findall(r"<img\b[^>]*>", _html(page)):
        src = re.search(r'src="([^"]*_images/[^"]+)"', tag)
        if not src:
            continue
        assert 'loading="lazy"' in tag, tag
        width, height = re.search(r'width="(\d+)" height="(\d+)"', tag).groups()
        with Image.open((SITE / page).parent.joinpath(src.group(1)).resolve()) as image:
            assert image.size == (int(width), int(height))
            if src.group(1).endswith(".p.png"):
                assert image.mode == "P"


MAX_PAGE_DATA_GZIP = 150_000  # DESIGN.md section 7: explorable data per page, after gzip
SPEC = re.compile(
    r'<script type="application/json" class="peakdata-explorable-spec"'
    r'(?: data-id="[^"]*" data-src="([^"]*)")?>(.*?)</script>',
    re.S,
)


def _page_specs(page: str) -> list[str]:
    """Each explorable's spec: inline, or in the data script the build moved it to."""
    specs = []
    for src, inline in SPEC.findall(_html(page)):
        if src:
            data = (SITE / page).parent.joinpath(src).resolve().read_text(encoding="utf-8")
            inline = data.split('"] = ', 1)[1].rstrip().rstrip(";")
        specs.append(inline)
    return specs


@pytest.mark.parametrize("page", PAGES)
def test_explorable_data_per_page_stays_small(page):
    specs = _page_specs(page)
    assert len(specs) == _html(page).count('class="peakdata-explorable"')
    for spec in specs:
        json.loads(spec)
    size = len(gzip.compress("".join(specs).encode("utf-8"), 9))
    assert size <= MAX_PAGE_DATA_GZIP, f"{page}: {size / 1000:.0f} KB of explorable data (gzip)"


# -- headless Chromium ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def server():
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class PageWatch:
    """Collects console errors, failed requests and requests to other hosts."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on(
            "console",
            lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"),
        )
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on(
            "requestfailed",
            lambda r: self.problems.append(f"failed request: {r.url} ({r.failure})"),
        )
        page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"),
        )
        page.on("request", self._check_host)

    def _check_host(self, request):
        url = urlparse(request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.hostname != "127.0.0.1":
            self.problems.append(f"request to another host: {request.url}")


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.watch = PageWatch(page)
    yield page
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_in_chromium(page, server, path):
    page.goto(f"{server}/{path}", wait_until="networkidle")
    _render_every_explorable(page)
    if 'class="math' in _html(path):
        page.wait_for_selector(".katex", timeout=15_000)
        # KaTeX's fonts arrive and are used (a missing font would fall back silently)
        families = page.evaluate(
            "async () => { await document.fonts.ready; return [...document.fonts]"
            ".filter(f => f.status === 'loaded').map(f => f.family); }"
        )
        assert any("KaTeX" in f for f in families), families
    page.wait_for_load_state("networkidle")
    assert page.watch.problems == []


@pytest.mark.browser
def test_site_works_opened_from_a_file(page):
    """A downloaded copy (file://): the explorables' data and Vega load, and charts respond."""
    path = EXPLORABLE_PAGES[0]
    page.goto((SITE / path).as_uri(), wait_until="load")
    _render_every_explorable(page)
    box = page.locator(".peakdata-explorable").first
    box.scroll_into_view_if_needed()
    chart = box.locator(".peakdata-explorable-chart")
    slider = box.locator("input[type=range]").first
    before = _drawing(chart)
    slider.fill(
        slider.get_attribute("max")
        if slider.input_value() != slider.get_attribute("max")
        else slider.get_attribute("min")
    )
    _wait_changed(page, chart, before, f"{path} from file://: a slider")
    if 'class="math' in _html(path):
        page.wait_for_selector(".katex")
    assert page.watch.problems == []


EXPLORABLE_PAGES = [p for p in PAGES if 'class="peakdata-explorable"' in _html(p)] if PAGES else []


def _render_every_explorable(page) -> None:
    """Explorables are drawn when they come near the viewport: scroll to each, wait for it."""
    boxes = page.locator(".peakdata-explorable")
    for i in range(boxes.count()):
        box = boxes.nth(i)
        box.scroll_into_view_if_needed()
        box.locator(".peakdata-explorable-chart svg").first.wait_for(timeout=15_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.peakdata-explorable')]"
        ".every(b => b.classList.contains('is-ready'))",
        timeout=15_000,
    )


@pytest.mark.browser
def test_explorables_wait_until_they_near_the_viewport(page, server):
    assert EXPLORABLE_PAGES, "no page shows an explorable"
    page.set_viewport_size({"width": 1280, "height": 400})
    page.goto(f"{server}/{EXPLORABLE_PAGES[0]}", wait_until="networkidle")
    states = page.evaluate(
        "() => [...document.querySelectorAll('.peakdata-explorable')].map(b => "
        "[b.getBoundingClientRect().top, b.dataset.peakdataState || 'waiting'])"
    )
    far = [state for top, state in states if top > 400 + 600 + 200]
    assert all(state == "waiting" for state in far), states  # not parsed, not drawn yet
    _render_every_explorable(page)


def _drawing(chart) -> str:
    return chart.locator("svg").first.inner_html()


def _wait_changed(page, chart, before: str, what: str) -> None:
    try:
        page.wait_for_function(
            "([el, old]) => el.querySelector('svg').innerHTML !== old",
            arg=[chart.element_handle(), before],
            timeout=5_000,
        )
    except Exception as error:  # a clearer message than Playwright's timeout
        raise AssertionError(f"{what} did not change the chart") from error


@pytest.mark.browser
@pytest.mark.parametrize("path", EXPLORABLE_PAGES or ["(none)"])
def test_explorables_respond_to_their_controls(page, server, path):
    """Every control of every explorable on the page changes its chart."""
    assert EXPLORABLE_PAGES, "no page shows an explorable"
    page.goto(f"{server}/{path}", wait_until="networkidle")
    _render_every_explorable(page)
    boxes = page.locator(".peakdata-explorable")
    assert boxes.count() >= 1
    for i in range(boxes.count()):
        box = boxes.nth(i)
        box.scroll_into_view_if_needed()
        chart = box.locator(".peakdata-explorable-chart")

        sliders = box.locator("input[type=range]")
        assert sliders.count() >= 1, f"{path}, explorable {i + 1} has no slider"
        for k in range(sliders.count()):
            slider = sliders.nth(k)
            low, high = slider.get_attribute("min"), slider.get_attribute("max")
            target = low if float(slider.input_value()) == float(high) else high
            before = _drawing(chart)
            slider.fill(target)  # moves the slider and fires its input event
            _wait_changed(page, chart, before, f"{path}, explorable {i + 1}: slider {k + 1}")
        radios = box.locator("input[type=radio]")
        if radios.count() > 1:
            before = _drawing(chart)
            unchecked = next(j for j in range(radios.count()) if not radios.nth(j).is_checked())
            radios.nth(unchecked).check()
            _wait_changed(page, chart, before, f"{path}, explorable {i + 1}: a radio button")
        # every control is labelled, so a screen reader can name it
        for control in box.locator("input").all():
            assert control.evaluate("el => !!el.closest('label') || !!el.labels?.length")
    assert page.watch.problems == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1280])
def test_explorables_fit_the_screen(browser, server, width):
    """Titles, legends, controls and panels stay inside their card on a phone and a desktop."""
    assert EXPLORABLE_PAGES, "no page shows an explorable"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for path in EXPLORABLE_PAGES:
        page.goto(f"{server}/{path}", wait_until="networkidle")
        _render_every_explorable(page)
        overflow = page.evaluate(
            """() => [...document.querySelectorAll('.peakdata-explorable')].flatMap((box, i) => {
                const card = box.getBoundingClientRect();
                return [...box.querySelectorAll('svg, input, label, li, p')]
                  .filter(el => {
                    const r = el.getBoundingClientRect();
                    return r.width && (r.left < card.left - 1 || r.right > card.right + 1);
                  })
                  .map(el => `explorable ${i + 1}: <${el.tagName.toLowerCase()}> `
                             + `${el.textContent.slice(0, 40)}`);
            })"""
        )
        assert overflow == [], f"{path} at {width} px: {overflow}"
        box = page.locator(".peakdata-explorable").first
        box.scroll_into_view_if_needed()
        name = path.replace("/", "-").removesuffix(".html")
        box.screenshot(path=str(ARTIFACTS / f"explorable-{name}-{width}.png"))
    context.close()


# -- accessibility and dark mode ----------------------------------------------------------------
@pytest.mark.parametrize("page_path", PAGES)
def test_images_have_alt_text(page_path):
    for tag in re.findall(r"<img\b[^>]*>", _html(page_path)):
        alt = re.search(r'alt="([^"]*)"', tag)
        assert alt and len(alt.group(1).strip()) >= 5, f"{page_path}: image without alt text: {tag}"
        assert not alt.group(1).startswith("<Figure"), f"{page_path}: default matplotlib alt: {tag}"


def test_figures_have_opaque_backgrounds():
    """No transparent pixels: figures stay readable on the dark theme's background."""
    from PIL import Image

    images = sorted((SITE / "_images").glob("*.png"))
    assert images
    for path in images:
        with Image.open(path) as im:
            if im.mode in ("RGBA", "LA") or "transparency" in im.info:
                alpha = im.convert("RGBA").getchannel("A")
                assert alpha.getextrema()[0] == 255, f"{path.name} has transparent pixels"


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make web-tools` (npm ci in web/)")
    return AXE


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(browser, server, axe_source, path, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{server}/{path}", wait_until="networkidle")
    _render_every_explorable(page)
    assert page.evaluate("document.documentElement.dataset.theme") == scheme
    page.add_script_tag(path=str(axe_source))
    violations = page.evaluate(
        """async () => (await axe.run(document)).violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}): `
                      + v.nodes.slice(0, 3).map(n => n.html.slice(0, 120)).join(" | "))"""
    )
    context.close()
    assert violations == []


@pytest.mark.browser
def test_demo_page_reads_in_both_themes(browser, server):
    assert EXPLORABLE_PAGES, "no page shows an explorable"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    backgrounds = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{server}/{EXPLORABLE_PAGES[0]}", wait_until="networkidle")
        _render_every_explorable(page)
        box = page.locator(".peakdata-explorable.is-ready").first
        box.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"demo-page-{scheme}.png"))
        backgrounds[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        # the chart keeps its white card, so its colours read the same in both themes
        card = box.evaluate("el => getComputedStyle(el).backgroundColor")
        assert card == "rgb(255, 255, 255)"
        context.close()
    assert backgrounds["light"] != backgrounds["dark"], "the dark theme was not applied"


# -- layout on a desktop and a phone, light and dark ----------------------------------------------
LAYOUT_JS = """() => {
  // drawn and on screen (a sidebar scrolled down still counts; an off-canvas one does not)
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && style.visibility !== "hidden"
      && r.left < innerWidth && r.right > 0;
  };
  // the search controls of the page's furniture: not the search page's own form
  const searches = [...document.querySelectorAll(
    ".search-button-field, .search-button__button, form.bd-search")]
    .filter((el) => !el.closest("dialog, .bd-article, .bd-search-container") && shown(el))
    .map((el) => el.className + " at y=" + Math.round(el.getBoundingClientRect().top));
  const header = document.querySelector("#pst-header");
  const strip = header && shown(header)
    ? [...header.querySelectorAll("*")].filter(shown).map((el) => el.className) : null;
  const problems = [];
  const inside = (r, box) => r.left >= box.left - 1 && r.right <= box.right + 1;
  const article = (document.querySelector(".bd-article") || document.body).getBoundingClientRect();
  document.querySelectorAll(".peakdata-explorable").forEach((card, i) => {
    const box = card.getBoundingClientRect();
    const svg = card.querySelector(".peakdata-explorable-chart svg");
    if (!svg) return problems.push(`explorable ${i + 1} not drawn`);
    const plot = svg.getBoundingClientRect();
    if (!inside(plot, box) || card.scrollWidth > card.clientWidth + 1)
      problems.push(`explorable ${i + 1}: chart ${Math.round(plot.width)} px in a `
                    + `${Math.round(box.width)} px card`);
    if (!inside(box, article)) problems.push(`explorable ${i + 1}: card outside the column`);
    for (const text of svg.querySelectorAll("text")) {  // titles, axis titles, legends, labels
      const r = text.getBoundingClientRect();
      if (r.width && (!inside(r, plot) || r.top < plot.top - 1 || r.bottom > plot.bottom + 1))
        problems.push(`explorable ${i + 1}: text clipped: ${text.textContent.slice(0, 40)}`);
    }
  });
  document.querySelectorAll(".bd-article img").forEach((img) => {
    const r = img.getBoundingClientRect();
    if (r.width && (!inside(r, article) || r.right > innerWidth + 1))
      problems.push(`figure ${img.getAttribute("src").split("/").pop()}: ${Math.round(r.width)}`
                    + ` px wide in a ${Math.round(article.width)} px column`);
  });
  return { searches, strip, problems };
}"""
LAYOUT_SHOTS = {"book/intro.html"} | set(EXPLORABLE_PAGES[:1])


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_layout_on_desktop_and_phone(browser, server, width, scheme):
    """One search field in the page's header (no empty strip holding a second one), and no chart
    (explorable or figure) wider than its box, with no text clipped, in both themes."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    failures = []
    for path in PAGES:
        page.goto(f"{server}/{path}", wait_until="networkidle")
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        top = page.evaluate(LAYOUT_JS)
        name = path.replace("/", "-").removesuffix(".html")
        if path in LAYOUT_SHOTS:
            page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{width}-{scheme}.png"))
        if len(top["searches"]) != 1:
            failures.append(f"{path}: {len(top['searches'])} search fields: {top['searches']}")
        if top["strip"] == []:
            failures.append(f"{path}: an empty header strip across the top of the page")
        _render_every_explorable(page)
        for img in page.locator(".bd-article img").all():  # lazy figures: bring each in
            img.scroll_into_view_if_needed()
        failures += [f"{path}: {p}" for p in page.evaluate(LAYOUT_JS)["problems"]]
        if path in LAYOUT_SHOTS and EXPLORABLE_PAGES and path == EXPLORABLE_PAGES[0]:
            box = page.locator(".peakdata-explorable").first
            box.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"layout-{name}-chart-{width}-{scheme}.png"))
            figure = page.locator(".bd-article img").first
            figure.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"layout-{name}-figure-{width}-{scheme}.png"))
    assert page.watch.problems == [] if hasattr(page, "watch") else True
    context.close()
    assert failures == []
