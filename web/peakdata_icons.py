"""Sphinx extension: the theme's icon font cut down to the icons the site shows.

pydata-sphinx-theme draws its icons (menu, search, download, colour mode, admonitions...) with the
FontAwesome webfonts: 270 KB of fonts and a stylesheet naming some 2,000 icons, for about twenty.
At the end of the build this extension reads every built page and the theme's scripts for the
icon classes they use (``fa-bars``, ``fa-github``...), keeps those rules of the theme's stylesheet
and the icons its other rules draw (admonition icons, chevrons), subsets the three fonts to those
glyphs (fontTools) and writes the result as ``_static/styles/peakdata-theme.css``, which the
template ``web/_templates/static/webpack-macros.html`` links instead of the theme's stylesheet.
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
# one rule of FontAwesome's catalogue: `.fa-name:before,.fa-alias:before{content:"\f002"}`
CATALOGUE = re.compile(
    r'(?:(?<=\})|^)((?:\.fa-[a-z0-9-]+:{1,2}before,?)+)\{content:"([^"]*)"\}', re.M
)
NAME = re.compile(r"\.(fa-[a-z0-9-]+):{1,2}before")
USED = re.compile(r"\bfa-[a-z0-9-]+")
CSS_STRING = re.compile(r'(?:content|--[a-z0-9-]+):\s*"([^"]*)"')
FONT_FACE = re.compile(r"@font-face\{[^}]*\}")


def css_string(value: str) -> str:
    """The text of a CSS string body: `\\f105` and `\\30 ` escapes decoded."""
    return re.sub(
        r"\\([0-9a-fA-F]{1,6}) ?|\\(.)",
        lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2),
        value,
    )


def used_icon_classes(outdir: Path) -> set[str]:
    used: set[str] = set()
    for page in outdir.rglob("*.html"):
        used |= set(USED.findall(page.read_text(encoding="utf-8")))
    for script in (outdir / "_static").rglob("*.js"):
        # the theme's scripts add a few icons themselves (fontawesome.js is not served)
        if "vendor" not in script.parts and not script.name.startswith("fontawesome"):
            used |= set(USED.findall(script.read_text(encoding="utf-8", errors="replace")))
    return used


def prune(css: str, used: set[str]) -> tuple[str, set[str]]:
    """Drop the catalogue rules of icons nobody uses; return the new stylesheet and the
    characters its remaining rules draw (catalogue or not)."""
    glyphs: set[str] = set()

    def keep(match: re.Match) -> str:
        names = [n for n in NAME.findall(match.group(1)) if n in used]
        if not names:
            return ""
        glyphs.update(css_string(match.group(2)))
        return ",".join(f".{n}:before" for n in names) + f'{{content:"{match.group(2)}"}}'

    pruned = CATALOGUE.sub(keep, css)
    for value in CSS_STRING.findall(CATALOGUE.sub("", css)):
        glyphs.update(css_string(value))
    return pruned, {g for g in glyphs if g.strip()}


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
        pruned, glyphs = prune(css, used_icon_classes(outdir))
        others = [
            p.read_text(encoding="utf-8")
            for p in (outdir / "_static").rglob("*.css")
            if p not in (theme, target) and "vendor" not in p.parts
        ]
        pruned = subset_fonts(outdir, pruned, glyphs, others)
    except Exception as error:  # noqa: BLE001 (the site must keep its icons whatever happens)
        logger.warning("peakdata_icons: icons not subset (%s); theme stylesheet used", error)
        shutil.copyfile(theme, target)
        return "copied"
    target.write_text(pruned, encoding="utf-8")
    fonts = sum(p.stat().st_size for p in (outdir / FONTS).glob("*.subset.woff2"))
    return f"{len(css) // 1024} -> {len(pruned) // 1024} KB of stylesheet, fonts {fonts // 1024} KB"


def _finish(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        logger.info("peakdata_icons: %s", write_site_css(Path(app.outdir)))


def setup(app):
    app.connect("build-finished", _finish)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
