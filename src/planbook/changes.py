"""Which plans a lint run judges when git chooses them, and what git says about each plan for
the history rules (GT, and the approval rules' previous version).

This module owns the selection for `--staged` and `--changed-since` (the plans changed, the
plans deleted, the staged contents) and each plan's `PlanHistory`. A pull request should be
judged on the plans it changes, a commit on the plans it stages; the history rules need each
plan's first commit and what it looked like before this change. All of it comes from a fixed
number of git processes, started by `planbook.git`, whatever the number of plans:

- `git rev-parse`: is this a repository, and is it shallow;
- one `git diff --raw` for the range being judged (merge-base to working tree, HEAD to index,
  or HEAD to working tree), which also names the blob each changed plan had before;
- `git status` for plans not yet committed (only with `--changed-since`);
- the history walk: of the plans' folders (`gitmeta.collect`, one `git log` for every
  plan), or, for a few plans, of those plans alone (`gitmeta.collect_few`: a `git log` and
  a `git diff-tree`, and one more of each per rename followed);
- one `git cat-file --batch` for the earlier contents and the staged contents together.

Plans inside a submodule (or any repository nested in this one) are not in this repository's
index: git here can only say that the submodule changed. When it did, the selection names it
in `unchecked` and the notice says how to check its plans, rather than skip them silently.

Imported only when a git option or a GT rule needs it, so a plain lint never pays for it.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import field
from typing import TYPE_CHECKING, NamedTuple

from planbook import git, gitmeta
from planbook.git import Change, GitError  # GitError: callers catch it as changes.GitError
from planbook.records import record
from planbook.rules import history_codes

if TYPE_CHECKING:
    from planbook.model import Plan

SHALLOW_NOTICE = (
    "planbook: this is a shallow clone, so git history is cut short and the history rules "
    "({codes}) were skipped rather than report wrong dates. Fetch the whole history with "
    "`git fetch --unshallow` (in GitHub Actions: `fetch-depth: 0` on actions/checkout; in "
    "GitLab CI: `GIT_DEPTH: 0`)."
)


@record(slots=True, many=True)
class PlanHistory:
    """What git says about one plan, for the history rules."""

    first_day: dt.date | None = None  # the day it first entered history, renames followed
    last_change: dt.date | None = None  # the day of its newest change in the judged range
    against: str = "HEAD"  # what it is compared with, for messages
    # the plan's bytes before the judged change, if it existed, and how to parse them: parsed
    # only when a rule reads `base`, so a plan the cache answers for is not parsed twice
    base_data: bytes | None = None
    base_path: str = ""
    parse: object = field(default=None, repr=False, compare=False)
    _base: object = field(default=None, repr=False, compare=False)

    @property
    def base(self) -> Plan | None:
        """The plan as it was before the judged change, if it existed."""
        if self._base is None and self.base_data is not None and self.parse is not None:
            self._base = self.parse(self.base_data, self.base_path)
        return self._base


class Committed(NamedTuple):
    """What git said of the plans against HEAD's commit, for a reader that knows plans as
    they were committed (the traceability index): a plan under `folders` that is in HEAD's
    tree and not in `differ` is, on disk, as HEAD has it."""

    head: str  # the commit
    folders: tuple[str, ...]  # the pathspecs git compared, relative to the working folder
    differ: frozenset[str]  # the paths under them that differ from HEAD, likewise relative


@record
class Selection:
    """The outcome of asking git: what to lint, what was deleted, what history says."""

    files: list[str] = field(default_factory=list)  # plans to lint, as display paths
    staged: dict[str, bytes] = field(default_factory=dict)  # index contents by display path
    deleted: list[str] = field(default_factory=list)  # plans deleted in the judged range
    histories: dict[str, PlanHistory] = field(default_factory=dict)
    notice: str = ""  # said once on standard error
    # submodules (nested repositories) holding plans that the change touched, which were not
    # checked: folder → the command that checks them, run in that folder
    unchecked: dict[str, str] = field(default_factory=dict)
    repository: git.Repository | None = None  # where the run is, as git said; None outside
    committed: Committed | None = None  # which plans differ from HEAD, when git was asked


def _posix(path: str) -> str:
    path = os.path.normpath(path)
    return path.replace(os.sep, "/") if os.sep != "/" else path


def _day(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso[:10])
    except ValueError:
        return None


def select(candidates: list[str], *, staged: bool = False, since: str | None = None,
           history: bool = False, today: dt.date | None = None,
           parse=None, memo=None, others: list[str] = (), meanwhile=None) -> Selection:
    """Ask git which of `candidates` (every plan in scope, display paths relative to the
    working folder) to lint and what history knows about them.

    With neither `staged` nor `since`, every candidate is linted and only the history is read.
    `parse(bytes, path) -> Plan` parses the earlier contents for the version rule. `memo`
    (a `cache.HistoryMemo`) remembers histories between runs, so that a few plans' history is
    read only from the commits since the last run that read it. `others` are the run's other
    plans: with `history` alone, their folders are compared with HEAD too, for
    `Selection.committed`. `meanwhile()` is called while git still reads the history, if it
    does when nothing else is left to wait for.
    """
    result = _select(candidates, staged=staged, since=since, history=history, today=today,
                     parse=parse, memo=memo, others=others, meanwhile=meanwhile)
    if result.unchecked:  # said first: it is about what this run did not look at
        option = "--staged" if staged else "--changed-since"
        told = [UNCHECKED_NOTICE.format(folder=folder, option=option, command=command)
                for folder, command in result.unchecked.items()]
        result.notice = "\n".join([*told, result.notice] if result.notice else told)
    return result


UNCHECKED_NOTICE = (
    "planbook: the plans in {folder} were not checked: it is a git repository of its own "
    "(a submodule) whose contents changed, and {option} judges only this repository's files. "
    "Check them by running `{command}` in {folder}."
)


def _select(candidates: list[str], *, staged: bool, since: str | None, history: bool,
            today: dt.date | None, parse, memo, others, meanwhile=None) -> Selection:
    today = today or dt.date.today()
    wanted = {_posix(p): p for p in candidates}
    # the other plans' folders are compared too, those under the working folder only: one
    # outside it (or outside the repository) is not what `git diff --relative` can compare,
    # and would fail the diff for the plans being linted
    others = [p for p in map(_posix, others) if not p.startswith("../") and not os.path.isabs(p)] \
        if history and not (staged or since) else []
    specs = git.pathspecs([*wanted, *others])
    # what changed is asked beside where the repository is: neither waits for the other;
    # the staged texts' reader starts up meanwhile too
    reader = git.start_reader(".") if staged else None
    asked = git.start(".", "diff", "--cached", "--raw", "-z", "-M", "--no-abbrev", "--relative",
                      "--ignore-submodules=none", "--", *specs) if staged else \
        git.start(".", "diff", "--raw", "-z", "-M", "--no-abbrev", "--relative", "HEAD", "--",
                  *specs) if history and not since else None
    found = git.repository(".")
    if found is None:
        for running in (asked, reader):
            if running is not None:
                running.answer(b"" if running is reader else None)
        if staged or since:
            raise GitError(f"{'--staged' if staged else '--changed-since'} needs a git "
                           "repository, and this folder is not in one")
        return Selection(files=list(candidates))
    prefix, shallow = found.prefix, found.shallow
    # with every candidate linted, the history walk starts at once; when git chooses, it
    # waits for the choice and reads the history of the chosen plans only
    filters = git.changed_path_filters(found.common_dir)
    walk = _Walk(candidates, filters, memo, found.head) \
        if history and not shallow and not (staged or since) else None
    result = Selection(repository=found)
    uncommitted: set[str] = set()
    worktree: dict[str, str] = {}  # `git status` code by path, with --changed-since
    if since:
        code, out, err = git.run(".", "diff", "--raw", "-z", "-M", "--no-abbrev", "--relative",
                                 "--ignore-submodules=none", "--merge-base", since, "--", *specs)
        if code != 0:
            if shallow:  # the base may simply not have been fetched
                result.files = list(candidates)
                result.notice = (f"planbook: cannot find where {since} and HEAD meet in this "
                                 "shallow clone, so every plan was linted.\n"
                                 + SHALLOW_NOTICE.format(codes=", ".join(history_codes())))
                return result
            raise GitError(f"--changed-since {since}: {err.strip().splitlines()[-1]}"
                           if err.strip() else f"--changed-since {since}: git diff failed")
        changes = git.parse_raw(out)
        status = git.status(".", specs, "--ignore-submodules=none")
        codes = status or {}
        if status is not None and found.head:
            result.committed = Committed(found.head, tuple(specs), frozenset(
                path[len(prefix):] for path in codes if path.startswith(prefix)))
        for path, letters in codes.items():
            if not path.startswith(prefix):
                continue
            rel = path[len(prefix):]
            uncommitted.add(rel)
            worktree[rel] = letters
            if letters == "??":
                changes.append(Change("A", rel, rel, "", ""))
        against = since
    elif staged:
        code, out, err = asked.answer()
        if code != 0:
            reader.answer(b"")
            raise GitError(f"--staged: {err.strip() or 'git diff --cached failed'}")
        changes = git.parse_raw(out)
        uncommitted = {c.path for c in changes}
        against = "HEAD"
    elif history:
        code, out, _ = asked.answer()
        changes = git.parse_raw(out) if code == 0 else []  # no HEAD yet: nothing to compare
        if code == 0 and found.head:
            result.committed = Committed(found.head, tuple(specs), frozenset(
                {c.path for c in changes} | {c.old_path for c in changes}))
        uncommitted = {c.path for c in changes}
        against = "HEAD"
    else:
        return Selection(files=list(candidates), repository=found)

    if since or staged:
        folders = {git.folder_of(p) for p in wanted}
        nested = {git.own_repository(folder) for folder in folders} - {""}
        result.unchecked = _unchecked(nested, changes, worktree)
    changes = [c for c in changes if not c.submodule]  # a submodule's commit is no plan here
    by_path = {c.path: c for c in changes if c.status != "D"}
    if since or staged:
        result.deleted = sorted({_display(c.old_path) for c in changes
                                 if c.status == "D" or c.status == "R"
                                 and c.old_path not in by_path})
        result.deleted = [p for p in result.deleted if p.endswith(".md")]
        result.files = [display for path, display in wanted.items() if path in by_path]
        if staged:
            # staged plans whose file is gone from the working tree: still committed
            extra = [p for p in by_path if p.endswith(".md") and p not in wanted
                     and _in_specs(p, specs) and not os.path.lexists(p)]
            result.files += [_display(p) for p in extra]
            wanted.update({p: _display(p) for p in extra})
    else:
        result.files = list(candidates)

    # a plan renamed since the judged commit, the rename not committed, has its history under
    # its old name (once committed, the trail from HEAD follows the rename)
    linted = {_posix(f) for f in result.files}
    renamed = {p: c.old_path for p, c in by_path.items() if c.status == "R" and p in linted}
    renames = None
    if walk is None and history and not shallow:  # git reads it while the blobs are read
        # a staged plan not in HEAD (added, or a rename's or copy's new name) has no trail
        # there: its history would be a walk of every commit to find nothing of it
        walked = [f for f in result.files if not staged
                  or getattr(by_path.get(_posix(f)), "status", "M") not in "ARC"]
        walk = _Walk([*walked, *renamed.values()], filters, memo, found.head,
                     committed=renamed.values())
    elif walk is not None and renamed:  # the walk began before the diff named the renames
        # (not remembered: the memo is the other walk's while both run)
        renames = _Walk(list(renamed.values()), filters, None, found.head,
                        committed=renamed.values())
    blobs_needed = [by_path[p].new_blob for p in by_path if staged and by_path[p].new_blob]
    if history and not shallow:  # the earlier versions of the plans being linted, no others
        blobs_needed += [c.old_blob for p, c in by_path.items() if c.old_blob and p in linted]
    blobs = git.read_blobs(".", blobs_needed, reader)
    if staged:
        for path, change in by_path.items():
            if path in wanted and change.new_blob in blobs:
                result.staged[wanted[path]] = blobs[change.new_blob]
        result.files = [f for f in result.files if f in result.staged]
    if not history:
        return result
    if shallow:
        result.notice = SHALLOW_NOTICE.format(codes=", ".join(history_codes()))
        return result
    lint_paths = {_posix(f): f for f in result.files}
    if meanwhile is not None and walk is not None and walk.running():
        meanwhile()  # git is still reading the history: do what comes next while it does
    histories = walk.result() if walk else {}
    before = renames.result() if renames else histories
    for path, display in lint_paths.items():
        change = by_path.get(path)
        known = histories.get(path)
        if known is None and path in renamed:
            known = before.get(renamed[path])
        if known is None:
            continue  # a new plan not committed yet: git has nothing to say about it
        entry = PlanHistory(first_day=_day(known.created), against=against)
        if change is not None and change.old_blob:  # changed, not added, in the judged range
            entry.last_change = today if path in uncommitted else _day(known.updated)
            if change.old_blob in blobs and parse is not None:
                entry.base_data, entry.base_path = blobs[change.old_blob], display
                entry.parse = parse
        result.histories[display] = entry
    return result


class _Walk:
    """The history walk, started at once in its own thread: git does the work while this
    process asks git about the changes, so the two waits overlap. A few plans have their own
    history read (`gitmeta.collect_few`), more the history of their folders."""

    def __init__(self, paths: list[str], filters: bool = False, memo=None, head: str = "",
                 committed=()):
        import threading

        # only the files on disk (a symlink loop or a folder is not a plan), and the
        # `committed` names git gave for plans renamed since
        gone = set(committed)
        paths = list(dict.fromkeys(p for p in paths if p in gone or os.path.isfile(p)))
        self.found: dict = {}
        self.thread = threading.Thread(target=self._run, args=(paths, filters, memo, head),
                                       daemon=True)
        self.thread.start()

    def _run(self, paths: list[str], filters: bool, memo, head: str) -> None:
        if len(paths) > gitmeta.FEW:
            self.found = gitmeta.collect(".", paths, memo, head)
        elif memo is not None:
            self.found = gitmeta.collect_remembered(".", paths, memo, one_by_one=filters,
                                                    head=head)
        else:  # with changed-path filters, a process per plan; without, one for them all
            self.found = gitmeta.collect_few(".", paths, one_by_one=filters)

    def running(self) -> bool:
        return self.thread.is_alive()

    def result(self) -> dict:
        self.thread.join()
        return self.found


def _unchecked(nested: set[str], changes: list[Change], worktree: dict[str, str]
               ) -> dict[str, str]:
    """The nested repositories holding plans that the judged change touched (a submodule's
    commit moved or its working tree differs), each with the command that checks its plans
    from inside it: since the commit the change started from, when there is one."""
    found: dict[str, str] = {}
    for change in changes:
        if change.submodule and change.path in nested and change.status != "D":
            found[change.path] = (f"planbook lint --changed-since {change.old_blob}"
                                  if change.old_blob else "planbook lint")
    for path, code in worktree.items():
        folder = path.rstrip("/")  # git status names an untracked repository as a folder/
        if folder in nested and folder not in found:
            found[folder] = "planbook lint" if code == "??" else \
                "planbook lint --changed-since HEAD"
    return {_display(folder): found[folder] for folder in sorted(found)}


def _in_specs(path: str, specs: list[str]) -> bool:
    return any(s == "." or path == s or path.startswith(s.rstrip("/") + "/") for s in specs)


def _display(path: str) -> str:
    return os.path.normpath(path)
