"""The teaching kit (book/teaching/): every session plan has the parts a teacher relies on, its
timing adds up to 90 minutes, and every link, label and citation it uses exists in the book.

Each check is a function of a page's text that returns a list of problems, so that the last test
can show that every check fails on a broken plan.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
TEACHING = BOOK / "teaching"
SESSIONS = ("session_peak.md", "session_synthetic.md", "session_collapse.md", "session_living.md")
HEADINGS = (
    "Learning objectives",
    "Before the session",
    "Timing",
    "Live demos",
    "Discussion questions",
    "In-class exercise",
    "Take-home assignment",
    "Reading",
)
TIMING_HEADER = ("Minutes", "Segment", "What happens")
SESSION_MINUTES = 90
# the kinds of segment every session has (matched case-insensitively in the Segment column)
SEGMENT_KINDS = ("lecture", "demo", "exercise", "discussion", "wrap-up")

_FENCE = re.compile(r"^(`{3,}|~{3,})")
_ROLE = re.compile(r"\{(doc|ref|numref|cite(?::[a-z]+)?)\}`([^`]+)`")
_QUESTION = re.compile(r"^\*\*(\d+)\.\*\*\s+\S", re.M)
_DROPDOWN = re.compile(
    r"^(:{3,}|`{3,})\{dropdown\}[^\n]*\n(?P<a>.*?)^\1\s*$"
    r"|^(:{3,}|`{3,})\{admonition\}[^\n]*\n:class:[^\n]*\bdropdown\b[^\n]*\n(?P<b>.*?)^\3\s*$",
    re.M | re.S,
)


# -- reading the pages ---------------------------------------------------------------------------
def outside_fences(text: str) -> str:
    """``text`` with fenced code blocks (```bash ... ```) blanked out, directives kept."""
    out, fence = [], None
    for line in text.splitlines():
        m = _FENCE.match(line)
        if fence is None and m and not line[m.end() :].startswith("{"):
            fence = m.group(1)
            out.append("")
        elif fence is not None:
            if line.strip() == fence:
                fence = None
            out.append("")
        else:
            out.append(line)
    return "\n".join(out)


def sections(text: str) -> list[tuple[str, str]]:
    """The ``## `` sections of a page, in order: (heading, body)."""
    parts = re.split(r"^## +(.+?)\s*$", outside_fences(text), flags=re.M)
    return [(parts[i].strip(), parts[i + 1]) for i in range(1, len(parts), 2)]


def section(text: str, heading: str) -> str:
    bodies = [body for h, body in sections(text) if h == heading]
    return bodies[0] if bodies else ""


def roles(text: str, kind: str) -> list[str]:
    """Targets of the ``{kind}`` roles in ``text`` (``title <target>`` gives ``target``)."""
    found = []
    for name, content in _ROLE.findall(outside_fences(text)):
        if name.split(":")[0] != kind:
            continue
        m = re.fullmatch(r"(?s).*<([^>]+)>\s*", content)
        found.append((m.group(1) if m else content).strip())
    return found


