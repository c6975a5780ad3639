"""Traceability: which commits cite each task, which tests implement each plan test, and how
each acceptance criterion stands against the test results.

A commit cites a task with the plan's ID and the task's: `IP-7 T-3` anywhere in its message,
a `Plan: IP-7 T-3` trailer, `IP-7 T-3, T-4` for several. A plan's ID is its file name's
(`IP-7` for `plans/IP-7-search.md`) or its `id` field. A test says which plan test it
implements with the pytest marker `@pytest.mark.plan("IP-7", "UT-1")` (which the pytest plugin
also writes into the JUnit XML), or with `IP-7:UT-1` in a comment, a name or a docstring in any
language (`test-pattern` in the config). Test files are read as text, never imported or run.

`gather` builds an `Index` for a whole run from one `git log` (through `planbook.git`), the
test files the config's `tests` globs name and the JUnit files given; `plan_trace` reads one
plan's facts against it. The TR rules, `planbook trace`, `planbook status` and the site all
take their answers from these two, so they never disagree.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import asdict, field
from pathlib import Path
from typing import TYPE_CHECKING

from planbook.git import GitError  # noqa: F401 - what `gather` raises, as trace.GitError
from planbook.records import record

if TYPE_CHECKING:  # a plan's facts are read by `plan_trace`, when a plan is linted
    from planbook.facts import PlanFacts

PLAN_TOKEN = re.compile(r"^([A-Z][A-Z0-9]*)-\d+$")
# an ID-shaped word of its own: not inside a path, a longer word, a version or a range
TOKEN = re.compile(r"(?<![\w./#:-])[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)?-\d+(?![\w-]|\.\d)")
BETWEEN = re.compile(r"^(?:[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+(?:and[ \t]+)?)$")
DEFAULT_TEST_PATTERN = (r"(?<![\w-])(?P<plan>[A-Z][A-Z0-9]*-\d+):"
                        r"(?P<test>[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)?-\d+)(?![\w-])")
MARKER = re.compile(r"@pytest\.mark\.plan\(([^)]*)\)")
STRING = re.compile(r"""["']([^"'\n]*)["']""")
DEFINITION = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)
TEST_NAME = re.compile(r"""(?:\b(?:def|func|fn|function|class)[ \t]+(?:\([^)]*\)[ \t]*)?"""
                       r"""(\w+)|["']([^"'\n]+)["'])""")
DEFINED = re.compile(r"\b(?:def|func|fn|function|class)[ \t]+(?:\([^)]*\)[ \t]*)?(\w+)")
PATTERN_ONLY = re.compile(r"[\sA-Z0-9:,-]*")  # a quoted string holding nothing but IDs
MAX_TEST_FILES = 20_000
MAX_WALKED = 500_000
RESULTS = ("failed", "passed", "skipped")  # a test run several times: the worst counts


class TraceError(ValueError):
    """Input that cannot be traced as given (a JUnit file that is not JUnit XML, a test
    pattern that is not a regular expression); the message names the file or key."""


@record(slots=True, many=True)
class CommitRef:
    """A commit, as a citation of a task points to it."""

    sha: str
    date: str
    subject: str


@record(slots=True, many=True)
class Implementation:
    """A test that says it implements a plan's test."""

    path: str
    line: int
    name: str


@record(slots=True, many=True)
class Unknown:
    """A citation of a plan, or of a plan's task, that does not exist."""

    sha: str
    date: str
    subject: str
    plan: str
    task: str
    reason: str  # "no such plan" or "no such task"


@record
class Index:
    """What git, the test files and the test results say, for every plan of a run."""

    # plan ID → cited ID → commits citing it, newest first
    cites: dict[str, dict[str, list[CommitRef]]] = field(default_factory=dict)
    unknown_plans: list[Unknown] = field(default_factory=list)
    home: str = ""  # the plan whose trace carries the citations of no plan: the first one
    judged: set[str] | None = None  # the commits whose unknown citations count; None: all
    # (plan ID, test ID) → the tests that implement it, and the results of its runs
    implemented: dict[tuple[str, str], list[Implementation]] = field(default_factory=dict)
    results: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    history: bool = False  # commits were read
    notice: str = ""  # why they were not, when it is worth saying
    tests_configured: bool = False  # the config names test files
    junit: bool = False  # JUnit results were given

    def digest(self) -> str:
        """A digest of everything here, for the lint cache: a plan's TR findings change when
        a commit, a test file or a result does, though its bytes do not."""
        from planbook.digest import cache_key

        text = repr((self.cites, self.unknown_plans, self.home,
                     sorted(self.judged) if self.judged is not None else None,
                     sorted(self.implemented.items()), sorted(self.results.items()),
                     self.history, self.tests_configured, self.junit))
        return cache_key(text.encode())


