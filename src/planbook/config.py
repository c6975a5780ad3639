"""Configuration: `[tool.planbook]` in pyproject.toml or a planbook.toml, found upwards.

Keys are kebab-case, as in Ruff. Unknown keys are an error with the key named, so a typo never
silently turns a check off.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import field
from pathlib import Path
from typing import Any, Literal

from planbook.records import record
from planbook.typed import DeclarationError, load


class ConfigError(ValueError):
    """Configuration that cannot be used; the message says which file and key."""


@record
class Config:
    """`[tool.planbook]`, with every key in kebab-case in the file (per-file-ignores)."""

    root: Path = field(default_factory=Path.cwd)
    source: str = ""  # the file the config came from, "" for defaults
    paths: tuple[str, ...] = ("plans",)
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()  # added to the selection: rules that are off by default
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    severity: dict[str, Literal["error", "warning", "info"]] = field(default_factory=dict)
    default_type: str = "IP"
    doc_types: dict[str, str] = field(default_factory=dict)  # glob → doc type name
    types: dict[str, dict[str, Any]] = field(default_factory=dict)  # a team's own, inline
    type_files: tuple[str, ...] = ()  # or declared in TOML/YAML files
    template: str | None = None  # a team's own template for `planbook new`
    filename: str | None = None  # file name pattern for `planbook new`: IP-{issue}-{slug}.md
    tests: tuple[str, ...] = ()  # globs of the test files `planbook trace` reads, as text
    test_pattern: str | None = None  # how a test names the plan test it implements
    docs_url: str = ""  # where the rule pages are published: SARIF helpUri, JSON url
    cache_dir: str = ".planbook_cache"  # the lint cache, beside the config; "" for none
    # a status as plans write it → the lifecycle status the site shows it under (completed → done)
    status_aliases: dict[str, str] = field(default_factory=dict)

    def relative(self, path: str | Path) -> str:
        """The path relative to the config root, with forward slashes, for glob matching."""
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))
        return Path(path).as_posix() if rel.startswith("..") else Path(rel).as_posix()

    def ignored_for(self, path: str) -> set[str]:
        rel = self.relative(path)
        codes: set[str] = set()
        for pattern, ignored in self.per_file_ignores.items():
            if glob_matches(pattern, rel):
                codes.update(ignored)
        return codes

    def type_for(self, path: str) -> str | None:
        """The doc type of the first `doc-types` pattern that matches, in the order written."""
        if not self.doc_types:
            return None
        rel = self.relative(path)
        for pattern, name in self.doc_types.items():
            if glob_matches(pattern, rel):
                return name
        return None

    def excluded(self, path: str) -> bool:
        """Whether a file found while walking a folder is skipped by `exclude`."""
        if not self.exclude:
            return False
        rel = self.relative(path)
        return any(glob_matches(pattern, rel) for pattern in self.exclude)

    def check_globs(self) -> None:
        """Every pattern compiles; a bad one is an error naming its key, not a crash later."""
        keys = (("exclude", self.exclude), ("per-file-ignores", self.per_file_ignores),
                ("doc-types", self.doc_types))
        where = f"{self.source}: " if self.source else ""
        for key, patterns in keys:
            for pattern in patterns:
                try:
                    glob_matches(pattern, "")
                except ValueError as exc:
                    raise ConfigError(f"{where}{key}: bad pattern {pattern!r}: {exc}") from None

    def team_doctypes(self) -> dict:
        """The team's own doc types, validated once; a bad declaration fails here, at start."""
        cached = self.__dict__.get("_team_doctypes")
        if cached is None and not (self.types or self.type_files or self.doc_types) \
                and self.default_type == "IP":
            cached = self.__dict__["_team_doctypes"] = {}  # nothing declared, nothing to check
        if cached is None:
            from planbook import doctypes

            cached = {}
            for name, data in self.types.items():
                declared = doctypes.from_data({"name": name, **data},
                                              f"{self.source} [types.{name}]")
                cached[declared.name] = declared
            for file in self.type_files:
                declared = doctypes.from_file(self.root / file)
                cached[declared.name] = declared
            self._check_type_names([*doctypes.builtin_names(), *cached])
            self.__dict__["_team_doctypes"] = cached
        return cached

    def _check_type_names(self, known: list[str]) -> None:
        """`doc-types` and `default-type` name declared types: an undeclared one would lint
        its plans with no doc type at all, and FM010 would blame the plan's own `doc_type`."""
        lowered = {n.lower() for n in known}
        listed = ", ".join(sorted(known, key=str.lower))
        where = f"{self.source}: " if self.source else ""
        for pattern, name in self.doc_types.items():
            if name.strip().lower() not in lowered:
                raise ConfigError(f"{where}doc-types: '{pattern}' asks for doc type '{name}', "
                                  f"which is not declared (known: {listed})")
        if self.default_type.strip().lower() not in lowered:
            raise ConfigError(f"{where}default-type: '{self.default_type}' is not a declared "
                              f"doc type (known: {listed})")

    def doctype(self, name: str):
        """A doc type by name, any case: the team's first, then a built-in one read on demand."""
        from planbook import doctypes

        wanted = name.strip().lower()
        team = self.team_doctypes()
        found = next((d for n, d in team.items() if n.lower() == wanted), None)
        if found is None and wanted in {n.lower() for n in doctypes.builtin_names()}:
            found = doctypes.builtin(name)
        return found

    def doctype_names(self) -> list[str]:
        from planbook import doctypes

        return sorted({*doctypes.builtin_names(), *self.team_doctypes()}, key=str.lower)

    def load_doctypes(self) -> dict:
        """Every doc type by name: the built-in ones, then the team's (which may replace them)."""
        from planbook import doctypes

        found = {name: doctypes.builtin(name) for name in doctypes.builtin_names()}
        found.update(self.team_doctypes())
        return found


