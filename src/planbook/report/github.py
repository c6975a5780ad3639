"""GitHub Actions workflow commands, so findings show up as annotations on the diff.

GitHub shows only 10 annotations of each level per step and drops the rest silently, so
past that we print plain log lines and say how many were left out.
"""

from __future__ import annotations

from planbook.finding import Finding
from planbook.report import ReportContext, finding_line, sort_findings, summary_line

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}
MAX_PER_LEVEL = 10


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    level = LEVELS.get(finding.severity, "warning")
    props = {
        "file": finding.path,
        "line": str(finding.line),
        "col": str(finding.column),
        "endLine": str(finding.end_line),
        "title": f"{finding.code} [{finding.name}]",
    }
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    return f"::{level} {joined}::{escape_data(finding.message)}"


def log_line(finding: Finding) -> str:
    """A plain line; newlines are flattened so no message line can start a `::` command."""
    return " ".join(finding_line(finding).splitlines())


def render(findings: list[Finding], ctx: ReportContext) -> str:
    lines: list[str] = []
    overflow: list[Finding] = []
    used = dict.fromkeys(LEVELS.values(), 0)
    for finding in sort_findings(findings):
        level = LEVELS.get(finding.severity, "warning")
        if used[level] < MAX_PER_LEVEL:
            used[level] += 1
            lines.append(annotation(finding))
        else:
            overflow.append(finding)
    lines.extend(log_line(finding) for finding in overflow)
    if overflow:
        more = "finding" if len(overflow) == 1 else "findings"
        lines.append(
            f"planbook: {len(overflow)} more {more} not shown as annotations "
            f"(GitHub shows {MAX_PER_LEVEL} per level); see the log above."
        )
    if not ctx.quiet:
        lines.append(summary_line(findings, ctx.files_checked))
    return "".join(line + "\n" for line in lines)
