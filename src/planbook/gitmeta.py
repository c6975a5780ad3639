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
from dataclasses import field

from planbook import git
from planbook.git import parse_status, parse_status_codes  # noqa: F401 - called as gitmeta.*
from planbook.records import record

RECORD = "\x1e"
UNIT = "\x1f"
LOG_FORMAT = RECORD + UNIT.join(("%H", "%P", "%aI", "%an", "%s"))
RECORD_BYTE = RECORD.encode()  # the same, in the bytes git writes


@record(slots=True, many=True)
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


@record(slots=True)
class GitFacts:
    """Everything the site needs from git for one build."""

    histories: dict[str, History] = field(default_factory=dict)
    uncommitted: set[str] = field(default_factory=set)
    shallow: bool = False
    in_repo: bool = False
    prefix: str = ""  # the root folder's path inside the repository, "" or ending in "/"


def collect(root: str | os.PathLike, paths, memo=None, head: str | None = None
            ) -> dict[str, History]:
    """Histories keyed by each path relative to `root` (forward slashes), for the paths git
    has commits for. One `git log` process, whatever the number of paths. With `memo`
    (`cache.HistoryMemo`), what was found is remembered as of HEAD's commit (`head`, when
    the caller knows it), which the log then starts from: a commit made meanwhile is left to
    the next run, not remembered as seen. When the memo knows every one of the paths as of
    that very commit, it answers and git is not asked: a history as of a commit never
    changes."""
    rel = git.relative(paths, root)
    if not rel:
        return {}
    if memo is not None and head is None:
        head = git.head(root)
    start = [head] if memo is not None and head else []
    if start:
        # remembered by real location: the same plan, from whichever folder planbook runs
        where = {path: os.path.realpath(os.path.join(root, path)) for path in rel}
        known = _remembered(memo, where)
        if len(known) == len(rel) and all(commit == head for commit, _ in known.values()):
            return {path: history for path, (_, history) in known.items()
                    if history is not None}
    code, out, _ = git.run(root, "log", "-z", "--relative", f"--format={LOG_FORMAT}",
                           "--name-status", "-M", *start, "--", *git.pathspecs(rel, root))
    if code != 0:
        return {}
    found = parse_log(out.decode("utf-8", "replace"), set(rel))
    if start:
        memo.remember(head, {where[path]: found[path].to_dict() if path in found else None
                             for path in rel})
    return found


def _remembered(memo, where: dict[str, str]) -> dict[str, tuple[str, History | None]]:
    """path → (the commit it is remembered as of, its history then, or None for no commit),
    for the paths (each with its real location) that `memo` holds in a shape it can read."""
    remembered = memo.known(where.values())
    known: dict[str, tuple[str, History | None]] = {}
    for path, real in where.items():
        if real not in remembered:
            continue
        commit, data = remembered[real]
        history = None if data is None else _history_from(data)
        if data is not None and history is None:
            continue  # an entry of another shape: read the plan's history afresh
        known[path] = (commit, history)
    return known


def parse_log(out: str, wanted: set[str] | dict[str, str],
              found: dict[str, History] | None = None,
              ends: dict[str, tuple[str, str]] | None = None) -> dict[str, History]:
    """Fold `git log -z --name-status` output, newest commit first, into histories.

    `wanted` may map names to the names they have now (a trail picked up at an older name);
    `found` continues histories already begun; `ends` receives, per path, the commit and
    name where its trail ended (see `Fold`).
    """
    fold = Fold(wanted, found, ends)
    for entry in out.split(RECORD):
        if fold.done:
            break
        fold.commit(entry)
    return fold.found


