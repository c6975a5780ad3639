"""Shared helpers: lint a plan written to a temporary folder, and the clean example plan."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from planbook.config import Config
from planbook.lint import Linter
from planbook.model import Finding

FIXTURES = Path(__file__).parent / "fixtures"
CLEAN = FIXTURES / "clean.md"
TODAY = "2026-06-01"


@pytest.fixture
def fixed_today(monkeypatch):
    """A fixed today, so date rules never depend on when the suite runs."""
    monkeypatch.setenv("PLANBOOK_TODAY", TODAY)


@pytest.fixture
def clean() -> str:
    """The text of a complete Implementation Plan that lints with no findings at all."""
    return CLEAN.read_text(encoding="utf-8")


def make_config(root: Path, config: Config | dict | None) -> Config:
    if isinstance(config, Config):
        return config
    return Config(root=root, **(config or {}))


@pytest.fixture
def plan_dir(tmp_path) -> Path:
    """A folder holding the files the clean plan links to, so its links resolve."""
    shutil.copy(FIXTURES / "notes.md", tmp_path / "notes.md")
    return tmp_path


@pytest.fixture
def lint_file(plan_dir, fixed_today):
    """Lint one path on disk the way `planbook lint` does; return its findings."""

    def run(path: str | Path, config: Config | dict | None = None,
            select: list[str] = ()) -> list[Finding]:
        linter = Linter(make_config(plan_dir, config), select=list(select))
        findings, _failures = linter.lint_path(str(path))
        return findings

    return run


@pytest.fixture
def lint_text(plan_dir, lint_file):
    """Write `text` (str or bytes) beside the linked notes and lint it; return its findings."""

    def run(text: str | bytes, path: str | None = None, config: Config | dict | None = None,
            select: list[str] = ()) -> list[Finding]:
        target = plan_dir / (path or "IP-7-retry-queue.md")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8", newline="")
        return lint_file(target, config=config, select=select)

    return run


def codes_at(findings: list[Finding]) -> set[tuple[str, int]]:
    return {(f.code, f.line) for f in findings}


def describe(findings: list[Finding]) -> str:
    return "\n".join(f"{f.line}:{f.column} {f.code} {f.message}" for f in findings) or "(none)"


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "khive"


def require_corpus(module: bool = False) -> Path:
    """The real-plan corpus beside the repo. Missing, it skips locally with a reason and fails
    where PLANBOOK_REQUIRE_CORPUS is set (CI sets it), so CI never skips it silently."""
    if CORPUS.is_dir():
        return CORPUS
    message = f"the khive corpus is not beside the repo ({CORPUS})"
    if os.environ.get("PLANBOOK_REQUIRE_CORPUS"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=module)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, launched once for every browser test (see browser.py)."""
    from browser import chromium

    with chromium() as launched:
        yield launched
