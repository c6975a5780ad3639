"""JSON for tools: an array of `Finding.to_dict()` in a fixed order."""

from __future__ import annotations

import json

from planbook.model import Finding
from planbook.report import ReportContext, sort_findings


def render(findings: list[Finding], ctx: ReportContext) -> str:
    data = [finding.to_dict() for finding in sort_findings(findings)]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
