"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Artifact URIs are relative to the repository root (`%SRCROOT%`, whose absolute URI is given
in `originalUriBaseIds`), whatever paths lint was given and wherever it ran, so code scanning
places every result on the right file. `primaryLocationLineHash`, the fingerprint code
scanning reads, holds lint's own fingerprint, which leaves the line number out: a finding
keeps its identity (and its dismissal) when lines above it move. Every rule carries its
documentation as `help`, and a `helpUri` when `docs-url` is configured.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from planbook.finding import Finding
from planbook.report import ReportContext, rule_url, sort_findings

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
ROOT_ID = "%SRCROOT%"
FINGERPRINT_KEY = "primaryLocationLineHash"
OWN_FINGERPRINT_KEY = "planbookFingerprint/v1"  # the same value, under the name it had first


def artifact_location(path: str, root: str = "") -> dict[str, str]:
    """Where a finding's file is: relative to the repository root when the run knows it and
    the file is inside it, else (a file outside, or no root) an absolute `file:` URI when the
    path is absolute, else the path as given under `%SRCROOT%`."""
    if root:
        full = os.path.realpath(path)
        rel = os.path.relpath(full, os.path.realpath(root))
        if rel.startswith(".."):
            return {"uri": Path(full).as_uri()}
        return {"uri": quote(Path(rel).as_posix(), safe="/"), "uriBaseId": ROOT_ID}
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    uri = path.replace("\\", "/")
    while uri.startswith("./"):
        uri = uri[2:]
    return {"uri": quote(uri, safe="/"), "uriBaseId": ROOT_ID}


def fingerprint(finding: Finding, uri: str) -> str:
    if finding.fingerprint:
        return finding.fingerprint
    key = "\0".join((uri, finding.code, finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def rule_descriptor(code: str, rule: Any, ctx: ReportContext) -> dict[str, Any]:
    summary = getattr(rule, "summary", "") or code
    doc = (getattr(rule, "doc", "") or summary).strip()
    descriptor: dict[str, Any] = {
        "id": code,
        "name": getattr(rule, "name", "") or code,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": " ".join(doc.split("\n\n", 1)[0].split())},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVELS.get(getattr(rule, "severity", ""), "warning"),
                                 **({} if getattr(rule, "default", True) else
                                    {"enabled": False})},
        "properties": {"tags": ["planbook", *getattr(rule, "tags", ())]},
    }
    url = rule_url(code, ctx.docs_url)
    if url:
        descriptor["helpUri"] = url
    return descriptor


def result(finding: Finding, index: int, root: str) -> dict[str, Any]:
    start = max(1, finding.line)
    where = artifact_location(finding.path, root)
    mark = fingerprint(finding, where["uri"])
    return {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": where,
                    "region": {
                        "startLine": start,
                        "startColumn": max(1, finding.column),
                        "endLine": max(start, finding.end_line),
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: mark, OWN_FINGERPRINT_KEY: mark},
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
        driver["informationUri"] = rule_url("", ctx.docs_url)
    driver["rules"] = descriptors
    run: dict[str, Any] = {"tool": {"driver": driver}}
    if ctx.root:
        base = Path(os.path.realpath(ctx.root)).as_uri().rstrip("/") + "/"
        run["originalUriBaseIds"] = {ROOT_ID: {
            "uri": base, "description": {"text": "The root of the repository linted."}}}
    run["results"] = [result(finding, index[finding.code], ctx.root) for finding in ordered]
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
