"""`planbook lsp`: the linter's engine as a Language Server, over standard input and output.

The server holds no rules of its own. Each open buffer is parsed and linted by `lint.Linter`
with the configuration found from the buffer's folder, read through `PlanFacts`, and fixed by
`fix.fix_text`, so the editor shows what `planbook lint` and `planbook fix` would. The
functions below the server take a parsed plan and plain positions and answer with LSP types;
the server only finds the buffer and turns positions into the client's units.

A file the configuration does not cover (outside the plan folders, or excluded) gets no
diagnostics and no answers. Cross-plan rules see the plans on disk and the open buffers.
"""

from __future__ import annotations

import asyncio
import fnmatch
import os
import re
from pathlib import Path

from lsprotocol import types as lsp
from pygls import uris
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import ServerTextPosition, ServerTextRange

from planbook import __version__
from planbook.config import Config, find_config, load_config
from planbook.facts import PlanFacts, id_rows
from planbook.ids import ANY_ID, clean
from planbook.lint import Linter, discover
from planbook.model import Finding, Plan, Section, Table, normalize
from planbook.names import Names, names_of
from planbook.parse import Unreadable, parse_text, read_file, split_row
from planbook.records import record

DEBOUNCE = 0.3  # seconds of quiet typing before a changed buffer is linted again
SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning,
            "info": lsp.DiagnosticSeverity.Information}
WORD = re.compile(r"[\w.-]+")
TABLE_LINE = re.compile(r"^\s*\|")
HEADING_START = re.compile(r"^\s{0,3}#{1,6}\s*")


# -- the engine: configuration, open buffers, other plans -----------------------------------


@record
class Analysis:
    """One buffer as `planbook lint` sees it."""

    plan: Plan
    facts: PlanFacts
    findings: list[Finding]
    linter: Linter
    config: Config


class _BufferLinter(Linter):
    """A linter that reads the open buffers, saved or not, where `Linter` reads files: for
    link targets and for the references between documents."""

    def __init__(self, config: Config, names: Names, buffers: dict[str, str]):
        super().__init__(config, plan_names=names)
        self.buffers = buffers

    def exists(self, folder: str, target: str) -> bool:
        full = os.path.normpath(os.path.join(folder, target))
        return full in self.buffers or super().exists(folder, target)

    def read(self, path: str) -> bytes:
        if path in self.buffers:
            return self.buffers[path].encode("utf-8")
        return super().read(path)


@record
class Plans:
    """The documents a reference may name: the index lint uses, and each one's path."""

    names: Names
    path_of: dict[str, str]  # node → path

    def find(self, entry: object) -> str | None:
        node = self.names.resolve(entry)
        return self.path_of.get(node) if node else None


class Engine:
    """What the server knows beyond one buffer: the configuration of each folder, the plans
    on disk (refreshed when a buffer is opened, saved or closed) and the open buffers."""

    def __init__(self, config_path: str | None = None, root: str | None = None):
        self.config_path = Path(config_path) if config_path else None
        self.root = Path(root) if root else Path.cwd()
        self.buffers: dict[str, str] = {}  # path → text of every open buffer
        self._configs: dict[str, Config] = {}
        self._on_disk: dict[str, list[str]] = {}  # config source → plan files
        self._cache: dict[str, tuple[str, Analysis]] = {}

    def config_for(self, path: str) -> Config:
        """The configuration `planbook lint` would use for `path` (ConfigError if broken)."""
        folder = str(Path(path).parent)
        if folder not in self._configs:
            if self.config_path is not None:
                config = load_config(self.config_path)
            else:
                found = find_config(Path(folder))
                config = load_config(found) if found else Config(root=self.root)
            config.team_doctypes()  # a bad declaration is reported now, not per request
            self._configs[folder] = config
        return self._configs[folder]

    def covers(self, config: Config, path: str) -> bool:
        """Whether lint would pick `path` up: a Markdown file in a plan folder, not excluded,
        or one a `doc-types` glob maps to a doc type."""
        if not path.endswith(".md"):
            return False
        if config.type_for(path):
            return True
        real = os.path.realpath(path)
        for folder in config.paths:
            base = os.path.realpath(config.root / folder)
            if real == base or real.startswith(base + os.sep):
                rel = config.relative(path)
                return not any(fnmatch.fnmatch(rel, p) for p in config.exclude)
        return False

    def plans_on_disk(self, config: Config) -> list[str]:
        key = config.source or str(config.root)
        if key not in self._on_disk:
            folders = [str(config.root / p) for p in config.paths
                       if (config.root / p).is_dir()]
            self._on_disk[key] = [os.path.abspath(p) for p in discover(folders, config)] \
                if folders else []
        return self._on_disk[key]

    def refresh(self) -> None:
        """Forget what was read from disk: a buffer was opened, saved or closed (a saved
        configuration is read again too)."""
        self._on_disk.clear()
        self._cache.clear()
        self._configs.clear()

    def names(self, config: Config) -> Plans:
        """The plans on disk and the open ones, as lint names them."""
        names, path_of = Names(), {}
        open_plans = [p for p in self.buffers if self.covers(config, p)]
        for path in dict.fromkeys([*self.plans_on_disk(config), *open_plans]):
            path_of.setdefault(names.add(path), path)
        return Plans(names, path_of)

    def analyse(self, path: str, text: str) -> Analysis | None:
        """Lint a buffer; None when the configuration does not cover it."""
        cached = self._cache.get(path)
        if cached and cached[0] == text:
            return cached[1]
        config = self.config_for(path)
        if not self.covers(config, path):
            return None
        linter = _BufferLinter(config, self.names(config).names, self.buffers)
        plan = parse_text(text, path)
        facts = linter.facts(plan)
        findings, _failed = linter.lint_plan(plan, facts)
        findings.sort(key=Finding.sort_key)
        result = Analysis(plan, facts, findings, linter, config)
        self._cache[path] = (text, result)
        return result

    def text_of(self, path: str) -> str | None:
        """An open buffer's text, else the file's; None when it cannot be read."""
        if path in self.buffers:
            return self.buffers[path]
        try:
            return read_file(path).decode("utf-8")
        except (Unreadable, UnicodeDecodeError):
            return None


