"""Temporary git repositories with real commits at fixed dates, for the git workflow tests."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
CHECKOUT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PLANBOOK = str(BIN / "planbook")


def env(date: str = "2026-03-02T10:00:00+00:00", **extra: str) -> dict[str, str]:
    """An environment where git ignores the user's config and commits at `date`."""
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "GIT_AUTHOR_NAME": "Ada Lovelace", "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada Lovelace", "GIT_COMMITTER_EMAIL": "ada@example.com",
        "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull,
        "PLANBOOK_TODAY": "2026-06-01",
        **extra,
    }


def git(repo: Path, *args: str, date: str = "2026-03-02T10:00:00+00:00") -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], env=env(date), capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{proc.stderr}")
    return proc.stdout


def commit(repo: Path, message: str, date: str = "2026-03-02T10:00:00+00:00") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD").strip()


def make_repo(root: Path) -> Path:
    """An empty repository on branch main with a plans/ folder and the notes plans link to."""
    (root / "plans").mkdir(parents=True)
    (root / "docs").mkdir()
    git(root, "init", "-q", "-b", "main")
    shutil.copy(FIXTURES / "notes.md", root / "docs" / "notes.md")
    return root


def plan(**changes: str) -> str:
    """The clean example plan with some frontmatter values replaced (as written, unquoted)."""
    text = (FIXTURES / "clean.md").read_text(encoding="utf-8").replace("(notes.md)",
                                                                     "(../docs/notes.md)")
    for key, value in changes.items():
        text, count = re.subn(rf"(?m)^{key}: .*$", f"{key}: {value}", text, count=1)
        if not count:
            text = text.replace("\n---\n", f"\n{key}: {value}\n---\n", 1)
    return text


def write(repo: Path, name: str, text: str) -> Path:
    path = repo / "plans" / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def planbook(repo: Path, *args: str, input: str | None = None,
             **extra: str) -> subprocess.CompletedProcess:
    """Run the installed `planbook` command in `repo`, as a user would."""
    return subprocess.run([PLANBOOK, *args], cwd=repo, env=env(**extra), input=input,
                          capture_output=True, text=True)


def add_submodule(repo: Path, source: Path, path: str) -> Path:
    """Add the repository at `source` as a submodule of `repo` at `path`. git clones a local
    path for a submodule only when the file protocol is allowed."""
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(source), path)
    return repo / path


def spy_on_git(monkeypatch) -> list:
    """Every git command line started from now on (git's own, through `planbook.git`)."""
    from planbook import git as gitmodule

    calls = []
    real = gitmodule._process

    def spy(args, *rest, **kwargs):
        calls.append(args)
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(gitmodule, "_process", spy)
    return calls