@record(slots=True, many=True)
class TaskTrace:
    """A task and the commits that cite it."""

    id: str
    line: int
    done: bool | None
    commits: list[CommitRef] = field(default_factory=list)


@record(slots=True, many=True)
class TestTrace:
    """A plan's test, the tests that implement it and their result."""

    id: str
    line: int
    implemented_by: list[Implementation] = field(default_factory=list)
    result: str | None = None  # passed, failed, skipped, missing; None without results


@record(slots=True, many=True)
class CriterionTrace:
    """An acceptance criterion and how its tests stand."""

    id: str
    line: int
    tests: list[str] = field(default_factory=list)
    state: str = "untested"  # met, failing, untested


@record(many=True)
class PlanTrace:
    """One plan's tasks, tests and criteria, read against the index."""

    path: str
    id: str
    tasks: list[TaskTrace] = field(default_factory=list)
    tests: list[TestTrace] = field(default_factory=list)
    criteria: list[CriterionTrace] = field(default_factory=list)
    unknown_tasks: list[Unknown] = field(default_factory=list)
    unknown_plans: list[Unknown] = field(default_factory=list)  # on the index's home plan
    history: bool = False
    tests_configured: bool = False
    junit: bool = False

    def to_dict(self) -> dict:
        return {"path": self.path, "id": self.id,
                "tasks": [asdict(t) for t in self.tasks],
                "tests": [asdict(t) for t in self.tests],
                "criteria": [asdict(c) for c in self.criteria]}

    def coverage(self) -> tuple[int, int]:
        """(criteria met, criteria)."""
        return sum(1 for c in self.criteria if c.state == "met"), len(self.criteria)


# -- commits ---------------------------------------------------------------------------------


