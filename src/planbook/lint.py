"""Paths → plans → rules → findings, with config, select/ignore and inline suppressions.

Files are linted in worker processes when there are enough of them to repay the start-up;
output order never depends on that, because findings are sorted at the end.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
import re
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import field
from typing import TYPE_CHECKING

from planbook.config import Config
from planbook.finding import Finding
from planbook.names import Names, entries, names_of
from planbook.reading import Unreadable, read_file
from planbook.records import record
from planbook.rules import Context, Rule, all_rules, catalog

if TYPE_CHECKING:
    from planbook.facts import PlanFacts
    from planbook.model import Plan, Suppression

# The parser (and YAML and mistune with it) is imported where a plan is parsed: a run the
# cache answers needs none of it.

LINE_REF = re.compile(r"\bline \d+")


@record
class Result:
    """What linting some plans found."""

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
    """The rules a run checks: those selected (by default every rule that is on by default),
    those the config's `extend-select` adds, less those ignored."""
    rules = catalog()  # the rules' modules are imported only when a plan is linted
    chosen = selected(select or config.select, rules) if (select or config.select) else \
        {code for code, r in rules.items() if r.default}
    chosen |= selected(list(config.extend_select), rules)
    return chosen - selected([*config.ignore, *ignore], rules)


def discover(paths: list[str], config: Config, spellings: list[str] | None = None,
             memo=None) -> list[str]:
    """The plan files under the given paths (or the configured ones), sorted.

    A file named twice, by an absolute and a relative path or through a symbolic link, is
    listed once, as it was first named (folders are walked in name order), so it is neither
    linted nor reported twice. `spellings`, when given, receives every name found, the
    ones left out too: another plan may name a plan by its alias. `memo`, a `FolderMemo`,
    lists a folder unchanged since a run before from what that run saw.
    """
    if not paths:
        paths = [str(config.root / p) for p in config.paths]
        paths = [_display(p) for p in paths if os.path.exists(p)]
    found: list[tuple[str, str]] = []  # (spelling, real location)
    for path in paths:
        if path.endswith(".md") or not os.path.isdir(path):
            # explicit files are linted even when excluded
            found.append((os.path.normpath(path), os.path.realpath(path)))
            continue
        found.extend(_walk(os.path.normpath(path), config, memo))
    first: dict[str, str] = {}  # real location → the spelling first given
    for path, real in found:
        first.setdefault(real, path)
    if spellings is not None:
        spellings.extend(path for path, _ in found)
    return sorted(first.values())


def _walk(top: str, config: Config, memo=None) -> list[tuple[str, str]]:
    """The `.md` files under `top` (hidden folders skipped, folder links not followed, as
    `os.walk` does), each with its real location. Only a symbolic link needs `realpath`: any
    other entry is its real folder's path plus its name, which keeps a walk of thousands of
    plans to one `scandir` per folder, and with a `FolderMemo` to one `stat`."""
    found: list[tuple[str, str]] = []
    sep = os.sep
    excluded = config.excluded if config.exclude else None  # asked of every file otherwise
    pending = [(top, os.path.realpath(top))]
    while pending:
        folder, real_folder = pending.pop()
        listing = _listing(folder, real_folder, memo)
        if listing is None:
            continue
        files, links, folders = listing
        spelled = "" if folder == os.curdir else folder + sep  # as os.path.normpath spells it
        real_folder += sep
        if not links and excluded is None:  # most folders: every name as it is
            found.extend(zip([spelled + name for name in files],
                             [real_folder + name for name in files], strict=True))
        else:  # where a link points is asked each time: it can change, its folder not
            for name, link in sorted([(name, False) for name in files]
                                     + [(name, True) for name in links]):
                path = spelled + name
                if link and os.path.isdir(path):
                    continue  # a link to a folder is not followed
                if excluded is None or not excluded(path):
                    found.append((path, os.path.realpath(path) if link else real_folder + name))
        pending.extend((spelled + name, real_folder + name) for name in reversed(folders))
    return found