# -- diagnostics --------------------------------------------------------------------------


def finding_span(plan: Plan, finding: Finding) -> tuple[int, int, int, int]:
    """(line, start, end line, end) of a finding, 0-based, in characters: the field value, the
    table cell or the ID the finding is about when its line holds one, else the line's text."""
    line = min(max(finding.line, 1), max(len(plan.lines), 1)) - 1
    text = plan.lines[line] if plan.lines else ""
    start = finding.column - 1
    if finding.end_line > finding.line and finding.end_line <= len(plan.lines):
        last = finding.end_line - 1
        return line, _first_char(text, start), last, len(plan.lines[last].rstrip())
    if start >= len(text.rstrip()):
        start = 0
    start = _first_char(text, start)
    span = (_value_span(plan, line + 1, start) or _named_id_span(text, finding.message, start)
            or _quoted_span(text, finding.message, start) or _cell_span(plan, line + 1, start))
    if span:
        return line, span[0], line, span[1]
    end = len(text.rstrip())
    return line, start, line, max(end, start)


def _first_char(text: str, start: int) -> int:
    """`start`, moved past blanks at the start of the line."""
    if start == 0 or not text[:start].strip():
        return len(text) - len(text.lstrip())
    return start


def _value_span(plan: Plan, line: int, start: int) -> tuple[int, int] | None:
    for field in plan.fields.values():
        if field.value_line == line and field.value_column - 1 == start and field.raw.strip():
            written = field.raw.rstrip()
            return start, start + len(written)
    return None


def _named_id_span(text: str, message: str, start: int) -> tuple[int, int] | None:
    """Where on the line an ID the message names stands, preferring one past the first cell
    (the unknown dependency, not the row's own ID)."""
    spots = []
    for match in ANY_ID.finditer(message):
        for found in re.finditer(rf"(?<![\w-]){re.escape(match.group(0))}(?![\w-])", text):
            if found.start() >= start:
                spots.append(found.span())
    if not spots:
        return None
    first_pipe = text.find("|", text.find("|") + 1) if TABLE_LINE.match(text) else -1
    later = [s for s in spots if first_pipe >= 0 and s[0] > first_pipe]
    return (later or spots)[0] if start == _first_char(text, 0) else min(spots)


QUOTED = re.compile(r"'([^'\n]{2,})'")


def _quoted_span(text: str, message: str, start: int) -> tuple[int, int] | None:
    """Where on the line, from `start`, a text the message quotes stands (a link target)."""
    for match in QUOTED.finditer(message):
        at = text.find(match.group(1), start)
        if at >= 0:
            return at, at + len(match.group(1))
    return None


def _cell_span(plan: Plan, line: int, start: int) -> tuple[int, int] | None:
    row = _row_at(plan, line)
    if row is None:
        return None
    text = plan.lines[line - 1]
    for begin, end in split_row(row.text)[1]:
        if begin <= start <= end:
            cell = text[begin:end]
            left = begin + len(cell) - len(cell.lstrip())
            right = begin + len(cell.rstrip())
            if right > left:
                return left, right
    return None


