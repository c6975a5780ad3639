"""Safe autofixes: small edits to the exact spans the parser recorded, written atomically.

planbook never re-dumps YAML: each fixer names a line and a column range in the original text
and what to put there, so comments, key order, quoting elsewhere, the body outside the edited
spans and CRLF line endings all stay as they were. A fixed text is parsed again before it is
written; a fix that would lose a key, add a parse error or change the number of lines is
dropped, not written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import yaml

from planbook.model import Plan
from planbook.parse import MAX_BYTES, Unreadable, parse_text, read_file, split_row
from planbook.records import record
from planbook.rules import Context, all_rules
from planbook.writing import atomic_write, pause


class NotFixed(Exception):
    """Why `fix` leaves a file as it was: it cannot be read, or not written without loss.

    `code` is IO001 when the file could not be read at all, as lint reports it."""

    def __init__(self, reason: str, code: str = ""):
        super().__init__(reason)
        self.code = code

    def __str__(self) -> str:
        return f"not fixed{f' ({self.code})' if self.code else ''}: {self.args[0]}"


LINE_BREAK = re.compile(r"\r\n|\r|\n")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
NEEDS_QUOTES = re.compile(r"^(\s*[^\s:#'\"][^:]*:[ \t]+)([@`].*?)\s*$")
ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+")


@dataclass(frozen=True, order=True)
class Edit:
    """Replace columns [start, end) of a line (1-based line, 0-based columns) with `text`."""

    line: int
    start: int
    end: int
    text: str
    code: str = ""


@record
class Outcome:
    """What fixing one file did: its text before and after, the edits made, and the
    codes whose edits were refused."""

    path: str
    before: str
    after: str
    edits: list[Edit] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # codes whose edits would break the file

    @property
    def changed(self) -> bool:
        return self.before != self.after


# -- fixers: (plan, ctx) -> edits --------------------------------------------------------


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _quotes_back(text: str) -> bool:
    """The quoted form loads as exactly `text`."""
    try:
        return yaml.safe_load(f"k: {_quote(text)}") == {"k": text}
    except yaml.YAMLError:
        return False


def _hits(code: str, plan: Plan, ctx: Context) -> list[tuple[int, int, str]]:
    rule = all_rules()[code]
    if rule.needs_doctype and ctx.doctype is None:
        return []
    return list(rule.check(plan, ctx))


def _field_at(plan: Plan, line: int, column: int):
    return next((f for f in plan.fields.values()
                 if f.value_line == line and f.value_column == column), None)


def fix_updated(plan: Plan, ctx: Context):
    """GT002: a changed plan gets its updated field (`updated`, or the field the doc type gives
    that role, such as Backlog.md's `updated_date`) set to the day of its change (today if
    uncommitted)."""
    field_ = ctx.facts.field("updated")
    if field_ is None or not _hits("GT002", plan, ctx):
        return
    written = field_.raw.split(" #", 1)[0]
    match = ISO_DAY.search(written)
    if match:
        start = field_.value_column - 1 + match.start()
        yield Edit(field_.value_line, start, start + 10, ctx.history.last_change.isoformat(),
                   "GT002")


NUMBER = re.compile(r"\d+")


def fix_version(plan: Plan, ctx: Context):
    """GT003: a plan whose body changed gets the last number of its version raised by one
    ("1.2" → "1.3"). Only with `--select GT003`: which number to raise is the author's call."""
    field_ = plan.fields.get("version")
    if field_ is None or not _hits("GT003", plan, ctx):
        return
    written = field_.raw.split(" #", 1)[0]
    match = next(reversed([*NUMBER.finditer(written)]), None)  # the last number
    if match:
        start = field_.value_column - 1 + match.start()
        yield Edit(field_.value_line, start, start + len(match.group(0)),
                   str(int(match.group(0)) + 1), "GT003")


def fix_type_trap(plan: Plan, ctx: Context):
    """FM011: an unquoted number or boolean that should be text is quoted as written."""
    for line, column, _ in _hits("FM011", plan, ctx):
        field_ = _field_at(plan, line, column)
        if field_ is None:
            continue
        written = field_.raw.split(" #", 1)[0].strip()
        if written and field_.raw.startswith(written) and _quotes_back(written):
            yield Edit(line, column - 1, column - 1 + len(written), _quote(written), "FM011")


def fix_cut_by_comment(plan: Plan, ctx: Context):
    """FM012: a value cut at ` #` is quoted whole, the part YAML took for a comment included."""
    for line, column, _ in _hits("FM012", plan, ctx):
        field_ = _field_at(plan, line, column)
        if field_ is None:
            continue
        whole = field_.raw.rstrip()
        if _quotes_back(whole):
            yield Edit(line, column - 1, column - 1 + len(whole), _quote(whole), "FM012")


