"""The glossary and the book agree: every term is defined, used and linked from a page."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "book" / "glossary.md"
_TERM = re.compile(r"\{term\}`([^`]+)`")


def _pages() -> dict[str, str]:
    """The Markdown text of every page of the book except the glossary, by path."""
    pages = {}
    for path in sorted((ROOT / "book").rglob("*")):
        if ".ipynb_checkpoints" in path.parts or path == GLOSSARY:
            continue
        if path.suffix == ".md":
            pages[str(path.relative_to(ROOT))] = path.read_text()
        elif path.suffix == ".ipynb":
            cells = json.loads(path.read_text())["cells"]
            pages[str(path.relative_to(ROOT))] = "\n".join(
                "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
            )
    return pages


def _target(role_text: str) -> str:
    """The term a {term} role points to: `text <term>` or `term`."""
    m = re.fullmatch(r"(?s).*<([^>]+)>\s*", role_text)
    return (m.group(1) if m else role_text).strip().lower()


def defined_terms() -> set[str]:
    body = GLOSSARY.read_text().split("```{glossary}", 1)[1].split("\n```", 1)[0]
    return {line.strip().lower() for line in re.findall(r"^(\S[^\n]*)\n {2}\S", body, re.M)}


def test_the_glossary_defines_terms():
    assert len(defined_terms()) >= 40


def test_every_term_link_points_to_a_defined_term():
    defined = defined_terms()
    for page, text in {**_pages(), str(GLOSSARY): GLOSSARY.read_text()}.items():
        for role in _TERM.findall(text):
            assert _target(role) in defined, f"{page}: {{term}}`{role}` is not in the glossary"


def test_every_term_is_linked_from_a_chapter():
    used = {_target(role) for text in _pages().values() for role in _TERM.findall(text)}
    unused = sorted(defined_terms() - used)
    assert not unused, f"glossary terms no page links to: {unused}"
