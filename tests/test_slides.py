"""The lecture slides (tools/slides.py): decks built from the book's own notebooks, and a viewer
that works in a real browser, served or from a file, with no request to another host.

The browser tests build the decks themselves into a temporary folder; they do not need the site.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import re
import struct
import sys
import threading
import types
import zlib
from pathlib import Path
from urllib.parse import urlparse

import pytest
from _browser import ARTIFACTS, AXE

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "web"))
import slides  # noqa: E402
import slides_build  # noqa: E402

PARTS = ["peak", "synthetic", "collapse", "living"]
SHOTS = ARTIFACTS / "slides"


# -- the builder, on a tiny fake book -----------------------------------------------------------
def _png(width: int = 4, height: int = 3) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def fake_book(tmp_path):
    """book/part/chapter.ipynb with a figure cell, a text cell and a heading; an empty deck dir."""
    book = tmp_path / "book"
    (book / "part").mkdir(parents=True)
    png = base64.b64encode(_png()).decode()
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {
                "cell_type": "markdown",
                "id": "m1",
                "metadata": {},
                "source": "# A chapter\n\n## Interactive demo 1: try",
            },
            {
                "cell_type": "code",
                "id": "fig",
                "metadata": {"mystnb": {"image": {"alt": "A red square from the notebook."}}},
                "source": "plot()",
                "execution_count": 1,
                "outputs": [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {"image/png": png, "text/plain": "<Figure>"},
                    }
                ],
            },
            {
                "cell_type": "code",
                "id": "txt",
                "metadata": {},
                "source": "print('a'); print('b'); print('c')",
                "execution_count": 2,
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": "one\ntwo\nthree\n"}
                ],
            },
        ],
    }
    (book / "part" / "chapter.ipynb").write_text(json.dumps(nb))
    decks = tmp_path / "decks"
    decks.mkdir()
    return book, decks


def _deck(decks: Path, body: str, name: str = "part") -> Path:
    path = decks / f"{name}.md"
    path.write_text(f"# Title\n\nText.\n\n---\n\n## A slide\n\n{body}\n")
    return path


def test_a_missing_figure_cell_fails_the_build(fake_book, tmp_path):
    book, decks = fake_book
    _deck(decks, "![A chart](figure:part/chapter.ipynb#nope)")
    with pytest.raises(slides.SlideError, match=r"part\.md, slide 2.*no code cell with id 'nope'"):
        slides.build(tmp_path / "out", decks, book)
    assert not (tmp_path / "out").exists()  # nothing written


def test_a_cell_without_an_image_fails_the_build(fake_book, tmp_path):
    book, decks = fake_book
    _deck(decks, "![A chart](figure:part/chapter.ipynb#txt)")
    with pytest.raises(slides.SlideError, match="has no image/png output"):
        slides.build(tmp_path / "out", decks, book)


def test_a_missing_notebook_or_section_fails_the_build(fake_book, tmp_path):
    book, decks = fake_book
    _deck(decks, "![A chart](figure:part/other.ipynb#fig)")
    with pytest.raises(slides.SlideError, match="there is no notebook"):
        slides.build(tmp_path / "out", decks, book)
    _deck(decks, "[demo](chapter:part/chapter#no-such-section)")
    with pytest.raises(slides.SlideError, match="no section with that id"):
        slides.build(tmp_path / "out", decks, book)
    _deck(decks, "![](output:part/chapter.ipynb#txt?lines=2-9)")
    with pytest.raises(slides.SlideError, match="out of range"):
        slides.build(tmp_path / "out", decks, book)


def test_a_slide_needs_a_heading_and_few_bullets(fake_book, tmp_path):
    book, decks = fake_book
    (decks / "part.md").write_text("# Title\n\n---\n\nNo heading here.\n")
    with pytest.raises(slides.SlideError, match="must start with a # or ## heading"):
        slides.build(tmp_path / "out", decks, book)
    _deck(decks, "\n".join(f"- point {i}" for i in range(7)))
    with pytest.raises(slides.SlideError, match="7 bullets"):
        slides.build(tmp_path / "out", decks, book)


def test_the_builder_pulls_figures_outputs_and_links(fake_book, tmp_path):
    book, decks = fake_book
    _deck(
        decks,
        "- a point\n\n![](figure:part/chapter.ipynb#fig)\n\n"
        "![](output:part/chapter.ipynb#txt?lines=2-3)\n\n"
        "[Try it](chapter:part/chapter#interactive-demo-1-try)\n\nNote: say this.",
    )
    (deck,) = slides.build(tmp_path / "out", decks, book)
    assert len(deck.slides) == 2 and deck.title == "Title"
    page = (tmp_path / "out" / "slides" / "part.html").read_text()
    assert (tmp_path / "out" / "slides" / "img" / "part_chapter_fig.png").read_bytes() == _png()
    assert 'alt="A red square from the notebook."' in page  # the notebook's alt text
    assert ">two\nthree</pre>" in page and "one" not in page.split("<pre")[1]
    assert 'href="../book/part/chapter.html#interactive-demo-1-try"' in page
    assert '<aside class="notes"><p>say this.</p>' in page
    assert "<cite>A chapter</cite>" in page  # figures say which chapter they come from
    for name in ("slides.js", "slides.css", "index.html"):
        assert (tmp_path / "out" / "slides" / name).exists()


def test_the_sphinx_hook_builds_only_after_a_successful_html_build(tmp_path, monkeypatch):
    calls = []
    fake = types.SimpleNamespace(build=lambda out: calls.append(out) or [])
    monkeypatch.setattr(slides_build, "_slides_module", lambda: fake)
    app = types.SimpleNamespace(builder=types.SimpleNamespace(name="html"), outdir=str(tmp_path))
    slides_build.build_slides(app, RuntimeError("the build failed"))
    app.builder.name = "latex"
    slides_build.build_slides(app, None)
    assert calls == []
    app.builder.name = "html"
    slides_build.build_slides(app, None)
    assert calls == [tmp_path]


# -- the real decks -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    decks = {deck.name: deck for deck in slides.build(out)}
    return out / "slides", decks


def test_every_part_has_a_deck(built):
    _, decks = built
    assert list(decks) == PARTS
    assert [p.stem for p in slides.decks()] == PARTS


@pytest.mark.parametrize("part", PARTS)
def test_deck_shape(built, part):
    out, decks = built
    deck = decks[part]
    assert 8 <= len(deck.slides) <= 14, f"{part}: {len(deck.slides)} slides"
    titles = [s.title.lower() for s in deck.slides]
    assert "discussion" in titles, f"{part}: no discussion slide"
    assert "try it" in titles, f"{part}: no 'try it' slide"
    try_it = deck.slides[titles.index("try it")].html
    assert "../book/" in try_it and "#interactive-demo" in try_it, "try it links to the demos"
    for slide in deck.slides:
        assert slide.bullets <= 6
    page = (out / f"{part}.html").read_text()
    assert '<html lang="en">' in page and "<title>" in page
    for src in re.findall(r'src="([^"]+)"', page):
        assert src in {"slides.js"} or src.startswith("img/"), src
        assert (out / src).is_file(), src
    for href in re.findall(r'href="([^"]+)"', page):
        assert not urlparse(href).scheme or href.startswith("data:"), f"absolute link {href}"
    for img in re.findall(r"<img [^>]*>", page):
        assert re.search(r'alt="[^"]{20,}"', img), f"short or missing alt text: {img[:80]}"


def test_every_image_is_a_png_from_a_notebook(built):
    out, decks = built
    names = set()
    for deck in decks.values():
        for name, data in deck.images.items():
            path = out / "img" / name
            assert path.read_bytes() == data
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            names.add(name)
    assert names == {p.name for p in (out / "img").iterdir()}
    used = sum(len(d.figures) for d in decks.values() if d.name != "living")
    assert used >= 3 * 6, "the decks of Parts I to III carry the chapters' figures"


def test_the_index_lists_every_deck(built):
    out, decks = built
    index = (out / "index.html").read_text()
    for name, deck in decks.items():
        assert f'href="{name}.html"' in index
        assert f"{len(deck.slides)} slides" in index


# -- in headless Chromium -----------------------------------------------------------------------
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built):
    out, _ = built
    handler = functools.partial(_QuietHandler, directory=str(out.parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/slides"
    httpd.shutdown()


def _open(browser, url, problems, **context):
    ctx = browser.new_context(**context)
    page = ctx.new_page()

    def host(request):
        u = urlparse(request.url)
        if u.scheme not in {"file", "data"} and u.hostname != "127.0.0.1":
            problems.append(f"request to another host: {request.url}")

    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status} {r.url}"))
    page.on("request", host)
    page.goto(url, wait_until="load")
    return ctx, page


_STATE = "() => [location.hash, document.querySelector('.counter').textContent]"
_VISIBLE = "() => [...document.querySelectorAll('.slide')].filter(s => !s.hidden).map(s => s.id)"
_BROKEN_IMAGES = """() => [...document.images]
    .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"""
# every element of the visible slide inside the slide; no clipped text block; no page scroll
_OVERFLOW = """() => {
  const slide = [...document.querySelectorAll('.slide')].find(s => !s.hidden);
  const box = slide.getBoundingClientRect(), tol = 1.5;
  const out = [];
  for (const el of slide.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < box.left - tol || r.right > box.right + tol ||
        r.top < box.top - tol || r.bottom > box.bottom + tol)
      out.push(el.tagName + '.' + el.className + ' ' + (el.textContent || '').slice(0, 40));
  }
  for (const el of slide.querySelectorAll('pre, .text, .body, .media'))
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
      out.push('clipped ' + el.tagName + '.' + el.className);
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth || box.right > window.innerWidth + tol || box.left < -tol)
    out.push('page wider than the window');
  return out;
}"""


@pytest.mark.browser
@pytest.mark.site
@pytest.mark.parametrize("part", PARTS)
def test_deck_works_in_chromium(browser, server, built, part):
    n = len(built[1][part].slides)
    problems: list[str] = []
    ctx, page = _open(browser, f"{server}/{part}.html", problems)
    assert page.title() and page.evaluate("document.documentElement.lang") == "en"
    assert page.evaluate(_STATE) == ["", f"1 / {n}"]
    assert page.evaluate(_VISIBLE) == ["slide-1"]
    page.keyboard.press("ArrowRight")
    assert page.evaluate(_STATE) == ["#2", f"2 / {n}"]
    page.keyboard.press("Space")
    assert page.evaluate(_STATE) == ["#3", f"3 / {n}"]
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(_STATE) == ["#2", f"2 / {n}"]
    page.keyboard.press("End")
    assert page.evaluate(_STATE) == [f"#{n}", f"{n} / {n}"]
    page.keyboard.press("Home")
    assert page.evaluate(_STATE) == ["#1", f"1 / {n}"]
    # the right half of the slide goes forward, the left half back (clicks on the headings);
    # the buttons too
    size = page.viewport_size
    page.mouse.click(size["width"] * 0.8, size["height"] * 0.4)
    assert page.evaluate(_STATE)[0] == "#2"
    page.mouse.click(size["width"] * 0.2, size["height"] * 0.12)
    assert page.evaluate(_STATE)[0] == "#1"
    page.get_by_role("button", name="Next slide").click()
    assert page.evaluate(_STATE)[0] == "#2"
    # a link to a slide opens that slide
    page.goto(f"{server}/{part}.html#4", wait_until="load")
    page.reload(wait_until="load")
    assert page.evaluate(_STATE) == ["#4", f"4 / {n}"]
    assert page.evaluate(_VISIBLE) == ["slide-4"]
    assert page.evaluate(_BROKEN_IMAGES) == []
    # notes are hidden, and shown with ?notes
    assert page.locator(".notes:visible").count() == 0
    page.goto(f"{server}/{part}.html?notes#1", wait_until="load")
    panel = page.locator(".notes-panel")
    assert panel.is_visible() and len(panel.inner_text()) > 20
    # ?print and the print stylesheet show every slide
    page.goto(f"{server}/{part}.html?print", wait_until="load")
    assert len(page.evaluate(_VISIBLE)) == n
    page.goto(f"{server}/{part}.html#2", wait_until="load")
    page.emulate_media(media="print")
    assert page.locator(".slide:visible").count() == n
    assert page.locator(".controls").is_hidden()
    ctx.close()
    assert problems == []


@pytest.mark.browser
@pytest.mark.site
def test_deck_works_from_a_file(browser, built):
    out, decks = built
    problems: list[str] = []
    ctx, page = _open(browser, (out / "collapse.html").as_uri(), problems)
    page.keyboard.press("ArrowRight")
    assert page.evaluate(_STATE) == ["#2", f"2 / {len(decks['collapse'].slides)}"]
    assert page.evaluate(_BROKEN_IMAGES) == []
    assert page.locator(".slide:visible img").count() >= 1
    ctx.close()
    assert problems == []


@pytest.mark.browser
@pytest.mark.site
def test_swipe_changes_the_slide(browser, server):
    problems: list[str] = []
    ctx, page = _open(
        browser,
        f"{server}/peak.html",
        problems,
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
    )
    swipe = """dx => {
      const stage = document.querySelector('.stage');
      const t = (x) => new Touch({identifier: 1, target: stage, clientX: x, clientY: 300});
      const start = {touches: [t(300)], changedTouches: [t(300)]};
      stage.dispatchEvent(new TouchEvent('touchstart', start));
      const end = {touches: [], changedTouches: [t(300 + dx)]};
      stage.dispatchEvent(new TouchEvent('touchend', end));
    }"""
    page.evaluate(swipe, -120)
    assert page.evaluate(_STATE)[0] == "#2"
    page.evaluate(swipe, 120)
    assert page.evaluate(_STATE)[0] == "#1"
    ctx.close()
    assert problems == []


@pytest.mark.browser
@pytest.mark.site
@pytest.mark.parametrize("size", [(1280, 720), (390, 844)], ids=["desktop", "phone"])
@pytest.mark.parametrize("part", PARTS)
def test_every_slide_fits(browser, server, built, part, size):
    width, height = size
    n = len(built[1][part].slides)
    problems: list[str] = []
    ctx, page = _open(
        browser, f"{server}/{part}.html", problems, viewport={"width": width, "height": height}
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    overflow = {}
    for i in range(1, n + 1):
        if i > 1:
            page.keyboard.press("ArrowRight")
        assert page.evaluate(_STATE)[0] == (f"#{i}" if i > 1 else "")
        if bad := page.evaluate(_OVERFLOW):
            overflow[i] = bad[:4]
        if i in (1, 3, 7):  # for a person to look at, in both themes
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                page.wait_for_timeout(100)
                page.screenshot(path=str(SHOTS / f"{part}-{i}-{width}x{height}-{scheme}.png"))
    ctx.close()
    assert overflow == {}
    assert problems == []


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make web-tools` (npm ci in web/)")
    return AXE


_AXE = """async () => (await axe.run(document)).violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}): `
              + v.nodes.slice(0, 3).map(n => n.html.slice(0, 120)).join(" | "))"""


@pytest.mark.browser
@pytest.mark.site
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("part", PARTS)
def test_no_serious_accessibility_violations(browser, server, axe_source, part, scheme):
    problems: list[str] = []
    found = {}
    # ?print shows every slide at once, so one run checks them all; then the normal view
    for query in ("?print", "?notes#2", ""):
        ctx, page = _open(browser, f"{server}/{part}.html{query}", problems, color_scheme=scheme)
        page.add_script_tag(path=str(axe_source))
        if violations := page.evaluate(_AXE):
            found[query] = violations
        ctx.close()
    assert found == {}
    assert problems == []


@pytest.mark.browser
@pytest.mark.site
def test_index_page_is_clean(browser, server, axe_source):
    problems: list[str] = []
    ctx, page = _open(browser, f"{server}/index.html", problems)
    assert page.locator("a[href$='.html']").count() >= len(PARTS)
    page.add_script_tag(path=str(axe_source))
    assert page.evaluate(_AXE) == []
    ctx.close()
    assert problems == []
