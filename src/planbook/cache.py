"""The lint cache: a plan whose bytes, config and world have not changed is not linted again.

JSON files in the cache folder (`.planbook_cache/` beside the config, git-ignored by a
`.gitignore` it writes inside itself) map an entry key to what linting the file found. The
entries are spread over 256 files by a hash of the plan's path, so a lint of one plan beside
thousands reads and writes one small file, not all of them. The key is a hash of everything
a plan's findings are a function of:

- the file's path and bytes;
- the run: planbook's version and its installed files, the effective config (doc types
  included), the enabled rules and today's date (the date rules read it);
- its git history, when the history rules read one.

A warm run need not even read a plan: an entry also records the file's stat (modification
and change times, size, inode, device) when the file had not changed for a second before it
was read, as git's index does. A file whose stat is the same has the same bytes; one whose
stat differs is read and hashed as above.

What a rule learns from outside the file is recorded with the entry and checked again before
the entry is used: which link targets existed, what each reference resolved to among the other
documents, and the other documents' references when a cycle was looked for. Nothing is parsed
to check an entry.

A cache file that cannot be read (missing, truncated, corrupt, another version's) is an empty
one; one that cannot be written is skipped without a word. Writes replace a file atomically,
so two runs at once never leave a broken one: the later one's entries win.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from planbook.digest import blake2b, cache_key
from planbook.finding import Finding

FORMAT = 3  # 3: keys are BLAKE2b digests (2 had SHA-256 ones)
FOLDER = "lint"  # the entries, in lint/00.json … lint/ff.json
OLD_FILE = "lint.json"  # where format 1 kept every entry in one file


def run_key(*parts: object) -> str:
    """A digest of what every entry of a run depends on (see the module docstring)."""
    import planbook

    package = os.path.dirname(planbook.__file__)
    installed = []
    for folder, dirs, files in os.walk(package):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if name.endswith((".py", ".toml", ".md")):
                path = os.path.join(folder, name)
                info = os.stat(path)
                installed.append((os.path.relpath(path, package).replace(os.sep, "/"),
                                  info.st_mtime_ns, info.st_size))
    installed.sort()
    text = repr((FORMAT, planbook.__version__, installed, parts))
    return cache_key(text.encode())


def read_json(path: Path, format: int) -> dict:
    """The JSON document at `path` when it is an object of this `format`; else an empty one
    (missing, truncated, corrupt, another version's): what every cache file is read with."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == format else {}


def _bucket_of(path: str) -> str:
    return cache_key(path.encode("utf-8", "surrogateescape"))[:2]


class Cache:
    """The entries of one cache folder for one run (its `run_key`), read a file at a time as
    the plans of the run ask for them."""

    def __init__(self, folder: Path, key: str):
        self.folder = folder
        self.run = key
        self.buckets: dict[str, dict[str, dict]] = {}  # file name → its entries, once read
        self.new: dict[str, dict[str, dict]] = {}  # file name → the entries this run made
        self._paths: dict[str, dict[str, list[dict]]] = {}  # file name → path → entries

    def _entries(self, bucket: str) -> dict[str, dict]:
        found = self.buckets.get(bucket)
        if found is None:
            entries = read_json(self.folder / FOLDER / f"{bucket}.json", FORMAT).get("entries")
            found = self.buckets[bucket] = entries if isinstance(entries, dict) else {}
        return found

    def key(self, path: str, data: bytes, history: object = None) -> str:
        """The entry key: which file holds it (two hex digits from the path), then the hash."""
        digest = blake2b(self.run.encode(), digest_size=32)
        digest.update(b"\0" + path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(repr(history).encode())
        digest.update(b"\0")
        digest.update(data)
        return _bucket_of(path) + digest.hexdigest()

    def get(self, key: str) -> dict | None:
        entry = self._entries(key[:2]).get(key)
        return entry if isinstance(entry, dict) else None

    def stat_key(self, path: str, history: object = None) -> str:
        """What an entry found by the file's stat must have been made under: this run, this
        path and history (the key without the bytes)."""
        return cache_key(f"{self.run}\0{path}\0{history!r}".encode("utf-8", "surrogateescape"))

    def by_stat(self, path: str, stat_key: str, info: os.stat_result) -> dict | None:
        """The entry for `path` made from a file with this very stat, under `stat_key`."""
        bucket = _bucket_of(path)
        paths = self._paths.get(bucket)
        if paths is None:
            paths = self._paths[bucket] = {}
            for entry in self._entries(bucket).values():
                if isinstance(entry, dict) and "stat" in entry:
                    paths.setdefault(str(entry.get("path")), []).append(entry)
        stamp = file_stamp(info)
        return next((entry for entry in paths.get(path, ())
                     if entry["stat"] == stamp and entry.get("stat_key") == stat_key), None)

    def put(self, key: str, entry: dict) -> None:
        self.new.setdefault(key[:2], {})[key] = entry

    def save(self) -> None:
        """Write the entries this run made beside the ones it found, one file at a time; a
        path's new entry replaces its older ones, so the files grow with the plans, not with
        their edits."""
        if not self.new:
            return
        try:
            for bucket, made in self.new.items():
                # a path's new entry replaces its older ones; one made from given bytes (the
                # index's copy) replaces only those, and the working tree's stays
                paths = {(entry["path"], bool(entry.get("given"))) for entry in made.values()}
                kept = {k: v for k, v in self._entries(bucket).items()
                        if isinstance(v, dict)
                        and (v.get("path"), bool(v.get("given"))) not in paths}
                kept.update(made)
                write_json(self.folder, f"{FOLDER}/{bucket}.json",
                           {"format": FORMAT, "entries": kept})
            if (self.folder / OLD_FILE).exists():
                os.unlink(self.folder / OLD_FILE)  # an earlier version's, never read again
        except OSError:
            pass  # a read-only checkout: lint without a cache


def write_json(folder: Path, name: str, data: object) -> None:
    """Replace `folder/name` with `data` as JSON, atomically, the folder (git-ignored by a
    `.gitignore` of its own) made when missing. Raises OSError when it cannot be written.
    The temporary file's name is made here, as `tempfile.mkstemp` would, without importing
    `tempfile` (with `random` and `shutil`) into every run."""
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# planbook's cache: never committed\n*\n", encoding="utf-8")
    temp = target.parent / f".planbook-{os.urandom(8).hex()}.tmp"
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     0o600)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            # dumps, not dump: only a whole document is written by json's C encoder
            out.write(json.dumps(data, separators=(",", ":")))
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        os.unlink(temp)
        raise


def file_stamp(info: os.stat_result) -> list[int]:
    return [info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino, info.st_dev]


def settled(before: os.stat_result, after: os.stat_result) -> bool:
    """Whether a file read between these two stats can be known by its stat later: it did
    not change while it was read, nor in the second before (a change within the same tick
    of the clock would leave the stat as it was)."""
    import time

    return file_stamp(before) == file_stamp(after) \
        and time.time_ns() - max(after.st_mtime_ns, after.st_ctime_ns) > 1_000_000_000


def entry(path: str, findings: list[Finding], failures: int, seen: dict) -> dict:
    """An entry; the caller adds `stat`, `stat_key` and `refs` (the plan's references as
    written) when the file may be known by its stat."""
    return {"path": path, "findings": [f.to_dict() for f in findings], "failures": failures,
            "seen": seen}


def findings_of(entry: dict) -> tuple[list[Finding], int] | None:
    """An entry's findings, or None when it is not one this version wrote."""
    try:
        return [Finding(**f) for f in entry["findings"]], int(entry["failures"])
    except (KeyError, TypeError, ValueError):
        return None


class HistoryMemo:
    """Plans' git histories as of a commit, so a later run of `--staged` or `--changed-since`
    reads only the commits since that one (see `gitmeta.collect_remembered`). A plan git has
    no commit for is remembered as such: for a new plan, too, only the commits since are
    read. Spread as the lint entries are, over `history/00.json` … `history/ff.json` by a
    hash of each plan's real path, so a run about a few plans beside thousands reads a few
    small files."""

    FOLDER = "history"
    FORMAT = 3  # its own: 3 spread over a folder (2 was one history.json)
    OLD_FILE = "history.json"

    def __init__(self, folder: Path):
        self.folder = folder
        self._buckets: dict[str, dict] = {}

    def _entries(self, bucket: str) -> dict:
        if bucket not in self._buckets:
            entries = read_json(self.folder / self.FOLDER / f"{bucket}.json",
                                self.FORMAT).get("entries")
            self._buckets[bucket] = entries if isinstance(entries, dict) else {}
        return self._buckets[bucket]

    def known(self, paths) -> dict[str, tuple[str, dict | None]]:
        """path → (commit, its history as `History.to_dict` made it, or None) for the paths
        remembered."""
        out = {}
        for path in paths:
            entry = self._entries(_bucket_of(path)).get(path)
            if isinstance(entry, dict) and isinstance(entry.get("commit"), str) \
                    and (entry.get("history") is None or isinstance(entry["history"], dict)):
                out[path] = (entry["commit"], entry["history"])
        return out

    def remember(self, commit: str, histories: dict[str, dict | None]) -> None:
        """Keep `histories` (path → history dict, or None for no commit) as of `commit`;
        a file is written only when that changes what it holds."""
        made: dict[str, dict] = {}
        for path, history in histories.items():
            made.setdefault(_bucket_of(path), {})[path] = {"commit": commit, "history": history}
        try:
            for bucket, entries in sorted(made.items()):
                held = self._entries(bucket)
                if all(held.get(path) == entry for path, entry in entries.items()):
                    continue
                held.update(entries)
                write_json(self.folder, f"{self.FOLDER}/{bucket}.json",
                           {"format": self.FORMAT, "entries": held})
            if (self.folder / self.OLD_FILE).exists():
                os.unlink(self.folder / self.OLD_FILE)  # an earlier version's, never read again
        except OSError:
            pass  # a read-only checkout: remember nothing


class _Memo:
    """A memo of one file in the cache folder: one mapping under `KEY`, read when made and
    written by `save` only when it changed (never when the folder cannot be written: then it
    is worked out again next run)."""

    FILE: str
    FORMAT: int
    KEY: str

    def __init__(self, folder: Path):
        self.folder = folder
        self.changed = False
        found = read_json(folder / self.FILE, self.FORMAT).get(self.KEY)
        self.data: dict = found if isinstance(found, dict) else {}

    def save(self) -> None:
        if not self.changed:
            return
        try:
            write_json(self.folder, self.FILE, {"format": self.FORMAT, self.KEY: self.data})
        except OSError:
            pass  # a read-only checkout
        self.changed = False


class FixMemo(_Memo):
    """Which findings `planbook fix` would change, for JSON's `fix` field (`fixes.json` in the
    cache folder): per plan, by the plan file's stat (as `settled` allows) and a key for what
    else the fixers read (the lint cache's run key and the rules asked for), the edits the
    fixers would make, as (code, line). A warm `lint --format json` then runs no fixer."""

    FILE, FORMAT, KEY = "fixes.json", 1, "entries"

    def edits_of(self, path: str, info: os.stat_result, key: str) -> set[tuple[str, int]] | None:
        """The edits remembered for the plan at `path` (absolute) with this stat and key."""
        entry = self.data.get(path)
        if not (isinstance(entry, list) and len(entry) == 3 and entry[0] == file_stamp(info)
                and entry[1] == key and isinstance(entry[2], list)):
            return None
        edits = entry[2]
        if not all(isinstance(e, list) and len(e) == 2 and isinstance(e[0], str)
                   and type(e[1]) is int for e in edits):
            return None
        return {(code, line) for code, line in edits}

    def put(self, path: str, before: os.stat_result, after: os.stat_result, key: str,
            edits: set[tuple[str, int]]) -> None:
        """Remember the edits worked out from `path` between these two stats, when it had
        settled."""
        made = [file_stamp(after), key, sorted([code, line] for code, line in edits)]
        if settled(before, after) and self.data.get(path) != made:
            self.data[path] = made
            self.changed = True


class FolderMemo(_Memo):
    """The plan folders' listings (`folders.json` in the cache folder), so a lint of one plan
    beside thousands need not list them all to know the others' names.

    A listing is reused while its folder's stat (`file_stamp`) is as it was, which an added,
    removed or renamed entry always changes. As for a file (`settled`), a listing is kept
    only when its folder did not change while it was read, nor in the second before.
    Symbolic links are kept by name and asked again each run: where one points can change
    without its folder changing.
    """

    FILE, FORMAT, KEY = "folders.json", 1, "folders"

    def get(self, real: str, info: os.stat_result) -> tuple[list[str], list[str], list[str]] | None:
        """(plan files, `.md` symbolic links, sub-folders) of the folder at `real`, by name,
        when the folder is as it was listed; else None."""
        listing = self.data.get(real)
        if not (isinstance(listing, list) and len(listing) == 4
                and listing[0] == file_stamp(info)
                and all(isinstance(part, list) and all(isinstance(name, str) for name in part)
                        for part in listing[1:])):
            return None
        return listing[1], listing[2], listing[3]

    def put(self, real: str, before: os.stat_result, after: os.stat_result,
            files: list[str], links: list[str], folders: list[str]) -> None:
        """Remember the listing of the folder at `real` read between these two stats of it,
        when it had settled."""
        if settled(before, after):
            self.data[real] = [file_stamp(after), files, links, folders]
            self.changed = True


class TraceMemo:
    """What the traceability index read last time, so that a warm run in a repository reads
    no plan for its IDs and starts no `git log` while HEAD stays where it was (see
    `trace.plan_ids` and `trace.gather`).

    `trace.json`, read on every traced run: the commits that cite IDs, by the commit HEAD
    named, and the IDs of the plans as HEAD's tree holds them, by that commit and the folders
    listed. `trace-ids.json`, read only when those do not answer: each blob's IDs, by the
    blob's name (so a new commit reads only the plans it changed), and the IDs of plans git
    has no commit of, by the file's stat (as `settled` allows)."""

    FILE = "trace.json"
    FORMAT = 3  # 3: the IDs of HEAD's tree, beside the commits; the rest in trace-ids.json
    MORE = "trace-ids.json"
    MORE_FORMAT = 1

    def __init__(self, folder: Path):
        self.folder = folder
        self.changed = self.more_changed = False
        data = read_json(folder / self.FILE, self.FORMAT)
        commits, tree = data.get("commits"), data.get("tree")
        self.commits: dict = commits if isinstance(commits, dict) else {}
        self.tree: dict = tree if isinstance(tree, dict) else {}
        self._more: dict | None = None

    def _loaded(self) -> dict:
        if self._more is None:
            data = read_json(self.folder / self.MORE, self.MORE_FORMAT)
            self._more = {key: data[key] if isinstance(data.get(key), dict) else {}
                          for key in ("blobs", "stats")}
        return self._more

    def tree_ids(self, head: str, where: str, folders: list[str]) -> dict | None:
        """The IDs of each plan in HEAD's tree under `folders` (paths relative to `where`,
        the working folder then), as put by `put_tree_ids` for this very commit."""
        ids = self.tree.get("ids")
        if self.tree.get("head") == head and self.tree.get("where") == where \
                and self.tree.get("folders") == folders and isinstance(ids, dict):
            return ids
        return None

    def put_tree_ids(self, head: str, where: str, folders: list[str], ids: dict) -> None:
        made = {"head": head, "where": where, "folders": folders, "ids": ids}
        if self.tree != made:
            self.tree = made
            self.changed = True

    def blob_ids(self, blob: str) -> list[str] | None:
        return _strings(self._loaded()["blobs"].get(blob))

    def put_blob_ids(self, blob: str, ids: list[str]) -> None:
        blobs = self._loaded()["blobs"]
        if blobs.get(blob) != ids:
            blobs[blob] = ids
            self.more_changed = True

    def keep_blobs(self, kept: set[str]) -> None:
        """Forget the blobs not in `kept` (HEAD's tree): the memo stays the size of the tree,
        however many commits come."""
        blobs = self._loaded()["blobs"]
        for blob in [b for b in blobs if b not in kept]:
            del blobs[blob]
            self.more_changed = True

    def ids_of(self, path: str, info: os.stat_result) -> list[str] | None:
        """The IDs remembered for the plan at `path` (absolute) with this very stat."""
        entry = self._loaded()["stats"].get(path)
        if not (isinstance(entry, list) and len(entry) == 2 and entry[0] == file_stamp(info)):
            return None
        return _strings(entry[1])

    def put_ids(self, path: str, before: os.stat_result, after: os.stat_result,
                ids: list[str]) -> None:
        """Remember the IDs read from `path` between these two stats, when it had settled."""
        stats = self._loaded()["stats"]
        if settled(before, after) and stats.get(path) != [file_stamp(after), ids]:
            stats[path] = [file_stamp(after), ids]
            self.more_changed = True

    def commits_at(self, head: str, query: str) -> list[list[str]] | None:
        """The commits `query` found from `head` last time, as [sha, date, subject, body]."""
        found = self.commits.get("found")
        if self.commits.get("head") == head and self.commits.get("query") == query \
                and isinstance(found, list) and all(
                    isinstance(c, list) and len(c) == 4 and all(isinstance(p, str) for p in c)
                    for c in found):
            return found
        return None

    def put_commits(self, head: str, query: str, found: list) -> None:
        made = {"head": head, "query": query, "found": [list(c) for c in found]}
        if self.commits != made:
            self.commits = made
            self.changed = True

    def save(self) -> None:
        try:
            if self.changed:
                write_json(self.folder, self.FILE, {"format": self.FORMAT,
                                                    "commits": self.commits, "tree": self.tree})
            if self.more_changed and self._more is not None:
                write_json(self.folder, self.MORE, {"format": self.MORE_FORMAT, **self._more})
        except OSError:
            pass  # a read-only checkout: read them again each run
        self.changed = self.more_changed = False


def _strings(value) -> list[str] | None:
    """`value` when it is a list of strings, as IDs are remembered; else None."""
    return value if isinstance(value, list) and all(isinstance(i, str) for i in value) \
        else None