def book_sources() -> dict[Path, str]:
    """The Markdown of every page of the book: .md files and the Markdown cells of notebooks."""
    pages = {}
    for path in sorted(BOOK.rglob("*")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        if path.suffix == ".md":
            pages[path] = path.read_text()
        elif path.suffix == ".ipynb":
            cells = json.loads(path.read_text())["cells"]
            pages[path] = "\n".join(
                "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
            )
    return pages


def book_labels() -> dict[str, bool]:
    """Every label a {ref} can point to, and whether a {ref} without a title may use it.

    ``:label:`` options (exercises, which have titles) and ``(label)=`` targets placed just
    before a heading lend their title to the reference; a target before a paragraph has none,
    so a {ref} to it must spell one out (``{ref}`text <label>```), or the build warns.
    """
    labels: dict[str, bool] = {}
    for text in book_sources().values():
        for m in re.finditer(r"^\(([^)\s]+)\)=[ \t]*\n\s*(\S?)", text, re.M):
            labels[m.group(1)] = m.group(2) == "#"
        labels.update(dict.fromkeys(re.findall(r"^:label:\s*(\S+)\s*$", text, re.M), True))
    return labels


def bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{\s*([^,\s]+)\s*,", (BOOK / "references.bib").read_text(), re.M))


# -- the checks ----------------------------------------------------------------------------------
def heading_problems(text: str) -> list[str]:
    found = [h for h, _ in sections(text) if h in HEADINGS]
    problems = [f"missing heading '## {h}'" for h in HEADINGS if h not in found]
    problems += [f"heading '## {h}' appears {found.count(h)} times" for h in set(found)
                 if found.count(h) > 1]  # fmt: skip
    if not problems and tuple(found) != HEADINGS:
        problems.append(f"headings out of order: {found}")
    return problems


def timing_rows(text: str) -> list[list[str]]:
    """The rows of the Markdown table in the Timing section (header and separator excluded)."""
    lines = [line.strip() for line in section(text, "Timing").splitlines()]
    table = [line for line in lines if line.startswith("|")]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in table]
    if len(cells) < 2 or tuple(cells[0]) != TIMING_HEADER:
        return []
    return [row for row in cells[2:] if row]


def timing_problems(text: str) -> list[str]:
    rows = timing_rows(text)
    if not rows:
        return [f"no table with the columns {' | '.join(TIMING_HEADER)} under '## Timing'"]
    problems, total = [], 0
    for row in rows:
        if len(row) != len(TIMING_HEADER):
            problems.append(f"row with {len(row)} cells: {row}")
            continue
        minutes, segment, what = row
        if not re.fullmatch(r"[1-9]\d*", minutes):
            problems.append(f"minutes {minutes!r} of {segment!r} are not a positive integer")
            continue
        if not segment or not what:
            problems.append(f"row without a segment or a description: {row}")
        total += int(minutes)
    if total != SESSION_MINUTES:
        problems.append(f"the minutes add up to {total}, not {SESSION_MINUTES}")
    segments = " ".join(row[1].lower() for row in rows if len(row) > 1)
    problems += [
        f"no {kind} segment in the timing" for kind in SEGMENT_KINDS if kind not in segments
    ]
    return problems


def discussion_problems(text: str) -> list[str]:
    body = section(text, "Discussion questions")
    starts = list(_QUESTION.finditer(body))
    numbers = [int(m.group(1)) for m in starts]
    problems = []
    if not 3 <= len(starts) <= 5:
        problems.append(f"{len(starts)} discussion questions ('**N.** ...'), not 3 to 5")
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"questions numbered {numbers}")
    ends = [m.start() for m in starts[1:]] + [len(body)]
    for m, end in zip(starts, ends, strict=True):
        notes = list(_DROPDOWN.finditer(body, m.end(), end))
        if len(notes) != 1:
            problems.append(f"question {m.group(1)} has {len(notes)} collapsed notes, not 1")
        elif not (notes[0].group("a") or notes[0].group("b") or "").strip():
            problems.append(f"question {m.group(1)}: its collapsed notes are empty")
    return problems


def exercise_problems(text: str) -> list[str]:
    labels = [r for r in roles(section(text, "In-class exercise"), "ref") if r.startswith("ex-")]
    return [] if labels else ["the in-class exercise names no chapter exercise ({ref}`ex-...`)"]


def assignment_problems(text: str) -> list[str]:
    body = section(text, "Take-home assignment")
    rubric = [line for line in body.splitlines() if line.strip().startswith("|")]
    return [] if len(rubric) >= 4 else ["the take-home assignment has no rubric table"]


def reading_problems(text: str) -> list[str]:
    cites = roles(section(text, "Reading"), "cite")
    return [] if len(cites) >= 3 else [f"the reading list cites {len(cites)} works, fewer than 3"]


def link_problems(text: str, page: Path, labels: dict[str, bool], keys: set[str]) -> list[str]:
    problems = []
    for target in roles(text, "doc"):
        base = ROOT if target.startswith("/") else page.parent
        path = (base / target.lstrip("/")).resolve()
        if not any(path.with_name(path.name + ext).is_file() for ext in (".ipynb", ".md")):
            problems.append(f"{{doc}}`{target}`: no notebook or page {path.relative_to(ROOT)}")
    for kind in ("ref", "numref"):
        problems += [
            f"{{{kind}}}`{t}`: no such label" for t in roles(text, kind) if t not in labels
        ]
    for content in (c.strip() for name, c in _ROLE.findall(outside_fences(text)) if name == "ref"):
        if not labels.get(content, True):
            problems.append(f"{{ref}}`{content}` points to a paragraph: give it a title")
    for content in roles(text, "cite"):
        for key in (k.strip() for k in content.split(",")):
            if key not in keys:
                problems.append(f"{{cite}} key {key!r} is not in book/references.bib")
    return problems


# -- the tests -----------------------------------------------------------------------------------
def pages() -> list[Path]:
    return sorted(TEACHING.rglob("*.md"))


@pytest.fixture(scope="module")
def labels() -> dict[str, bool]:
    return book_labels()


@pytest.fixture(scope="module")
def keys() -> set[str]:
    return bib_keys()


def test_the_kit_is_complete():
    names = {p.name for p in pages()}
    assert {"index.md", "running.md", *SESSIONS} <= names
    index = (TEACHING / "index.md").read_text()
    linked = set(roles(index, "doc"))
    for name in ("running", *(s.removesuffix(".md") for s in SESSIONS)):
        assert name in linked, f"index.md does not link {name}"