def _row_at(plan: Plan, line: int):
    for table in plan.tables:
        for row in table.rows:
            if row.line == line:
                return row
    return None


def rule_url(code: str, docs_url: str) -> str:
    """A rule's page under the configured `docs-url`, as the reports link it: `{code}`
    replaced, or `CODE/` appended (the page MkDocs builds from `CODE.md`)."""
    from planbook import report

    shared = getattr(report, "rule_url", None)
    if shared is not None:
        return shared(code, docs_url)
    if "{code}" in docs_url:
        return docs_url.replace("{code}", code)
    return f"{docs_url if docs_url.endswith('/') else docs_url + '/'}{code}/"


def diagnostics(analysis: Analysis, docs_url: str = "") -> list[lsp.Diagnostic]:
    """The findings as LSP diagnostics, in characters (the server converts to the client's
    units); each links to its rule's page when a docs URL is configured."""
    rules = analysis.linter.rules
    out = []
    for finding in analysis.findings:
        line, start, end_line, end = finding_span(analysis.plan, finding)
        href = None
        if docs_url and finding.code in rules:
            href = lsp.CodeDescription(href=rule_url(finding.code, docs_url))
        out.append(lsp.Diagnostic(
            range=lsp.Range(lsp.Position(line, start), lsp.Position(end_line, end)),
            message=f"[{finding.name}] {finding.message}",
            severity=SEVERITY.get(finding.severity, lsp.DiagnosticSeverity.Warning),
            code=finding.code, source="planbook", code_description=href,
            data={"line": finding.line, "code": finding.code}))
    return out


# -- the outline --------------------------------------------------------------------------


def _range(line: int, start: int, end_line: int, end: int) -> lsp.Range:
    return lsp.Range(lsp.Position(line, start), lsp.Position(end_line, end))


def _line_range(plan: Plan, first: int, last: int) -> lsp.Range:
    """Lines `first` to `last` (1-based) whole."""
    last = min(max(last, first), len(plan.lines))
    return _range(first - 1, 0, last - 1, len(plan.lines[last - 1]) if plan.lines else 0)


def symbols(plan: Plan, kinds: dict[int, str] | None = None) -> list[lsp.DocumentSymbol]:
    """The outline: frontmatter, sections nested as written, and in each its tables (with
    the doc type's name for them, from `kinds` by id) and the rows that have IDs."""
    kinds = kinds or {}
    out: list[lsp.DocumentSymbol] = []
    if plan.has_frontmatter and plan.frontmatter_end:
        keys = [lsp.DocumentSymbol(name=f.key, kind=lsp.SymbolKind.Property,
                                   range=_line_range(plan, f.line, f.line),
                                   selection_range=_line_range(plan, f.line, f.line))
                for f in plan.fields.values()]
        whole = _line_range(plan, plan.frontmatter_start, plan.frontmatter_end)
        out.append(lsp.DocumentSymbol(name="frontmatter", kind=lsp.SymbolKind.Module,
                                      range=whole, selection_range=whole, children=keys))
    tables: dict[int, list[Table]] = {}
    for table in plan.tables:
        tables.setdefault(id(table.section), []).append(table)

    def section(node: Section) -> lsp.DocumentSymbol:
        children = [_table_symbol(plan, t, kinds.get(id(t), '')) for t in tables.get(id(node), [])]
        children += [section(child) for child in node.children]
        children.sort(key=lambda s: s.range.start.line)
        heading = _line_range(plan, node.line, node.line)
        return lsp.DocumentSymbol(
            name=node.heading or node.title or "(untitled)", kind=lsp.SymbolKind.Namespace,
            range=_line_range(plan, node.line, node.end_line or node.line),
            selection_range=heading, children=children)

    out += [_table_symbol(plan, t, kinds.get(id(t), '')) for t in tables.get(id(plan.root), [])]
    out += [section(child) for child in plan.root.children]
    out += [_table_symbol(plan, t, kinds.get(id(t), '')) for t in tables.get(id(None), [])]
    out.sort(key=lambda s: s.range.start.line)
    return out


def _table_symbol(plan: Plan, table: Table, kind: str) -> lsp.DocumentSymbol:
    last = table.rows[-1].line if table.rows else table.line
    rows = []
    if table.header and normalize(table.header[0]) == "id":
        for row in table.rows:
            value = clean(row.cells[0]) if row.cells else ""
            if ANY_ID.fullmatch(value):
                title = next((clean(c) for c in row.cells[1:] if c), "")
                rows.append(lsp.DocumentSymbol(
                    name=value, detail=title[:80] or None, kind=lsp.SymbolKind.Key,
                    range=_line_range(plan, row.line, row.line),
                    selection_range=_line_range(plan, row.line, row.line)))
    whole = _line_range(plan, table.line, last)
    return lsp.DocumentSymbol(name="table: " + " | ".join(table.header), detail=kind or None,
                              kind=lsp.SymbolKind.Struct, range=whole,
                              selection_range=_line_range(plan, table.line, table.line),
                              children=rows)


