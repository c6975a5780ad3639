"""IDs in plan tables (T-1, UT-FE-2, AC-3) and the cell text they are read from."""

from __future__ import annotations

import re
from functools import lru_cache

MARKUP = re.compile(r"[`*_~]")


@lru_cache(maxsize=1 << 16)  # cells repeat (statuses, priorities, IDs): each read by many rules
def clean(cell: str) -> str:
    """A cell's text without inline markup, for comparing IDs and values."""
    return MARKUP.sub("", cell).strip()


# What an ID in a plan's tables looks like: a prefix of capitals, an optional scope (T-API-1)
# and a number, which may carry a group letter or two (UT-Q1, T-DB2). Every reader of IDs
# (tables, dependencies, the gantt, what changed between versions) uses these, so they agree
# on what an ID is; a table kind's `id` in a doc type names the prefixes.
ID_TAIL = r"(?:-[A-Z][A-Z0-9]*)?-[A-Z]{0,3}\d+"
ANY_ID = re.compile(rf"(?<![\w-])[A-Z]{{1,4}}{ID_TAIL}(?![\w-])")
ID_RANGE = re.compile(rf"({ANY_ID.pattern})\s*(?:to|through|thru|\.\.|–|—|-)\s*"
                      rf"({ANY_ID.pattern})")
_DIGIT = re.compile(r"\d")
_ID_PARTS = re.compile(r"^(.*?)(\d+)$")
MAX_RANGE = 200  # a longer "range" is a typo, not a list of IDs


@lru_cache(maxsize=256)
def id_pattern(prefixes: str | tuple[str, ...]) -> re.Pattern:
    """The IDs of one kind: `T-1`, with a scope `T-API-1`, with a group letter `T-Q1`."""
    names = (prefixes,) if isinstance(prefixes, str) else prefixes
    alternatives = "|".join(re.escape(p) for p in names)
    return re.compile(rf"^(?:{alternatives}){ID_TAIL}$")


def ids_in(text: str, loose: tuple[str, ...] = ()) -> list[str]:
    """The IDs a text names, in order, each once; a range of one kind ("T-7 to T-11",
    "T-1–T-5") names every ID between its ends. With `loose` prefixes, an ID of one of them
    written without its dash ("T3", "T1-T5") is read too: a Dependencies cell says what it
    means that way as often as not."""
    if not _DIGIT.search(text):  # most cells say "None" or "-"
        return []
    for dashless_range, dashless in _loose(loose):
        text = dashless_range.sub(r"\1-\2 to \3-\4", text)
        text = dashless.sub(r"\1-\2", text)
    ranges = {m.start(1): _expand(m.group(1), m.group(2)) for m in ID_RANGE.finditer(text)}
    found: list[str] = []
    for match in ANY_ID.finditer(text):
        found.extend(ranges.get(match.start(), [match.group(0)]))
    return list(dict.fromkeys(found))


@lru_cache(maxsize=64)
def _loose(prefixes: tuple[str, ...]) -> list[tuple[re.Pattern, re.Pattern]]:
    """For each prefix, its dashless range ("T1-T5") and its dashless ID ("T3")."""
    out = []
    for prefix in prefixes:
        p = re.escape(prefix)
        out.append((re.compile(rf"(?<![\w-])({p})(\d+)\s*[-–]\s*({p})(\d+)(?![\w-])"),
                    re.compile(rf"(?<![\w-])({p})(\d+)(?![\w-])")))
    return out


def _expand(first: str, last: str) -> list[str]:
    a, b = _ID_PARTS.match(first), _ID_PARTS.match(last)
    if not a or not b or a.group(1) != b.group(1):
        return [first, last]
    low, high = int(a.group(2)), int(b.group(2))
    if not low < high <= low + MAX_RANGE:
        return [first, last]
    return [f"{a.group(1)}{n}" for n in range(low, high + 1)]
