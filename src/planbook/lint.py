"""Paths → plans → rules → findings, with config, select/ignore and inline suppressions.

Files are linted in worker processes when there are enough of them to repay the start-up;
output order never depends on that, because findings are sorted at the end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from planbook.config import Config
from planbook.model import Finding, Plan
from planbook.parse import parse_bytes, parse_text, read_plan
from planbook.rules import Context, Rule, all_rules

PARALLEL_FROM = 48  # files; below this one process is faster than starting workers
LINE_REF = re.compile(r"\bline \d+")


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    internal_errors: int = 0
    linted: list[str] = field(default_factory=list)  # the paths the run linted


def today() -> dt.date:
    fixed = os.environ.get("PLANBOOK_TODAY")
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


def selected(codes: list[str], rules: dict[str, Rule]) -> set[str]:
    """Expand codes, prefixes (FM, FM01) and names to the set of rule codes they mean."""
    out: set[str] = set()
    for item in codes:
        item = item.strip()
        if not item:
            continue
        if item.upper() == "ALL":
            out.update(rules)
            continue
        matched = {c for c, r in rules.items() if c.startswith(item.upper()) or r.name == item}
        if not matched:
            raise ValueError(f"unknown rule code or name: {item}")
        out.update(matched)
    return out


def enabled_codes(config: Config, select: list[str], ignore: list[str]) -> set[str]:
    rules = all_rules()
    chosen = selected(select or config.select, rules) if (select or config.select) else set(rules)
    return chosen - selected([*config.ignore, *ignore], rules)


def discover(paths: list[str], config: Config) -> list[str]:
    """The plan files under the given paths (or the configured ones), sorted.

    A file named twice, by an absolute and a relative path or through a symbolic link, is
    listed once, as it was first named (folders are walked in name order), so it is neither
    linted nor reported twice.
    """
    if not paths:
        paths = [str(config.root / p) for p in config.paths]
        paths = [_display(p) for p in paths if os.path.exists(p)]
    found: list[str] = []
    for path in paths:
        if path.endswith(".md") or not os.path.isdir(path):
            found.append(path)  # explicit files are linted even when excluded
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.endswith(".md"):
                    full = os.path.join(folder, name)
                    if not _excluded(full, config):
                        found.append(full)
    first: dict[str, str] = {}  # real location → the spelling first given
    for path in found:
        path = os.path.normpath(path)
        first.setdefault(os.path.realpath(path), path)
    return sorted(first.values())


def _excluded(path: str, config: Config) -> bool:
    import fnmatch

    rel = config.relative(path)
    return any(fnmatch.fnmatch(rel, pattern) for pattern in config.exclude)


def _display(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if not rel.startswith("..") else path


# -- one plan ------------------------------------------------------------------------------


class Linter:
    """Everything needed to lint any number of plans with one configuration."""

    def __init__(self, config: Config, select: list[str] = (), ignore: list[str] = (),
                 plan_names: frozenset[str] = frozenset()):
        self.config = config
        self.rules = all_rules()
        self.enabled = enabled_codes(config, list(select), list(ignore))
        config.team_doctypes()  # a team's bad declaration is a usage error before any lint
        self.today = today()
        self.plan_names = plan_names
        self.histories: dict = {}  # display path → changes.PlanHistory, filled for GT rules
        self._exists: dict[str, bool] = {}

    def doctype_for(self, plan: Plan):
        by_glob = self.config.type_for(plan.path)
        if by_glob:
            return self.config.doctype(by_glob)
        declared = plan.meta.get("doc_type")
        if isinstance(declared, str) and declared.strip():
            return self.config.doctype(declared)
        return self.config.doctype(self.config.default_type)

    def exists(self, folder: str, target: str) -> bool:
        full = os.path.join(folder, target)
        if full not in self._exists:
            self._exists[full] = os.path.exists(full)
        return self._exists[full]

    def lint_path(self, path: str) -> tuple[list[Finding], int]:
        return self.lint_plan(read_plan(path))

    def lint_text(self, text: str, path: str) -> tuple[list[Finding], int]:
        return self.lint_plan(parse_text(text, path))

    def lint_bytes(self, data: bytes, path: str) -> tuple[list[Finding], int]:
        return self.lint_plan(parse_bytes(data, path))

    def context(self, plan: Plan) -> Context:
        """What the rules may know about `plan` beyond its text; decides its doc type."""
        doctype = self.doctype_for(plan)
        plan.doc_type = doctype.name if doctype else ""
        folder = os.path.dirname(plan.path)
        return Context(
            doctype=doctype,
            today=self.today,
            exists=lambda target: self.exists(folder, target),
            plan_names=self.plan_names,
            known_types=tuple(self.config.doctype_names()) if doctype is None else (),
            history=self.histories.get(plan.path),
        )

    def lint_plan(self, plan: Plan) -> tuple[list[Finding], int]:
        """Findings for one plan, and how many rules failed internally."""
        ctx = self.context(plan)
        doctype = ctx.doctype
        ignored = self.config.ignored_for(plan.path) if self.config.per_file_ignores else ()
        unreadable = any(code.startswith("IO") for code, *_ in plan.parse_findings)
        findings: list[Finding] = []
        failures = 0
        for code in sorted(self.enabled):
            rule = self.rules[code]
            if code in ignored or (rule.needs_doctype and doctype is None):
                continue
            if unreadable and not code.startswith("IO"):
                continue
            try:
                for line, column, message in rule.check(plan, ctx):
                    findings.append(self._finding(plan.path, rule, line, column, message))
            except Exception as exc:  # a bug in a rule must not hide the other findings
                failures += 1
                findings.append(self._finding(
                    plan.path, self.rules["PB002"], 1, 1,
                    f"rule {code} [{rule.name}] failed: {type(exc).__name__}: {exc}"))
        findings = self._suppress(plan, findings)
        _fingerprint(plan, findings, str(self.today))
        return findings, failures

    def _finding(self, path: str, rule: Rule, line: int, column: int, message: str) -> Finding:
        severity = self.config.severity.get(rule.code, rule.severity)
        return Finding(path, max(line, 1), max(column, 1), rule.code, rule.name, severity,
                       message)

    def _suppress(self, plan: Plan, findings: list[Finding]) -> list[Finding]:
        if not plan.suppressions:
            return findings
        kept = []
        for finding in findings:
            hit = next((s for s in plan.suppressions if s.covers(finding.code, finding.line)),
                       None)
            if hit is None or finding.code == "PB002":
                kept.append(finding)
            else:
                hit.used = True
        if "PB001" in self.enabled:
            rule = self.rules["PB001"]
            for sup in plan.suppressions:
                if sup.used:
                    continue
                if sup.codes and not any(c in self.enabled for c in sup.codes):
                    continue  # it names only codes that are off: nothing to say
                what = ", ".join(sup.codes) if sup.codes else "all codes"
                kept.append(self._finding(plan.path, rule, sup.line, 1,
                                          f"suppression of {what} suppresses nothing"))
        return kept


def _fingerprint(plan: Plan, findings: list[Finding], today: str = "") -> None:
    """A hash that survives lines moving and days passing: path, code, message (line numbers
    and today's date taken out) and the line's own text."""
    seen: Counter = Counter()
    for finding in sorted(findings, key=Finding.sort_key):
        text = plan.lines[finding.line - 1].strip() if finding.line <= len(plan.lines) else ""
        message = LINE_REF.sub("line N", finding.message)
        if today:
            message = message.replace(today, "today")
        base = "\0".join((finding.path.replace(os.sep, "/"), finding.code, message, text))
        seen[base] += 1
        digest = hashlib.sha256(f"{base}\0{seen[base]}".encode()).hexdigest()[:32]
        finding.fingerprint = digest


# -- many plans ----------------------------------------------------------------------------

_worker: Linter | None = None


def _init_worker(linter: Linter) -> None:
    global _worker
    _worker = linter


def _lint_chunk(paths: list[str]) -> tuple[list[Finding], int]:
    findings: list[Finding] = []
    failures = 0
    for path in paths:
        found, failed = _worker.lint_path(path)
        findings.extend(found)
        failures += failed
    return findings, failures


def lint_paths(paths: list[str], linter: Linter, jobs: int | None = None) -> Result:
    result = Result(files=len(paths))
    jobs = jobs or min(os.cpu_count() or 1, 8)
    if jobs > 1 and len(paths) >= PARALLEL_FROM:
        import multiprocessing

        chunks = [paths[i::jobs * 4] for i in range(jobs * 4)]
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with context.Pool(jobs, initializer=_init_worker, initargs=(linter,)) as pool:
            for found, failed in pool.imap_unordered(_lint_chunk, chunks):
                result.findings.extend(found)
                result.internal_errors += failed
    else:
        _init_worker(linter)
        found, failed = _lint_chunk(paths)
        result.findings.extend(found)
        result.internal_errors += failed
    result.findings.sort(key=Finding.sort_key)
    return result


def plan_names(paths: list[str]) -> frozenset[str]:
    """Names another plan may use for a plan: its file stem and its leading ID (IP-12)."""
    names = set()
    for path in paths:
        stem = Path(path).stem
        names.add(stem)
        match = re.match(r"^[A-Za-z]+-\d+", stem)
        if match:
            names.add(match.group(0))
    return frozenset(names)