# -- IDs: where each is defined and named -------------------------------------------------


@record(many=True)
class Definition:
    """Where a plan defines an ID: the table row whose first cell holds it."""

    id: str
    line: int  # 1-based
    start: int  # 0-based column of the ID in its cell
    table: Table
    row: object


def definitions(plan: Plan) -> dict[str, Definition]:
    """Each ID defined in the first column of an ID table → its first row."""
    out: dict[str, Definition] = {}
    for value, table, row in id_rows(plan):
        if value not in out:
            spans = split_row(row.text)[1]
            begin = spans[0][0] if spans else 0
            at = plan.lines[row.line - 1].find(value, begin)
            out[value] = Definition(value, row.line, max(at, 0), table, row)
    return out


def word_at(text: str, character: int) -> tuple[str, int, int] | None:
    """The word (letters, digits, '.', '-', '_') under the cursor, with its columns."""
    for match in WORD.finditer(text):
        if match.start() <= character <= match.end():
            return match.group(0), match.start(), match.end()
    return None


def id_at(text: str, character: int) -> tuple[str, int, int] | None:
    for match in ANY_ID.finditer(text):
        if match.start() <= character <= match.end():
            return match.group(0), match.start(), match.end()
    return None


def occurrences(plan: Plan, name: str) -> list[tuple[int, int, int]]:
    """(0-based line, start, end) of every place the plan names `name` as a word."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
    return [(number, m.start(), m.end()) for number, text in enumerate(plan.lines)
            for m in pattern.finditer(text)]


def refers(analysis: Analysis, key: str | None) -> bool:
    """Whether the frontmatter field `key` names other documents (`depends_on`, or a field
    the doc type marks with `refers`)."""
    doctype = analysis.facts.doctype
    spec = doctype.fields.get(key) if doctype and key else None
    return key == "depends_on" or bool(getattr(spec, "refers", False))


def plan_reference_at(analysis: Analysis, plans: Plans, line: int, character: int
                      ) -> tuple[str, str] | None:
    """(name, path) of another plan named under the cursor: in a field that names other
    documents (`depends_on`) or in a link."""
    plan = analysis.plan
    text = _line(plan, line)
    number = line + 1
    if in_frontmatter(plan, line) and refers(analysis, _field_of_line(plan, number)):
        key = _key_at(text, character)
        found = word_at(text, character) if key is None else None
        path = plans.find(found[0].strip("'\"")) if found else None
        if path:
            return Path(path).stem, path
    for link in plan.links:
        if link.line != number:
            continue
        start = link.column - 1
        end = text.find(")", text.find(link.url, start) + len(link.url))
        if not start <= character <= (end if end >= 0 else len(text)):
            continue
        url = link.url.split("#", 1)[0]
        if url.endswith(".md") and "://" not in url:
            target = os.path.normpath(os.path.join(os.path.dirname(plan.path), url))
            if target in plans.path_of.values():
                return Path(target).stem, target
    return None


def _field_of_line(plan: Plan, number: int) -> str | None:
    """The frontmatter key whose value a line of the frontmatter belongs to."""
    owner = None
    for field in sorted(plan.fields.values(), key=lambda f: f.line):
        if field.line <= number:
            owner = field.key
    return owner


def in_frontmatter(plan: Plan, line: int) -> bool:
    """Whether 0-based `line` is between the frontmatter's fences."""
    return plan.has_frontmatter and plan.frontmatter_start < line + 1 < (
        plan.frontmatter_end or len(plan.lines) + 1)


# -- hover --------------------------------------------------------------------------------


def hover_text(analysis: Analysis, names: Plans, line: int, character: int,
               read) -> str | None:
    """Markdown for what is under the cursor: an ID, another plan, or a frontmatter key.
    `read(path)` gives another plan's text."""
    plan = analysis.plan
    text = _line(plan, line)
    if in_frontmatter(plan, line):
        key = _key_at(text, character)
        if key:
            return _field_doc(analysis, key)
    other = plan_reference_at(analysis, names, line, character)
    if other:
        return _plan_summary(analysis, other[1], read)
    found = id_at(text, character)
    if found is None:
        return None
    defined = definitions(plan).get(found[0])
    if defined is None:
        return f"**{found[0]}**: no table in this plan defines it"
    table = defined.table
    kind = next((spec.name for t, spec in analysis.facts.tables if t is table),
                table.section.title if table.section else "table")
    cells = [f"- **{name}**: {value}" for name, value in zip(table.header[1:],
                                                             defined.row.cells[1:],
                                                             strict=False) if value]
    where = table.section.heading if table.section else "the table"
    return "\n".join([f"**{found[0]}** · {kind}, line {defined.line} ({where})", "", *cells])