def _listing(folder: str, real: str, memo) -> tuple[list[str], list[str], list[str]] | None:
    """A folder's `.md` files, its `.md` symbolic links and its sub-folders (not hidden, not
    links), each by name in name order; None when it cannot be listed."""
    if memo is not None:
        try:
            before = os.stat(folder)
        except OSError:
            return None
        known = memo.get(real, before)
        if known is not None:
            return known
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError:
        return None
    files, links, folders = [], [], []
    for entry in entries:
        name = entry.name
        if entry.is_symlink():
            if name.endswith(".md"):
                links.append(name)
            continue
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            if not name.startswith("."):
                folders.append(name)
        elif name.endswith(".md"):
            files.append(name)
    if memo is not None:
        try:
            memo.put(real, before, os.stat(folder), files, links, folders)
        except OSError:
            pass  # gone since: listed once, not remembered
    return files, links, folders


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
                 plan_names: Names | None = None, histories: dict | None = None,
                 trace_index=None):
        self.config = config
        self.enabled = enabled_codes(config, list(select), list(ignore))
        config.team_doctypes()  # a team's bad declaration is a usage error before any lint
        self.today = today()
        self.plan_names = plan_names if plan_names is not None else Names()
        self._references: dict | None = None
        self._graph_digest: str | None = None
        self.cache = None  # a cache.Cache when the run keeps one
        self._seen: dict | None = None  # what the plan being cached learns from outside it
        # display path → changes.PlanHistory, for the rules that need history
        self.histories: dict = histories or {}
        self.trace_index = trace_index  # trace.Index, when a traceability rule is on
        self._exists: dict[str, bool] = {}

    @functools.cached_property
    def rules(self) -> dict[str, Rule]:
        """Every rule with its check: the rule modules are imported when a plan is linted."""
        return all_rules()

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

    def references(self) -> dict[str, dict[str, list[str]]]:
        """field → document → the documents it names, over every document of the run. Read
        (frontmatter only) the first time a rule asks, so runs with no references pay nothing."""
        if self._references is None:
            from planbook.parse import parse_bytes

            graph: dict[str, dict[str, list[str]]] = {}
            names = self.plan_names
            for path in names.paths:
                written = self._known_references(path)
                if written is None:
                    try:
                        written = self.references_in(parse_bytes(self.read(path), path,
                                                                 body=False))
                    except Unreadable:
                        continue
                for key, values in written.items():
                    graph.setdefault(key, {})[names.node_of(path)] = [
                        node for entry in values if (node := names.resolve(entry))]
            self._references = graph
        return self._references

    def references_in(self, plan: Plan) -> dict[str, list]:
        """Each `refers` field of the plan's doc type that it sets → its entries as written."""
        doctype = self.doctype_for(plan)
        return {key: entries(plan.meta[key]) for key, spec in
                (doctype.fields.items() if doctype else ()) if spec.refers and key in plan.meta}

    def _known_references(self, path: str) -> dict[str, list] | None:
        """A document's references as its cache entry recorded them, when the file is the
        one the entry was made from (known by its stat): a warm run reads no other plan."""
        if self.cache is None or type(self).read is not Linter.read:
            return None  # a server reading open buffers: the buffer is what counts
        try:
            info = os.stat(path)
        except OSError:
            return None
        entry = self.cache.by_stat(path, self.cache.stat_key(
            path, _history_key(self.histories.get(path))), info)
        refs = entry.get("refs") if entry is not None else None
        if not isinstance(refs, dict) or not all(isinstance(v, list) for v in refs.values()):
            return None  # none recorded, or not as this version records them
        return refs

    def read(self, path: str) -> bytes:
        """Another document's bytes, for the references between documents (the language
        server reads its open buffers instead)."""
        return read_file(path)

    def graph_digest(self) -> str:
        """A digest of every document's references and names, to tell whether a cycle
        found (or not) in an earlier run would still be."""
        if self._graph_digest is None:
            from planbook.digest import cache_key

            graph = self.references()
            nodes = sorted({n for edges in graph.values() for src, dsts in edges.items()
                            for n in (src, *dsts)})
            text = repr((sorted((k, sorted(v.items())) for k, v in graph.items()),
                         [self.plan_names.shown.get(n) for n in nodes]))
            self._graph_digest = cache_key(text.encode())
        return self._graph_digest

    def _watched(self, folder: str, seen: dict):
        """`exists`, the names and the references, each answer written down in `seen`."""
        def exists(target: str) -> bool:
            seen["exists"][target] = found = self.exists(folder, target)
            return found

        def references() -> dict:
            seen["graph"] = self.graph_digest()
            return self.references()

        return exists, _WatchedNames(self.plan_names, seen), references

    def still_true(self, seen: object, path: str) -> bool:
        """Whether what a cached plan learned from outside itself still holds."""
        if not isinstance(seen, dict):
            return False
        folder = os.path.dirname(path)
        try:
            if any(self.exists(folder, t) != v for t, v in seen.get("exists", {}).items()):
                return False
            if "any" in seen and bool(self.plan_names) != seen["any"]:
                return False
            if any(self.plan_names.resolve(e) != v for e, v in seen.get("names", {}).items()):
                return False
            if "same" in seen and self.plan_names.sharing_id(path) != seen["same"]:
                return False
            return "graph" not in seen or seen["graph"] == self.graph_digest()
        except (AttributeError, TypeError):  # an entry of the wrong shape: lint again
            return False

    def cached(self, path: str) -> tuple[list[Finding], int] | None:
        """What the cache holds for `path` that is still true: findings and failures. Found
        by the file's stat when it is the one the entry recorded, else by its bytes."""
        from planbook import cache

        history = _history_key(self.histories.get(path))
        try:
            info = os.stat(path)
        except OSError:
            return None
        entry = self.cache.by_stat(path, self.cache.stat_key(path, history), info) \
            if stat.S_ISREG(info.st_mode) else None
        if entry is None:
            try:
                data = read_file(path)
                after = os.stat(path)
            except (OSError, Unreadable):
                return None
            key = self.cache.key(path, data, history)
            entry = self.cache.get(key)
            if entry is not None and "stat" not in entry and cache.settled(info, after):
                # linted while it was still changing: known by its stat from now on
                from planbook.parse import parse_bytes

                entry = {**entry, "stat": cache.file_stamp(after),
                         "stat_key": self.cache.stat_key(path, history),
                         "refs": self.references_in(parse_bytes(data, path, body=False))}
                entry.pop("given", None)  # the working tree's copy from now on
                self.cache.put(key, entry)
        return self._still(entry, path)

    def _still(self, entry: dict | None, path: str) -> tuple[list[Finding], int] | None:
        """An entry's findings and failures, when what it learned outside the file holds."""
        from planbook import cache

        if entry is not None and self.still_true(entry.get("seen"), path):
            return cache.findings_of(entry)
        return None

    def _lint_watched(self, data: bytes, path: str) -> tuple[Plan, list[Finding], int, dict]:
        """Lint the bytes, writing down what the rules learn outside the file (for an entry)."""
        from planbook.parse import parse_bytes, paused_gc

        self._seen = {"exists": {}, "names": {}}
        try:
            with paused_gc():  # one pause from reading to findings (see parse.paused_gc)
                plan = parse_bytes(data, path)
                findings, failures = self.lint_plan(plan)
        finally:
            seen, self._seen = self._seen, None
        return plan, findings, failures, seen

    def lint_for_cache(self, path: str) -> tuple[list[Finding], int, str, dict | None]:
        """Lint a plan the cache had no answer for (`cached`): the findings, failures, the
        entry's key and the new entry (none for a file that cannot be read)."""
        from planbook import cache

        history = _history_key(self.histories.get(path))
        try:
            before = os.stat(path)
            data = read_file(path)
            after = os.stat(path)
        except (OSError, Unreadable):
            return (*self.lint_path(path), "", None)
        key = self.cache.key(path, data, history)
        plan, findings, failures, seen = self._lint_watched(data, path)
        made = cache.entry(path, findings, failures, seen)
        if cache.settled(before, after):
            made.update(stat=cache.file_stamp(after), stat_key=self.cache.stat_key(path, history),
                        refs=self.references_in(plan))
        return findings, failures, key, made

    def lint_given(self, data: bytes, path: str) -> tuple[list[Finding], int]:
        """Lint bytes that stand for the file at `path` (the index's copy, for `--staged`),
        through the cache by those bytes alone: never by the file's stat, which describes the
        working tree's version. The entry is kept beside the working tree's, not over it."""
        from planbook import cache

        if self.cache is None:
            return self.lint_bytes(data, path)
        key = self.cache.key(path, data, _history_key(self.histories.get(path)))
        found = self._still(self.cache.get(key), path)
        if found is not None:
            return found
        _plan, findings, failures, seen = self._lint_watched(data, path)
        self.cache.put(key, {**cache.entry(path, findings, failures, seen), "given": True})
        return findings, failures

    def lint_path(self, path: str) -> tuple[list[Finding], int]:
        from planbook.parse import paused_gc, read_plan

        with paused_gc():  # one pause from reading to findings (see parse.paused_gc)
            return self.lint_plan(read_plan(path))

    def lint_text(self, text: str, path: str) -> tuple[list[Finding], int]:
        from planbook.parse import parse_text, paused_gc

        with paused_gc():
            return self.lint_plan(parse_text(text, path))

    def lint_bytes(self, data: bytes, path: str) -> tuple[list[Finding], int]:
        from planbook.parse import parse_bytes, paused_gc

        with paused_gc():
            return self.lint_plan(parse_bytes(data, path))

    def facts(self, plan: Plan) -> PlanFacts:
        """The plan read through the doc type that applies to it (which this decides)."""
        doctype = self.doctype_for(plan)
        plan.doc_type = doctype.name if doctype else ""
        from planbook.facts import PlanFacts

        return PlanFacts(plan, doctype)

    def read_facts(self, paths: list[str], unreadable: list[str]
                   ) -> Iterator[tuple[str, PlanFacts]]:
        """Each plan at `paths` read through its doc type, for the reports (status, trace);
        a file that cannot be read is added to `unreadable` as "path: why" instead."""
        from planbook.parse import read_plan

        for path in paths:
            plan = read_plan(path)
            broken = [m for code, _l, _c, m in plan.parse_findings if code.startswith("IO")]
            if broken:
                unreadable.append(f"{path}: {broken[0]}")
                continue
            yield path, self.facts(plan)

    def context(self, plan: Plan, facts: PlanFacts | None = None) -> Context:
        """What the rules may know about `plan` beyond its text."""
        facts = facts or self.facts(plan)
        doctype = facts.doctype
        folder = os.path.dirname(plan.path)
        exists, names, references = (lambda target: self.exists(folder, target)), \
            self.plan_names, self.references
        if self._seen is not None:  # record it all for the cache entry
            exists, names, references = self._watched(folder, self._seen)
        return Context(
            doctype=doctype,
            today=self.today,
            exists=exists,
            plan_names=names,
            references=references,
            known_types=tuple(self.config.doctype_names()) if doctype is None else (),
            history=self.histories.get(plan.path),
            facts=facts,
            trace=self.trace(facts),
        )

    def trace(self, facts: PlanFacts):
        """The plan's trace.PlanTrace, when the linter was given a trace index."""
        if self.trace_index is None or facts.doctype is None:
            return None
        from planbook.trace import plan_trace

        return plan_trace(facts, self.trace_index)

    def lint_plan(self, plan: Plan, facts: PlanFacts | None = None
                  ) -> tuple[list[Finding], int]:
        """Findings for one plan, and how many rules failed internally; `facts` when the
        caller has read the plan through its doc type already (the site does)."""
        from planbook.parse import paused_gc

        with paused_gc():
            return self._lint_plan(plan, facts)

    def _lint_plan(self, plan: Plan, facts: PlanFacts | None) -> tuple[list[Finding], int]:
        ctx = self.context(plan, facts)
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
        # next-line suppressions by the line they cover; ranges are few and checked in turn
        by_line: dict[int, list[tuple[int, Suppression]]] = {}
        ranges: list[tuple[int, Suppression]] = []
        for order, sup in enumerate(plan.suppressions):
            if sup.start == sup.end:
                by_line.setdefault(sup.start, []).append((order, sup))
            else:
                ranges.append((order, sup))
        for finding in findings:
            covering = [(order, sup) for order, sup in (*by_line.get(finding.line, ()), *ranges)
                        if sup.covers(finding.code, finding.line)]
            hit = min(covering, key=lambda pair: pair[0])[1] if covering else None
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
    from planbook.digest import sha256

    seen: Counter = Counter()
    for finding in sorted(findings, key=Finding.sort_key):
        text = plan.lines[finding.line - 1].strip() if finding.line <= len(plan.lines) else ""
        message = LINE_REF.sub("line N", finding.message)
        if today:
            message = message.replace(today, "today")
        base = "\0".join((finding.path.replace(os.sep, "/"), finding.code, message, text))
        seen[base] += 1
        digest = sha256(f"{base}\0{seen[base]}".encode()).hexdigest()[:32]
        finding.fingerprint = digest


