"""Baselines: record today's findings so a repository that adopts planbook sees only new ones.

A baseline is a JSON file of finding fingerprints. Lint computes each fingerprint from the
path, the code, the message and the text of the finding's line, never from its line number,
so an entry still matches when lines above it move or other parts of the plan change. An
entry whose finding is gone is dropped the next time the baseline is written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from planbook.finding import Finding

FORMAT = 1


class BaselineError(ValueError):
    """A baseline file that cannot be read; the message names the file and the problem."""


def load(path: str | Path) -> dict[str, dict]:
    """Entries by fingerprint."""
    from planbook.reading import Unreadable, read_file

    if not os.path.lexists(path):
        raise BaselineError(f"{path}: no such baseline file; write one with "
                            f"--write-baseline {path}")
    try:
        data = json.loads(read_file(str(path)).decode("utf-8"))
    except Unreadable as exc:  # a FIFO or a device is refused, never read
        raise BaselineError(f"{path}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise BaselineError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not a planbook baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("planbook-baseline") != FORMAT or \
            not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a planbook baseline (format {FORMAT})")
    entries = {}
    for entry in data["findings"]:
        if isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str):
            entries[entry["fingerprint"]] = entry
    return entries


def apply(findings: list[Finding], entries: dict[str, dict]) -> tuple[list[Finding], int]:
    """The findings the baseline does not know, and how many it hid."""
    kept = [f for f in findings if f.fingerprint not in entries]
    return kept, len(findings) - len(kept)


def entry(finding: Finding) -> dict:
    return {"fingerprint": finding.fingerprint, "path": finding.path.replace("\\", "/"),
            "code": finding.code, "line": finding.line, "message": finding.message}


def write(path: str | Path, findings: list[Finding], linted: set[str],
          previous: dict[str, dict] | None = None) -> int:
    """Write the findings as a baseline; entries for plans this run did not lint are kept
    from `previous`, entries for plans it did lint are replaced. Returns the entry count."""
    from planbook.writing import atomic_write

    done = {p.replace("\\", "/") for p in linted}
    entries = {f.fingerprint: entry(f) for f in findings}
    for fingerprint, old in (previous or {}).items():
        if old.get("path") not in done:
            entries.setdefault(fingerprint, old)
    ordered = sorted(entries.values(), key=lambda e: (str(e.get("path")), e.get("line", 0),
                                                      str(e.get("code")), e["fingerprint"]))
    text = json.dumps({"planbook-baseline": FORMAT, "findings": ordered}, indent=2,
                      ensure_ascii=False) + "\n"
    atomic_write(Path(path), text.encode("utf-8"))
    return len(ordered)