def _key_at(text: str, character: int) -> str | None:
    match = re.match(r"^([A-Za-z_][\w-]*)\s*:", text)
    if match and character <= match.end(1):
        return match.group(1)
    return None


def _field_doc(analysis: Analysis, key: str) -> str:
    doctype = analysis.facts.doctype
    spec = doctype.fields.get(key) if doctype else None
    if spec is None:
        known = f"the {doctype.name} doc type does not declare it" if doctype else \
            "no doc type applies to this file"
        return f"**{key}**: {known}"
    parts = [f"**{key}** ({spec.type}{', required' if spec.required else ''}) · "
             f"{doctype.name}", ""]
    if spec.description:
        parts.append(spec.description)
    values = _allowed(analysis, key)
    if values:
        parts += ["", "Allowed: " + ", ".join(f"`{v}`" for v in values)]
    if spec.pattern:
        parts += ["", f"Pattern: `{spec.pattern}`"]
    return "\n".join(parts)


def _allowed(analysis: Analysis, key: str) -> list[str]:
    doctype = analysis.facts.doctype
    if doctype is None:
        return []
    spec = doctype.fields.get(key)
    if spec is not None and spec.values:
        return list(spec.values)
    if key == doctype.lifecycle.field:
        return sorted(doctype.lifecycle.known())
    if spec is not None and spec.type == "boolean":
        return ["true", "false"]
    return []


def _plan_summary(analysis: Analysis, path: str, read) -> str:
    text = read(path)
    shown = analysis.config.relative(path)
    if text is None:
        return f"**{shown}**: cannot be read"
    other = parse_text(text, path)
    facts = analysis.linter.facts(other)
    title = facts.title or Path(path).stem
    status = facts.status or "no status"
    done = sum(1 for t in facts.tasks if t.done)
    tasks = f", tasks {done}/{len(facts.tasks)}" if facts.tasks_tracked else ""
    return f"**{title}** · {other.doc_type or 'no doc type'}, {status}{tasks}\n\n`{shown}`"


# -- completion ---------------------------------------------------------------------------


def completions(analysis: Analysis, names: Plans, line: int, character: int
                ) -> list[lsp.CompletionItem]:
    """What may be typed here: frontmatter keys and values, task IDs in a dependencies cell,
    test IDs in a validation cell, the sections the doc type requires and the plan lacks."""
    plan, doctype = analysis.plan, analysis.facts.doctype
    if doctype is None:
        return []
    text = _line(plan, line)
    before = text[:character]
    if in_frontmatter(plan, line):
        return _frontmatter_items(analysis, names, line, before)
    if HEADING_START.match(before) and before.lstrip().startswith("#"):
        return _section_items(analysis)
    if TABLE_LINE.match(text):
        return _cell_items(analysis, line, before)
    return []


def _frontmatter_items(analysis: Analysis, names: Plans, line: int, before: str):
    doctype, plan = analysis.facts.doctype, analysis.plan
    match = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*", before)
    if match is None:
        if before.strip() and not re.fullmatch(r"[A-Za-z_][\w-]*", before.strip()):
            return []
        present = set(plan.fields)
        return [lsp.CompletionItem(
            label=key, kind=lsp.CompletionItemKind.Property, insert_text=f"{key}: ",
            detail=f"{spec.type}{', required' if spec.required else ''}",
            documentation=spec.description or None, sort_text=f"{0 if spec.required else 1}"
            f"{key}") for key, spec in doctype.fields.items() if key not in present]
    key = match.group(1)
    if refers(analysis, key):
        others = sorted({p for p in names.path_of.values() if p != plan.path})
        return [lsp.CompletionItem(label=names_of(path)[0], kind=lsp.CompletionItemKind.Reference,
                                   detail=analysis.config.relative(path)) for path in others]
    space = " " if before.endswith(":") else ""  # `status:draft` would not be YAML's value
    return [lsp.CompletionItem(label=value, kind=lsp.CompletionItemKind.EnumMember,
                               insert_text=space + value)
            for value in _allowed(analysis, key)]