# -- many plans ----------------------------------------------------------------------------

def lint_paths(paths: list[str], linter: Linter, jobs: int | None = None) -> Result:
    from planbook.workers import map_items

    result = Result(files=len(paths))
    if linter.cache is None:
        for found, failed in map_items(Linter.lint_path, linter, paths, jobs):
            result.findings.extend(found)
            result.internal_errors += failed
    else:
        # what the cache answers is read here; only the plans it cannot answer for go to
        # workers (a warm run starts none)
        missed = []
        for path in paths:
            hit = linter.cached(path)
            if hit is None:
                missed.append(path)
            else:
                result.findings.extend(hit[0])
                result.internal_errors += hit[1]
        for found, failed, key, new in map_items(Linter.lint_for_cache, linter, missed, jobs):
            result.findings.extend(found)
            result.internal_errors += failed
            if new is not None:
                linter.cache.put(key, new)
        linter.cache.save()
    result.findings.sort(key=Finding.sort_key)
    return result


class _WatchedNames:
    """The run's document names as a rule sees them, each answer written down for the cache."""

    def __init__(self, names: Names, seen: dict):
        self._names, self._seen = names, seen

    def resolve(self, entry: object) -> str | None:
        self._seen["names"][str(entry)] = node = self._names.resolve(entry)
        return node

    def __contains__(self, entry: object) -> bool:
        return self.resolve(entry) is not None

    def __bool__(self) -> bool:
        self._seen["any"] = bool(self._names)
        return self._seen["any"]

    def node_of(self, path: str) -> str:
        return self._names.node_of(path)

    def sharing_id(self, path: str) -> list[str]:
        self._seen["same"] = others = self._names.sharing_id(path)
        return others

    @property
    def shown(self) -> dict[str, str]:
        return self._names.shown


