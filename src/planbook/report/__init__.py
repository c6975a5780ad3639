"""Reporters: one module per output format, each with `render(findings, ctx) -> str`.

`render(fmt, ...)` imports only the chosen module, so a `--format text` run never pays for
the XML or SARIF code. The helpers here are shared so every format words findings alike.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from planbook.finding import Finding
from planbook.records import record

FORMATS = ("text", "json", "github", "sarif", "junit")


@record
class ReportContext:
    """What a reporter needs besides the findings: rule metadata and run facts."""

    rules: Mapping[str, Any]  # code -> rule with .code .name .severity .summary .doc_path
    files_checked: int
    files: tuple[str, ...] = ()  # the paths linted, as reported: JUnit lists every one
    statistics: bool = False
    quiet: bool = False
    version: str = "0.1.0"
    docs_url: str = ""  # `docs-url`: where the rule pages are; empty means no links
    root: str = ""  # the repository root that SARIF URIs are relative to; "" when unknown
    fixes: frozenset[tuple[str, str, int]] = frozenset()  # (path, code, line) fix changes


def render(fmt: str, findings: list[Finding], ctx: ReportContext) -> str:
    """Render `findings` in format `fmt`, importing that format's module only."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{fmt}")
    return module.render(findings, ctx)


def rule_url(code: str, docs_url: str) -> str:
    """The page of rule `code` under `docs-url`: `{code}` replaced, or `CODE/` appended (the
    page MkDocs builds from `CODE.md`); with no code, the rule index. "" without a docs-url."""
    if not docs_url:
        return ""
    if "{code}" in docs_url:
        return docs_url.replace("{code}", code) if code else docs_url.split("{code}")[0]
    base = docs_url if docs_url.endswith("/") else docs_url + "/"
    return f"{base}{code}/" if code else base


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Every reporter sorts the same way so output does not depend on rule order."""
    return sorted(findings, key=Finding.sort_key)


def finding_line(finding: Finding) -> str:
    """The one-line form shared by text, GitHub log lines and JUnit failure text."""
    f = finding
    return f"{f.path}:{f.line}:{f.column}: {f.code} [{f.name}] {f.message}"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def summary_line(findings: list[Finding], files_checked: int) -> str:
    """One closing sentence with totals, e.g. for a CI log's last line."""
    if not findings:
        return f"All checked: {plural(files_checked, 'file')}, no problems."
    counts = {severity: 0 for severity in ("error", "warning", "info")}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    parts = [
        plural(counts["error"], "error"),
        plural(counts["warning"], "warning"),
        plural(counts["info"], "info", "info"),
    ]
    detail = ", ".join(part for part in parts if not part.startswith("0 "))
    files = len({finding.path for finding in findings})
    return (
        f"Found {plural(len(findings), 'problem')} ({detail}) in {plural(files, 'file')}; "
        f"{plural(files_checked, 'file')} checked."
    )
