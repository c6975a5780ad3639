"""JSON for tools: an array of findings in a fixed order, in the format docs/output.md
describes (version 1; its JSON Schema is docs/schemas/findings-v1.json).

Each finding has the fields of `Finding.to_dict()`, which stay as they are within a version,
then `fix` (the command that fixes it, or null where `planbook fix` would leave it as it is)
and, when `docs-url` is configured, `url`, the page of its rule.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from planbook.finding import Finding
from planbook.report import ReportContext, rule_url, sort_findings

VERSION = 1


def finding_data(finding: Finding, ctx: ReportContext) -> dict[str, Any]:
    data = finding.to_dict()
    fixed = (finding.path, finding.code, finding.line) in ctx.fixes
    data["fix"] = ({"command": f"planbook fix --select {finding.code} "
                               f"{shlex.quote(finding.path)}"} if fixed else None)
    url = rule_url(finding.code, ctx.docs_url)
    if url:
        data["url"] = url
    return data


def render(findings: list[Finding], ctx: ReportContext) -> str:
    data = [finding_data(finding, ctx) for finding in sort_findings(findings)]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
