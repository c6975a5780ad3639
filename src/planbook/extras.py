"""Which optional extra a command needs, and the one message that says how to install it.

`pip install planbook` is the linter alone; the site, `planbook schema`, `planbook lsp` and
`planbook mcp` need extras (`planbook[site]`, `[schema]`, `[lsp]`, `[mcp]`). A command that
needs one checks for it first, so a missing package is a sentence saying what to install,
not a traceback.
"""

from __future__ import annotations

import importlib.util

# extra → (module, the package that installs it), as pyproject.toml declares them
EXTRAS = {
    "site": (("mkdocs", "mkdocs"), ("material", "mkdocs-material"), ("nh3", "nh3")),
    "schema": (("pydantic", "pydantic"),),
    "lsp": (("pygls", "pygls"),),
    "mcp": (("mcp", "mcp"),),
}


class MissingExtra(RuntimeError):
    """An optional package a command needs is not installed; the message says what to do."""


def missing(extra: str, needs: tuple[str, ...] = ()) -> list[str]:
    """The packages of `extra` (or only the modules in `needs`) that are not installed."""
    return [package for module, package in EXTRAS[extra]
            if (not needs or module in needs) and importlib.util.find_spec(module) is None]


def require(extra: str, what: str, needs: tuple[str, ...] = ()) -> None:
    """Raise MissingExtra when `what` (such as "planbook schema") cannot run without `extra`
    (or without the modules of it named in `needs`)."""
    absent = missing(extra, needs)
    if absent:
        raise MissingExtra(
            f"{what} needs planbook's '{extra}' extra, and {', '.join(absent)} "
            f"{'is' if len(absent) == 1 else 'are'} not installed: install planbook with it "
            f"(pip install \"planbook[{extra}] @ git+<repository URL>\") or add the packages "
            f"alone (pip install {' '.join(absent)})")