def _section_items(analysis: Analysis):
    out = []
    for spec, found in analysis.facts.top_sections:
        missing = [(spec, 2)] if found is None else [
            (child, 3) for child in spec.children
            if analysis.facts.find_section(child, found) is None]
        for wanted, level in missing:
            if not wanted.required or wanted.pattern:
                continue
            number = f"{wanted.number}. " if wanted.number and "." not in wanted.number else (
                f"{wanted.number} " if wanted.number else "")
            title = f"{number}{wanted.title}"
            out.append(lsp.CompletionItem(
                label=title, kind=lsp.CompletionItemKind.Module,
                detail=f"required by {analysis.facts.doctype.name}",
                filter_text=title, insert_text=title,
                sort_text=f"{level}{wanted.number or wanted.title}",
                documentation=f"{'#' * level} {title}"))
    return out


def _cell_items(analysis: Analysis, line: int, before: str):
    """IDs for the cell under the cursor, by its column's role in the table's spec."""
    found = next(((table, spec) for table, spec in analysis.facts.tables
                  if table.line <= line + 1 <= (table.rows[-1].line if table.rows
                                                else table.line)), None)
    if found is None:
        return []
    table, spec = found
    index = len(re.findall(r"(?<!\\)\|", before)) - 1
    if index < 0 or index >= len(table.header):
        return []
    column = normalize(table.header[index])
    defined = definitions(analysis.plan)
    row = _row_at(analysis.plan, line + 1)
    own = row.cells[0] if row is not None and row.cells else ""
    if spec.depends and column == normalize(spec.depends):
        wanted = [d for d in defined.values() if d.table is table and d.id != own]
    elif spec.cites and column == normalize(spec.cites):
        prefixes = spec.cite_ids or ()
        wanted = [d for d in defined.values() if d.table is not table and (
            not prefixes or any(d.id.startswith(p + "-") for p in prefixes))]
    else:
        return []
    return [lsp.CompletionItem(
        label=d.id, kind=lsp.CompletionItemKind.Reference,
        detail=next((c for c in d.row.cells[1:] if c), "")[:80]) for d in wanted]


# -- code actions -------------------------------------------------------------------------


def line_edits(before: str, after: str) -> list[tuple[int, str, str]]:
    """(0-based line, old text, new text) of each line that differs; fixes keep the count."""
    from planbook.fix import LINE_BREAK

    old, new = LINE_BREAK.split(before), LINE_BREAK.split(after)
    return [(i, a, b) for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]


def fix_for(analysis: Analysis, text: str, code: str, line: int) -> str | None:
    """The buffer with `planbook fix`'s fix for `code` applied, or None when that fix does
    not touch 1-based `line` (the finding's)."""
    from planbook.fix import FIXERS, fix_text

    if code not in FIXERS or code.startswith("GT"):  # the history fixers need git
        return None
    outcome = fix_text(text, analysis.plan.path, analysis.linter, {code})
    if not outcome.changed or not any(edit.line == line for edit in outcome.edits):
        return None
    return outcome.after


def disable_edit(plan: Plan, finding_line: int, code: str) -> tuple[str, list[tuple]] | None:
    """A suppression that silences `code` on 1-based `finding_line` without breaking the
    block it sits in: (title, [(0-based line, text to insert before it)])."""
    number = finding_line
    if number < 1 or number > len(plan.lines):
        return None
    text = plan.lines[number - 1]
    indent = text[:len(text) - len(text.lstrip())]
    if plan.has_frontmatter and plan.frontmatter_start < number < (plan.frontmatter_end or 0):
        if not any(f.line == number for f in plan.fields.values()):
            return None  # inside a multi-line value a comment would change it
        return (f"Disable {code} for this line",
                [(number - 1, f"{indent}# planbook-disable-next-line {code}")])
    table = next((t for t in plan.tables
                  if t.line < number <= (t.rows[-1].line if t.rows else t.line)), None)
    if table is not None:  # a line inside a table would end it: wrap the table instead
        last = table.rows[-1].line if table.rows else table.line
        return (f"Disable {code} for this table",
                [(table.line - 1, f"<!-- planbook-disable {code} -->"),
                 (last, f"<!-- planbook-enable {code} -->")])
    starts = {b.line for b in plan.blocks}
    if number not in starts:
        return None
    return (f"Disable {code} for this line",
            [(number - 1, f"{indent}<!-- planbook-disable-next-line {code} -->")])


# -- the server ---------------------------------------------------------------------------


def _path(uri: str) -> str | None:
    path = uris.to_fs_path(uri)
    return os.path.abspath(path) if path else None


def _to_client(doc: TextDocument, rng: lsp.Range) -> lsp.Range:
    server = ServerTextRange(ServerTextPosition(rng.start.line, rng.start.character),
                             ServerTextPosition(rng.end.line, rng.end.character))
    return doc.range_to_client_units(server)


