"""Writing a user's file without losing anything: atomically, through symbolic links, with
its owner and mode kept, never split from its hard links, and whole when a signal arrives.

`planbook fix` and baselines write through `atomic_write`; nothing else in planbook writes a
file it did not create.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import tempfile
from pathlib import Path

from planbook.reading import Unreadable, not_regular, read_file


class WriteRefused(OSError):
    """A file atomic_write will not replace, because replacing it would lose something."""


HELD_SIGNALS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                if hasattr(signal, name)}


@contextlib.contextmanager
def _signals_held():
    """Hold SIGINT, SIGTERM and SIGHUP until the block is done, so a stop never falls between
    creating the temporary file and renaming it: the signal is delivered right after."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def pause(point: str, path: str) -> None:
    """A test hook: with PLANBOOK_TEST_PAUSE set, say `point` on stderr and wait for a byte on
    stdin, so a test can send a signal at an exact step of a fix instead of guessing a time."""
    if os.environ.get("PLANBOOK_TEST_PAUSE"):
        sys.stderr.write(f"planbook-test: pause {point} {path}\n")
        sys.stderr.flush()
        os.read(0, 1)


def atomic_write(path: Path, data: bytes, expected: bytes | None = None) -> None:
    """Replace the file at `path` with `data` in one step: a reader sees the old file or the
    new one, never half of either, and SIGINT or SIGTERM wait until the step is done.

    A symbolic link is followed: its target is replaced and the link stays a link. The file
    keeps its permission bits, owner and group. Refused with WriteRefused: a file that is not
    regular (a FIFO, a device), one whose owner cannot be kept, one whose bytes are no longer
    `expected`, and one with more than one hard link, rather than split from its other names
    or written in place: an in-place write is not atomic (a crash or a full disk midway leaves
    half a plan), and hard links are how backup snapshots share files, so a change to one name
    would change the snapshot too. A file its user may not write raises PermissionError even
    where the folder would allow renaming over it: read-only means leave it as it is.
    """
    real = Path(os.path.realpath(path))
    try:
        info = os.stat(real)
    except FileNotFoundError:
        info = None
    if info is not None:
        problem = not_regular(info)
        if problem:
            raise WriteRefused(problem)
        if info.st_nlink > 1:
            raise WriteRefused(f"it has {info.st_nlink} hard links, which replacing it would "
                               "break")
        _check_writable(real)
    with _signals_held():
        handle, temp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                _keep_owner_and_mode(out.fileno(), temp, info)
                os.fsync(out.fileno())
            pause("write", str(path))
            if expected is not None and _current(real) != expected:
                raise WriteRefused("it changed after it was read")
            os.replace(temp, real)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def _check_writable(path: Path) -> None:
    """Raise the OSError a write would meet (a read-only file, file system or immutable flag),
    by opening the file for writing without changing it."""
    flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    os.close(os.open(path, flags))


def _keep_owner_and_mode(fd: int, temp: str, info: os.stat_result | None) -> None:
    """Give the new file the old one's owner, group and mode; a new file gets the mode the
    umask gives any new file, not mkstemp's 0600. Set through the open descriptor, so a file
    swapped in for the temporary one is never changed (by name only where the system has no
    fchmod, as Windows before Python 3.13)."""
    if info is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    else:
        mode = stat.S_IMODE(info.st_mode)
        mine = os.fstat(fd)
        if (mine.st_uid, mine.st_gid) != (info.st_uid, info.st_gid):
            try:
                os.fchown(fd, info.st_uid, info.st_gid)
            except PermissionError:
                raise WriteRefused(f"it belongs to user {info.st_uid}, group {info.st_gid}, "
                                   "and a rewritten file could not keep that owner") from None
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)  # after chown, which clears set-id bits
    else:  # pragma: no cover
        os.chmod(temp, mode)


def _current(path: Path) -> bytes | None:
    try:
        return read_file(str(path))
    except Unreadable:
        return None