class Fold:
    """`parse_log` a commit at a time, so that a log read as git writes it can be left once
    every trail has ended: no older commit changes an answer then.

    `alias` maps a name a file had at the commit being read to the name it has now; a rename
    moves the alias to the old name, an add ends the trail. So does a deletion met before
    any other change of the name: no file of that name was there where the log began (a
    plan written again where one was deleted), and the older file's commits are not its."""

    __slots__ = ("alias", "found", "ends", "unseen", "roots")

    def __init__(self, wanted: set[str] | dict[str, str],
                 found: dict[str, History] | None = None,
                 ends: dict[str, tuple[str, str]] | None = None) -> None:
        self.alias = dict(wanted) if isinstance(wanted, dict) else {p: p for p in wanted}
        self.found = {} if found is None else found
        self.ends = ends
        self.unseen = set(self.alias)  # names no commit read so far has touched
        self.roots: set[str] = set()  # the commits read that have no parent

    @property
    def done(self) -> bool:
        return not self.alias

    def commit(self, entry: str) -> None:
        """Read one commit's entry: its header, then its `--name-status` changes."""
        header, _, changes = entry.partition("\0")
        parts = header.split(UNIT)
        if len(parts) < 5:
            return
        sha, parents, date, author = parts[:4]
        subject = UNIT.join(parts[4:])
        if not parents:
            self.roots.add(sha)
        alias, found = self.alias, self.found
        for kind, old, new in _changes(changes):
            current = alias.get(new)
            if current is None:
                continue
            if new in self.unseen:
                self.unseen.discard(new)
                if kind == "D":  # not there where the log began: no trail
                    del alias[new]
                    if self.ends is not None:
                        self.ends[current] = (sha, new)
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
                self.unseen.discard(old)
            elif kind in "AC":
                del alias[new]  # before this commit the file did not exist under this name
                if self.ends is not None:
                    self.ends[current] = (sha, new)

    def ends_in(self, start: str) -> bool:
        """Whether the start of a commit's entry (git still writing, or walking on) already
        ends every trail left; a name is changed once in a commit, so the rest cannot
        change an answer. Reads without changing anything."""
        header, found, changes = start.partition("\0")
        if not found or len(header.split(UNIT)) < 5:
            return False
        ended = {new for kind, _, new in _changes(changes, whole=False)
                 if new in self.alias and (kind in "AC" or kind == "D" and new in self.unseen)}
        return ended >= self.alias.keys()


def _changes(changes: str, whole: bool = True):
    """(kind, old name, new name) of each change in a commit's `--name-status -z` part; of
    those read whole so far, when the part is not `whole` yet."""
    tokens = changes.lstrip("\n").split("\0")
    if not whole:
        tokens.pop()  # cut short, or "" after the last NUL
    i = 0
    while i < len(tokens):
        status = tokens[i].strip()
        if not status:
            i += 1
            continue
        kind = status[0]
        if kind in "RC" and i + 2 < len(tokens):
            yield kind, tokens[i + 1], tokens[i + 2]
            i += 3
        elif i + 1 < len(tokens) and (whole or kind not in "RC"):
            yield kind, tokens[i + 1], tokens[i + 1]
            i += 2
        else:
            return


class _Stream:
    """Feeds a `Fold` the commits of a log as git writes them (`git.Running.answer`'s
    `enough`): a commit's entry is whole once the next one begins, or git has ended."""

    def __init__(self, fold: Fold) -> None:
        self.fold, self.rest, self.fed = fold, b"", False

    def __call__(self, chunk: bytes) -> bool:
        self.fed = True
        data = self.rest + chunk
        cut = data.rfind(RECORD_BYTE)
        if cut > 0:
            self._feed(data[:cut])
            data = data[cut:]
        self.rest = data
        if not self.fold.done and data.startswith(RECORD_BYTE):
            # the newest commit read may be the last git will write: it walks on to the
            # first commit before saying it has no more, so a trail's end is seen in part
            whole = data[1:data.rfind(b"\0") + 1].decode("utf-8", "replace")
            if self.fold.ends_in(whole):
                self.fold.commit(whole)
                self.rest = b""
        return self.fold.done

    def end(self) -> None:
        """git has ended: what is left is whole."""
        self._feed(self.rest)
        self.rest = b""

    def _feed(self, data: bytes) -> None:
        fold = self.fold
        for entry in data.split(RECORD_BYTE):
            if fold.done:
                return
            fold.commit(entry.decode("utf-8", "replace"))


