"""What git knows about each plan, from a fixed number of git processes per build.

One `git log --name-status -M` over the plan folders gives every path's first and last commit
and its authors, following renames by walking the history from newest to oldest; one
`git status` gives the plans that are not committed yet. Running git once per file, or blame,
would make a site of hundreds of plans wait on hundreds of processes.

Outside a git repository, or without git installed, every function answers "nothing known"
rather than failing: a plan site must still build from a tarball.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

RECORD = "\x1e"
UNIT = "\x1f"
LOG_FORMAT = RECORD + UNIT.join(("%H", "%aI", "%an", "%s"))


@dataclass(slots=True)
class History:
    """The commits that touched one plan, under its current name or any earlier one."""

    created: str = ""  # ISO date-time of the oldest commit
    updated: str = ""  # ISO date-time of the newest commit
    sha: str = ""  # newest commit
    subject: str = ""  # newest commit's subject line
    authors: list[str] = field(default_factory=list)  # newest first, each once
    commits: int = 0

    def to_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "sha": self.sha,
                "subject": self.subject, "authors": list(self.authors), "commits": self.commits}


@dataclass(slots=True)
class GitFacts:
    """Everything the site needs from git for one build."""

    histories: dict[str, History] = field(default_factory=dict)
    uncommitted: set[str] = field(default_factory=set)
    shallow: bool = False
    in_repo: bool = False
    prefix: str = ""  # the root folder's path inside the repository, "" or ending in "/"


def _git(root: str | os.PathLike, *args: str) -> str | None:
    """Run git in `root`; None when git is missing or the folder is not in a repository."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, timeout=120,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", "replace")


def _prefix(root: str | os.PathLike) -> tuple[str, bool] | None:
    """Where `root` sits inside its repository ("" at the top), and whether the clone is
    shallow; None outside a repository."""
    out = _git(root, "rev-parse", "--show-prefix", "--is-shallow-repository")
    if out is None:
        return None
    lines = out.split("\n")
    return lines[0].strip(), (lines[1].strip() == "true" if len(lines) > 1 else False)


def is_shallow(root: str | os.PathLike) -> bool:
    """True for a shallow clone, whose oldest commits (and so creation dates) are cut off."""
    found = _prefix(root)
    return bool(found and found[1])


def _relative(paths, root: str | os.PathLike) -> list[str]:
    base = Path(root).resolve()
    out = []
    for path in paths:
        full = Path(path) if os.path.isabs(path) else base / path
        try:
            out.append(full.resolve().relative_to(base).as_posix())
        except ValueError:
            continue  # outside root: git cannot tell us about it from here
    return out


def _pathspecs(rel: list[str]) -> list[str]:
    """The folders that hold the plans: one pathspec per folder keeps the command line short
    whatever the number of plans."""
    folders = sorted({str(PurePosixPath(p).parent) for p in rel})
    return folders or ["."]


def collect(root: str | os.PathLike, paths) -> dict[str, History]:
    """Histories keyed by each path relative to `root` (forward slashes), for the paths git
    has commits for. One `git log` process, whatever the number of paths."""
    rel = _relative(paths, root)
    if not rel:
        return {}
    out = _git(root, "log", "-z", "--relative", f"--format={LOG_FORMAT}", "--name-status",
               "-M", "--", *_pathspecs(rel))
    if out is None:
        return {}
    return parse_log(out, set(rel))


def parse_log(out: str, wanted: set[str]) -> dict[str, History]:
    """Fold `git log -z --name-status` output, newest commit first, into histories.

    `alias` maps a name a file had at the commit being read to the name it has now; a rename
    moves the alias to the old name, an add ends the trail.
    """
    alias = {path: path for path in wanted}
    found: dict[str, History] = {}
    for record in out.split(RECORD):
        if not record:
            continue
        header, _, changes = record.partition("\0")
        parts = header.split(UNIT)
        if len(parts) < 4:
            continue
        sha, date, author, subject = parts[0], parts[1], parts[2], UNIT.join(parts[3:])
        tokens = changes.lstrip("\n").split("\0")
        i = 0
        while i < len(tokens):
            status = tokens[i].strip()
            if not status:
                i += 1
                continue
            kind = status[0]
            if kind in "RC" and i + 2 < len(tokens):
                old, new = tokens[i + 1], tokens[i + 2]
                i += 3
            elif i + 1 < len(tokens):
                old = new = tokens[i + 1]
                i += 2
            else:
                break
            current = alias.get(new)
            if current is None:
                continue
            history = found.get(current)
            if history is None:
                history = found[current] = History(updated=date, sha=sha, subject=subject)
            history.created = date
            history.commits += 1
            if author not in history.authors:
                history.authors.append(author)
            if kind == "R":
                del alias[new]
                alias[old] = current
            elif kind in "AC":
                del alias[new]  # before this commit the file did not exist under this name
    return found


def uncommitted(root: str | os.PathLike, paths, prefix: str | None = None) -> set[str]:
    """Paths (relative to `root`) that are untracked, or differ from the last commit. One
    `git status` process (two when `prefix`, root's place in the repository, is not known)."""
    rel = _relative(paths, root)
    if prefix is None:
        found = _prefix(root)
        if found is None:
            return set()
        prefix = found[0]
    if not rel:
        return set()
    out = _git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--",
               *_pathspecs(rel))
    if out is None:
        return set()
    return parse_status(out, prefix) & set(rel)


def parse_status_codes(out: bytes | str) -> dict[str, str]:
    """`git status --porcelain -z`: path → two-letter code ('??' for untracked)."""
    text = out.decode("utf-8", "replace") if isinstance(out, bytes) else out
    found: dict[str, str] = {}
    tokens = text.split("\0")
    i = 0
    while i < len(tokens):
        entry = tokens[i]
        i += 1
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if "R" in code or "C" in code:
            i += 1  # the next token is the old name
        found[path] = code
    return found


def parse_status(out: str, prefix: str = "") -> set[str]:
    """Changed paths from `git status --porcelain -z`, relative to the folder at `prefix`."""
    return {path[len(prefix):] for path, code in parse_status_codes(out).items()
            if code.strip() and path.startswith(prefix)}


def facts(root: str | os.PathLike, paths, history: bool = True) -> GitFacts:
    """Histories, uncommitted plans and shallowness: three git processes in all."""
    paths = list(paths)
    found = _prefix(root)
    if found is None:
        return GitFacts()
    return GitFacts(
        histories=collect(root, paths) if history else {},
        uncommitted=uncommitted(root, paths, prefix=found[0]),
        shallow=found[1],
        in_repo=True,
        prefix=found[0],
    )
