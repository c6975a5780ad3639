"""Reading a file planbook was pointed at: a regular file's bytes, or why it is not read.

Its own module so that what reads files without parsing them (the config, a run the lint
cache answers) does not import the parser; `planbook.parse` names these too.
"""

from __future__ import annotations

import errno
import os
import stat

MAX_BYTES = 20 * 1024 * 1024


class Unreadable(Exception):
    """A path planbook will not read; the message says why, in the words of IO001."""


def read_file(path: str) -> bytes:
    """The bytes of the regular file at `path`, at most MAX_BYTES + 1 of them.

    The one place planbook opens a file it was pointed at (plans, config, doc types), so a FIFO,
    a device or a folder is refused instead of read: reading one blocks forever or never ends.
    The type is checked before opening (opening a device can act on it) and again on the
    opened descriptor, which is opened non-blocking, so a file swapped in between is caught too.
    """
    problem = _read_problem(path)
    if problem:
        raise Unreadable(problem)
    try:
        with open(path, "rb", opener=_open_nonblocking) as handle:
            problem = not_regular(os.fstat(handle.fileno()))
            if problem:
                raise Unreadable(problem)
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise Unreadable(f"cannot read file: {exc.strerror or exc}") from None


def not_regular(info: os.stat_result) -> str:
    """Why a file of this kind is not read or written as a plan; "" for a regular file."""
    if stat.S_ISDIR(info.st_mode):
        return "is a directory, not a plan file"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    return ""


def _open_nonblocking(path, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))


def _read_problem(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "cannot read file: symbolic link loop"
        return f"cannot read file: {exc.strerror or exc}"
    problem = not_regular(info)
    if problem:
        return problem
    if info.st_size > MAX_BYTES:
        return f"file is {info.st_size // (1024 * 1024)} MB; plans over 20 MB are not read"
    return ""