def _position(doc: TextDocument, position: lsp.Position) -> tuple[int, int]:
    server = doc.position_from_client_units(position)
    return server.line, server.character


class PlanServer(LanguageServer):
    """The LanguageServer with planbook's engine and the debounce timers."""

    def __init__(self, engine: Engine):
        super().__init__("planbook", __version__)
        self.engine = engine
        self.timers: dict[str, asyncio.TimerHandle] = {}

    def analysis(self, uri: str) -> tuple[TextDocument, Analysis] | None:
        """The open buffer and its analysis; None for a file lint does not cover."""
        path = _path(uri)
        if path is None or path not in self.engine.buffers:
            return None
        doc = self.workspace.get_text_document(uri)
        try:
            found = self.engine.analyse(path, doc.source)
        except ValueError:  # a broken configuration: publish() says so
            return None
        return (doc, found) if found else None

    def at(self, params) -> tuple[TextDocument, Analysis, int, int] | None:
        """For a request at a position: the buffer, its analysis and the position as lines
        and characters of the plan's text; None for a file lint does not cover."""
        found = self.analysis(params.text_document.uri)
        if found is None:
            return None
        doc, analysis = found
        return (doc, analysis, *_position(doc, params.position))

    def publish(self, uri: str) -> None:
        """Lint the buffer now and send its diagnostics (none for a file not covered)."""
        self.timers.pop(uri, None)
        path = _path(uri)
        if path is None or path not in self.engine.buffers:
            return
        doc = self.workspace.get_text_document(uri)
        self.engine.buffers[path] = doc.source
        try:
            found = self.engine.analyse(path, doc.source)
        except ValueError as exc:  # ConfigError, a bad doc type declaration, unknown codes
            problem = lsp.Diagnostic(range=_range(0, 0, 0, 0), message=str(exc),
                                     severity=lsp.DiagnosticSeverity.Error, source="planbook",
                                     code="config")
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
                uri=uri, diagnostics=[problem], version=doc.version))
            return
        items = []
        if found is not None:
            docs_url = getattr(found.config, "docs_url", "") or ""
            items = [self._client_diagnostic(doc, d) for d in diagnostics(found, docs_url)]
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=uri, diagnostics=items, version=doc.version))

    def _client_diagnostic(self, doc: TextDocument, item: lsp.Diagnostic) -> lsp.Diagnostic:
        item.range = _to_client(doc, item.range)
        return item

    def schedule(self, uri: str) -> None:
        """Lint after a pause in typing: each change restarts the wait."""
        old = self.timers.pop(uri, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_running_loop()
        self.timers[uri] = loop.call_later(DEBOUNCE, self._publish_safely, uri)

    def _publish_safely(self, uri: str) -> None:
        try:
            self.publish(uri)
        except Exception as exc:  # a bug on one buffer must not stop the server
            self.window_log_message(lsp.LogMessageParams(
                type=lsp.MessageType.Error,
                message=f"planbook: linting {uri} failed: {type(exc).__name__}: {exc}"))

    def publish_all(self) -> None:
        self.engine.refresh()
        for path in list(self.engine.buffers):
            self._publish_safely(uris.from_fs_path(path))


def build_server(config_path: str | None = None) -> PlanServer:
    """The server with every feature registered."""
    server = PlanServer(Engine(config_path))

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: PlanServer, params: lsp.InitializeParams):
        root = params.root_uri or (params.workspace_folders[0].uri
                                   if params.workspace_folders else None)
        if root:
            path = _path(root)
            if path:
                ls.engine.root = Path(path)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PlanServer, params: lsp.DidOpenTextDocumentParams):
        path = _path(params.text_document.uri)
        if path:
            ls.engine.buffers[path] = params.text_document.text
            ls.publish_all()

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PlanServer, params: lsp.DidChangeTextDocumentParams):
        ls.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PlanServer, params: lsp.DidSaveTextDocumentParams):
        ls.publish_all()

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PlanServer, params: lsp.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        timer = ls.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        path = _path(uri)
        ls.engine.buffers.pop(path, None)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri,
                                                                          diagnostics=[]))
        ls.publish_all()

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(ls: PlanServer, params: lsp.DocumentSymbolParams):
        found = ls.analysis(params.text_document.uri)
        if found is None:
            return None
        doc, analysis = found
        out = symbols(analysis.plan, {id(t): spec.name for t, spec in analysis.facts.tables})

        def convert(item: lsp.DocumentSymbol) -> lsp.DocumentSymbol:
            item.range = _to_client(doc, item.range)
            item.selection_range = _to_client(doc, item.selection_range)
            for child in item.children or ():
                convert(child)
            return item

        return [convert(s) for s in out]

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: PlanServer, params: lsp.HoverParams):
        found = ls.at(params)
        if found is None:
            return None
        doc, analysis, line, character = found
        text = hover_text(analysis, ls.engine.names(analysis.config), line, character,
                          ls.engine.text_of)
        if text is None:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: PlanServer, params: lsp.DefinitionParams):
        found = ls.at(params)
        if found is None:
            return None
        doc, analysis, line, character = found
        other = plan_reference_at(analysis, ls.engine.names(analysis.config), line, character)
        if other:
            return lsp.Location(uri=uris.from_fs_path(other[1]), range=_range(0, 0, 0, 0))
        word = id_at(_line(analysis.plan, line), character)
        defined = definitions(analysis.plan).get(word[0]) if word else None
        if defined is None:
            return None
        rng = _range(defined.line - 1, defined.start, defined.line - 1,
                     defined.start + len(defined.id))
        return lsp.Location(uri=params.text_document.uri, range=_to_client(doc, rng))

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    def references(ls: PlanServer, params: lsp.ReferenceParams):
        found = ls.at(params)
        if found is None:
            return None
        doc, analysis, line, character = found
        word = id_at(_line(analysis.plan, line), character)
        if word is None:
            return None
        defined = definitions(analysis.plan).get(word[0])
        out = []
        for number, start, end in occurrences(analysis.plan, word[0]):
            is_definition = defined is not None and number == defined.line - 1 and \
                start == defined.start
            if is_definition and not params.context.include_declaration:
                continue
            out.append(lsp.Location(uri=params.text_document.uri,
                                    range=_to_client(doc, _range(number, start, number, end))))
        return out

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION,
                    lsp.CompletionOptions(trigger_characters=[":", "|", "#", ","]))
    def completion(ls: PlanServer, params: lsp.CompletionParams):
        found = ls.at(params)
        if found is None:
            return None
        doc, analysis, line, character = found
        items = completions(analysis, ls.engine.names(analysis.config), line, character)
        return lsp.CompletionList(is_incomplete=False, items=items)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
    def code_action(ls: PlanServer, params: lsp.CodeActionParams):
        found = ls.analysis(params.text_document.uri)
        if found is None:
            return None
        doc, analysis = found
        first = _position(doc, params.range.start)[0] + 1
        last = _position(doc, params.range.end)[0] + 1
        return _actions(analysis, doc, params.text_document.uri, first, last)

    return server


