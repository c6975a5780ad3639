"""Configuration: `[tool.planbook]` in pyproject.toml or a planbook.toml, found upwards.

Keys are kebab-case, as in Ruff. Unknown keys are an error with the key named, so a typo never
silently turns a check off.
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from planbook.typed import DeclarationError, load


class ConfigError(ValueError):
    """Configuration that cannot be used; the message says which file and key."""


@dataclass
class Config:
    """`[tool.planbook]`, with every key in kebab-case in the file (per-file-ignores)."""

    root: Path = field(default_factory=Path.cwd)
    source: str = ""  # the file the config came from, "" for defaults
    paths: tuple[str, ...] = ("plans",)
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    severity: dict[str, Literal["error", "warning", "info"]] = field(default_factory=dict)
    default_type: str = "IP"
    doc_types: dict[str, str] = field(default_factory=dict)  # glob → doc type name
    types: dict[str, dict[str, Any]] = field(default_factory=dict)  # a team's own, inline
    type_files: tuple[str, ...] = ()  # or declared in TOML/YAML files
    template: str | None = None  # a team's own template for `planbook new`
    filename: str | None = None  # file name pattern for `planbook new`: IP-{issue}-{slug}.md

    def relative(self, path: str | Path) -> str:
        """The path relative to the config root, with forward slashes, for glob matching."""
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))
        return Path(path).as_posix() if rel.startswith("..") else Path(rel).as_posix()

    def ignored_for(self, path: str) -> set[str]:
        rel = self.relative(path)
        codes: set[str] = set()
        for pattern, ignored in self.per_file_ignores.items():
            if fnmatch.fnmatch(rel, pattern):
                codes.update(ignored)
        return codes

    def type_for(self, path: str) -> str | None:
        if not self.doc_types:
            return None
        rel = self.relative(path)
        for pattern, name in self.doc_types.items():
            if fnmatch.fnmatch(rel, pattern):
                return name
        return None

    def load_doctypes(self) -> dict:
        """Every doc type by name: the built-in ones, then the team's (which may replace them)."""
        from planbook import doctypes

        found = {name: doctypes.builtin(name) for name in doctypes.builtin_names()}
        for name, data in self.types.items():
            declared = doctypes.from_data({"name": name, **data}, f"{self.source} [types.{name}]")
            found[declared.name] = declared
        for file in self.type_files:
            declared = doctypes.from_file(self.root / file)
            found[declared.name] = declared
        return found


def find_config(start: Path) -> Path | None:
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else start.parents:
        for name in ("planbook.toml", "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file():
                if name == "planbook.toml":
                    return candidate
                try:
                    data = tomllib.loads(candidate.read_text(encoding="utf-8"))
                except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                    continue
                if "planbook" in data.get("tool", {}):
                    return candidate
        if (folder / ".git").exists():
            break
    return None


def load_config(path: Path | None = None, start: Path | None = None) -> Config:
    """Load the given config file, or the nearest one above `start`, or the defaults."""
    if path is None:
        path = find_config(start or Path.cwd())
    if path is None:
        return Config(root=Path.cwd())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("planbook", {})
    data = {k: v for k, v in data.items() if k not in ("root", "source")}
    try:
        config = load(Config, data, "tool.planbook" if path.name == "pyproject.toml" else "")
    except DeclarationError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    config.root, config.source = path.parent, str(path)
    return config
