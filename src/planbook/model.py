"""The one model every part of planbook reads: a parsed plan and the findings about it.

Plain dataclasses on purpose: they are built a thousand times per lint run and must cost
little to create. Every line number is 1-based and refers to the original file. `Finding`
is defined in `planbook.finding`, which a run the cache answers imports without this module.
"""

from __future__ import annotations

import bisect
from dataclasses import field
from functools import lru_cache
from typing import Any

from planbook.finding import SEVERITIES, Finding  # noqa: F401 - the model's names, for callers
from planbook.records import record


@record(slots=True, many=True)
class Field:
    """One frontmatter key with the value YAML gave it and where it stands."""

    key: str
    value: Any
    line: int
    column: int = 1
    value_line: int = 0
    value_column: int = 1
    raw: str = ""  # the value's source text on its line, as written
    style: str | None = None  # YAML scalar style: None for plain, "'" or '"' when quoted


@record(slots=True, many=True)
class Section:
    """A heading and everything under it until the next heading of the same or higher level."""

    level: int
    title: str  # heading text without its number
    number: str  # "4.2" for "## 4.2 API Layer", "" when unnumbered
    line: int
    end_line: int = 0  # last line that belongs to the section, subsections included
    heading: str = ""  # the full heading text as written
    children: list[Section] = field(default_factory=list)
    parent: Section | None = field(default=None, repr=False)
    has_content: bool = False  # any non-blank line before the first subsection
    key: str = ""  # the title normalized for matching against a doc type

    def __post_init__(self):
        if not self.key:
            self.key = title_key(self.title)

    def titled(self, wanted: str) -> bool:
        """Whether this is the section a doc type calls `wanted` (a `title_key`)."""
        return title_matches(self.key, wanted)

    def path(self) -> list[Section]:
        out: list[Section] = []
        node: Section | None = self
        while node is not None and node.level > 0:
            out.append(node)
            node = node.parent
        return out[::-1]

    def walk(self):
        """Every section under this one, in document order (depth first, parents first)."""
        stack = [iter(self.children)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                continue
            yield child
            stack.append(iter(child.children))


@record(slots=True, many=True)
class Row:
    """A table's row of cells."""

    cells: list[str]  # each cell's text, stripped, with `\|` read as `|`
    line: int
    # the row's line as written: the edits (`fix`, the language server) place its cells
    # with `parse.split_row`; lint reads their text alone
    text: str = field(default="", repr=False)


@record(slots=True, many=True)
class Table:
    """A Markdown table, and the section it stands in."""

    header: list[str]
    rows: list[Row]
    line: int
    section: Section | None = field(default=None, repr=False)
    kind: str = ""  # the doc type's table name this table was matched to, if any
    # each header's normalized name -> its first column, made the first time one is asked
    _columns: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def column_index(self, column: str) -> int | None:
        if self._columns is None:
            self._columns = {}
            for i, name in enumerate(self.header):
                self._columns.setdefault(normalize(name), i)
        return self._columns.get(normalize(column))


@record(slots=True, many=True)
class ChecklistItem:
    """A `- [ ]` or `- [x]` item."""

    checked: bool
    text: str
    line: int
    column: int = 1
    section: Section | None = field(default=None, repr=False)


@record(slots=True, many=True)
class CodeBlock:
    """A fenced or indented code block."""

    info: str
    text: str
    line: int
    end_line: int
    section: Section | None = field(default=None, repr=False)


@record(slots=True, many=True)
class Link:
    """A link or image in the text, with where it points."""

    text: str
    url: str
    line: int
    column: int = 1


@record(slots=True, many=True)
class Block:
    """A top-level Markdown block (mistune token) with the lines it covers."""

    type: str
    line: int
    end_line: int
    token: dict = field(repr=False)

    @property
    def text(self) -> str:
        return self.token.get("text") or self.token.get("raw") or ""


@record(slots=True, many=True)
class Suppression:
    """An inline `planbook-disable` comment and the lines it covers."""

    codes: tuple[str, ...]  # empty means every code
    line: int
    start: int
    end: int
    used: bool = False

    def covers(self, code: str, line: int) -> bool:
        return self.start <= line <= self.end and (not self.codes or code in self.codes)


@record(slots=True, many=True)
class Plan:
    """A parsed plan. Built once; the linter, the site and the reports all read it."""

    path: str
    text: str = ""  # the decoded file, BOM removed, newlines as in the file
    lines: list[str] = field(default_factory=list)  # without line endings
    has_frontmatter: bool = False
    frontmatter_start: int = 0  # line of the opening '---'
    frontmatter_end: int = 0  # line of the closing '---'
    fields: dict[str, Field] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)  # the loaded mapping, when it loaded
    body_start: int = 1  # first line of the body
    root: Section = field(default_factory=lambda: Section(0, "", "", 1))
    tables: list[Table] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)
    code_blocks: list[CodeBlock] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    # findings the parser itself makes (unreadable file, YAML errors); rules add the rest
    parse_findings: list[tuple[str, int, int, str]] = field(default_factory=list)
    doc_type: str = ""  # the doc type that applies, decided by lint
    section_list: list[Section] = field(default_factory=list)  # in document order
    # built from section_list on first lookup, so lookups cost a bisect or a dict hit; a
    # change to the section tree takes effect once section_list is set to its new walk()
    section_index: SectionIndex | None = field(default=None, init=False, repr=False,
                                               compare=False)

    @property
    def body_line(self) -> int:
        """The line a finding about the body as a whole stands on: its first line, or the
        file's last line when there is no body, so every finding lies inside the file."""
        return max(min(self.body_start, len(self.lines)), 1)

    @property
    def sections(self) -> list[Section]:
        return self.section_list

    @property
    def status(self) -> str:
        value = self.meta.get("status")
        return str(value).strip().lower() if value else ""

    @property
    def progress(self) -> tuple[int, int]:
        """Checked and total checklist items."""
        return sum(1 for item in self.checklist if item.checked), len(self.checklist)

    def section_at(self, line: int) -> Section | None:
        """The innermost section that contains `line`: the last heading at or before it."""
        index = bisect.bisect_right(self._lookups().lines, line)
        return self.section_list[index - 1] if index else None

    def find_section(self, title: str, within: Section | None = None) -> Section | None:
        """The first section with this title anywhere under `within`, matched loosely: case,
        markup and '&' for 'and' aside, and a trailing remark in brackets allowed
        ("External Libraries (pinned)")."""
        wanted = title_key(title)
        index = self._lookups()
        low, high = 0, len(index.sections)
        if within is not None and within is not self.root:
            at = index.position.get(id(within))
            if at is None or index.sections[at] is not within:  # not one of this plan's
                return next((s for s in within.walk() if s.titled(wanted)), None)
            low, high = at + 1, index.subtree_end[at]
        candidates = index.by_base.get(base_key(wanted), [])
        for at in candidates[bisect.bisect_left(candidates, low):]:
            if at >= high:
                break
            if index.sections[at].titled(wanted):
                return index.sections[at]
        return None

    def _lookups(self) -> SectionIndex:
        index = self.section_index
        sections = self.section_list
        if index is None or index.sections is not sections or index.size != len(sections):
            index = self.section_index = SectionIndex.build(sections)
        return index