def _history_key(history) -> tuple | None:
    """What the history rules read of a plan's history, as part of its cache key."""
    if history is None:
        return None
    from planbook.digest import cache_key

    data = history.base_data
    text = cache_key(data) if data is not None else None
    return (str(history.first_day), str(history.last_change), text, history.against)


def plan_names(paths: list[str]) -> Names:
    """Every document of the run by the names a reference may use for it (file stem, ID)."""
    return Names(paths)


# -- a lint run: what `planbook lint` asks for, as a library call ---------------------------


class LintError(ValueError):
    """A run that cannot be made as asked: unknown codes, no plans, git options outside git,
    a bad baseline. The message says what to do."""


@record
class Request:
    """What to lint and how: paths (or the configured folders), a plan on standard input, or
    the plans git selects; which rules; a baseline to hide known findings or to write."""

    paths: list[str] = field(default_factory=list)
    stdin: bytes | None = None  # a plan's bytes to lint instead of files
    stdin_filename: str = "<stdin>"
    staged: bool = False
    since: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    baseline: str | None = None
    write_baseline: str | None = None
    jobs: int | None = None
    cache: bool = True  # keep and use the lint cache (config `cache-dir`)
    junit: list[str] = field(default_factory=list)  # JUnit XML results, for the TR rules


