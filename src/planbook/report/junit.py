"""JUnit XML for CI systems that show test reports: one test case per file with findings.

Errors and warnings are failures; info findings go to the test case's system-out so they
are visible without failing the file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from planbook.model import Finding
from planbook.report import ReportContext, finding_line, sort_findings

# characters XML 1.0 cannot hold at all, not even escaped
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def render(findings: list[Finding], ctx: ReportContext) -> str:
    by_path: dict[str, list[Finding]] = {}
    for finding in sort_findings(findings):
        by_path.setdefault(finding.path, []).append(finding)
    failed = sum(
        1 for items in by_path.values() if any(f.severity in ("error", "warning") for f in items)
    )
    suite = ET.Element(
        "testsuite",
        {
            "name": "planbook",
            "tests": str(max(ctx.files_checked, len(by_path))),
            "failures": str(failed),
            "errors": "0",
            "skipped": "0",
        },
    )
    for path, items in by_path.items():
        case = ET.SubElement(suite, "testcase", {"classname": clean(path), "name": clean(path)})
        notes = []
        for finding in items:
            if finding.severity == "info":
                notes.append(clean(finding_line(finding)))
                continue
            failure = ET.SubElement(
                case, "failure", {"type": finding.code, "message": clean(finding.message)}
            )
            failure.text = clean(finding_line(finding))
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(notes)
    ET.indent(suite)
    body = ET.tostring(suite, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
