"""Which plans a run lints when git chooses them, and what git says about each for the GT rules.

A pull request should be judged on the plans it changes, a commit on the plans it stages; the
history rules need each plan's first commit and what it looked like before this change. All of
it comes from a fixed number of git processes whatever the number of plans:

- `git rev-parse`: is this a repository, and is it shallow;
- one `git diff --raw` for the range being judged (merge-base to working tree, HEAD to index,
  or HEAD to working tree), which also names the blob each changed plan had before;
- `git status` for plans not yet committed (only with `--changed-since`);
- the history walk of `gitmeta.collect` (one `git log` for every plan);
- one `git cat-file --batch` for the earlier contents and the staged contents together.

Imported only when a git option or a GT rule needs it, so a plain lint never pays for it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from planbook import gitmeta
from planbook.model import Plan
from planbook.rules import history_codes

SHALLOW_NOTICE = (
    "planbook: this is a shallow clone, so git history is cut short and the history rules "
    "({codes}) were skipped rather than report wrong dates. Fetch the whole history with "
    "`git fetch --unshallow` (in GitHub Actions: `fetch-depth: 0` on actions/checkout; in "
    "GitLab CI: `GIT_DEPTH: 0`)."
)


class GitError(Exception):
    """A git option that cannot be honoured here; the message says why and what to do."""


@dataclass(slots=True)
class PlanHistory:
    """What git says about one plan, for the history rules."""

    first_day: dt.date | None = None  # the day it first entered history, renames followed
    last_change: dt.date | None = None  # the day of its newest change in the judged range
    base: Plan | None = None  # the plan as it was before the judged change, if it existed
    against: str = "HEAD"  # what it is compared with, for messages


@dataclass
class Selection:
    """The outcome of asking git: what to lint, what was deleted, what history says."""

    files: list[str] = field(default_factory=list)  # plans to lint, as display paths
    staged: dict[str, bytes] = field(default_factory=dict)  # index contents by display path
    deleted: list[str] = field(default_factory=list)  # plans deleted in the judged range
    histories: dict[str, PlanHistory] = field(default_factory=dict)
    notice: str = ""  # said once on standard error


@dataclass(slots=True)
class Change:
    status: str  # A, M, D, R, C, T
    path: str  # relative to the working folder, forward slashes
    old_path: str
    old_blob: str  # "" when the plan did not exist before
    new_blob: str  # "" when the contents are in the working tree


def git(root: str | os.PathLike, *args: str, input: bytes | None = None
        ) -> tuple[int, bytes, str]:
    """Run git in `root`: (exit code, stdout bytes, stderr text). 127 when git is missing."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args], input=input, capture_output=True, timeout=120,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return 127, b"", str(exc)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def repository(root: str | os.PathLike = ".") -> tuple[str, bool] | None:
    """(root's path inside its repository, shallow?) or None outside a repository."""
    code, out, _ = git(root, "rev-parse", "--show-prefix", "--is-shallow-repository")
    if code != 0:
        return None
    lines = out.decode("utf-8", "replace").split("\n")
    return lines[0].strip(), len(lines) > 1 and lines[1].strip() == "true"


def parse_raw(out: bytes) -> list[Change]:
    """Entries of `git diff --raw -z --no-abbrev`, paths as git prints them."""
    tokens = out.decode("utf-8", "replace").split("\0")
    changes: list[Change] = []
    i = 0
    while i < len(tokens):
        head = tokens[i]
        i += 1
        if not head.startswith(":"):
            continue
        parts = head[1:].split()
        if len(parts) < 5:
            continue
        old_blob, new_blob, status = parts[2], parts[3], parts[4][0]
        if status in "RC":
            old, new = tokens[i], tokens[i + 1]
            i += 2
        else:
            old = new = tokens[i]
            i += 1
        zero = set("0")
        changes.append(Change(status, new, old, "" if set(old_blob) <= zero else old_blob,
                              "" if set(new_blob) <= zero else new_blob))
    return changes


def read_blobs(root: str | os.PathLike, shas: list[str]) -> dict[str, bytes]:
    """The contents of many blobs from one `git cat-file --batch`."""
    shas = list(dict.fromkeys(s for s in shas if s))
    if not shas:
        return {}
    code, out, _ = git(root, "cat-file", "--batch", input="\n".join(shas).encode() + b"\n")
    if code != 0:
        return {}
    found: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        found[header[0].decode()] = out[pos:pos + size]
        pos += size + 1
    return found


def _posix(path: str) -> str:
    return Path(os.path.normpath(path)).as_posix()


