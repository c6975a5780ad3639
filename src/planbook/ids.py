"""IDs in plan tables (T-1, UT-FE-2, AC-3) and the cell text they are read from."""

from __future__ import annotations

import re

ID_LIKE = re.compile(r"\b[A-Z]{1,4}(?:-[A-Z][A-Z0-9]*)?-\d+\b")
MARKUP = re.compile(r"[`*_~]")


def clean(cell: str) -> str:
    """A cell's text without inline markup, for comparing IDs and values."""
    return MARKUP.sub("", cell).strip()


def id_pattern(prefix: str) -> re.Pattern:
    """The IDs of one kind: `T-1`, and with a scope, `T-API-1`."""
    return re.compile(rf"^{re.escape(prefix)}-(?:[A-Z][A-Z0-9]*-)?\d+$")