def fix_reserved_start(plan: Plan, ctx: Context):
    """FM003: a plain value that starts with `@` or a backtick (which YAML refuses) is quoted."""
    for code, line, _column, _ in plan.parse_findings:
        if code != "FM003" or not 0 < line <= len(plan.lines):
            continue
        match = NEEDS_QUOTES.match(plan.lines[line - 1])
        if match and _quotes_back(match.group(2)):
            yield Edit(line, match.start(2), match.end(2), _quote(match.group(2)), "FM003")


def fix_field_case(plan: Plan, ctx: Context):
    """FM007: a frontmatter value that is allowed in another case takes the declared case."""
    if ctx.doctype is None:
        return
    for key, spec in ctx.doctype.fields.items():
        field_ = plan.fields.get(key)
        if not spec.values or field_ is None or not isinstance(field_.value, str):
            continue
        value = field_.value.strip()
        canonical = {v.lower(): v for v in spec.values}.get(value.lower())
        if canonical is None or canonical == value or not value:
            continue
        offset = 1 if field_.style in ('"', "'") else 0
        start = field_.raw.find(value, offset)
        if start == offset:
            column = field_.value_column - 1 + start
            yield Edit(field_.value_line, column, column + len(value), canonical, "FM007")


def fix_table_case(plan: Plan, ctx: Context):
    """TB004: a table cell whose value is allowed in another case takes the declared case."""
    for _spec, row, _column, index, allowed in ctx.facts.value_cells():
        spans = split_row(row.text)[1]
        if index >= len(spans):
            continue
        start, end = spans[index]
        cell = plan.lines[row.line - 1][start:end]
        value = cell.strip()
        canonical = allowed.get(value.lower())
        if canonical and canonical != value:
            at = start + cell.index(value)
            yield Edit(row.line, at, at + len(value), canonical, "TB004")


def fix_numbering(plan: Plan, ctx: Context):
    """ST004: section numbers are rewritten to run 1, 2, 3 and to carry their parent's."""
    numbering = ctx.facts.numbering
    if ctx.doctype is None or not numbering.problems:  # what ST004 reports
        return
    for line, (old, new) in sorted(numbering.expected.items()):
        if old == new:
            continue
        text = plan.lines[line - 1]
        heading = ATX.match(text)
        start = heading.end() if heading else len(text) - len(text.lstrip())
        if text[start:start + len(old)] == old:
            yield Edit(line, start, start + len(old), new, "ST004")


# fixers that run only when --select names them: GT003 raises a version, which is a decision,
# and FM007/TB004 give allowed values their declared case, which lint accepts in any case, so
# a plain `planbook fix` changes only what `planbook lint` reports
OPT_IN = {"GT003", "FM007", "TB004"}
FIXERS = {
    "FM003": fix_reserved_start,
    "FM007": fix_field_case,
    "FM011": fix_type_trap,
    "FM012": fix_cut_by_comment,
    "GT002": fix_updated,
    "GT003": fix_version,
    "ST004": fix_numbering,
    "TB004": fix_table_case,
}