def _day(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso[:10])
    except ValueError:
        return None


def select(candidates: list[str], *, staged: bool = False, since: str | None = None,
           history: bool = False, today: dt.date | None = None,
           parse=None) -> Selection:
    """Ask git which of `candidates` (every plan in scope, display paths relative to the
    working folder) to lint and what history knows about them.

    With neither `staged` nor `since`, every candidate is linted and only the history is read.
    `parse(bytes, path) -> Plan` parses the earlier contents for the version rule.
    """
    today = today or dt.date.today()
    found = repository(".")
    if found is None:
        if staged or since:
            raise GitError(f"{'--staged' if staged else '--changed-since'} needs a git "
                           "repository, and this folder is not in one")
        return Selection(files=list(candidates))
    prefix, shallow = found
    # the walk needs only the files on disk (a symlink loop or a folder is not a plan)
    walk = _Walk([c for c in candidates if os.path.isfile(c)]) if history and not shallow \
        else None
    wanted = {_posix(p): p for p in candidates}
    specs = sorted({str(PurePosixPath(p).parent) for p in wanted}) or ["."]
    result = Selection()
    uncommitted: set[str] = set()
    if since:
        code, out, err = git(".", "diff", "--raw", "-z", "-M", "--no-abbrev", "--relative",
                             "--merge-base", since, "--", *specs)
        if code != 0:
            if shallow:  # the base may simply not have been fetched
                result.files = list(candidates)
                result.notice = (f"planbook: cannot find where {since} and HEAD meet in this "
                                 "shallow clone, so every plan was linted. "
                                 + SHALLOW_NOTICE.format(codes=", ".join(history_codes())))
                return result
            raise GitError(f"--changed-since {since}: {err.strip().splitlines()[-1]}"
                           if err.strip() else f"--changed-since {since}: git diff failed")
        changes = parse_raw(out)
        code, status, _ = git(".", "status", "--porcelain", "-z", "--untracked-files=all",
                              "--", *specs)
        codes = gitmeta.parse_status_codes(status) if code == 0 else {}
        for path, letters in codes.items():
            if not path.startswith(prefix):
                continue
            rel = path[len(prefix):]
            uncommitted.add(rel)
            if letters == "??":
                changes.append(Change("A", rel, rel, "", ""))
        against = since
    elif staged:
        code, out, err = git(".", "diff", "--cached", "--raw", "-z", "-M", "--no-abbrev",
                             "--relative", "--", *specs)
        if code != 0:
            raise GitError(f"--staged: {err.strip() or 'git diff --cached failed'}")
        changes = parse_raw(out)
        uncommitted = {c.path for c in changes}
        against = "HEAD"
    elif history:
        code, out, _ = git(".", "diff", "--raw", "-z", "-M", "--no-abbrev", "--relative",
                           "HEAD", "--", *specs)
        changes = parse_raw(out) if code == 0 else []  # no HEAD yet: nothing to compare
        uncommitted = {c.path for c in changes}
        against = "HEAD"
    else:
        return Selection(files=list(candidates))

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

    blobs_needed = [by_path[p].new_blob for p in by_path if staged and by_path[p].new_blob]
    if history and not shallow:
        blobs_needed += [c.old_blob for c in by_path.values() if c.old_blob]
    blobs = read_blobs(".", blobs_needed)
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
    histories = walk.result() if walk else {}
    for path, display in lint_paths.items():
        known = histories.get(path)
        if known is None:
            continue  # a new plan not committed yet: git has nothing to say about it
        entry = PlanHistory(first_day=_day(known.created), against=against)
        change = by_path.get(path)
        if change is not None and change.old_blob:  # changed, not added, in the judged range
            entry.last_change = today if path in uncommitted else _day(known.updated)
            if change.old_blob in blobs and parse is not None:
                entry.base = parse(blobs[change.old_blob], display)
        result.histories[display] = entry
    return result


class _Walk:
    """The history walk, started at once in its own thread: git does the work while this
    process asks git about the changes, so the two waits overlap."""

    def __init__(self, paths: list[str]):
        import threading

        self.found: dict = {}
        self.thread = threading.Thread(target=self._run, args=(paths,), daemon=True)
        self.thread.start()

    def _run(self, paths: list[str]) -> None:
        self.found = gitmeta.collect(".", paths)

    def result(self) -> dict:
        self.thread.join()
        return self.found


def _in_specs(path: str, specs: list[str]) -> bool:
    return any(s == "." or path == s or path.startswith(s.rstrip("/") + "/") for s in specs)


def _display(path: str) -> str:
    return os.path.normpath(path)
