"""Sphinx extension: the book's maths typeset at build time with KaTeX, so pages ship no MathJax.

Each formula is rendered once by KaTeX (``web/katex/katex.min.js``, vendored from npm by
``web/vendor.sh``) in one Node.js process that lives as long as the build. A page then carries
HTML and MathML (read by screen readers) and needs only a stylesheet and the few glyphs it
draws: at the end of the build the KaTeX fonts are cut down (fontTools) to the characters the
site's formulas use, and written with the stylesheet to ``_static/katex/``.

Without Node.js the build falls back to MathJax (served from the site, ``mathjax_path``) and
says so; the pages then work as before, only heavier.
"""

from __future__ import annotations

import html.parser
import json
import re
import shutil
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

KATEX = Path(__file__).resolve().parent / "katex"
RENDERER = "peakdata_katex"
CSS = "katex/katex.css"  # under _static
OPTIONS = {"output": "htmlAndMathml", "throwOnError": True, "strict": "ignore", "trust": False}
WORKER = r"""
const katex = require(process.argv[1]);
const options = JSON.parse(process.argv[2]);
require("readline").createInterface({ input: process.stdin }).on("line", (line) => {
  const { tex, display } = JSON.parse(line);
  let answer;
  try {
    answer = { html: katex.renderToString(tex, { ...options, displayMode: display }) };
  } catch (error) {
    answer = { error: String(error.message || error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
"""


class KatexError(ValueError):
    pass


class Katex:
    """One Node.js process rendering TeX to HTML, a line of JSON per formula; results cached."""

    def __init__(self, node: str) -> None:
        self.node = node
        self.process: subprocess.Popen | None = None
        self.cache: dict[tuple[str, bool], str] = {}

    def render(self, tex: str, display: bool) -> str:
        key = (tex, display)
        if key not in self.cache:
            if self.process is None or self.process.poll() is not None:
                self.process = subprocess.Popen(
                    [self.node, "-e", WORKER, str(KATEX / "katex.min.js"), json.dumps(OPTIONS)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                    encoding="utf-8",
                )
            self.process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
            self.process.stdin.flush()
            answer = json.loads(self.process.stdout.readline() or '{"error": "Node.js stopped"}')
            if "error" in answer:
                raise KatexError(answer["error"])
            self.cache[key] = answer["html"]
        return self.cache[key]

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=10)


def _render(self, node, tex: str, display: bool) -> str:
    try:
        return self.builder.app.peakdata_katex.render(tex, display)
    except KatexError as error:
        logger.warning("KaTeX cannot typeset %r: %s", tex, error, location=node)
        return f"<code>{self.encode(tex)}</code>"


def visit_math(self, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(_render(self, node, node.astext(), display=False) + "</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    tex = node.astext()
    if not node["nowrap"]:
        if node["number"]:
            number = get_node_equation_number(self, node)
            self.body.append(f'<span class="eqno">({number})')
            self.add_permalink_ref(node, _("Link to this equation"))
            self.body.append("</span>")
        # as Sphinx does for MathJax: blank lines separate equations, aligned on their `&`
        parts = [part for part in tex.split("\n\n") if part.strip()]
        if len(parts) > 1 or any(r"\\" in part for part in parts):
            tex = r"\begin{aligned}" + r"\\".join(parts) + r"\end{aligned}"
    self.body.append(_render(self, node, tex, display=True) + "</div>\n")
    raise nodes.SkipNode


# -- fonts and stylesheet -----------------------------------------------------------------------
class _Glyphs(html.parser.HTMLParser):
    """The characters drawn inside KaTeX's visible HTML (not its MathML, which is hidden)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # > 0 inside <span class="katex-html">
        self.chars: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "img", "input", "meta", "link", "hr", "path", "line"}:
            return
        if self.depth:
            self.depth += 1
        elif "katex-html" in (dict(attrs).get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth and tag not in {"path", "line"}:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.chars.update(data)


def site_glyphs(outdir: Path) -> set[str]:
    parser = _Glyphs()
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if "katex-html" in text:
            parser.depth = 0
            parser.feed(text)
    return parser.chars - {" ", "\n"}


def write_assets(outdir: Path) -> dict[str, int]:
    """Write _static/katex/: the stylesheet (woff2 fonts only) and the fonts, subset to the
    characters the site's formulas draw. Returns the bytes of each font written."""
    target = outdir / "_static" / "katex"
    (target / "fonts").mkdir(parents=True, exist_ok=True)
    css = (KATEX / "katex.min.css").read_text(encoding="utf-8")
    # the woff2 source only: every browser that runs the site's scripts reads it
    css = re.sub(r',url\(fonts/[^)]+\.woff\) format\("woff"\)', "", css)
    css = re.sub(r',url\(fonts/[^)]+\.ttf\) format\("truetype"\)', "", css)
    (target / "katex.css").write_text(css, encoding="utf-8")
    glyphs = site_glyphs(outdir)
    written = {}
    for font in sorted((KATEX / "fonts").glob("*.woff2")):
        out = target / "fonts" / font.name
        try:
            written[font.name] = subset_font(font, out, glyphs)
        except ImportError:  # fontTools without brotli cannot write woff2: ship the whole font
            shutil.copyfile(font, out)
            written[font.name] = out.stat().st_size
    return written


def subset_font(source: Path, target: Path, chars: set[str]) -> int:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.notdef_outline = True
    cmap = font.getBestCmap() or {}
    keep = [ord(c) for c in chars if ord(c) in cmap]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep or [0x20])
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(target)
    return target.stat().st_size


# -- Sphinx -------------------------------------------------------------------------------------
def _choose_renderer(app, config) -> None:
    node = shutil.which("node")
    if node and (KATEX / "katex.min.js").exists():
        config.html_math_renderer = RENDERER
        app.peakdata_katex = Katex(node)
    else:
        config.html_math_renderer = "mathjax"
        logger.info("peakdata_katex: Node.js or web/katex missing, maths is left to MathJax")


def _page_css(app, pagename, templatename, context, doctree) -> None:
    if app.builder.math_renderer_name != RENDERER or doctree is None:
        return
    if next(doctree.findall(nodes.math), None) or next(doctree.findall(nodes.math_block), None):
        app.add_css_file(CSS)


def _finish(app, exception) -> None:
    katex = getattr(app, "peakdata_katex", None)
    if katex is None:
        return
    katex.close()
    if exception is None and app.builder.format == "html":
        fonts = write_assets(Path(app.outdir))
        logger.info(
            "peakdata_katex: %d formulas, fonts subset to %.0f KB in all",
            len(katex.cache),
            sum(fonts.values()) / 1024,
        )


def setup(app):
    app.add_html_math_renderer(RENDERER, (visit_math, None), (visit_displaymath, None))
    app.connect("config-inited", _choose_renderer)
    app.connect("html-page-context", _page_css)
    app.connect("build-finished", _finish)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": False}
