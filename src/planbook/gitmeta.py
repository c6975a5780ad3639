"""What git knows about each plan for the site: the history walk and `GitFacts`.

This module owns reading plan histories out of one `git log --name-status -M` over the plan
folders (every path's first and last commit and its authors, following renames by walking
the history from newest to oldest) and gathering, for one build, those histories, the plans
not committed yet (one `git status`) and whether the clone is shallow. Running git once per
file, or blame, would make a site of hundreds of plans wait on hundreds of processes. The
processes themselves are started by `planbook.git`.

Outside a git repository, or without git installed, every function answers "nothing known"
rather than failing: a plan site must still build from a tarball.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from planbook import git
from planbook.git import parse_status, parse_status_codes  # noqa: F401 - called as gitmeta.*

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


def collect(root: str | os.PathLike, paths) -> dict[str, History]:
    """Histories keyed by each path relative to `root` (forward slashes), for the paths git
    has commits for. One `git log` process, whatever the number of paths."""
    rel = git.relative(paths, root)
    if not rel:
        return {}
    code, out, _ = git.run(root, "log", "-z", "--relative", f"--format={LOG_FORMAT}",
                           "--name-status", "-M", "--", *git.pathspecs(rel, root))
    if code != 0:
        return {}
    return parse_log(out.decode("utf-8", "replace"), set(rel))


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
    rel = git.relative(paths, root)
    if prefix is None:
        found = git.repository(root)
        if found is None:
            return set()
        prefix = found.prefix
    if not rel:
        return set()
    codes = git.status(root, git.pathspecs(rel, root))
    if codes is None:
        return set()
    return git.changed_paths(codes, prefix) & set(rel)


def facts(root: str | os.PathLike, paths, history: bool = True) -> GitFacts:
    """Histories, uncommitted plans and shallowness: three git processes in all."""
    paths = list(paths)
    found = git.repository(root)
    if found is None:
        return GitFacts()
    return GitFacts(
        histories=collect(root, paths) if history else {},
        uncommitted=uncommitted(root, paths, prefix=found.prefix),
        shallow=found.shallow,
        in_repo=True,
        prefix=found.prefix,
    )
