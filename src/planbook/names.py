"""What documents call each other: a document's names, and how a reference resolves to one.

A plan's `depends_on`, a Backlog.md task's `dependencies` and `parent_task_id` name other
documents. A reference may use the other document's file name (with or without a folder and
`.md`) or its leading ID (`IP-12`, `BACK-100.1`), in any case; a bare number (`345`, as
Backlog.md writes it) names the document with that number. One index answers both the
existence question (GT004) and, with the references it is given, the cycle question (GT005).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import PurePosixPath

LEADING_ID = re.compile(r"^[A-Za-z]+-(\d+(?:\.\d+)*)")
PLAN_ID = re.compile(r"^[A-Za-z]+-\d+")  # a plan's ID at the start of its file name


def file_stem(path: str) -> str:
    """The file name without its last suffix, as `PurePosixPath(path).stem` has it."""
    name = path.replace("\\", "/").rstrip("/").rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def names_of(path: str) -> list[str]:
    """The names another document may use for the one at `path`: its file stem and its
    leading ID (IP-12 for `IP-12-search.md`, back-100.1 for `back-100.1 - Setup.md`)."""
    stem = file_stem(path)
    match = LEADING_ID.match(stem)
    return [stem, match.group(0)] if match and match.group(0) != stem else [stem]


def reference_key(entry: object) -> str:
    """A reference as written, reduced to what is compared: no folder, no `.md`, any case."""
    text = str(entry).strip().replace("\\", "/")
    name = PurePosixPath(text).name if "/" in text else text
    return re.sub(r"\.md$", "", name, flags=re.IGNORECASE).casefold()


def _may_lead(path: str, node: str) -> bool:
    """Whether `path`'s file name could start with the ID `node` (its leading ID, casefolded):
    it starts so and no digit follows. Cheap, and true of every file whose node is `node`, so
    a scan asks the whole question of few files: IP-1 is in the names of IP-10 to IP-1999."""
    name = path.replace("\\", "/").rstrip("/").rpartition("/")[2].casefold()
    return name.startswith(node) and not name[len(node):len(node) + 1].isdecimal()


class Names:
    """Every document a reference may name, built from paths alone (no file is read).

    The index is built on the first question that needs it. A lint of one plan beside
    thousands asks only whether another file shares its ID: that is answered from the file
    names directly, and the index is built only once several plans have asked.
    """

    SCANS = 8  # questions answered without the index before it is built

    def __init__(self, paths: Iterable[str] = ()):
        self.paths: list[str] = list(paths)
        self._built = False
        self._scans = 0
        self._by_name: dict[str, str] = {}  # reference key → the document's node
        self._by_number: dict[str, str] = {}  # "345" → a document numbered 345
        self._shown: dict[str, str] = {}  # node → the name a message uses for it
        self._ids: dict[str, list[str]] = {}  # a leading ID → the files named with it

    def _index(self) -> None:
        if self._built:
            return
        self._built = True
        for path in self.paths:
            self._put(path)

    def _put(self, path: str) -> str:
        names = names_of(path)
        node = names[-1].casefold()
        self._shown.setdefault(node, names[-1])
        for name in names:
            self._by_name.setdefault(name.casefold(), node)
        match = LEADING_ID.match(names[-1])
        if match:
            self._by_number.setdefault(match.group(1), node)
            self._ids.setdefault(node, []).append(path)
        return node

    def add(self, path: str) -> str:
        """Index `path`; return its node, the key other indexes use for it."""
        self.paths.append(path)
        if self._built:
            return self._put(path)
        return names_of(path)[-1].casefold()

    @property
    def by_name(self) -> dict[str, str]:
        self._index()
        return self._by_name

    @property
    def shown(self) -> dict[str, str]:
        self._index()
        return self._shown

    def sharing_id(self, path: str) -> list[str]:
        """The other files whose name starts with the same ID as `path`'s (not itself under
        another name), sorted."""
        ident = LEADING_ID.match(names_of(path)[-1])
        if not ident:
            return []
        node = ident.group(0).casefold()
        if self._built or self._scans >= self.SCANS:
            self._index()
            same = self._ids.get(node, [])
        else:
            self._scans += 1
            same = [p for p in self.paths
                    if node in p.casefold() and _may_lead(p, node) and self.node_of(p) == node]
        if len(same) < 2 and (not same or same[0] == path):
            return []
        real = os.path.realpath(path)
        return sorted({p for p in same if p != path and os.path.realpath(p) != real})

    def node_of(self, path: str) -> str:
        return names_of(path)[-1].casefold()

    def resolve(self, entry: object) -> str | None:
        """The node `entry` names, or None when it names no document here."""
        key = reference_key(entry)
        if not key:
            return None
        self._index()
        if key in self._by_name:
            return self._by_name[key]
        if re.fullmatch(r"\d+(?:\.\d+)*", key):
            return self._by_number.get(key)
        return None

    def __contains__(self, entry: object) -> bool:
        return self.resolve(entry) is not None

    def __bool__(self) -> bool:
        return bool(self.paths)


def entries(value: object) -> list[str | int]:
    """The references a field's value holds: one text or number, or a list of them."""
    items = value if isinstance(value, list) else [value]
    return [item for item in items
            if isinstance(item, str | int) and not isinstance(item, bool) and str(item).strip()]


def find_cycle(graph: dict[str, list[str]], start: str) -> list[str]:
    """A shortest path start → … → start through `graph`, or [] when there is none.
    Breadth first and iterative: any number of documents, no recursion."""
    parent: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in graph.get(node, ()):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if target not in parent and target != start:
                    parent[target] = node
                    following.append(target)
        frontier = following
    return []


def entry_line(plan, field, entry: object) -> int:
    """The frontmatter line where `field` lists `entry` (a list spreads over lines)."""
    text = str(entry)
    return next((n for n in range(field.value_line, (plan.frontmatter_end or 0))
                 if text in plan.lines[n - 1]), field.value_line)
