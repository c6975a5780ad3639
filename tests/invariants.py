"""Properties every planbook result must have, whatever the input: shared by the tests that
check them on the corpus and on generated input."""

from __future__ import annotations

import re

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def file_lines(data: bytes) -> list[str]:
    """The lines of a file as planbook counts them (\\n, \\r\\n or \\r ends one), BOM left out;
    bytes that are not UTF-8 are replaced, which keeps the count."""
    text = data.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def outside(findings, data: bytes) -> list[str]:
    """The findings whose line or column is not a place in the file, described; [] when every
    one points inside it. An empty file has one place: line 1, column 1."""
    lines = file_lines(data) or [""]
    bad = []
    for f in findings:
        if not 1 <= f.line <= len(lines):
            bad.append(f"{f.code} at line {f.line} of a {len(lines)}-line file: {f.message}")
        elif not 1 <= f.column <= len(lines[f.line - 1]) + 1:
            bad.append(f"{f.code} at {f.line}:{f.column}, a line of "
                       f"{len(lines[f.line - 1])} characters: {f.message}")
    return bad