FEW = 64  # up to this many plans, history is read for their paths alone


def collect_few(root: str | os.PathLike, paths, one_by_one: bool = False
                ) -> dict[str, History]:
    """What `collect` answers, for a few plans, reading only their own history.

    `git log -- FILE` sees a rename into FILE as an add, since the old name is outside the
    paths asked for. So each trail that ends in an add is checked with one `git diff-tree
    --stdin` for all of them; a trail that was a rename goes on under the old name from the
    renaming commit's parents (a trail ending in a commit without parents cannot be a rename,
    and is not asked about). A change of a few plans in a repository of thousands of plans
    and commits is read in two or three processes that each look at those plans only.

    `one_by_one` asks for each plan's log in a process of its own, two at a time: what a
    repository with changed-path filters (`git.changed_path_filters`) answers fastest, as
    git uses them for a single path only."""
    rel = git.relative(paths, root)
    if not rel:
        return {}
    found: dict[str, History] = {}
    trails: dict[str, dict[str, str]] = {"": {path: path for path in rel}}  # start → names
    for _ in range(100):  # renames of renames: a guard, not a limit a history reaches
        ends: dict[str, tuple[str, str]] = {}
        asks = [(start, {name: now}) for start, names in trails.items()
                for name, now in names.items()] if one_by_one else list(trails.items())
        folds = [Fold(names, found, ends) for _, names in asks]
        for (start, _), read in zip(asks, _logs(root, asks, folds), strict=True):
            if not read and not start:
                return {}
        roots = set().union(*(fold.roots for fold in folds))
        trails = _renamed(root, {path: end for path, end in ends.items() if end[0] not in roots},
                          git.pathspecs(rel, root))
        if not trails:
            break
    return found


def collect_remembered(root: str | os.PathLike, paths, memo, one_by_one: bool = False,
                       head: str | None = None) -> dict[str, History]:
    """What `collect_few` answers, reading only the commits since the histories `memo`
    remembers (`cache.HistoryMemo`): a plan's history as of an earlier commit, when that
    commit is in HEAD's history, only grows by the commits after it. A plan whose trail ends
    in those commits (added again, or renamed) is read afresh, as is one the memo does not
    know. What was found is remembered as of HEAD."""
    rel = git.relative(paths, root)
    if head is None:
        head = git.head(root)
    if not rel or not head:
        return collect_few(root, paths, one_by_one)
    # remembered by real location: the same plan, from whichever folder planbook runs
    where = {path: os.path.realpath(os.path.join(root, path)) for path in rel}
    known = _remembered(memo, where)
    groups: dict[str, list[str]] = {}
    for path, (commit, _) in known.items():
        groups.setdefault(commit, []).append(path)
    found: dict[str, History | None] = {}
    fresh = [path for path in rel if path not in known]
    for commit, names in sorted(groups.items(), key=lambda g: -len(g[1])):
        if commit == head:
            found.update({path: known[path][1] for path in names})
            continue
        if len(groups) > 3 or not git.is_ancestor(commit, head, root):
            fresh += names  # rewritten history, or too many runs to start from: read it all
            continue
        code, out, _ = _log(root, [f"{commit}..{head}"], names).answer()
        if code != 0:
            fresh += names
            continue
        ends: dict[str, tuple[str, str]] = {}
        since = parse_log(out.decode("utf-8", "replace"), names, None, ends)
        for path in names:
            before, after = known[path][1], since.get(path)
            if path in ends or (before is None and after is not None):
                fresh.append(path)  # begun again, or renamed, since: read its whole trail
            elif after is None:
                found[path] = before
            else:
                found[path] = History(created=before.created, updated=after.updated,
                                      sha=after.sha, subject=after.subject,
                                      authors=list(dict.fromkeys(after.authors
                                                                 + before.authors)),
                                      commits=before.commits + after.commits)
    if fresh:
        read = collect_few(root, fresh, one_by_one)
        found.update({path: read.get(path) for path in fresh})
    memo.remember(head, {where[path]: None if history is None else history.to_dict()
                         for path, history in found.items()})
    return {path: history for path, history in found.items() if history is not None}


