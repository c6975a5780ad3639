"""SARIF 2.1.0 for GitHub code scanning.

The fingerprint leaves out the line so a finding keeps its identity (and its dismissal)
when lines above it move.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from planbook.model import Finding
from planbook.report import ReportContext, sort_findings

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "planbookFingerprint/v1"


def artifact_uri(path: str) -> str:
    """A relative URI: forward slashes, no leading './', unsafe characters percent-encoded."""
    uri = path.replace("\\", "/")
    while uri.startswith("./"):
        uri = uri[2:]
    return quote(uri, safe="/")


def fingerprint(finding: Finding) -> str:
    if finding.fingerprint:
        return finding.fingerprint
    key = "\0".join((artifact_uri(finding.path), finding.code, finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def rule_descriptor(code: str, rule: Any, ctx: ReportContext) -> dict[str, Any]:
    summary = getattr(rule, "summary", "") or code
    descriptor: dict[str, Any] = {
        "id": code,
        "name": getattr(rule, "name", "") or code,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": summary},
        "defaultConfiguration": {"level": LEVELS.get(getattr(rule, "severity", ""), "warning"),
                                 **({} if getattr(rule, "default", True) else
                                    {"enabled": False})},
        "properties": {"tags": ["planbook", *getattr(rule, "tags", ())]},
    }
    doc_path = getattr(rule, "doc_path", "")
    if ctx.docs_url and doc_path:
        descriptor["helpUri"] = f"{ctx.docs_url.rstrip('/')}/{doc_path.lstrip('/')}"
    return descriptor


def result(finding: Finding, index: int) -> dict[str, Any]:
    start = max(1, finding.line)
    return {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": artifact_uri(finding.path),
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {
                        "startLine": start,
                        "startColumn": max(1, finding.column),
                        "endLine": max(start, finding.end_line),
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
    }


def render(findings: list[Finding], ctx: ReportContext) -> str:
    ordered = sort_findings(findings)
    rules = dict(sorted(ctx.rules.items()))
    for finding in ordered:  # a code missing from ctx.rules still needs a descriptor
        rules.setdefault(finding.code, None)
    descriptors = []
    for code, rule in rules.items():
        if rule is None:
            rule = next(f for f in ordered if f.code == code)
        descriptors.append(rule_descriptor(code, rule, ctx))
    index = {code: i for i, code in enumerate(rules)}
    driver: dict[str, Any] = {"name": "planbook", "version": ctx.version}
    if ctx.docs_url:
        driver["informationUri"] = ctx.docs_url
    driver["rules"] = descriptors
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "results": [result(finding, index[finding.code]) for finding in ordered],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