# -- applying edits ------------------------------------------------------------------------


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply edits to the lines of `text`, keeping every line ending as it was."""
    parts = LINE_BREAK.split(text)
    breaks = LINE_BREAK.findall(text)
    for edit in sorted(set(edits), reverse=True):
        line = parts[edit.line - 1]
        parts[edit.line - 1] = line[:edit.start] + edit.text + line[edit.end:]
    out = [part + (breaks[i] if i < len(breaks) else "") for i, part in enumerate(parts)]
    return "".join(out)


def _overlapping(edits: list[Edit]) -> bool:
    ordered = sorted(set(edits))
    return any(a.line == b.line and b.start < a.end for a, b in pairwise(ordered))


def _safe(before: Plan, after: Plan) -> bool:
    """The fixed text keeps every key in its order and every line, and parses at least as
    well as before."""
    if len(after.lines) != len(before.lines):
        return False
    kept = [k for k in after.fields if k in before.fields]
    if kept != list(before.fields):
        return False
    codes_before = {code for code, *_ in before.parse_findings}
    return {code for code, *_ in after.parse_findings} <= codes_before


def fix_text(text: str, path: str, linter, codes: set[str], passes: int | None = None
             ) -> Outcome:
    """Fix `text` with the fixers for `codes` until nothing is left to fix. YAML reports one
    syntax error per parse, so each frontmatter line may take a pass of its own: by default
    a text gets four passes more than it has lines before its first blank one."""
    outcome = Outcome(path, text, text)
    if passes is None:
        head = text.split("\n\n", 1)[0]
        passes = head.count("\n") + 5
    for _ in range(passes):
        plan = parse_text(outcome.after, path)
        ctx = linter.context(plan)
        by_code = {code: list(FIXERS[code](plan, ctx)) for code in sorted(codes)}
        by_code = {code: edits for code, edits in by_code.items() if edits}
        if not by_code:
            break
        progress = False
        # all fixers together; if that breaks something, each on its own
        for group in [list(by_code)] + ([[c] for c in by_code] if len(by_code) > 1 else []):
            edits = [e for code in group for e in by_code[code]]
            if _overlapping(edits):
                continue
            candidate = apply_edits(outcome.after, edits)
            if _safe(plan, parse_text(candidate, path)):
                outcome.after = candidate
                outcome.edits += edits
                progress = True
                break
        if not progress:
            outcome.refused = sorted(by_code)
            break
        if len(by_code) > 1 and len(group) == 1:
            continue  # the others get their turn on the next pass
    return outcome


def fix_file(path: str, linter, codes: set[str]) -> Outcome | None:
    """Fix one file's text; None when it is not UTF-8 text (lint says what it is instead).

    A path that cannot be read as a regular file (a FIFO, a device, a folder, no permission,
    over the size limit) raises NotFixed and is never read, so it cannot block the run."""
    try:
        data = read_file(path)
    except Unreadable as exc:
        raise NotFixed(str(exc), "IO001") from None
    if len(data) > MAX_BYTES:  # it grew past the limit after the check: half a file
        raise NotFixed("it is over 20 MB; plans over 20 MB are not read", "IO001")
    pause("read", path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    outcome = fix_text(text[len(bom):], path, linter, codes)
    outcome.before, outcome.after = bom + outcome.before, bom + outcome.after
    return outcome


def diff(outcome: Outcome) -> str:
    import difflib

    def lines(text: str) -> list[str]:
        return [m.group(0) for m in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)]

    name = outcome.path.replace(os.sep, "/")
    return "".join(difflib.unified_diff(lines(outcome.before), lines(outcome.after),
                                        f"a/{name}", f"b/{name}"))


def write(outcome: Outcome) -> None:
    """Write a fixed plan over the file it was read from, or raise NotFixed saying why not."""
    try:
        atomic_write(Path(outcome.path), outcome.after.encode("utf-8"),
                     expected=outcome.before.encode("utf-8"))
    except OSError as exc:  # WriteRefused, or what the system said
        reason = exc.strerror or str(exc)
        raise NotFixed(reason[:1].lower() + reason[1:]) from None


# -- a fix run: what `planbook fix` asks for, as a library call ----------------------------


@record(many=True)
class FileResult:
    """What became of one file: its outcome when it was read, or why it was not fixed."""

    path: str
    outcome: Outcome | None = None
    problem: str = ""  # "not fixed: …" when the file could not be read, fixed or written


def codes_for(linter, select: list[str]) -> set[str]:
    """The fixers a run uses: those of the enabled rules, narrowed by `select`; the opt-in
    fixers only when `select` names them."""
    from planbook.lint import selected

    codes = set(FIXERS) & linter.enabled
    return codes & selected(select, linter.rules) if select else codes - OPT_IN


def run(files: list[str], config, select: list[str] = (), apply: bool = True,
        notices: list[str] | None = None) -> Iterator[FileResult]:
    """Fix each file in turn, writing it unless `apply` is false: a FileResult per file that
    was read or could not be, each as soon as it is done, so output keeps pace with the work.
    Notices (a shallow clone, say) go to `notices`. Raises ValueError for unknown codes
    before any file is read."""
    from planbook.lint import Linter, today

    codes = codes_for(Linter(config), list(select))
    histories = {}
    if codes & {"GT002", "GT003"}:
        from planbook import changes
        from planbook.parse import parse_bytes

        chosen = changes.select(files, history=True, today=today(), parse=parse_bytes)
        if chosen.notice and notices is not None:
            notices.append(chosen.notice)
        histories = chosen.histories
    return _fix_each(files, Linter(config, histories=histories), codes, apply)


def _fix_each(files: list[str], linter, codes: set[str], apply: bool) -> Iterator[FileResult]:
    for path in files:
        try:
            outcome = fix_file(path, linter, codes)
            if outcome is None:
                continue
            if outcome.changed and apply:
                write(outcome)
            yield FileResult(path, outcome)
        except NotFixed as exc:  # unreadable, or not writable without loss: go on
            yield FileResult(path, problem=str(exc))
        except Exception as exc:  # a bug on one file must not leave the others unfixed
            if os.environ.get("PLANBOOK_DEBUG"):
                raise
            yield FileResult(path, problem=f"not fixed: internal error: {type(exc).__name__}: "
                                           f"{exc} (set PLANBOOK_DEBUG=1 for the traceback)")