@record
class Run(Result):
    """A lint run's result: the findings and what to tell the user beside them."""

    rules: dict = field(default_factory=dict)  # code → RuleInfo (see rules.catalog)
    notices: list[str] = field(default_factory=list)  # one line each, for standard error
    hidden: int = 0  # findings the baseline hid
    wrote_baseline: bool = False
    cache_key: str = ""  # the lint cache's run key, when a cache was used (`fixable` keys by it)


def run(request: Request, config: Config) -> Run:
    """Lint what `request` asks for under `config`. Raises LintError for a run that cannot be
    made as asked; findings, however many, are a result."""
    if request.since and request.staged:
        raise LintError("--changed-since and --staged cannot be combined")
    on_stdin = request.stdin is not None
    if on_stdin and (request.since or request.staged):
        raise LintError("--stdin cannot be combined with --changed-since or --staged")
    spellings: list[str] = []  # every name a plan was found by, aliases too
    from planbook.cache import FolderMemo

    folder = _cache_folder(config, request)
    memo = FolderMemo(folder) if folder is not None else None
    try:
        files = [] if on_stdin else discover(list(request.paths), config, spellings, memo)
        enabled = enabled_codes(config, request.select, request.ignore)
        config.team_doctypes()  # a team's bad declaration is a usage error before any lint
    except ValueError as exc:  # unknown codes, invalid doc type declarations
        raise LintError(str(exc)) from None
    known = _baseline(request.baseline) if request.baseline else None
    if not on_stdin and not files and not request.paths:
        raise LintError(f"no plans found: {', '.join(config.paths)} does not exist here; "
                        "pass PATHS or set paths in [tool.planbook]")
    # the configured plans are the others a plan names, and may share its ID with; a folder
    # outside the project, linted from inside it, is another project's: its plans alone
    every = _sorted_union(discover([], config, spellings, memo), files) \
        if request.paths and _in_project(request.paths, config) else files
    if memo is not None:
        memo.save()
    names = plan_names(_sorted_union(every, spellings))
    out = Run(rules=catalog())
    if on_stdin:
        linter = Linter(config, request.select, request.ignore, names)
        found, failed = linter.lint_bytes(request.stdin, request.stdin_filename)
        out.findings, out.files, out.internal_errors = found, 1, failed
    else:
        _lint_files(out, config, request, enabled, files, every, names)
    if request.write_baseline:
        # an existing file must be a baseline: never overwrite something else
        previous = _baseline(request.write_baseline) \
            if os.path.exists(request.write_baseline) else {}
        from planbook import baseline as baselines

        count = baselines.write(request.write_baseline, out.findings, set(out.linted),
                                previous)
        out.notices.append(f"wrote {count} findings to the baseline {request.write_baseline}")
        out.wrote_baseline = True
    elif known is not None:
        from planbook import baseline as baselines

        out.findings, out.hidden = baselines.apply(out.findings, known)
    return out


