"""A finding: what a rule says about a plan, where, with its code and severity.

Apart from the parsed plan's model because everything that passes findings on without parsing
a plan (a run the lint cache answers, the reporters, baselines) imports it: it costs little.
`planbook.model` names it too.
"""

from __future__ import annotations

from typing import Any

from planbook.records import record

SEVERITIES = ("error", "warning", "info")


@record(slots=True, many=True)
class Finding:
    """One problem a rule found: where, which rule, what it says."""

    path: str
    line: int
    column: int
    code: str
    name: str
    severity: str
    message: str
    end_line: int = 0  # the last line the finding covers; its own line unless given
    fingerprint: str = ""  # stable across line shifts; filled by lint

    def __post_init__(self):
        self.end_line = self.end_line or self.line

    def sort_key(self):
        return (self.path, self.line, self.column, self.code, self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "fingerprint": self.fingerprint,
        }
