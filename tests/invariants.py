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
        if not 1 <= f.line <= (f.end_line or f.line) <= len(lines):
            bad.append(f"{f.code} at line {f.line} of a {len(lines)}-line file: {f.message}")
        elif not 1 <= f.column <= len(lines[f.line - 1]) + 1:
            bad.append(f"{f.code} at {f.line}:{f.column}, a line of "
                       f"{len(lines[f.line - 1])} characters: {f.message}")
    return bad


QUOTES_CASE_NUMBERS = re.compile(r'["\\\d.]')


def lost_by_fix(before: str, after: str) -> list[str]:
    """What fixing `before` into `after` lost, described; [] when nothing was: every key is
    there in its order, every line is there, and each changed line reads the same but for the
    quotes, letter case and section numbers the fixers change."""
    from planbook.parse import parse_text

    old, new = parse_text(before), parse_text(after)
    lost = []
    if [k for k in new.fields if k in old.fields] != list(old.fields):
        lost.append(f"keys {list(old.fields)} became {list(new.fields)}")
    if len(new.lines) != len(old.lines):
        lost.append(f"{len(old.lines)} lines became {len(new.lines)}")
    for number, (a, b) in enumerate(zip(old.lines, new.lines, strict=False), 1):
        if _bare(a) != _bare(b):
            lost.append(f"line {number} {a!r} became {b!r}")
    if {c for c, *_ in new.parse_findings} - {c for c, *_ in old.parse_findings}:
        lost.append(f"parse findings {old.parse_findings} became {new.parse_findings}")
    return lost


def _bare(line: str) -> str:
    return QUOTES_CASE_NUMBERS.sub("", line).casefold()


def lint_holds(linter, data: bytes, path: str) -> None:
    """On one file's bytes: no rule fails (PB002), every finding points inside the file, and
    the JSON report of the findings is valid JSON with one entry per finding."""
    import json

    from planbook.report import ReportContext, render

    findings, failures = linter.lint_bytes(data, path)
    assert failures == 0, [f.message for f in findings if f.code == "PB002"]
    assert outside(findings, data) == []
    report = render("json", findings, ReportContext(rules=linter.rules, files_checked=1))
    assert len(json.loads(report)) == len(findings)


def fix_holds(linter, text: str, path: str) -> None:
    """On one plan's text: fix loses nothing (lost_by_fix) and a second fix changes nothing."""
    from planbook.fix import FIXERS, fix_text

    text = text.removeprefix("\ufeff")  # as fix_file reads it
    once = fix_text(text, path, linter, set(FIXERS))
    assert lost_by_fix(once.before, once.after) == []
    again = fix_text(once.after, path, linter, set(FIXERS))
    assert again.after == once.after, f"a second fix changed more: {again.edits}"