def _in_project(paths, config: Config) -> bool:
    """Whether any of the paths lies inside the folder the config governs."""
    root = os.path.realpath(config.root)
    return any(os.path.commonpath([root, os.path.realpath(path)]) == root for path in paths)


def _sorted_union(*parts: list[str]) -> list[str]:
    """The distinct paths of `parts`, sorted. Each part comes in discover's order, sorted or
    nearly, and sorted end to end they cost a merge of runs: a set's order is scrambled and
    sorting it costs as much as sorting from scratch (thousands of plans, each run)."""
    return sorted(dict.fromkeys(itertools.chain(*parts)))


def _baseline(path: str) -> dict:
    from planbook.baseline import BaselineError, load

    try:
        return load(path)
    except BaselineError as exc:
        raise LintError(str(exc)) from None


def _lint_files(out: Run, config: Config, request: Request, enabled: set[str],
                files: list[str], every: list[str], names: Names) -> None:
    """Lint `files`; when git chooses the plans or the history rules are on, ask git first."""
    from planbook.rules import history_codes

    history = bool(set(history_codes()) & enabled)
    if history and not (request.since or request.staged):
        from planbook.git import maybe_repository

        history = maybe_repository(".")  # outside git there is no history to ask for
    if not (request.since or request.staged or history):
        index = _trace_index(config, request, enabled, every)
        linter = Linter(config, request.select, request.ignore, names, trace_index=index)
        _open_cache(config, request, linter, out)
        _merge(out, lint_paths(files, linter, request.jobs))
        out.linted = list(files)
        return
    from planbook import changes
    from planbook.cache import HistoryMemo

    folder = _cache_folder(config, request)
    try:
        chosen = changes.select(files, staged=request.staged, since=request.since,
                                history=history, today=today(), parse=_parse_earlier,
                                memo=HistoryMemo(folder) if folder is not None else None,
                                others=every, meanwhile=functools.partial(_prepare, config)
                                if request.staged or request.since else None)
    except changes.GitError as exc:
        raise LintError(str(exc)) from None
    if chosen.notice:
        out.notices.append(chosen.notice)
    # once git has checked the ref, and where the repository is
    index = _trace_index(config, request, enabled, every, chosen.repository, chosen.committed)
    linter = Linter(config, request.select, request.ignore, names, chosen.histories, index)
    if chosen.staged:
        out.files = len(chosen.files)
        _open_cache(config, request, linter, out)
        for path in chosen.files:
            found, failed = linter.lint_given(chosen.staged[path], path)
            out.findings.extend(found)
            out.internal_errors += failed
        if linter.cache is not None:
            linter.cache.save()
    else:
        _open_cache(config, request, linter, out)
        _merge(out, lint_paths(chosen.files, linter, request.jobs))
    out.linted = list(chosen.files)
    if chosen.deleted:
        _links_to_deleted(out, linter, chosen, every)
    out.findings.sort(key=Finding.sort_key)


