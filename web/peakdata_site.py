"""Sphinx extension for the Peak Data site.

* Tells the notebooks' kernels that the static site is being built (``PEAKDATA_SITE_BUILD``), so
  each demo renders as a kernel-free explorable instead of ipywidgets controls that would be dead.
* Adds the explorable loader (and its stylesheet) only to pages that show an explorable, and moves
  each explorable's data out of the page into a small script under ``_static/explorables/``: the
  loader fetches it, and Vega, Vega-Lite and vega-embed, only when the chart nears the viewport.
* Makes the notebooks' figures light: a palette PNG (256 colours, no dithering: matplotlib draws
  few colours) instead of 24-bit RGBA, loaded lazily, with its width and height in the tag so the
  page does not shift when it arrives.
* Drops the theme's header strip, which on a desktop held nothing but a second search field (the
  sidebar has one), and keeps the search index off every page but the search page (see
  ``web/_templates/layout.html``).
* Keeps MathJax (the fallback when the build has no Node.js for KaTeX, see ``peakdata_katex.py``)
  off pages without maths (Sphinx counts the root page's whole toctree as its own),
  and drops sphinx-thebe's scripts and stylesheet, which Jupyter Book 1 adds to every page
  although the book keeps thebe off (the scripts point at a runtime on a CDN).
* Mends two accessibility faults of the generated HTML (see ``HTML_FIXES``), found by axe-core.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path

from docutils import nodes

MARKER = 'class="peakdata-explorable"'
HTML_FIXES = {
    # docutils gives citations the role doc-biblioentry (deprecated in ARIA 1.2) inside a
    # role="list", which then has no list items
    'role="doc-biblioentry"': 'role="listitem"',
    # myst-nb's fixed label on "Show code cell source" hides the visible text from screen readers
    '<summary aria-label="Toggle hidden content">': "<summary>",
}
SPEC = re.compile(
    r'<script type="application/json" class="peakdata-explorable-spec">(.*?)</script>', re.S
)
DATA_DIR = "_static/explorables"  # one script per explorable, named by its content
IMG = re.compile(r"<img\b([^>]*?)\s*/?>")
OPTIMISED = ".p.png"  # suffix of a notebook figure re-encoded as a palette PNG


def _unwanted(script, has_math: bool) -> bool:
    body = getattr(script, "attributes", {}).get("body", "")
    if "sphinx-thebe" in str(script) or "THEBE_JS_URL" in body:
        return True
    return not has_math and "mathjax" in str(script).lower()


def _page_scripts(app, pagename, templatename, context, doctree) -> None:
    if doctree is None:  # generated pages (index, search): no maths, no explorables
        doctree = nodes.Element()
    if any(MARKER in node.astext() for node in doctree.findall(nodes.raw)):
        # Vega itself is loaded by explorables.js when a chart nears the viewport (as AMD
        # modules on a page that also carries require.js)
        app.add_js_file("explorables.js", defer="defer")
        app.add_css_file("explorables.css")
        if "body" in context:
            context["body"] = _externalise_data(app, context["body"], context["pathto"])
    if "body" in context:
        context["body"] = _figure_tags(app, context["body"])
    has_math = (
        next(doctree.findall(nodes.math), None) is not None
        or next(doctree.findall(nodes.math_block), None) is not None
    )
    for old, new in HTML_FIXES.items():
        if "body" in context:
            context["body"] = context["body"].replace(old, new)
    scripts = context.get("script_files", [])
    scripts[:] = [s for s in scripts if not _unwanted(s, has_math)]  # the builder's own list
    styles = context.get("css_files", [])
    styles[:] = [s for s in styles if "sphinx-thebe" not in str(s)]  # thebe is off


def _externalise_data(app, body: str, pathto) -> str:
    """Move each explorable's spec and data into _static/explorables/<digest>.js."""
    target = Path(app.outdir) / DATA_DIR
    target.mkdir(parents=True, exist_ok=True)

    def move(match: re.Match) -> str:
        data = match.group(1)
        digest = hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]
        script = target / f"{digest}.js"
        if not script.exists():
            script.write_text(
                f'(window.peakdataSpecs = window.peakdataSpecs || {{}})["{digest}"] = {data};\n',
                encoding="utf-8",
            )
        src = pathto(f"{DATA_DIR}/{digest}.js", 1)
        return (
            '<script type="application/json" class="peakdata-explorable-spec" '
            f'data-id="{digest}" data-src="{src}"></script>'
        )

    return SPEC.sub(move, body)


def _optimise_figures(app, doctree) -> None:
    """Point each PNG a notebook output holds at a palette copy of it, written once beside it."""
    for node in doctree.findall(nodes.image):
        uri = node.get("uri", "")
        if not uri.endswith(".png") or uri.endswith(OPTIMISED) or "://" in uri:
            continue
        _, path = app.env.relfn2path(uri, app.env.docname)
        source = Path(path)
        if "jupyter_execute" not in source.parts or not source.is_file():
            continue
        target = source.with_name(source.stem + OPTIMISED)
        if target.exists() or palette_png(source, target):
            node["uri"] = uri[: -len(source.name)] + target.name


def palette_png(source: Path, target: Path) -> bool:
    """Write ``source`` as a 256-colour PNG (no dithering) if it is opaque and that is smaller."""
    from PIL import Image

    with Image.open(source) as image:
        image.load()
        if image.mode in ("RGBA", "LA") and image.getchannel("A").getextrema()[0] < 255:
            return False  # transparent pixels: leave the figure as matplotlib wrote it
        palette = image.convert("RGB").quantize(
            256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
    partial = target.with_suffix(".tmp")
    palette.save(partial, "PNG", optimize=True)
    if partial.stat().st_size >= source.stat().st_size:
        partial.unlink()
        return False
    partial.replace(target)
    return True


@functools.cache
def _image_size(path: str) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as image:
        return image.size


def _figure_tags(app, body: str) -> str:
    """Figures from _images load lazily and carry their size, so nothing shifts as they arrive."""
    sources = {dest: src for src, dest in app.builder.images.items()}

    def tag(match: re.Match) -> str:
        attributes = match.group(1)
        src = re.search(r'src="([^"]*_images/([^"/]+))"', attributes)
        if not src or src.group(2) not in sources or " width=" in attributes:
            return match.group(0)
        try:
            width, height = _image_size(str(Path(app.srcdir) / sources[src.group(2)]))
        except OSError:
            return match.group(0)
        extra = f' width="{width}" height="{height}" loading="lazy" decoding="async"'
        return f"<img{attributes}{extra} />"

    return IMG.sub(tag, body)


def _header_without_search(app, config) -> None:
    # pydata-sphinx-theme puts a search field in its header unless told otherwise; under
    # sphinx-book-theme that header is an empty strip across the top of every desktop page
    config.html_theme_options.setdefault("navbar_persistent", [])


def setup(app):
    # Kernels started by the build inherit this environment (myst-nb runs them as subprocesses).
    os.environ["PEAKDATA_SITE_BUILD"] = "1"
    app.connect("config-inited", _header_without_search)
    app.connect("doctree-read", _optimise_figures, priority=400)  # before Sphinx collects images
    app.connect("html-page-context", _page_scripts, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
