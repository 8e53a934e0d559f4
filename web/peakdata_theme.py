"""Sphinx extension: the theme's stylesheet and icon font cut down to what the site uses.

pydata-sphinx-theme ships one render-blocking stylesheet (Bootstrap, the theme, FontAwesome's
catalogue of some 2,000 icons: 65 KB gzipped, nine tenths unused on any page) and draws its
twenty-odd icons with two FontAwesome webfonts (270 KB). At the end of the build this extension

* reads every built page and every script the site serves for the class names they use or add
  (a class counts if its name appears anywhere in them: conservative on purpose);
* drops each rule of the theme's stylesheet whose selectors all name a class that appears
  nowhere (the icons the book never shows among them), keeping rules without classes, at-rules
  such as @font-face and @keyframes, and classes Bootstrap builds at run time (``bs-*``);
* subsets the FontAwesome fonts (fontTools) to the glyphs the remaining rules draw;
* writes the result as ``_static/styles/peakdata-theme.css``, which the template
  ``web/_templates/static/webpack-macros.html`` links instead of the theme's stylesheet.

Should anything fail, the build warns and copies the theme's stylesheet unchanged under that name.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

THEME_CSS = "_static/styles/pydata-sphinx-theme.css"
SITE_CSS = "_static/styles/peakdata-theme.css"
FONTS = "_static/vendor/fontawesome/webfonts"
CSS_STRING = re.compile(r'(?:content|--[a-z0-9-]+):\s*"([^"]*)"')
FONT_FACE = re.compile(r"@font-face\{[^}]*\}")


def css_string(value: str) -> str:
    """The text of a CSS string body: `\\f105` and `\\30 ` escapes decoded."""
    return re.sub(
        r"\\([0-9a-fA-F]{1,6}) ?|\\(.)",
        lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2),
        value,
    )


def prune(css: str, used: set[str]) -> tuple[str, set[str]]:
    """The rules of the stylesheet the site can use, and the characters their strings draw
    (the icons: ``content: "\\f002"`` and the theme's ``--pst-icon-*`` variables)."""
    pruned = purge(css, used)
    glyphs = {g for value in CSS_STRING.findall(pruned) for g in css_string(value)}
    return pruned, {g for g in glyphs if g.strip()}


# -- unused rules -------------------------------------------------------------------------------
TOKEN = re.compile(r"-?[A-Za-z_][\w-]*")
GROUPS = ("@media", "@supports", "@layer", "@container")


def used_tokens(outdir: Path) -> set[str]:
    """Every word of every page and of every script a page loads: the class names the site can
    use. (Scripts copied but loaded by no page, such as the widget manager, which bundles
    FontAwesome's catalogue, or the theme's fontawesome.js, do not count.)"""
    tokens: set[str] = set()
    scripts: set[Path] = set()
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        tokens |= set(TOKEN.findall(text))
        for src in re.findall(r'<script[^>]*\ssrc="([^"?#]+)', text):
            scripts.add((page.parent / src).resolve())
    if any(s.name == "explorables.js" for s in scripts):  # it loads Vega when a chart shows
        scripts |= set((outdir / "_static" / "vendor" / "vega").glob("*.js"))
    for script in scripts:
        if script.is_file():
            tokens |= set(TOKEN.findall(script.read_text(encoding="utf-8", errors="replace")))
    return tokens


def _scan(css: str, start: int, stops: str) -> int:
    """Index of the first character of ``stops`` at depth 0 from ``start`` (strings, comments
    and nested braces skipped), or len(css)."""
    depth, i, quote = 0, start, None
    while i < len(css):
        c = css[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif css.startswith("/*", i):
            i = css.find("*/", i + 2)
            i = len(css) if i < 0 else i + 1
        elif c in stops and depth == 0:
            return i
        elif c in "{(":
            depth += 1
        elif c in "})":
            depth -= 1
        i += 1
    return len(css)


def _selectors(prelude: str) -> list[str]:
    out, start = [], 0
    while start <= len(prelude):
        end = _scan(prelude, start, ",")
        out.append(prelude[start:end])
        start = end + 1
    return out


def _selector_used(selector: str, used: set[str]) -> bool:
    if "\\" in selector:
        return True
    # a class inside :not(), :is(), :where(), :has() does not have to be present to match
    bare = re.sub(r"\[[^\]]*\]", "", selector)
    while "(" in bare:
        inner = re.sub(r"\([^()]*\)", "", bare)
        if inner == bare:
            break
        bare = inner
    return all(c in used or c.startswith("bs-") for c in re.findall(r"\.(-?[A-Za-z_][\w-]*)", bare))


def purge(css: str, used: set[str]) -> str:
    """The rules of ``css`` whose selectors can match a page of the site."""
    out, i = [], 0
    while i < len(css):
        brace = _scan(css, i, "{;")
        if brace >= len(css):
            out.append(css[i:])
            break
        if css[brace] == ";":  # @charset, @import
            out.append(css[i : brace + 1])
            i = brace + 1
            continue
        end = _scan(css, brace + 1, "}")
        prelude, body = css[i:brace], css[brace + 1 : end]
        i = end + 1
        head = prelude.strip()
        if head.startswith(GROUPS):
            inner = purge(body, used)
            if inner.strip():
                out.append(f"{prelude}{{{inner}}}")
        elif head.startswith("@") or not head:
            out.append(f"{prelude}{{{body}}}")
        else:
            kept = [s for s in _selectors(prelude) if _selector_used(s, used)]
            if kept:
                out.append(",".join(kept) + f"{{{body}}}")
    return "".join(out)


def subset_fonts(outdir: Path, css: str, glyphs: set[str], extra_css: list[str]) -> str:
    """Subset each woff2 font the stylesheet's @font-face rules name; point the rules at them."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    for text in extra_css:  # other stylesheets may draw icons with the same fonts
        if "Font Awesome" in text:
            for value in CSS_STRING.findall(text):
                glyphs |= {g for g in css_string(value) if g.strip()}
    styles = outdir / THEME_CSS
    out = css
    for face in FONT_FACE.findall(css):
        woff2 = re.search(r"url\(([^)]+\.woff2)\)", face)
        if not woff2 or "Font Awesome" not in face:
            continue
        source = (styles.parent / woff2.group(1)).resolve()
        target = source.with_name(source.stem + ".subset.woff2")
        font = TTFont(source)
        cmap = font.getBestCmap() or {}
        options = subset.Options()
        options.flavor = "woff2"
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(g) for g in glyphs if ord(g) in cmap] or [0x20])
        subsetter.subset(font)
        font.flavor = "woff2"
        font.save(target)
        url = woff2.group(1).replace(source.name, target.name)
        new_face = re.sub(r"src:[^;}]*", f'src:url({url}) format("woff2")', face)
        out = out.replace(face, new_face)
    return out


def write_site_css(outdir: Path) -> str:
    theme = outdir / THEME_CSS
    target = outdir / SITE_CSS
    css = theme.read_text(encoding="utf-8")
    try:
        pruned, glyphs = prune(css, used_tokens(outdir))
        others = [
            p.read_text(encoding="utf-8")
            for p in (outdir / "_static").rglob("*.css")
            if p not in (theme, target) and "vendor" not in p.parts
        ]
        pruned = subset_fonts(outdir, pruned, glyphs, others)
    except Exception as error:  # noqa: BLE001 (the site must keep its icons whatever happens)
        logger.warning("peakdata_theme: stylesheet not cut (%s); the theme's is used", error)
        shutil.copyfile(theme, target)
        return "copied"
    target.write_text(pruned, encoding="utf-8")
    fonts = sum(p.stat().st_size for p in (outdir / FONTS).glob("*.subset.woff2"))
    return f"{len(css) // 1024} -> {len(pruned) // 1024} KB of stylesheet, fonts {fonts // 1024} KB"


def _finish(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        logger.info("peakdata_theme: %s", write_site_css(Path(app.outdir)))


def setup(app):
    app.connect("build-finished", _finish)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