def _history_from(data: dict) -> History | None:
    """A History from `History.to_dict`'s output, or None when it is not that."""
    try:
        history = History(**data)
    except TypeError:
        return None
    texts = (history.created, history.updated, history.sha, history.subject)
    if not all(isinstance(t, str) for t in texts) or not isinstance(history.commits, int) \
            or not isinstance(history.authors, list) \
            or not all(isinstance(a, str) for a in history.authors):
        return None
    return history


def _log(root: str | os.PathLike, revisions: list[str], names) -> git.Running:
    """`git log --name-status` of these paths alone (taken literally) over `revisions`
    (HEAD's history when none), started, in the form `parse_log` reads."""
    return git.start(root, "--literal-pathspecs", "log", "-z", "--relative",
                     f"--format={LOG_FORMAT}", "--name-status", "-M", *revisions, "--", *names)


def _log_into(fold: Fold, root: str | os.PathLike, revisions: list[str], names) -> bool:
    """`_log` read into `fold` as git writes it, git ended once every trail has ended,
    however much older history there is; whether git answered."""
    stream = _Stream(fold)
    code, out, _ = _log(root, revisions, names).answer(enough=stream)
    if code != 0:
        return False
    if not stream.fed:  # read whole, where git runs through subprocess
        stream(out)
    stream.end()
    return True


def _logs(root: str | os.PathLike, asks: list[tuple[str, dict[str, str]]], folds: list[Fold]
          ) -> list[bool]:
    """Each (start commit, names) asked read into its fold, two processes at a time: whether
    git answered each."""
    def one(i: int) -> bool:
        start, names = asks[i]
        return _log_into(folds[i], root, [f"{start}^@"] if start else [], names)

    if len(asks) < 2:
        return [one(i) for i in range(len(asks))]
    import threading

    answers: list = [False] * len(asks)
    pending = iter(range(len(asks)))  # next() on it is atomic: each ask is taken once

    def work() -> None:
        for i in pending:
            answers[i] = one(i)

    workers = [threading.Thread(target=work, daemon=True) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return answers


def _renamed(root: str | os.PathLike, ends: dict[str, tuple[str, str]], folders: list[str]
             ) -> dict[str, dict[str, str]]:
    """For trails that ended in an add, the ones that were renames: renaming commit → the
    old name → the name the plan has now. One `git diff-tree` for all of them, over the
    plans' folders: the renames the whole walk of `collect` sees, no others."""
    if not ends:
        return {}
    asked = {sha for sha, _ in ends.values()}
    code, out, _ = git.run(root, "diff-tree", "--stdin", "-z", "-r", "-M", "--relative",
                           "--name-status", "--root", "--", *folders,
                           input="".join(f"{sha}\n" for sha in asked).encode())
    if code != 0:
        return {}
    renames: dict[tuple[str, str], str] = {}  # (commit, new name) → old name
    tokens = out.decode("utf-8", "replace").split("\0")
    sha, i = "", 0
    while i < len(tokens):
        token = tokens[i].strip()
        if token in asked:
            sha, i = token, i + 1
        elif token[:1] in ("R", "C") and i + 2 < len(tokens):
            if token[0] == "R":
                renames[(sha, tokens[i + 2])] = tokens[i + 1]
            i += 3
        else:
            i += 2 if token else 1
    trails: dict[str, dict[str, str]] = {}
    for current, (sha, name) in ends.items():
        old = renames.get((sha, name))
        if old is not None:
            trails.setdefault(sha, {})[old] = current
    return trails


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