def _prepare(config: Config) -> None:
    """What linting a plan will need, done while git still reads the plans' history: the
    parser, the plan facts and the rules imported, the default doc type loaded. A failure is
    left for the lint to meet and report."""
    try:
        from planbook import edits, facts, parse, sequence  # noqa: F401

        all_rules()
        config.doctype(config.default_type)
    except Exception:
        pass


def _parse_earlier(data: bytes, path: str) -> Plan:
    """A plan's earlier version, parsed when a rule reads it: a run the cache answers reads
    none, and imports no parser."""
    from planbook.parse import parse_bytes

    return parse_bytes(data, path)


def _trace_index(config: Config, request: Request, enabled: set[str], every: list[str],
                 repository=None, committed=None):
    """What the traceability rules read, when one of them is on: one git walk for all plans
    (when a rule that needs it is on), the configured test files, the JUnit files."""
    codes = {code for code in enabled if code.startswith("TR")}
    if not codes:
        return None
    from planbook.git import maybe_repository
    from planbook.rules import history_codes

    # --staged judges plans as staged: the commits are the ones the last commit's own lint
    # judged, so a pre-commit hook does not walk the history for them again
    history = bool(codes & set(history_codes())) and not request.staged
    if not (request.since or config.tests or request.junit
            or history and maybe_repository(".")):
        return None  # no commits, test files or results to read: the rules have nothing
    from planbook import trace
    from planbook.cache import TraceMemo

    folder = _cache_folder(config, request)
    memo = TraceMemo(folder) if folder is not None else None
    try:
        index = trace.gather(every, config, request.junit, history=history,
                             judged_since=request.since, memo=memo, repository=repository,
                             committed=committed)
    except (trace.TraceError, trace.GitError) as exc:
        raise LintError(str(exc)) from None
    if memo is not None:
        memo.save()
    return index


def _cache_folder(config: Config, request: Request):
    """Where the run's cache and its memos live (the lint entries, what the plan folders
    held, the plans' git histories, the traceability index's reads); None when the run
    asked for no cache or the config turns it off."""
    return config.root / config.cache_dir if request.cache and config.cache_dir else None


def _open_cache(config: Config, request: Request, linter: Linter, out: Run) -> None:
    """Give `linter` the run's cache, keyed on everything every plan's findings depend on
    (none when the run asked for none or the config turns it off), and `out` its key."""
    folder = _cache_folder(config, request)
    if folder is None:
        linter.cache = None
        return
    from planbook.cache import Cache, run_key

    team = config.team_doctypes()
    index = linter.trace_index  # commits, test files and results the TR rules read
    key = run_key(repr(config), sorted(linter.enabled), str(linter.today),
                  [(name, repr(d), d.template_text) for name, d in sorted(team.items())],
                  index.digest() if index is not None else None)
    linter.cache = Cache(folder, key)
    out.cache_key = key


def _merge(out: Run, result: Result) -> None:
    out.findings, out.files = result.findings, result.files
    out.internal_errors = result.internal_errors


def _links_to_deleted(out: Run, linter: Linter, chosen, every: list[str]) -> None:
    """Plans the change did not touch can still link to a plan it deleted: lint the ones that
    mention a deleted plan and keep only what they say about it."""
    kept = {name for p in every if p not in chosen.deleted for name in names_of(p)}
    gone = {name for p in chosen.deleted for name in names_of(p)} - kept
    if not gone:
        return
    touched = set(chosen.files)
    for path in every:
        if path in touched:
            continue
        try:
            data = read_file(path)
        except Unreadable:  # lint reports what it is when it lints it
            continue
        if not any(name.encode() in data for name in gone):
            continue
        found, failed = linter.lint_bytes(data, path)
        out.internal_errors += failed
        out.findings.extend(
            f for f in found if f.code in ("RF004", "GT004")
            and any(name in f.message for name in gone))