@record(slots=True, many=True)
class SectionIndex:
    """Lookups over a plan's sections in document order, built once instead of per call:
    heading lines for bisecting, positions by title, and where each section's subtree ends."""

    sections: list[Section]
    size: int
    lines: list[int]
    by_base: dict[str, list[int]]  # `base_key` of a title key -> positions, ascending
    position: dict[int, int]  # id(section) -> its position
    subtree_end: list[int]  # position just past the last section under each one

    @classmethod
    def build(cls, sections: list[Section]) -> SectionIndex:
        by_base: dict[str, list[int]] = {}
        position: dict[int, int] = {}
        subtree_end = [len(sections)] * len(sections)
        open_: list[int] = []  # positions of the sections the current one may sit under
        for at, section in enumerate(sections):
            by_base.setdefault(base_key(section.key), []).append(at)
            position[id(section)] = at
            while open_ and sections[open_[-1]] is not section.parent:
                subtree_end[open_.pop()] = at
            open_.append(at)
        return cls(sections, len(sections), [s.line for s in sections], by_base, position,
                   subtree_end)


def base_key(key: str) -> str:
    """A title key up to its first bracketed remark: every key `title_matches` accepts for a
    wanted key shares the wanted key's base, so the base narrows the search exactly."""
    cut = key.find(" (")
    return key if cut < 0 else key[:cut]


def title_matches(key: str, wanted: str) -> bool:
    """The one way a heading is matched to a title a doc type (or planbook) asks for: both as
    `title_key`s, equal, or the heading adding a remark in brackets ("Risks (updated)")."""
    return key == wanted or (key.startswith(wanted) and key[len(wanted):].startswith(" ("))


def title_key(title: str) -> str:
    """A heading title as doc types match it: loosely, with '&' read as 'and'."""
    return normalize(title).replace("&", "and")


@lru_cache(maxsize=4096)  # headers and headings repeat: a long plan asks thousands of times
def normalize(text: str) -> str:
    """Compare headings and column names loosely: case, spacing and trailing colons."""
    return " ".join(text.replace("*", "").replace("`", "").strip().rstrip(":").lower().split())