def citations(message: str, is_plan) -> list[tuple[str, list[str]]]:
    """(plan ID, the IDs cited after it) for each plan ID in `message` that `is_plan(token)`
    accepts and that IDs follow (`IP-7 T-3`, `IP-7 T-3, T-4`, `IP-7 T-3 and T-4`)."""
    tokens = [(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(message)]
    found: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(tokens):
        word, _start, end = tokens[i]
        i += 1
        if not is_plan(word):
            continue
        cited: list[str] = []
        while i < len(tokens) and not is_plan(tokens[i][0]) \
                and BETWEEN.match(message[end:tokens[i][1]]):
            cited.append(tokens[i][0])
            end = tokens[i][2]
            i += 1
        if cited:
            found.append((word, list(dict.fromkeys(cited))))
    return found


def read_commits(index: Index, commits, plan_ids: set[str], task_prefixes) -> None:
    """Fold commit messages into `index.cites`; plans cited whose ID has a known plan's prefix
    but no plan has, with task IDs after them, go to `index.unknown_plans`. `task_prefixes`
    is a tuple, or a function asked for it only when a commit cites an unknown plan (it loads
    the doc type)."""
    prefixes = {m.group(1) for m in map(PLAN_TOKEN.match, plan_ids) if m}

    def is_plan(word: str) -> bool:
        match = PLAN_TOKEN.match(word)
        return word in plan_ids or bool(match and match.group(1) in prefixes)

    task_like: tuple[str, ...] | None = None
    for commit in commits:
        ref = CommitRef(commit.sha, commit.date, commit.subject)
        for plan, cited in citations(commit.body, is_plan):
            if plan in plan_ids:
                by_id = index.cites.setdefault(plan, {})
                for task in cited:
                    by_id.setdefault(task, []).append(ref)
            else:
                if task_like is None:
                    prefixes_now = task_prefixes() if callable(task_prefixes) else task_prefixes
                    task_like = tuple(f"{p}-" for p in prefixes_now)
                index.unknown_plans += [Unknown(ref.sha, ref.date, ref.subject, plan, task,
                                                "no such plan")
                                        for task in cited if task.startswith(task_like)]


# -- tests -----------------------------------------------------------------------------------


def test_pattern(pattern: str | None) -> re.Pattern:
    """The configured test pattern, which must name its groups `plan` and `test`."""
    try:
        compiled = re.compile(pattern or DEFAULT_TEST_PATTERN)
    except re.error as exc:
        raise TraceError(f"test-pattern is not a regular expression: {exc}") from None
    if not {"plan", "test"} <= set(compiled.groupindex):
        raise TraceError("test-pattern must name two groups, (?P<plan>…) and (?P<test>…)")
    return compiled


def test_files(root: Path, globs) -> list[Path]:
    """The files the `tests` globs name under `root`, sorted, each once. They match as the
    config's other globs do (`config.glob_matches`: as a line of .gitignore). Folders whose
    name starts with a dot, and node_modules, are not walked; nor are symbolic links to
    folders."""
    from planbook.config import glob_matches

    found: set[Path] = set()
    seen = 0
    for pattern in globs:
        clean = pattern.strip().replace("\\", "/").removeprefix("./")
        parts = clean.split("/")
        if not clean or clean.startswith("/") or ".." in parts or ":" in parts[0]:
            raise TraceError(f"tests: {pattern!r} must be a glob relative to the project, such "
                             "as 'tests/**/*.py'")
        fixed = []  # the folders before the first wildcard, when the pattern is anchored
        for part in parts[:-1] if len(parts) > 1 else ():
            if any(c in part for c in "*?[\\"):
                break
            fixed.append(part)
        try:
            glob_matches(clean, "x")
        except ValueError:
            raise TraceError(f"tests: {pattern!r} is not a glob planbook can read") from None
        base = root.joinpath(*fixed)
        if not base.is_dir():
            continue
        for folder, dirs, files in os.walk(base):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
            rel = Path(os.path.relpath(folder, root)).as_posix()
            for name in files:
                seen += 1
                if seen > MAX_WALKED:
                    raise TraceError(f"tests: the globs walk more than {MAX_WALKED} files; "
                                     "narrow them")
                if glob_matches(clean, name if rel == "." else f"{rel}/{name}"):
                    path = Path(folder) / name
                    if path.is_file():
                        found.add(path)
        if len(found) > MAX_TEST_FILES:
            raise TraceError(f"tests: more than {MAX_TEST_FILES} files match; narrow the globs")
    return sorted(found)


class _Lines:
    """Line numbers of offsets in one text, found by bisection: a file with many marks is
    not counted through once per mark."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, at: int) -> int:
        return bisect.bisect_right(self.starts, at)


def _name_near(text: str, at: int) -> str:
    """The name of the test a match at `at` belongs to: a definition on the line before (a
    docstring's function), else a definition's name or a quoted name on the match's line or
    one of the three after it (a comment above a test)."""
    start = text.rfind("\n", 0, at) + 1
    before = text.rfind("\n", 0, max(start - 1, 0)) + 1 if start else start
    previous = DEFINED.search(text, before, start)
    if previous:
        return previous.group(1)
    end = start
    for _ in range(4):
        nxt = text.find("\n", end + 1)
        end = len(text) if nxt < 0 else nxt
    for match in TEST_NAME.finditer(text, start, end):
        name = match.group(1) or match.group(2)
        if name and not PATTERN_ONLY.fullmatch(name):
            return name.strip()
    return ""


def scan_test_file(text: str, path: str, pattern: re.Pattern
                   ) -> list[tuple[str, str, Implementation]]:
    """(plan ID, test ID, where) for each test the file says implements a plan test."""
    found: list[tuple[str, str, Implementation]] = []
    lines = _Lines(text) if "plan" in text else None
    defs: list[tuple[int, str]] | None = None  # where each `def` names its function
    for match in MARKER.finditer(text):
        args = STRING.findall(match.group(1))
        if len(args) < 2:
            continue
        if defs is None:
            defs = [(m.start(1), m.group(1)) for m in DEFINITION.finditer(text)]
        after = bisect.bisect_left(defs, (match.end(), ""))
        at, name = defs[after] if after < len(defs) else (match.start(), "")
        line = lines(at)
        found += [(args[0].strip(), test.strip(), Implementation(path, line, name))
                  for test in args[1:]]
    for match in pattern.finditer(text):
        lines = lines or _Lines(text)
        found.append((match.group("plan"), match.group("test"),
                      Implementation(path, lines(match.start()),
                                     _name_near(text, match.start()))))
    return found


def read_tests(index: Index, root: Path, globs, pattern: re.Pattern) -> None:
    from planbook.reading import Unreadable, read_file

    index.tests_configured = bool(globs)
    for path in test_files(root, globs):
        shown = Path(os.path.relpath(path, root)).as_posix()
        try:
            text = read_file(str(path)).decode("utf-8", "replace")
        except Unreadable:
            continue
        seen: set[tuple[str, str, str | int]] = set()  # a test named twice counts once
        for plan, test, where in scan_test_file(text, shown, pattern):
            if (plan, test, where.name or where.line) not in seen:
                seen.add((plan, test, where.name or where.line))
                index.implemented.setdefault((plan, test), []).append(where)


# -- JUnit results ---------------------------------------------------------------------------


def junit_cases(data: bytes, path: str) -> list[tuple[str, str, list[str], str]]:
    """(name, classname, the `plan` properties' values, result) for each testcase of a JUnit
    XML file. Raises TraceError for a file that is not JUnit XML."""
    import xml.etree.ElementTree as ET

    if b"<!ENTITY" in data:
        raise TraceError(f"{path}: declares XML entities, which JUnit results never need; "
                         "not read")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 1
        raise TraceError(f"{path}:{line}: not well-formed XML ({exc})") from None
    if root.tag not in ("testsuites", "testsuite", "testcase"):
        raise TraceError(f"{path}: not JUnit XML (its root element is <{root.tag}>, not "
                         "<testsuites> or <testsuite>)")
    out = []
    for case in root.iter("testcase"):
        tags = {child.tag for child in case}
        result = "failed" if tags & {"failure", "error"} else \
            "skipped" if "skipped" in tags else "passed"
        props = [p.get("value", "") for p in case.iter("property") if p.get("name") == "plan"]
        out.append((case.get("name", ""), case.get("classname", ""), props, result))
    return out


def read_junit(index: Index, files, pattern: re.Pattern) -> None:
    from planbook.reading import MAX_BYTES, Unreadable, read_file

    index.junit = bool(files)
    by_name: dict[str, set[tuple[str, str]]] = {}
    for key, impls in index.implemented.items():
        for impl in impls:
            if impl.name:
                by_name.setdefault(impl.name, set()).add(key)
    for file in files:
        try:
            data = read_file(str(file))
        except Unreadable as exc:
            raise TraceError(f"--junit {file}: {exc}") from None
        if len(data) > MAX_BYTES:
            raise TraceError(f"--junit {file}: larger than {MAX_BYTES // (1024 * 1024)} MB")
        for name, _classname, props, result in junit_cases(data, str(file)):
            keys: set[tuple[str, str]] = set()
            for value in props:
                plan, *tests = value.replace(",", " ").split() or [""]
                keys.update((plan, test) for test in tests)
            keys.update((m.group("plan"), m.group("test")) for m in pattern.finditer(name))
            base = name.split("[", 1)[0]  # pytest's parametrized test_x[1] runs test_x
            keys.update(by_name.get(name, set()) | by_name.get(base, set()))
            for key in keys:
                index.results.setdefault(key, []).append(result)


def result_of(results: list[str] | None) -> str:
    if not results:
        return "missing"
    return next(r for r in RESULTS if r in results)


# -- one run ---------------------------------------------------------------------------------

FRONT_ID = re.compile(r"""^id:[ \t]*["']?([A-Z][A-Z0-9]*-\d+)["']?[ \t]*(?:#.*)?$""",
                      re.MULTILINE)


def plan_ids(paths, memo=None, committed=None) -> set[str]:
    """Every plan's IDs: its file name's, and the `id` its frontmatter declares (read from the
    text, without parsing the plan).

    With `memo` (`cache.TraceMemo`) and `committed` (`changes.Committed`: which plans git
    found to differ from HEAD), a plan that is as HEAD's commit holds it takes its IDs from
    what the memo keeps of that commit's tree, with no stat of the file: one `git ls-tree`
    per new HEAD, and only the files whose blob is new are read (and matched to the blob by
    its name). The others are read; with `memo` alone, or when there are many of them, a plan
    whose stat is as it was is not read again."""
    paths = [str(p) for p in paths]
    found: set[str] = set()
    if memo is not None and committed is not None:
        known = _committed_ids(paths, memo, committed)
        rest = [p for p in paths if known.get(p) is None]
        for path in paths:
            found.update(known.get(path) or ())
        if not all(type(i) is str for i in found):  # a damaged memo: read every plan
            found, rest = set(), paths
        if len(rest) <= FEW_UNKNOWN:
            for path in rest:
                found.update(_ids_read(path)[0])
            return found
        paths = rest
    here = os.getcwd()
    for path in paths:
        before = None
        if memo is not None:
            where = os.path.join(here, path)  # paths come normalised, as discover gives them
            try:
                before = os.stat(path)
            except OSError:
                pass  # read_file says why below; lint reports it
            ids = memo.ids_of(where, before) if before is not None else None
            if ids is not None:
                found.update(ids)
                continue
        ids, _data = _ids_read(path)
        found.update(ids)
        if before is not None:
            try:
                memo.put_ids(where, before, os.stat(path), ids)
            except OSError:
                pass
    return found


FEW_UNKNOWN = 64  # plans HEAD's tree does not answer for, read without their stats


def _ids_read(path: str) -> tuple[list[str], bytes | None]:
    """A plan's IDs, by its name and its first 8 KB, and its bytes (None when unreadable)."""
    from planbook.names import PLAN_ID, file_stem
    from planbook.reading import Unreadable, read_file

    match = PLAN_ID.match(file_stem(path))
    ids = [match.group(0)] if match else []
    try:
        data = read_file(path)
    except Unreadable:
        return ids, None
    head = data[:8192].decode("utf-8", "replace")
    if head.startswith("---"):
        end = head.find("\n---", 3)
        ids += FRONT_ID.findall(head[:end] if end > 0 else head)
    return ids, data


def _committed_ids(paths: list[str], memo, committed) -> dict[str, list[str]]:
    """The IDs of the plans at `paths` that are as HEAD's commit holds them, by path."""
    from planbook import git
    from planbook.digest import blob_name

    where = os.getcwd()
    folders = list(committed.folders)
    tree = memo.tree_ids(committed.head, where, folders)
    if tree is None:  # a new HEAD: its tree listed once, the new blobs' files read
        blobs = git.tree_blobs(".", committed.head, folders, files_only=True)
        tree = {}
        wanted = set(paths)
        for path, blob in (blobs.items() if isinstance(blobs, dict) else ()):
            ids = memo.blob_ids(blob)
            if ids is None and path in wanted and path not in committed.differ:
                read, data = _ids_read(path)
                if data is not None and blob_name(data, blob) == blob:
                    ids = read
                    memo.put_blob_ids(blob, ids)
            if ids is not None:
                tree[path] = ids
        if isinstance(blobs, dict):
            memo.keep_blobs(set(blobs.values()))
        memo.put_tree_ids(committed.head, where, folders, tree)
    # a path out of the working folder is not one `git diff --relative` compared; what is not
    # a list is a damaged memo's, and the plan is read
    return {p: ids for p in paths if p not in committed.differ and not p.startswith("../")
            and isinstance(ids := tree.get(p), list)}


def gather(paths, config, junit=(), since: str | None = None, history: bool = True,
           root: str | os.PathLike = ".", tests: bool = True, judged_since: str | None = None,
           memo=None, repository=None, committed=None) -> Index:
    """The index for the plans at `paths` (every plan of the run): commits from one git walk
    (none outside a repository or in a shallow clone, or when `history` is False), the test
    files of `config.tests`, and the JUnit files. `since` leaves out the commits before it;
    `judged_since` keeps them all but counts unknown citations only in the commits after it
    (a pull request's own). Raises TraceError for bad input, and git.GitError for an unknown
    ref. `memo` (`cache.TraceMemo`) remembers the plans' IDs and the commits read;
    `repository`, the `git.Repository` of `root` when the caller has asked already;
    `committed`, what git said of the plans against HEAD (`changes.Committed`)."""
    from planbook import git

    paths = list(paths)
    index = Index(home=min(paths, default=""))
    pattern = test_pattern(config.test_pattern)
    if history:
        found = repository if repository is not None else \
            git.repository(root) if git.maybe_repository(root) else None
        if found is None and since:
            raise GitError("needs a git repository, and this folder is not in one")
        if found is not None and found.shallow:
            index.notice = ("planbook: this is a shallow clone, so commits were not read: fetch "
                            "the whole history with `git fetch --unshallow` (in GitHub Actions: "
                            "`fetch-depth: 0` on actions/checkout).")
        if found is not None and not found.shallow:
            ids = plan_ids(paths, memo, committed) if found.head else set()

            def prefixes() -> tuple[str, ...]:
                doctype = config.doctype(config.default_type)
                spec = next((s for s in doctype.tables if s.name == doctype.report.tasks),
                            None) if doctype else None
                return spec.prefixes if spec else ("T",)

            if ids:
                read_commits(index, _citing(root, since, found.head, memo), ids, prefixes)
                if judged_since:
                    index.judged = git.revisions(root, judged_since)
                    index.unknown_plans = [u for u in index.unknown_plans
                                           if u.sha in index.judged]
            index.history = True
    if config.tests and tests:
        read_tests(index, Path(config.root), config.tests, pattern)
    read_junit(index, list(junit), pattern)
    return index


CITING = r"[A-Z][A-Z0-9]*-[0-9]+"  # what a commit message citing an ID holds, for git's --grep


def _citing(root, since: str | None, head: str, memo) -> list:
    """The commits whose message may cite an ID: from one `git log`, or, with `memo`, from
    what it read when HEAD named the same commit (a commit's message never changes)."""
    from planbook import git

    query = f"{CITING}\0{since or ''}"
    if memo is not None and head and not since:
        known = memo.commits_at(head, query)
        if known is not None:
            return [git.Commit(*commit) for commit in known]
    commits = git.messages(root, since, grep=CITING)
    if memo is not None and head and not since:
        memo.put_commits(head, query, commits)
    return commits


def plan_trace(facts: PlanFacts, index: Index) -> PlanTrace:
    """One plan's tasks, tests and criteria, read against the index."""
    ids = facts.plan_ids
    trace = PlanTrace(facts.plan.path, ids[0] if ids else "", history=index.history,
                      tests_configured=index.tests_configured, junit=index.junit)
    cited: dict[str, list[CommitRef]] = {}
    for plan_id in ids:
        for task, refs in index.cites.get(plan_id, {}).items():
            cited.setdefault(task, []).extend(r for r in refs if r not in cited.get(task, []))
    known = {t.id for t in facts.tasks}
    for task in facts.tasks:
        trace.tasks.append(TaskTrace(task.id, task.line, task.done, cited.get(task.id, [])))
    spec = next((s for _t, s in facts.tables_of(facts.doctype.report.tasks)), None) \
        if facts.doctype else None
    task_like = tuple(f"{p}-" for p in (spec.prefixes if spec else ()))
    for task, refs in cited.items():
        if task not in known and task_like and task.startswith(task_like):
            trace.unknown_tasks += [Unknown(r.sha, r.date, r.subject, trace.id, task,
                                            "no such task") for r in refs
                                    if index.judged is None or r.sha in index.judged]
    if facts.plan.path == index.home:
        trace.unknown_plans = list(index.unknown_plans)
    results: dict[str, str | None] = {}
    for test in facts.test_ids:
        impls = [i for plan_id in ids for i in index.implemented.get((plan_id, test.id), [])]
        runs = [r for plan_id in ids for r in index.results.get((plan_id, test.id), [])]
        result = result_of(runs) if index.junit else None
        results[test.id] = result
        trace.tests.append(TestTrace(test.id, test.line, impls, result))
    for criterion in facts.criteria:
        states = [results.get(t) for t in criterion.tests]
        if criterion.tests and all(s == "passed" for s in states):
            state = "met"
        elif "failed" in states:
            state = "failing"
        else:
            state = "untested"
        trace.criteria.append(CriterionTrace(criterion.id, criterion.line,
                                             list(criterion.tests), state))
    return trace


# -- the report: `planbook trace` ------------------------------------------------------------


@record
class Report:
    """`planbook trace`'s answer: each plan's trace, citations of IDs no plan defines,
    and the files that could not be read."""

    plans: list[PlanTrace] = field(default_factory=list)
    unknown_citations: list[Unknown] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # "path: why"
    history: bool = False
    notice: str = ""

    def to_dict(self) -> dict:
        return {"plans": [p.to_dict() for p in self.plans],
                "unknown_citations": [asdict(u) for u in self.unknown_citations]}


def build(paths: list[str], linter, junit=(), since: str | None = None,
          every: list[str] | None = None) -> Report:
    """The trace of these plan files; `every` is every plan there is (by default `paths`),
    so that a commit citing one not traced here is no unknown citation. `linter` decides each
    plan's doc type and carries the config. Raises TraceError and GitError as `gather`
    does."""

    index = gather(every or paths, linter.config, junit, since)
    report = Report(history=index.history, notice=index.notice)
    for _path, facts in linter.read_facts(paths, report.unreadable):
        if facts.doctype is None:
            continue
        found = plan_trace(facts, index)
        report.plans.append(found)
        report.unknown_citations += found.unknown_tasks
    report.unknown_citations += index.unknown_plans
    return report


def render_json(report: Report) -> str:
    import json

    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


MARK = {"passed": "✅ passed", "failed": "❌ failed", "skipped": "⏭️ skipped",
        "missing": "⚠️ missing", None: "no results"}
STATE = {"met": "✅ met", "failing": "❌ failing", "untested": "⚠️ untested"}


def _results(plan: PlanTrace) -> dict[str, str | None]:
    return {t.id: t.result for t in plan.tests}


def render_markdown(report: Report) -> str:
    """An acceptance criterion → tests → result matrix per plan, to paste into a pull request."""

    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    out = ["## Traceability", ""]
    for plan in report.plans:
        met, total = plan.coverage()
        cited = sum(1 for t in plan.tasks if t.commits)
        out += [f"### {cell(plan.id or plan.path)}", "",
                f"`{cell(plan.path)}`: {met} of {total} criteria met; {cited} of "
                f"{len(plan.tasks)} tasks cited by commits.", ""]
        if plan.criteria:
            results = _results(plan)
            out += ["| Criterion | Tests | Result | State |", "| --- | --- | --- | --- |"]
            for criterion in plan.criteria:
                tests = ", ".join(criterion.tests) or "—"
                said = ", ".join(f"{t} {MARK.get(results.get(t), 'not a test of this plan')}"
                                 for t in criterion.tests) or "—"
                out.append(f"| {cell(criterion.id)} | {cell(tests)} | {cell(said)} | "
                           f"{STATE[criterion.state]} |")
            out.append("")
    if report.unknown_citations:
        out += ["### Unknown citations", ""]
        out += [f"- `{u.sha[:10]}` {cell(u.subject)}: {cell(u.plan)} {cell(u.task)} "
                f"({u.reason})" for u in report.unknown_citations]
        out.append("")
    out += [f"- not read: {cell(text)}" for text in report.unreadable]
    return "\n".join(out).rstrip("\n") + "\n"


def render_text(report: Report) -> str:
    out: list[str] = []
    for plan in report.plans:
        met, total = plan.coverage()
        cited = sum(1 for t in plan.tasks if t.commits)
        out.append(f"{plan.path} ({plan.id or 'no ID'}): {cited}/{len(plan.tasks)} tasks "
                   f"cited, {met}/{total} criteria met")
        for task in plan.tasks:
            state = {True: "done", False: "open", None: "-"}[task.done]
            if task.commits:
                last = task.commits[0]
                said = (f"{len(task.commits)} commit{'s' if len(task.commits) != 1 else ''}, "
                        f"last {last.sha[:7]} {last.date[:10]} {last.subject}")
            else:
                said = "no commits" if report.history else "no history"
            out.append(f"  {task.id:<8} {state:<5} {said}")
        for test in plan.tests:
            where = ", ".join(f"{i.path}:{i.line}" + (f" {i.name}" if i.name else "")
                              for i in test.implemented_by) or \
                ("not implemented" if plan.tests_configured else "-")
            out.append(f"  {test.id:<8} {test.result or '-':<8} {where}")
        for criterion in plan.criteria:
            out.append(f"  {criterion.id:<8} {criterion.state:<8} "
                       f"{', '.join(criterion.tests) or 'cites no test'}")
    if report.unknown_citations:
        out.append("unknown citations:")
        out += [f"  {u.sha[:7]} {u.plan} {u.task}: {u.reason} ({u.subject})"
                for u in report.unknown_citations]
    out += [f"not read: {text}" for text in report.unreadable]
    return "\n".join(out) + "\n" if out else ""