@functools.cache
def _compiled(pattern: str):
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines([pattern])


def glob_matches(pattern: str, rel: str) -> bool:
    """Whether a config glob matches a path relative to the config's folder, as a line of
    .gitignore would: `*` stays within one folder, `**` crosses folders, a pattern with a
    slash is anchored at the config's folder, one without matches at any depth, and a folder
    pattern (`plans/archive/`) matches every file under it."""
    return _compiled(pattern).match_file(rel)  # a pattern it cannot read: ValueError


# `[tool.planbook]`, `[tool.planbook.severity]`, `[[tool.planbook.x]]`, `tool.planbook.x = ` (and
# `[tool.planbook` left unclosed), spaced or quoted as TOML allows: text meant to configure us.
# Compiled when a pyproject.toml is not valid TOML, the one case that asks.
PLANBOOK_TABLE = (
    r"""(?m)^[ \t]*(?:\[\[?[ \t]*tool[ \t]*\.[ \t]*(["']?)planbook\1(?![\w-])"""
    r"""|tool[ \t]*\.[ \t]*(["']?)planbook\2[ \t]*[.=])""")


def find_config(start: Path) -> Path | None:
    """The nearest planbook.toml, or pyproject.toml with a planbook table, at or above
    `start`, up to the git repository's root.

    A pyproject.toml that is not valid TOML cannot say whether it has a planbook table; when
    its text names one it is returned anyway, so that loading it reports the syntax error with
    its line instead of planbook quietly using the defaults. One that cannot be read at all is
    passed over, like one without a planbook table.
    """
    from planbook.reading import Unreadable, read_file

    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else start.parents:
        for name in ("planbook.toml", "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file():
                if name == "planbook.toml":
                    return candidate
                try:
                    text = read_file(str(candidate)).decode("utf-8", errors="replace")
                except Unreadable:
                    continue
                import tomllib  # here: a run with no TOML file to read never needs it

                try:
                    data = tomllib.loads(text)
                except tomllib.TOMLDecodeError:
                    if re.search(PLANBOOK_TABLE, text):
                        return candidate
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
    import tomllib

    try:
        data = tomllib.loads(_read(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    tool = data.get("tool")
    nested = path.name == "pyproject.toml" or (
        isinstance(tool, dict) and isinstance(tool.get("planbook"), dict))
    if nested:  # pyproject.toml, or any file (--config) that holds a [tool.planbook] table
        data = tool.get("planbook", {}) if isinstance(tool, dict) else {}
    data = {k: v for k, v in data.items() if k not in ("root", "source")}
    try:
        config = load(Config, data, "tool.planbook" if nested else "")
    except DeclarationError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    config.root, config.source = path.parent, str(path)
    config.check_globs()
    if config.docs_url and not re.match(r"https?://[^\s/]+", config.docs_url):
        raise ConfigError(f"{path}: docs-url: {config.docs_url!r} is not an http(s) URL")
    return config


def _read(path: Path) -> str:
    """A config file's text, read like a plan (a FIFO or a device is refused, not read)."""
    from planbook.reading import Unreadable, read_file

    try:
        return read_file(str(path)).decode("utf-8")
    except Unreadable as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