def _line(plan: Plan, line: int) -> str:
    """Line `line` (from 0) of the plan's text; "" past its end."""
    return plan.lines[line] if 0 <= line < len(plan.lines) else ""


def _actions(analysis: Analysis, doc: TextDocument, uri: str, first: int, last: int
             ) -> list[lsp.CodeAction]:
    """A fix from `planbook fix` and a suppression for each finding on lines first..last."""
    out: list[lsp.CodeAction] = []
    published = {(d.code, d.range.start.line): d
                 for d in diagnostics(analysis, getattr(analysis.config, "docs_url", ""))}
    for finding in analysis.findings:
        if not first <= finding.line <= max(last, first):
            continue
        diagnostic = published.get((finding.code, finding.line - 1))
        if diagnostic is not None:
            diagnostic.range = _to_client(doc, diagnostic.range)
        attached = [diagnostic] if diagnostic is not None else None
        after = fix_for(analysis, doc.source, finding.code, finding.line)
        if after is not None:
            edits = [lsp.TextEdit(range=_to_client(doc, _range(n, 0, n, len(old))),
                                  new_text=new)
                     for n, old, new in line_edits(doc.source, after)]
            out.append(lsp.CodeAction(
                title=f"Fix {finding.code} [{finding.name}]", is_preferred=True,
                kind=lsp.CodeActionKind.QuickFix, diagnostics=attached,
                edit=lsp.WorkspaceEdit(changes={uri: edits})))
        if finding.code in ("PB001", "PB002"):
            continue
        disable = disable_edit(analysis.plan, finding.line, finding.code)
        if disable is None:
            continue
        title, inserts = disable
        ending = "\r\n" if "\r\n" in doc.source else "\n"
        edits = [lsp.TextEdit(range=_range(n, 0, n, 0), new_text=text + ending)
                 for n, text in inserts]
        out.append(lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix,
                                  diagnostics=attached,
                                  edit=lsp.WorkspaceEdit(changes={uri: edits})))
    return out


def serve(config_path: str | None = None) -> None:
    """Run the server on standard input and output until the client says exit."""
    build_server(config_path).start_io()
