"""Plain git hooks for teams without the pre-commit framework, and their installation.

This module owns the hook text and installing it (copying it into the hooks folder, or
pointing `core.hooksPath` at a folder of hooks); `planbook.git` runs the git it asks.
The hook text here is the same as `hooks/pre-commit` in planbook's repository (a test keeps
them equal), so an installed planbook can set it up in any repository without that folder.
Installing never replaces a hook silently: an existing different hook is refused unless
`force` is given, and even then it is kept beside the new one.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from planbook import git

PRE_COMMIT = """\
#!/bin/sh
# planbook: lint the plans staged for this commit, as they are staged (read from the index,
# not the working tree). Install with `planbook hooks install`; skip once with --no-verify.
if command -v planbook >/dev/null 2>&1; then
    planbook=planbook
else
    top=$(git rev-parse --show-toplevel) || exit 1
    planbook="$top/.venv/bin/planbook"
    if [ ! -x "$planbook" ]; then
        echo "planbook pre-commit hook: planbook is not installed here. Install it from" \\
             "its repository: pip install \\"planbook @ git+URL@TAG\\" (URL: where" \\
             "planbook is hosted, TAG: a release tag or a commit), or skip this check" \\
             "once with git commit --no-verify" >&2
        exit 1
    fi
fi
"$planbook" lint --staged
status=$?
if [ "$status" -eq 1 ]; then
    echo "planbook pre-commit hook: commit refused for the errors listed above (warnings" \\
         "alone do not refuse it); fix them, or skip this check once with" \\
         "git commit --no-verify" >&2
fi
exit "$status"
"""
HOOKS = {"pre-commit": PRE_COMMIT}


class HookError(Exception):
    """Installing would lose something or cannot work here; the message says what to do."""


def _git(*args: str) -> str:
    """git's answer as text; a failure is a HookError with git's own words."""
    code, out, err = git.run(".", *args)
    if code != 0:
        raise HookError(err.strip() or f"git {' '.join(args)} failed")
    return out.decode("utf-8", "replace").strip()


def install(force: bool = False, hooks_path: str | None = None) -> list[str]:
    """Install planbook's hooks; returns what was done, one sentence each.

    Default: copy each hook into the repository's hooks folder (`core.hooksPath` if set).
    With `hooks_path`: point `core.hooksPath` at that folder of hooks (such as `hooks/` in a
    repository that keeps its hooks under version control) instead of copying.
    """
    try:
        _git("rev-parse", "--git-dir")
    except HookError:
        raise HookError("not in a git repository: run this inside the repository whose "
                        "commits should be checked") from None
    if hooks_path:
        return _point_at(hooks_path, force)
    folder = Path(_git("rev-parse", "--git-path", "hooks"))
    folder.mkdir(parents=True, exist_ok=True)
    done = []
    for name, text in HOOKS.items():
        target = folder / name
        if target.exists():
            current = target.read_text(encoding="utf-8", errors="replace")
            if current == text:
                done.append(f"{target} is already planbook's {name} hook")
                continue
            if not force:
                raise HookError(
                    f"{target} already exists and is not planbook's hook; planbook will not "
                    f"replace it. Call `planbook lint --staged` from it, or rerun with "
                    f"--force to replace it (the old hook is kept as {name}.bak)")
            backup = target.with_name(f"{name}.bak")
            if backup.exists():
                raise HookError(f"{backup} exists too; move it away first")
            os.replace(target, backup)
            done.append(f"kept the old {name} hook as {backup}")
        target.write_text(text, encoding="utf-8")
        target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        done.append(f"installed planbook's {name} hook in {target}")
    return done


def _point_at(hooks_path: str, force: bool) -> list[str]:
    """Point `core.hooksPath` at `hooks_path`, first writing planbook's hooks into it where
    it has none of that name (a hook already there is the team's and is kept)."""
    top = Path(_git("rev-parse", "--show-toplevel"))
    folder = Path(hooks_path) if Path(hooks_path).is_absolute() else top / hooks_path
    if folder.exists() and not folder.is_dir():
        raise HookError(f"{hooks_path} is not a folder")
    try:
        current = _git("config", "--get", "core.hooksPath")
    except HookError:
        current = ""
    if current and current != hooks_path and not force:
        raise HookError(f"core.hooksPath is already {current}; rerun with --force to "
                        f"point it at {hooks_path} instead")
    if not current and not force:  # hooks in .git/hooks stop running once it is set
        default = Path(_git("rev-parse", "--git-path", "hooks"))
        active = sorted(p.name for p in default.glob("*")
                        if p.is_file() and not p.name.endswith(".sample")) \
            if default.is_dir() else []
        if active:
            raise HookError(f"{default} has hooks ({', '.join(active)}) that core.hooksPath "
                            "would switch off; rerun with --force if that is what you want")
    done = []
    for name, text in HOOKS.items():
        target = folder / name
        if target.is_file():
            continue
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        done.append(f"wrote planbook's {name} hook to {Path(hooks_path) / name} "
                    "(commit it, so everyone who clones gets it)")
    if current == hooks_path:
        return [*done, f"core.hooksPath is already {hooks_path}"]
    _git("config", "core.hooksPath", hooks_path)
    return [*done, f"set core.hooksPath to {hooks_path}"]
