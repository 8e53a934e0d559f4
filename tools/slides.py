"""Lecture slides for the teaching kit: one short deck per part, built from the book's own sources.

Usage: python tools/slides.py [--out DIR]   (default: _build/html; the decks go to DIR/slides/)

A deck is a Markdown file in teaching/slides/ at the root (a deck source, not a book page):
slides separated by lines holding only ``---``, each slide starting with a ``#`` or ``##``
heading. From the first line starting with ``Note:`` to the end of a slide, the text is speaker
notes (hidden by the viewer, shown with ``?notes``).
Three kinds of line pull material from the book, so that a slide never drifts from its chapter:

``![alt text](figure:collapse/gaussian_loop.ipynb#CELL_ID)``
    the ``image/png`` output of that code cell of the committed notebook, copied to ``slides/img/``
    (an empty alt text takes the notebook's own alt text);
``![](output:peak/stock.ipynb#CELL_ID?lines=2-3)``
    the printed text of that cell (optionally only lines 2 to 3), as a preformatted block;
``[link text](chapter:peak/scaling#interactive-demo-1-spend-a-budget)``
    a link to that chapter's page on the site (and section), checked against the notebook.

Figures and outputs are captioned with the title of the chapter they come from. A missing
notebook, cell, image or section is an error naming the deck, the slide and the reference.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import re
import shutil
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
DECKS = ROOT / "teaching" / "slides"
VIEWER = ROOT / "web" / "static" / "slides"
SITE_BOOK = "../book"  # the chapters, seen from <site>/slides/
PARTS = ("peak", "synthetic", "collapse", "living")  # the order of the book

_SPLIT = re.compile(r"^---\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_EMBED = re.compile(
    r"^!\[(?P<alt>[^\]]*)\]\((?P<kind>figure|output):(?P<nb>[^)#\s]+\.ipynb)#(?P<cell>[^)?\s]+)"
    r"(?:\?lines=(?P<first>\d+)-(?P<last>\d+))?\)\s*$"
)
_CHAPTER_LINK = re.compile(r"\]\(chapter:(?P<page>[^)#\s]+)(?:#(?P<anchor>[^)\s]+))?\)")
_NOTE = re.compile(r"^Note:\s*", re.MULTILINE)
_HEADING = re.compile(r"^(#{1,2})\s+(.+?)\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


class SlideError(ValueError):
    """A deck refers to something the book does not have, or is malformed."""


@dataclass
class Notebook:
    """A committed notebook: its title and its code cells by id."""

    path: Path
    title: str
    cells: dict[str, dict]
    headings: set[str] = field(default_factory=set)


_NOTEBOOKS: dict[tuple[Path, int], Notebook] = {}


def _slug(text: str) -> str:
    from docutils.nodes import make_id  # the rule Sphinx uses for section ids

    return make_id(text)


def _plain(text: str) -> str:
    """A MyST heading as plain text: roles reduced to their text, escapes removed."""
    text = re.sub(r"\{[a-z:]+\}`([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", text)
    return text.replace("\\", "").replace("`", "").strip()


def load_notebook(path: Path) -> Notebook:
    """Read a notebook (cached while unchanged) and index its cells by id."""
    path = path.resolve()
    key = (path, path.stat().st_mtime_ns)
    if key not in _NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        title, cells, headings = path.stem, {}, set()
        for cell in nb.get("cells", []):
            source = "".join(cell.get("source", ""))
            if cell.get("cell_type") == "markdown":
                for line in source.splitlines():
                    m = re.match(r"^(#{1,6})\s+(.+)$", line)
                    if m:
                        headings.add(_slug(_plain(m.group(2))))
                        if m.group(1) == "#" and title == path.stem:
                            title = _plain(m.group(2))
            if "id" in cell:
                cells[cell["id"]] = cell
        _NOTEBOOKS[key] = Notebook(path, title, cells, headings)
    return _NOTEBOOKS[key]


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise SlideError("not a PNG image")
    return struct.unpack(">II", data[16:24])


def _cell(ref: str, where: str, book: Path) -> tuple[Notebook, dict]:
    nb_rel, cell_id = ref.split("#", 1)
    path = book / nb_rel
    if not path.is_file():
        raise SlideError(f"{where}: {ref}: there is no notebook {path}")
    nb = load_notebook(path)
    cell = nb.cells.get(cell_id)
    if cell is None or cell.get("cell_type") != "code":
        raise SlideError(f"{where}: {ref}: {path.name} has no code cell with id {cell_id!r}")
    return nb, cell


def _figure(ref: str, where: str, book: Path) -> tuple[Notebook, bytes, str]:
    """The PNG of a cell (the last one if it has several) and the notebook's alt text."""
    nb, cell = _cell(ref, where, book)
    pngs = [
        o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    if not pngs:
        raise SlideError(
            f"{where}: {ref}: the cell has no image/png output (is the notebook executed? "
            f"run tools/execute_notebooks.py {nb.path.relative_to(book.parent)})"
        )
    data = pngs[-1]
    data = base64.b64decode("".join(data) if isinstance(data, list) else data)
    _png_size(data)
    alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")
    return nb, data, alt


def _output(
    ref: str, where: str, book: Path, first: int | None, last: int | None
) -> tuple[Notebook, str]:
    """The printed text of a cell (streams and results), optionally lines first..last."""
    nb, cell = _cell(ref, where, book)
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            parts.append("".join(out.get("text", "")))
        elif out.get("output_type") == "execute_result":
            parts.append("".join(out.get("data", {}).get("text/plain", "")))
    lines = "".join(parts).rstrip("\n").splitlines()
    if not lines:
        raise SlideError(f"{where}: {ref}: the cell prints no text")
    if first is not None:
        if not 1 <= first <= last <= len(lines):
            raise SlideError(f"{where}: {ref}: lines {first}-{last} out of range 1-{len(lines)}")
        lines = lines[first - 1 : last]
    return nb, "\n".join(line.rstrip() for line in lines)


def _chapter_href(page: str, anchor: str | None, where: str, book: Path) -> str:
    candidates = [book / f"{page}.ipynb", book / f"{page}.md"]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        raise SlideError(f"{where}: chapter:{page}: there is no book/{page}.ipynb or .md")
    if anchor and found.suffix == ".ipynb" and anchor not in load_notebook(found).headings:
        raise SlideError(
            f"{where}: chapter:{page}#{anchor}: no section with that id in {found.name}"
        )
    return f"{SITE_BOOK}/{page}.html" + (f"#{anchor}" if anchor else "")


def split_slides(text: str) -> list[str]:
    """Split a deck at lines holding only ``---`` (not inside fenced code)."""
    slides, current, fenced = [], [], False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced and _SPLIT.match(line):
            slides.append("\n".join(current).strip("\n"))
            current = []
        else:
            current.append(line)
    slides.append("\n".join(current).strip("\n"))
    return [s for s in slides if s.strip()]


@dataclass
class Slide:
    title: str
    html: str
    notes: str
    classes: list[str]
    bullets: int


@dataclass
class Deck:
    name: str
    title: str
    slides: list[Slide]
    images: dict[str, bytes]  # file name in img/ -> PNG bytes
    sources: list[str]  # the figure and output references used

    @property
    def figures(self) -> list[str]:
        return [s for s in self.sources if s.startswith("figure:")]


_MD = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")


def _embed(
    m: re.Match, where: str, book: Path, images: dict[str, bytes], sources: list[str]
) -> tuple[str, float]:
    """A figure or an output block as HTML, and its aspect ratio (width / height; 0 for text)."""
    ref = f"{m['nb']}#{m['cell']}"
    page = m["nb"][: -len(".ipynb")]
    esc = html.escape
    if m["kind"] == "figure":
        nb, data, nb_alt = _figure(ref, where, book)
        alt = m["alt"].strip() or nb_alt
        if not alt:
            raise SlideError(f"{where}: figure:{ref}: no alt text in the deck or the notebook")
        name = re.sub(r"[^A-Za-z0-9_-]+", "_", f"{page}_{m['cell']}") + ".png"
        images[name] = data
        width, height = _png_size(data)
        sources.append(f"figure:{ref}")
        body = f'<img src="img/{name}" alt="{esc(alt)}" width="{width}" height="{height}">'
        kind, aspect = "figure", width / height
    else:
        first = int(m["first"]) if m["first"] else None
        last = int(m["last"]) if m["last"] else None
        nb, text = _output(ref, where, book, first, last)
        sources.append(f"output:{ref}" + (f"?lines={first}-{last}" if first else ""))
        label = m["alt"].strip() or f"Output printed by {nb.title}"
        cols = max(len(line) for line in text.splitlines())
        body = (
            f'<pre class="output" style="--cols: {max(cols, 40)}" tabindex="0" '
            f'aria-label="{esc(label)}">{esc(text)}</pre>'
        )
        kind, aspect = "output", 0.0
    caption = (
        f'<figcaption>From <a href="{SITE_BOOK}/{esc(page)}.html"><cite>{esc(nb.title)}</cite></a>'
        f"</figcaption>"
    )
    return f'<figure class="{kind}">{body}{caption}</figure>', aspect


_LAYOUT = re.compile(r"^<!--\s*layout:\s*(side|stack)\s*-->$")


def render_slide(source: str, where: str, book: Path, images: dict, sources: list) -> Slide:
    """One slide's Markdown as HTML: its heading, its text, its figures, and its notes."""
    lines = source.splitlines()
    m = _HEADING.match(lines[0]) if lines else None
    if not m:
        raise SlideError(
            f"{where}: a slide must start with a # or ## heading, not {lines[0][:40]!r}"
        )
    title = _plain(m.group(2))
    notes_at = _NOTE.search(source)
    body, notes = (
        (source, "") if notes_at is None else (source[: notes_at.start()], source[notes_at.end() :])
    )

    def links(text: str) -> str:
        return _CHAPTER_LINK.sub(
            lambda x: "](" + _chapter_href(x["page"], x["anchor"], where, book) + ")", text
        )

    text, media, kinds, layout, bullets = [], [], set(), None, 0
    for line in links(body).splitlines()[1:]:
        if e := _EMBED.match(line.strip()):
            media.append(_embed(e, where, book, images, sources))
            kinds.add(e["kind"])
        elif lay := _LAYOUT.match(line.strip()):
            layout = lay.group(1)
        else:
            text.append(line)
            bullets += bool(_BULLET.match(line) and not line.startswith(" "))
    if bullets > 6:
        raise SlideError(f"{where}: {bullets} bullets; keep a slide to 6 or fewer")
    text_html = _MD.render("\n".join(text)).strip()
    if text_html:
        kinds.add("text")
    figures = [(block, aspect) for block, aspect in media if aspect]
    if layout is None:  # one figure that is not too wide sits beside the text
        layout = "side" if text_html and len(figures) == 1 and figures[0][1] < 2.1 else "stack"
    if layout == "side" and text_html:  # the text column takes the printed outputs too
        left = text_html + "".join(block for block, aspect in media if not aspect)
        parts = [f'<div class="text">{left}</div>']
        parts.append(f'<div class="media">{"".join(block for block, _ in figures)}</div>')
    else:
        parts = [f'<div class="text">{text_html}</div>'] if text_html else []
        if media:
            parts.append(f'<div class="media">{"".join(block for block, _ in media)}</div>')
    cls = "title" if m.group(1) == "#" else "heading"
    heading = f'<h2 class="{cls}">{_MD.renderInline(m.group(2))}</h2>'
    html_ = heading + f'\n<div class="body">{"".join(parts)}</div>'
    notes_html = _MD.render(links(notes)) if notes.strip() else ""
    classes = sorted(f"has-{k}" for k in kinds) + ([layout] if media and text_html else [])
    return Slide(title, html_, notes_html, classes, bullets)


def load_deck(path: Path, book: Path = BOOK) -> Deck:
    """Parse and render one deck, pulling its figures and outputs from the notebooks."""
    slides, images, sources = [], {}, []
    for i, source in enumerate(split_slides(path.read_text(encoding="utf-8")), start=1):
        where = f"{path.name}, slide {i}"
        slides.append(render_slide(source, where, book, images, sources))
    if not slides:
        raise SlideError(f"{path.name}: no slides")
    return Deck(path.stem, slides[0].title, slides, images, sources)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{title}: slides | Peak Data</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="slides.css">
<script src="slides.js" defer></script>
</head>
<body class="deck-page">
<h1 class="visually-hidden">{title}</h1>
<main class="stage" aria-roledescription="slide deck" aria-label="{title}">
<div class="deck" id="deck">
{slides}
</div>
</main>
<section class="notes-panel" aria-label="Speaker notes" hidden></section>
<nav class="controls" aria-label="Slides">
<a class="home" href="index.html" aria-label="All decks">☰</a>
<button type="button" class="prev" aria-label="Previous slide">‹</button>
<span class="counter" aria-live="polite">1 / {count}</span>
<button type="button" class="next" aria-label="Next slide">›</button>
</nav>
</body>
</html>
"""

_SLIDE = """<section class="slide {classes}" id="slide-{n}" aria-roledescription="slide"
 aria-label="{n} of {count}: {label}">
{html}
{notes}</section>"""

_INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Lecture slides | Peak Data</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="slides.css">
</head>
<body class="index-page">
<main>
<h1>Lecture slides</h1>
<p>One short deck per part of <a href="../index.html">Peak Data</a>, for the lecture segments of
the <a href="../book/teaching/index.html">session plans</a>. Keys: → or space for the next slide, ←
for the previous one, Home and End; click or tap the right or left half, or swipe. Add
<code>?notes</code> to the address for the speaker notes, <code>?print</code> to print one slide
per page; <code>#5</code> opens slide 5.</p>
<ul class="decks">
{items}
</ul>
</main>
</body>
</html>
"""


def render_page(deck: Deck) -> str:
    esc = html.escape
    count = len(deck.slides)
    parts = []
    for n, slide in enumerate(deck.slides, start=1):
        classes = " ".join(slide.classes)
        notes = f'<aside class="notes">{slide.notes}</aside>\n' if slide.notes else ""
        parts.append(
            _SLIDE.format(
                classes=classes,
                n=n,
                count=count,
                label=esc(slide.title),
                html=slide.html,
                notes=notes,
            )
        )
    return _PAGE.format(title=esc(deck.title), slides="\n".join(parts), count=count)


def decks(source_dir: Path = DECKS) -> list[Path]:
    """The deck sources, in the order of the book's parts, then any others by name."""
    found = {p.stem: p for p in source_dir.glob("*.md")}
    order = [found.pop(p) for p in PARTS if p in found]
    return order + [found[k] for k in sorted(found)]


def build(out_dir: Path, source_dir: Path = DECKS, book: Path = BOOK) -> list[Deck]:
    """Write ``out_dir/slides/``: one page per deck, the viewer, the images and an index."""
    target = Path(out_dir) / "slides"
    built = [load_deck(p, book) for p in decks(source_dir)]  # fail before writing anything
    (target / "img").mkdir(parents=True, exist_ok=True)
    for name in ("slides.js", "slides.css"):
        shutil.copyfile(VIEWER / name, target / name)
    items = []
    for deck in built:
        (target / f"{deck.name}.html").write_text(render_page(deck), encoding="utf-8")
        for name, data in deck.images.items():
            (target / "img" / name).write_bytes(data)
        items.append(
            f'<li><a href="{deck.name}.html">{html.escape(deck.title)}</a> '
            f'<span class="count">{len(deck.slides)} slides</span></li>'
        )
    (target / "index.html").write_text(_INDEX.format(items="\n".join(items)), encoding="utf-8")
    return built


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "html")
    args = parser.parse_args(argv)
    try:
        built = build(args.out)
    except SlideError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for deck in built:
        print(f"{deck.name}: {len(deck.slides)} slides, {len(deck.figures)} figures")
    print(f"written to {args.out / 'slides'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
