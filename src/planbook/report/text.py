"""Plain text for terminals: one line per finding, then optional statistics and a summary."""

from __future__ import annotations

from collections import Counter

from planbook.finding import Finding
from planbook.report import ReportContext, finding_line, sort_findings, summary_line


def render(findings: list[Finding], ctx: ReportContext) -> str:
    ordered = sort_findings(findings)
    lines = [finding_line(finding) for finding in ordered]
    if not ctx.quiet:
        if ctx.statistics:
            lines.extend(statistics_lines(ordered))
        lines.append(summary_line(ordered, ctx.files_checked))
    return "".join(line + "\n" for line in lines)


def statistics_lines(findings: list[Finding]) -> list[str]:
    """Counts per code, most frequent first, to show which rule to look at first."""
    counts = Counter(finding.code for finding in findings)
    names: dict[str, str] = {}
    for finding in findings:
        names.setdefault(finding.code, finding.name)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [f"{count:4d}  {code}  [{names[code]}]" for code, count in ordered]