@pytest.mark.parametrize("name", SESSIONS)
def test_plan_has_its_headings_in_order(name):
    assert heading_problems((TEACHING / name).read_text()) == []


@pytest.mark.parametrize("name", SESSIONS)
def test_plan_timing_adds_up_to_90_minutes(name):
    assert timing_problems((TEACHING / name).read_text()) == []


@pytest.mark.parametrize("name", SESSIONS)
def test_plan_has_3_to_5_discussion_questions_with_collapsed_notes(name):
    assert discussion_problems((TEACHING / name).read_text()) == []


@pytest.mark.parametrize("name", SESSIONS)
def test_plan_has_an_exercise_an_assignment_and_a_reading_list(name):
    text = (TEACHING / name).read_text()
    assert exercise_problems(text) + assignment_problems(text) + reading_problems(text) == []


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.name)
def test_every_doc_ref_and_cite_exists(page, labels, keys):
    assert link_problems(page.read_text(), page, labels, keys) == []


def test_the_label_scan_finds_the_chapters_exercises(labels):
    # a broken scan would make the link test vacuous
    assert {"ex-stock-doubling", "ex-gaussian-halflife", "scaling-overtraining"} <= set(labels)
    assert labels["scaling-overtraining"] and not labels["text-loss-of-variety"]


def test_every_check_catches_a_broken_plan(labels, keys):
    page = TEACHING / "session_peak.md"
    good = page.read_text()
    assert heading_problems(good) == timing_problems(good) == discussion_problems(good) == []
    assert link_problems(good, page, labels, keys) == []

    def broken(old: str, new: str, count: int = 1) -> str:
        assert old in good, old
        return good.replace(old, new, count)

    def says(problems: list[str], what: str) -> bool:
        return any(what in problem for problem in problems)

    # headings: one missing, two swapped
    assert says(heading_problems(broken("## Reading", "## Further reading")), "missing")
    swapped = broken("## Live demos", "## TMP").replace("## Timing", "## Live demos")
    assert says(heading_problems(swapped.replace("## TMP", "## Timing")), "out of order")
    # timing: a wrong total, a fraction, a missing kind of segment, a renamed column
    first = timing_rows(good)[0]
    row = f"| {first[0]} | {first[1]} |"
    assert says(timing_problems(broken(row, f"| {int(first[0]) + 1} | {first[1]} |")), "add up")
    assert says(timing_problems(broken(row, f"| {first[0]}.5 | {first[1]} |")), "positive integer")
    assert says(timing_problems(broken(row, f"| 0 | {first[1]} |")), "positive integer")
    assert says(timing_problems(good.replace("Wrap-up", "Closing")), "no wrap-up segment")
    assert says(timing_problems(broken("| Minutes |", "| Min |")), "no table")
    # discussion: notes not collapsed, too many questions, too few
    assert says(discussion_problems(broken(":class: dropdown", ":class: tip")), "collapsed notes")
    body = section(good, "Discussion questions")
    count = len(_QUESTION.findall(body))

    def extra(n: int) -> str:
        return (
            f"\n**{n}.** Another?\n\n:::{{admonition}} Teacher notes\n:class: dropdown\n\nN.\n:::\n"
        )

    more = body + "".join(extra(n) for n in range(count + 1, 7))
    assert says(discussion_problems(good.replace(body, more)), "not 3 to 5")
    if count < 5:  # one more question, with its notes, is still fine
        assert discussion_problems(good.replace(body, body + extra(count + 1))) == []
    fewer = body[: list(_QUESTION.finditer(body))[2].start()]
    assert says(discussion_problems(good.replace(body, fewer)), "not 3 to 5")
    # exercise, rubric, reading
    exercise = section(good, "In-class exercise")
    assert exercise_problems(good.replace(exercise, "\nAny exercise.\n"))
    assert assignment_problems(good.replace(section(good, "Take-home assignment"), "\nWrite.\n"))
    assert reading_problems(good.replace(section(good, "Reading"), "\n- a book\n"))
    # links: a missing notebook, label and citation key
    assert says(
        link_problems(broken("{doc}`../peak/stock`", "{doc}`../peak/stocks`"), page, labels, keys),
        "no notebook",
    )
    assert says(
        link_problems(broken("{ref}`ex-stock-doubling`", "{ref}`ex-stock-x`"), page, labels, keys),
        "no such label",
    )
    assert says(
        link_problems(broken("`villalobos2024run`", "`villalobos2025run`"), page, labels, keys),
        "references.bib",
    )
    untitled = broken("{ref}`ex-stock-doubling`", "{ref}`text-loss-of-variety`")
    assert says(link_problems(untitled, page, labels, keys), "give it a title")
