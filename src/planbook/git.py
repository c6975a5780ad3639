"""The one module that starts git, and the questions planbook asks it.

It owns the runner (`run`: `git -C root`, no optional locks, the C locale, a timeout), where a
folder sits in its repository (`repository`), the paths and pathspecs git is given, reading
`git status --porcelain -z` and `git diff --raw -z`, reading many blobs from one
`git cat-file --batch`, and the plan files as they were at a ref (`files_at`). What the
answers mean (which plans to lint, a plan's history, hooks) belongs to `changes`, `gitmeta`,
`hooks` and `status`; tests/test_git_module.py keeps every other module from starting git.

Every question costs a fixed number of git processes whatever the number of plans: pathspecs
name folders, not files, and blobs are read in one batch.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from planbook.records import record

MISSING = 127  # the code `run` answers when git cannot be started, as a shell would
TIMEOUT = 120  # seconds; a hung git (a credential prompt, a lock) must not hang planbook
GITLINK = "160000"  # the mode git gives a submodule's entry in its superproject


class GitError(Exception):
    """A git question that cannot be answered as asked; the message says why.

    The message is worded to follow the option that asked, so a caller can say
    `f"--since {exc}"`: "main: no such commit, branch or tag"."""


class Answer(NamedTuple):
    code: int  # git's exit code; MISSING when git could not be started
    out: bytes
    err: str


class Repository(NamedTuple):
    prefix: str  # the folder's path inside its repository: "" at the top, else ending in "/"
    shallow: bool  # a shallow clone, whose oldest commits are cut off
    common_dir: str = ""  # the repository's own folder (.git), absolute
    head: str = ""  # the commit HEAD names; "" before the first commit


@record(slots=True, many=True)
class Change:
    """One entry of `git diff --raw`."""

    status: str  # A, M, D, R, C, T
    path: str  # as git prints it (relative to the working folder with --relative)
    old_path: str
    old_blob: str  # "" when the file did not exist before
    new_blob: str  # "" when the contents are in the working tree
    submodule: bool = False  # a submodule's commit, not a file: its sha names no blob here


def run(root: str | os.PathLike, *args: str, input: bytes | None = None) -> Answer:
    """Run git in `root`. Never raises: a missing git, or one that times out, answers
    MISSING with the reason as its error text."""
    return start(root, *args, input=input).answer()


def start(root: str | os.PathLike, *args: str, input: bytes | None = None) -> Running:
    """Start git in `root` and go on: `answer()` waits for it, as `run` would have. Two
    questions whose arguments do not depend on each other's answers are asked at once, and
    both git processes start up side by side. With `input=b""`, the input may be given to
    `answer` instead, once known: git starts up while it is worked out."""
    argv = ["git", "-C", str(root), *args]
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        return Running(_process(argv, env, input is not None), input)
    except (OSError, ValueError) as exc:  # no git; subprocess's errors are ValueErrors too
        return Running(None, input, str(exc))


def _process(argv: list[str], env: dict, stdin: bool):
    """A started git process, the one place one starts: `_Spawned`, or `subprocess.Popen`
    where `os.posix_spawnp` is missing (Windows)."""
    if hasattr(os, "posix_spawnp"):
        return _Spawned(argv, env, stdin)
    import subprocess

    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL)


class Running:
    """A git process `start` started; `answer()` waits for its answer (once)."""

    def __init__(self, proc, input: bytes | None, error: str = "") -> None:
        self.proc, self.input, self.error = proc, input, error

    def answer(self, input: bytes | None = None, enough=None) -> Answer:
        """git's answer, once it has ended. `enough(chunk)`, given each piece of output as
        it comes, may end git early by answering True: the answer is then what was read,
        with code 0 (asked for no more). Where git runs through subprocess, `enough` is
        not asked and the whole output comes."""
        if self.proc is None:
            return Answer(MISSING, b"", self.error)
        try:
            given = self.input if input is None else input
            out, err = self.proc.communicate(given, timeout=TIMEOUT, enough=enough) \
                if enough is not None and isinstance(self.proc, _Spawned) else \
                self.proc.communicate(given, timeout=TIMEOUT)
        except BaseException as exc:  # a timeout, or a stop (SystemExit from a signal)
            self.proc.kill()
            self.proc.communicate()
            if not _timed_out(exc):
                raise
            return Answer(MISSING, b"", str(exc))
        code = 0 if getattr(self.proc, "stopped", False) else self.proc.returncode
        return Answer(code, out, err.decode("utf-8", "replace"))


class _Spawned:
    """git started with `os.posix_spawnp`, answering as much of `subprocess.Popen` as
    `Running` asks: `communicate`, `kill`, `returncode`. The subprocess module, with the
    locale, selectors and signal machinery it imports, costs a lint in a repository more
    than starting git does; `os.posix_spawnp` is one call into the C library.

    Its output and errors come through pipes, read side by side as they fill (`select.poll`)
    so neither can block git; its input is a pipe, or /dev/null. SIGPIPE and SIGXFSZ are at
    their defaults in git, as subprocess leaves them."""

    def __init__(self, argv: list[str], env: dict, stdin: bool) -> None:
        import signal

        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        in_r, in_w = os.pipe() if stdin else (os.open(os.devnull, os.O_RDONLY), None)
        try:
            self.pid = os.posix_spawnp(argv[0], argv, env, file_actions=[
                (os.POSIX_SPAWN_DUP2, in_r, 0), (os.POSIX_SPAWN_DUP2, out_w, 1),
                (os.POSIX_SPAWN_DUP2, err_w, 2)], setsigdef=(signal.SIGPIPE, signal.SIGXFSZ))
        except BaseException:
            for fd in (out_r, err_r, in_w):
                if fd is not None:
                    os.close(fd)
            raise
        finally:
            for fd in (in_r, out_w, err_w):
                os.close(fd)
        self.stdin, self.stdout, self.stderr = in_w, out_r, err_r
        self.returncode: int | None = None
        self.stopped = False  # ended by `enough`, before git had written all it would

    def communicate(self, input: bytes | None = None, timeout: float = TIMEOUT, enough=None
                    ) -> tuple[bytes, bytes]:
        """git's output and errors, once it has read `input` and ended (nothing more once it
        has); TimeoutExpired (a TimeoutError) after `timeout` seconds. When `enough`, given
        each piece of output as it is read, answers True, git is ended there."""
        import select
        import time

        if self.returncode is not None:
            return b"", b""
        deadline = time.monotonic() + timeout
        poll = select.poll()
        chunks: dict[int, list[bytes]] = {self.stdout: [], self.stderr: []}
        for fd in chunks:
            poll.register(fd, select.POLLIN)
        data, sent = memoryview(input or b""), 0
        if self.stdin is not None:
            if data:
                poll.register(self.stdin, select.POLLOUT)
            else:
                self._close_stdin()
        open_fds = len(chunks) + (self.stdin is not None)
        while open_fds:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutExpired(f"git timed out after {timeout} seconds")
            for fd, _event in poll.poll(left * 1000):
                if fd == self.stdin:
                    try:
                        sent += os.write(fd, data[sent:sent + select.PIPE_BUF])
                    except BrokenPipeError:
                        sent = len(data)  # git ended without reading it all
                    if sent >= len(data):
                        poll.unregister(fd)
                        self._close_stdin()
                        open_fds -= 1
                    continue
                chunk = os.read(fd, 65536)
                if chunk:
                    chunks[fd].append(chunk)
                    if enough is not None and fd == self.stdout and enough(chunk):
                        self.kill()
                        self.stopped = True
                        return b"".join(chunks[self.stdout]), b"".join(chunks[self.stderr])
                else:
                    poll.unregister(fd)
                    open_fds -= 1
        self._end(os.waitpid(self.pid, 0)[1])
        return b"".join(chunks[self.stdout]), b"".join(chunks[self.stderr])

    def __del__(self) -> None:
        # a question nobody waited for the answer to (an error came first): end git and reap
        # it, so a long-running process such as the language server leaves no zombie behind
        try:
            self.kill()
        except Exception:  # at interpreter exit, os may be half gone
            pass

    def kill(self) -> None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 9)  # SIGKILL
            except ProcessLookupError:
                pass
            self._end(os.waitpid(self.pid, 0)[1])

    def _end(self, status: int) -> None:
        self.returncode = os.waitstatus_to_exitcode(status)
        self._close_stdin()
        for fd in (self.stdout, self.stderr):
            try:
                os.close(fd)
            except OSError:
                pass

    def _close_stdin(self) -> None:
        if self.stdin is not None:
            os.close(self.stdin)
            self.stdin = None


class TimeoutExpired(TimeoutError):
    """git did not answer in time."""


def _timed_out(exc: BaseException) -> bool:
    """Whether `exc` says git did not answer in time: ours, or subprocess's where that ran
    it (it is imported then)."""
    import sys

    subprocess = sys.modules.get("subprocess")
    return isinstance(exc, TimeoutExpired) or (
        subprocess is not None and isinstance(exc, subprocess.TimeoutExpired))


def maybe_repository(root: str | os.PathLike = ".") -> bool:
    """Whether `root` could be inside a git work tree, answered without starting git: a
    `.git` above it, or the environment pointing git elsewhere. False means git would say no,
    so a lint outside any repository starts no git at all."""
    if os.environ.get("GIT_DIR") or os.environ.get("GIT_WORK_TREE"):
        return True
    folder = Path(os.path.abspath(root))
    return any((parent / ".git").exists() for parent in (folder, *folder.parents))


def repository(root: str | os.PathLike = ".") -> Repository | None:
    """Where `root` sits in its repository, whether the clone is shallow and which commit
    HEAD names; None outside a repository or without git. One process (`--revs-only` prints
    no HEAD, and no error, before the first commit)."""
    code, out, _ = run(root, "rev-parse", "--show-prefix", "--is-shallow-repository",
                       "--git-common-dir", "--revs-only", "HEAD^{commit}")
    if code != 0:
        return None
    lines = out.decode("utf-8", "replace").split("\n")
    common = lines[2].strip() if len(lines) > 2 else ""
    return Repository(lines[0].strip(), len(lines) > 1 and lines[1].strip() == "true",
                      os.path.abspath(os.path.join(root, common)) if common else "",
                      lines[3].strip() if len(lines) > 3 else "")


def head(root: str | os.PathLike = ".") -> str:
    """The commit HEAD names; "" in a repository with no commit yet."""
    code, out, _ = run(root, "rev-parse", "--verify", "-q", "HEAD^{commit}")
    return out.decode("ascii", "replace").strip() if code == 0 else ""


def is_ancestor(older: str, newer: str, root: str | os.PathLike = ".") -> bool:
    """Whether commit `older` is in the history of `newer` (or is it)."""
    return run(root, "merge-base", "--is-ancestor", older, newer).code == 0


def changed_path_filters(common_dir: str) -> bool:
    """Whether the repository's commit-graph holds changed-path Bloom filters (`git
    commit-graph write --changed-paths`, or a host that writes them). With them, `git log --
    FILE` skips the commits that did not touch FILE without reading their trees, but only for
    one path at a time. Read from the commit-graph's chunk table, without starting git."""
    info = os.path.join(common_dir, "objects", "info") if common_dir else ""
    if not info:
        return False
    graphs = [os.path.join(info, "commit-graph")]
    try:
        with open(os.path.join(info, "commit-graphs", "commit-graph-chain"), "rb") as chain:
            layers = chain.read().split()
        if layers:  # the top layer holds the newest commits
            graphs.append(os.path.join(info, "commit-graphs",
                                       f"graph-{layers[-1].decode('ascii', 'replace')}.graph"))
    except OSError:
        pass
    for graph in graphs:
        try:
            with open(graph, "rb") as handle:
                head = handle.read(8)
                if len(head) < 8 or head[:4] != b"CGPH":
                    continue
                table = handle.read(12 * (head[6] + 1))
        except OSError:
            continue
        if any(table[i:i + 4] == b"BIDX" for i in range(0, len(table) - 11, 12)):
            return True
    return False


# -- paths and pathspecs ---------------------------------------------------------------------


def relative(paths, root: str | os.PathLike) -> list[str]:
    """`paths` relative to `root` with forward slashes, symlinks resolved; paths outside root
    are left out, as git cannot say anything about them from there."""
    base = Path(root).resolve()
    out = []
    for path in paths:
        full = Path(path) if os.path.isabs(path) else base / path
        try:
            out.append(full.resolve().relative_to(base).as_posix())
        except ValueError:
            continue
    return out


def own_repository(folder: str, root: str | os.PathLike = ".") -> str:
    """The outermost folder from `folder` up (both relative to `root`, which is not itself in a
    nested repository) that is a git repository of its own, such as a submodule; "" when none.

    Its files are not in the enclosing repository's index, so git there can only say whether
    that folder changed. Found on disk (a `.git` entry), without starting git. Absolute
    folders and folders outside root are not looked at."""
    parts = PurePosixPath(folder).parts
    if not parts or parts[0] in ("/", "..") or os.path.isabs(folder):
        return ""
    for depth in range(1, len(parts) + 1):
        inner = "/".join(parts[:depth])
        if os.path.lexists(os.path.join(root, inner, ".git")):
            return inner
    return ""


def folder_of(path: str) -> str:
    """The folder of a forward-slash path, as `str(PurePosixPath(path).parent)` has it."""
    head, slash, _ = path.rpartition("/")
    return (head.rstrip("/") or "/") if slash else "."


def pathspecs(rel: list[str], root: str | os.PathLike = ".") -> list[str]:
    """The folders that hold the plans at `rel` (relative to `root`): one pathspec per folder
    keeps the command line short whatever the number of plans. A folder inside a nested
    repository is named by that repository's folder, the only path git sees there."""
    found: dict[str, str] = {}
    for folder in {folder_of(path) for path in rel}:
        found[folder] = own_repository(folder, root) or folder
    return sorted(set(found.values())) or ["."]


# -- reading git's answers -------------------------------------------------------------------


def parse_status_codes(out: bytes | str) -> dict[str, str]:
    """`git status --porcelain -z`: path (from the repository's top) → two-letter code, '??'
    for untracked."""
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


def changed_paths(codes: dict[str, str], prefix: str = "") -> set[str]:
    """The paths of `parse_status_codes` that are untracked or differ from the last commit,
    under the folder at `prefix` and relative to it."""
    return {path[len(prefix):] for path, code in codes.items()
            if code.strip() and path.startswith(prefix)}


def parse_status(out: bytes | str, prefix: str = "") -> set[str]:
    """Changed paths from `git status --porcelain -z`, relative to the folder at `prefix`."""
    return changed_paths(parse_status_codes(out), prefix)


def status(root: str | os.PathLike, specs: list[str], *options: str) -> dict[str, str] | None:
    """`git status` of the files under `specs`, untracked files one by one: path from the
    repository's top → code. None when git failed. One process."""
    code, out, _ = run(root, "status", "--porcelain", "-z", "--untracked-files=all", *options,
                       "--", *specs)
    return parse_status_codes(out) if code == 0 else None


def parse_raw(out: bytes) -> list[Change]:
    """Entries of `git diff --raw -z --no-abbrev`, paths as git prints them."""
    tokens = out.decode("utf-8", "replace").split("\0")
    changes: list[Change] = []
    zero = set("0")
    i = 0
    while i < len(tokens):
        head = tokens[i]
        i += 1
        if not head.startswith(":"):
            continue
        parts = head[1:].split()
        if len(parts) < 5:
            continue
        old_mode, new_mode, old_blob, new_blob = parts[:4]
        status = parts[4][0]
        if status in "RC":
            if i + 1 >= len(tokens):
                break
            old, new = tokens[i], tokens[i + 1]
            i += 2
        else:
            if i >= len(tokens):
                break
            old = new = tokens[i]
            i += 1
        changes.append(Change(status, new, old, "" if set(old_blob) <= zero else old_blob,
                              "" if set(new_blob) <= zero else new_blob,
                              GITLINK in (old_mode, new_mode)))
    return changes


def read_blobs(root: str | os.PathLike, shas: list[str], reader: Running | None = None
               ) -> dict[str, bytes]:
    """The contents of many blobs, by sha, from one `git cat-file --batch` (none when there
    is nothing to read); `reader`, one `start_reader` started before the shas were known.
    Missing blobs are left out."""
    shas = list(dict.fromkeys(s for s in shas if s))
    if not shas:
        if reader is not None:
            reader.answer(b"")
        return {}
    asked = "\n".join(shas).encode() + b"\n"
    code, out, _ = reader.answer(asked) if reader is not None else \
        run(root, "cat-file", "--batch", input=asked)
    if code != 0:
        return {}
    found: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        end = out.find(b"\n", pos)
        if end < 0:
            break
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        found[header[0].decode()] = out[pos:pos + size]
        pos += size + 1
    return found


def start_reader(root: str | os.PathLike) -> Running:
    """A `git cat-file --batch` started ahead, for `read_blobs` to give the shas to."""
    return start(root, "cat-file", "--batch", input=b"")


# -- the files at a ref ----------------------------------------------------------------------


def files_at(ref: str, paths: list[str], root: str | os.PathLike = ".") -> dict[str, bytes]:
    """Each path's contents (keyed as given, relative to `root`) where `ref` and HEAD meet,
    or at `ref` itself when they do not; paths that did not exist there are left out.

    Five processes whatever the number of paths: rev-parse twice (the repository, the ref),
    merge-base, ls-tree over the plan folders, and one cat-file batch. Raises GitError
    outside a repository, for an unknown ref, or when the tree cannot be listed."""
    if repository(root) is None:
        raise GitError("needs a git repository, and this folder is not in one")
    code, out, _ = run(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if code != 0:
        raise GitError(f"{ref}: no such commit, branch or tag")
    code, base, _ = run(root, "merge-base", ref, "HEAD")
    rev = base.decode().strip() if code == 0 and base.strip() else out.decode().strip()
    wanted = {PurePosixPath(p).as_posix().removeprefix("./"): p for p in paths}
    blobs = tree_blobs(root, rev, pathspecs(list(wanted), root))
    if isinstance(blobs, str):
        raise GitError(f"{ref}: {blobs}")
    found = read_blobs(root, [blobs[p] for p in wanted if p in blobs])
    return {wanted[p]: found[blobs[p]] for p in wanted if p in blobs and blobs[p] in found}


def tree_blobs(root: str | os.PathLike, rev: str, specs: list[str], files_only: bool = False
               ) -> dict[str, str] | str:
    """The blobs of the tree at `rev` under `specs`: path (relative to `root`) → blob name;
    with `files_only`, regular files alone, not symbolic links (whose blob is the link's
    target, not what reading the path gives). Git's error text when it cannot list them.
    One process (`git ls-tree`)."""
    code, listing, err = run(root, "ls-tree", "-r", "-z", rev, "--", *specs)
    if code != 0:
        return err.strip() or "git ls-tree failed"
    blobs: dict[str, str] = {}
    for entry in listing.decode("utf-8", "replace").split("\0"):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob" and (
                not files_only or parts[0] in ("100644", "100755")):
            blobs[path] = parts[2]
    return blobs


# -- commit messages -------------------------------------------------------------------------

MESSAGE_UNIT = "\x1f"  # between a commit's fields; commits end in NUL (`git log -z`)


class Commit(NamedTuple):
    sha: str
    date: str  # ISO 8601, the author's date
    subject: str
    body: str  # the whole message, subject included


def messages(root: str | os.PathLike, since: str | None = None,
             grep: str | None = None) -> list[Commit]:
    """Every commit reachable from HEAD (only those after `since` when given), newest first,
    with its whole message; one `git log` process. `grep` (an extended regular expression)
    lets git leave out the commits whose message cannot match. No commits yet answers [];
    an unknown `since` raises GitError."""
    rev = "HEAD"
    if since:
        code, _, _ = run(root, "rev-parse", "--verify", "--quiet", f"{since}^{{commit}}")
        if code != 0:
            raise GitError(f"{since}: no such commit, branch or tag")
        rev = f"{since}..HEAD"
    fmt = MESSAGE_UNIT.join(("%H", "%aI", "%s", "%B"))
    args = ["log", "-z", f"--format={fmt}", "--no-color"]
    if grep:
        args += ["--extended-regexp", f"--grep={grep}"]
    code, out, err = run(root, *args, rev, "--")
    if code != 0:
        if not since and any(said in err for said in (
                "does not have any commits", "unknown revision", "bad revision 'HEAD'")):
            return []
        raise GitError(f"git log: {err.strip() or 'failed'}")
    return parse_messages(out.decode("utf-8", "replace"))


def revisions(root: str | os.PathLike, since: str) -> set[str]:
    """The commits after `since` (`since..HEAD`: those a branch adds to it); one process.
    Raises GitError for an unknown `since`."""
    code, out, err = run(root, "rev-list", f"{since}..HEAD", "--")
    if code != 0:
        raise GitError(f"{since}: {err.strip().splitlines()[-1] if err.strip() else 'unknown'}")
    return set(out.decode("ascii", "replace").split())


def parse_messages(out: str) -> list[Commit]:
    """The records of `messages`' format, in git's order."""
    found = []
    for entry in out.split("\0"):
        parts = entry.split(MESSAGE_UNIT, 3)
        if len(parts) == 4:
            found.append(Commit(parts[0], parts[1], parts[2], parts[3].strip("\n")))
    return found
