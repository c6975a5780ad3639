"""JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure): one test case
per linted file, passing files included, so a report lists every plan that was checked.

The grouping: a file with errors or warnings is a failed test case holding one `failure`,
whose message counts its problems and whose text lists them, one line each; its info
findings go to the test case's `system-out`, visible without failing it. So `tests` is the
number of test cases and `failures` the number of those that failed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from planbook.finding import Finding
from planbook.report import ReportContext, finding_line, plural, sort_findings

# characters XML 1.0 cannot hold at all, not even escaped
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
FAILING = ("error", "warning")


def clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def render(findings: list[Finding], ctx: ReportContext) -> str:
    by_path: dict[str, list[Finding]] = {path: [] for path in ctx.files}
    for finding in sort_findings(findings):
        by_path.setdefault(finding.path, []).append(finding)
    failed = sum(1 for items in by_path.values() if any(f.severity in FAILING for f in items))
    suite = ET.Element("testsuite", {"name": "planbook", "tests": str(len(by_path)),
                                     "failures": str(failed), "errors": "0", "skipped": "0"})
    for path in sorted(by_path):
        items = by_path[path]
        case = ET.SubElement(suite, "testcase", {"classname": clean(path), "name": clean(path)})
        problems = [f for f in items if f.severity in FAILING]
        if problems:
            first = problems[0]
            more = f" (and {plural(len(problems) - 1, 'more problem')})" \
                if len(problems) > 1 else ""
            failure = ET.SubElement(case, "failure", {
                "type": first.code, "message": clean(f"{first.code} {first.message}{more}")})
            failure.text = "\n".join(clean(finding_line(f)) for f in problems)
        notes = [clean(finding_line(f)) for f in items if f.severity not in FAILING]
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(notes)
    ET.indent(suite)
    body = ET.tostring(suite, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
