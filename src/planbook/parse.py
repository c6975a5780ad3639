"""Text → Plan: frontmatter with YAML's own node marks, body with mistune's block parser.

mistune's tokens carry no positions, so the block parser is given a state that records where
each top-level block starts; everything finer (table rows, checklist items, links, suppression
comments) is read from the exact source lines of the block it belongs to. The body is fed to
mistune with the frontmatter lines blanked, not removed, so every offset is already a line of
the original file. The frontmatter is split here rather than by python-frontmatter, whose
`parse` strips the text and returns values without the node marks that give each key its line.
"""

from __future__ import annotations

import bisect
import os
import re
import stat

import yaml
from mistune.block_parser import BlockParser
from mistune.core import BlockState

from planbook.model import (
    Block,
    ChecklistItem,
    CodeBlock,
    Field,
    Link,
    Plan,
    Row,
    Section,
    Suppression,
    Table,
)

try:  # the C loader is ten times faster; pure Python is the fallback
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 20 * 1024 * 1024
MAX_YAML_NODES = 10_000  # expanded through aliases; more is an alias bomb, not a plan
FENCE = re.compile(r"^-{3,}\s*$")  # a frontmatter delimiter: three or more dashes
HEADING_NUMBER = re.compile(r"^((?:\d+\.)*\d+)\.?(?:\s+|$)")
TASK = re.compile(r"^(\s*(?:>\s*)*(?:[-*+]|\d+[.)])\s+)\[([ xX])\](?:\s+|$)(.*)$")
LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
PARAGRAPH_STARTS = frozenset("|*_`[(\"'")
DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
CODE_FENCE = re.compile(r"^\s*(?:>\s*)*(?:[-*+]\s+|\d+[.)]\s+)?(`{3,}|~{3,})")
SUPPRESS = re.compile(
    r"(?:<!--|#)\s*planbook-(disable-next-line|disable|enable)\b([^>\n]*?)\s*(?:-->|$)"
)


class _State(BlockState):
    """A block state that remembers where each paragraph starts."""

    def add_paragraph(self, text: str) -> None:
        last = self.last_token()
        if last and last["type"] == "paragraph":
            last["text"] += text
        else:
            self.tokens.append({"type": "paragraph", "text": text, "_start": self.cursor})


class _Parser(BlockParser):
    """A block parser that stamps each new token with the offset it was matched at."""

    state_cls = _State

    def parse_method(self, m, state):
        before = len(state.tokens)
        result = super().parse_method(m, state)
        for token in state.tokens[max(before - 1, 0):]:
            token.setdefault("_start", m.start())
        return result

    def parse(self, state, rules=None):
        # Nested blocks (list items, quotes) are read from their source lines, so parsing
        # their insides again would be wasted: only the top level is parsed.
        if state.parent is None:
            super().parse(state, rules)

    def _parse_plain_paragraph(self, state, sc):
        # mistune only takes a letter as the start of a plain paragraph and otherwise searches
        # the rest of the text for the next block; table rows and bold labels are common in
        # plans and no block rule matched here, so read them line by line as a paragraph too.
        if state.src[state.cursor:state.cursor + 1] not in PARAGRAPH_STARTS:
            return super()._parse_plain_paragraph(state, sc)
        pos = state.cursor
        while pos < state.cursor_max:
            if pos > state.cursor and sc.match(state.src, pos):
                break
            line = state.get_line(pos)
            if not line.strip():
                break
            pos += len(line)
        if pos <= state.cursor:
            return False
        state.add_paragraph(state.get_text(pos))
        state.cursor = pos
        return True

    def _parse_indent_code_fast(self, state):
        before, start = len(state.tokens), state.cursor
        result = super()._parse_indent_code_fast(state)
        for token in state.tokens[before:]:
            token.setdefault("_start", start)
        return result


_PARSER = _Parser()


def read_plan(path: str) -> Plan:
    """Read and parse one file; anything that stops reading becomes a finding, not an error."""
    plan = Plan(path=path)
    problem = _read_problem(path)
    if problem:
        plan.parse_findings.append(("IO001", 1, 1, problem))
        return plan
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        plan.parse_findings.append(("IO001", 1, 1, f"cannot read file: {exc.strerror or exc}"))
        return plan
    return parse_bytes(data, path)


def _read_problem(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            return "cannot read file: symbolic link loop"
        return f"cannot read file: {exc.strerror or exc}"
    if stat.S_ISDIR(info.st_mode):
        return "is a directory, not a plan file"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    if info.st_size > MAX_BYTES:
        return f"file is {info.st_size // (1024 * 1024)} MB; plans over 20 MB are not read"
    return ""


def parse_bytes(data: bytes, path: str) -> Plan:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:8192]:
        plan = Plan(path=path)
        plan.parse_findings.append(("IO002", 1, 1, "binary file (contains NUL bytes), not a plan"))
        return plan
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        plan = Plan(path=path)
        line = data.count(b"\n", 0, exc.start) + 1
        plan.parse_findings.append(
            ("IO002", line, 1, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
             f"{exc.start}); save the file as UTF-8")
        )
        return plan
    return parse_text(text, path)


def parse_text(text: str, path: str = "<text>") -> Plan:
    """Parse a decoded plan. Line numbers in the result are lines of `text`."""
    if text.startswith("\ufeff"):
        text = text[1:]
    plan = Plan(path=path, text=text)
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = normalized.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    plan.lines = lines
    body_from = _parse_frontmatter(plan, lines)
    plan.body_start = body_from + 1
    _parse_body(plan, lines, body_from)
    return plan


# -- frontmatter ---------------------------------------------------------------------------


def _parse_frontmatter(plan: Plan, lines: list[str]) -> int:
    """Fill the plan's frontmatter; return the index of the first body line."""
    if not lines or not FENCE.match(lines[0]):
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is not None and FENCE.match(lines[first]):
            plan.parse_findings.append(
                ("FM001", first + 1, 1, "frontmatter must start on the first line; "
                 "remove what stands before the opening '---'")
            )
        else:
            plan.parse_findings.append(
                ("FM001", 1, 1, "no frontmatter: the file must start with a '---' line "
                 "and a YAML block")
            )
        return 0
    end = next((i for i in range(1, len(lines)) if FENCE.match(lines[i])), None)
    if end is None:
        plan.parse_findings.append(
            ("FM002", 1, 1, "frontmatter is not closed: add a '---' line after the YAML block")
        )
        return 0
    plan.has_frontmatter = True
    plan.frontmatter_start, plan.frontmatter_end = 1, end + 1
    source = "\n".join(lines[1:end]) + "\n"
    _load_yaml(plan, source, lines, offset=1)
    return end + 1


def _load_yaml(plan: Plan, source: str, lines: list[str], offset: int) -> None:
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        if node is None:
            plan.parse_findings.append(("FM004", offset, 1, "frontmatter is empty"))
            return
        size = _expanded_size(node, {}, 0)
        if size > MAX_YAML_NODES:
            plan.parse_findings.append(
                ("FM014", node.start_mark.line + offset + 1, 1,
                 f"YAML aliases expand to more than {MAX_YAML_NODES} values "
                 "(an alias bomb); frontmatter not loaded")
            )
            return
        if not isinstance(node, yaml.MappingNode):
            kind = {"ScalarNode": "a single value", "SequenceNode": "a list"}[type(node).__name__]
            plan.parse_findings.append(
                ("FM004", node.start_mark.line + offset + 1, 1,
                 f"frontmatter must be a mapping of keys to values, not {kind}")
            )
            return
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + offset + 1) if mark else offset + 1
        column = (mark.column + 1) if mark else 1
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        plan.parse_findings.append(("FM003", line, column, _yaml_hint(problem, lines, line)))
        return
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        plan.parse_findings.append(("FM003", offset + 1, 1, f"YAML could not be loaded: {exc}"))
        return
    finally:
        loader.dispose()
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
        line = key_node.start_mark.line + offset + 1
        if key in seen:
            plan.parse_findings.append(
                ("FM005", line, key_node.start_mark.column + 1,
                 f"duplicate key '{key}' (first on line {seen[key]}); YAML keeps only the last")
            )
        seen.setdefault(key, line)
        value_line = value_node.start_mark.line + offset + 1
        raw = ""
        if isinstance(value_node, yaml.ScalarNode) and value_node.start_mark.line == \
                value_node.end_mark.line:
            row = lines[value_line - 1]
            raw = row[value_node.start_mark.column:]
        plan.fields[key] = Field(
            key=key,
            value=data.get(key_node.value) if isinstance(data, dict) else None,
            line=line,
            column=key_node.start_mark.column + 1,
            value_line=value_line,
            value_column=value_node.start_mark.column + 1,
            raw=raw,
            style=getattr(value_node, "style", None),
        )
    plan.meta = data if isinstance(data, dict) else {}


def _expanded_size(node, memo: dict, depth: int) -> int:
    """Count the values a node stands for once every alias is expanded."""
    key = id(node)
    if key in memo:
        return memo[key]
    if depth > 100:
        return MAX_YAML_NODES + 1
    memo[key] = MAX_YAML_NODES + 1  # a node that contains itself expands forever
    if isinstance(node, yaml.MappingNode):
        total = 1
        for k, v in node.value:
            total += _expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1)
            if total > MAX_YAML_NODES:
                break
    elif isinstance(node, yaml.SequenceNode):
        total = 1
        for item in node.value:
            total += _expanded_size(item, memo, depth + 1)
            if total > MAX_YAML_NODES:
                break
    else:
        total = 1
    memo[key] = total
    return total


def _yaml_hint(problem: str, lines: list[str], line: int) -> str:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    message = f"YAML syntax error: {problem}"
    value = text.split(":", 1)[1].strip() if ":" in text else ""
    if value[:1] in ("@", "`", "%", "|", ">") or "found character" in problem:
        message += "; quote the value (a plain value cannot start with '@' or '`')"
    elif ": " in value:
        message += "; quote the value (it contains ': ')"
    return message


# -- body ----------------------------------------------------------------------------------


def _parse_body(plan: Plan, lines: list[str], body_from: int) -> None:
    # Blank the frontmatter so mistune's offsets are offsets in the whole file.
    src = "\n" * body_from + "\n".join(lines[body_from:]) + "\n"
    starts = [0] + [m.end() for m in re.finditer("\n", src)]
    state = _State()
    state.process(src)
    try:
        _PARSER.parse(state)
    except RecursionError:
        plan.parse_findings.append(("IO003", body_from + 1, 1, "Markdown nested too deeply"))
        return

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset)

    tokens = [t for t in state.tokens if t["type"] != "blank_line"]
    blocks: list[Block] = []
    for index, token in enumerate(tokens):
        line = line_of(token.get("_start", 0))
        nxt = line_of(tokens[index + 1]["_start"]) - 1 if index + 1 < len(tokens) else len(lines)
        end = nxt
        while end > line and not lines[end - 1].strip():
            end -= 1
        blocks.append(Block(token["type"], line, max(end, line), token))
    _build_sections(plan, lines, blocks)
    for block in blocks:
        section = plan.section_at(block.line)
        if block.type == "paragraph" and "|" in block.token["text"]:
            _scan_tables(plan, lines, block, section)
        elif block.type == "block_code":
            info = (block.token.get("attrs") or {}).get("info") or ""
            plan.code_blocks.append(
                CodeBlock(info.strip(), block.token.get("raw", ""), block.line, block.end_line,
                          section)
            )
        if block.type in ("list", "block_quote"):
            _scan_tasks(plan, lines, block, section)
        if block.type in ("block_html", "paragraph", "list", "block_quote"):
            _scan_suppressions(plan, lines, block)
        if block.type in ("paragraph", "list", "block_quote", "heading"):
            _scan_links(plan, lines, block)
    plan.blocks = blocks
    _check_fences(plan, lines, blocks)
    _scan_frontmatter_suppressions(plan, lines)


def _check_fences(plan: Plan, lines: list[str], blocks: list[Block]) -> None:
    """ST007: a code fence never closed swallows the rest of the document, and a fence with
    an info string inside another of the same kind closes the outer one early, so what follows
    it (template headings, often) leaks into the outline."""
    early_close_end = 0
    for block in blocks:
        if block.type != "block_code" or block.token.get("style") != "fenced":
            continue
        marker = block.token.get("marker") or "```"
        closer = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}\s*$")
        closed = block.end_line > block.line and closer.match(lines[block.end_line - 1])
        if not closed:
            if early_close_end and not (block.token.get("attrs") or {}).get("info"):
                continue  # the outer fence's own closing line, reported with the early close
            plan.parse_findings.append(
                ("ST007", block.line, 1, f"this {marker} fence is never closed, so lines "
                 f"{block.line + 1}–{len(lines)} are read as code and the rest of the document "
                 f"is lost; close it with a {marker} line"))
            continue
        opener = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}\s*[^\s`]")
        inner = next((n for n in range(block.line + 1, block.end_line)
                      if opener.match(lines[n - 1])), None)
        if inner is not None:
            early_close_end = block.end_line
            plan.parse_findings.append(
                ("ST007", inner, 1, f"a fence opens inside the {marker} block of line "
                 f"{block.line}, so the {marker} on line {block.end_line} closes the outer "
                 f"block early and what follows is read as the document; make the outer "
                 f"fence longer ({marker[0] * (len(marker) + 1)}) than the one inside"))


def _build_sections(plan: Plan, lines: list[str], blocks: list[Block]) -> None:
    root = plan.root
    root.end_line = len(lines)
    stack = [root]
    for block in blocks:
        if block.type != "heading":
            if stack[-1] is not root and block.type not in ("thematic_break",):
                stack[-1].has_content = True
            continue
        level = block.token["attrs"]["level"]
        heading = " ".join(block.token["text"].split())
        match = HEADING_NUMBER.match(heading)
        number, title = (match.group(1), heading[match.end():].strip()) if match else ("", heading)
        while stack[-1].level >= level:
            stack.pop().end_line = block.line - 1
        parent = stack[-1]
        section = Section(level, title, number, block.line, len(lines), heading, parent=parent)
        parent.children.append(section)
        stack.append(section)
    for section in stack[1:]:
        section.end_line = len(lines)
    plan.section_list = list(root.walk())


def split_row(line: str) -> tuple[list[str], list[tuple[int, int]]]:
    """A table row's cells and where each stands in the line, columns [start, end).

    The outer pipes are dropped; a pipe inside a code span or written `\\|` belongs to its
    cell. `fix` edits cells at these spans, so it changes exactly what lint read.
    """
    start = len(line) - len(line.lstrip())
    end = len(line.rstrip())
    if line.startswith("|", start):
        start += 1
    if end > start and line[end - 1] == "|" and line[end - 2:end] != "\\|":
        end -= 1
    spans: list[tuple[int, int]] = []
    begin = start
    if "`" not in line and "\\" not in line:
        at = line.find("|", begin, end)
        while at >= 0:
            spans.append((begin, at))
            begin = at + 1
            at = line.find("|", begin, end)
        spans.append((begin, end))
        return [line[a:b].strip() for a, b in spans], spans
    in_code = False
    i = begin
    while i < end:
        ch = line[i]
        if ch == "\\" and i + 1 < end and line[i + 1] == "|":
            i += 2
            continue
        if ch == "`":
            in_code = not in_code
        elif ch == "|" and not in_code:
            spans.append((begin, i))
            begin = i + 1
        i += 1
    spans.append((begin, end))
    return [_unescaped(line[a:b]).strip() for a, b in spans], spans


def _unescaped(text: str) -> str:
    """A cell's text with `\\|` read as a pipe, the way the row was split."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and text[i + 1:i + 2] == "|":
            out.append("|")
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _scan_tables(plan: Plan, lines: list[str], block: Block, section: Section | None) -> None:
    """Find GFM tables in a paragraph: a row of cells, then a delimiter row of dashes."""
    number = block.line
    while number < block.end_line:
        header, delimiter = lines[number - 1], lines[number]
        if "|" in header and DELIMITER_ROW.match(delimiter):
            columns, _ = split_row(header)
            if len(split_row(delimiter)[0]) == len(columns):
                rows = []
                number += 2
                while number <= block.end_line and lines[number - 1].strip():
                    cells, spans = split_row(lines[number - 1])
                    rows.append(Row(cells, number, spans))
                    number += 1
                plan.tables.append(Table(columns, rows, number - len(rows) - 2, section))
                continue
        number += 1


def _fenced_lines(lines: list[str], start: int, end: int):
    """Yield (line number, text) for lines of a block that are not inside a code fence."""
    fence = ""
    for number in range(start, end + 1):
        text = lines[number - 1]
        match = CODE_FENCE.match(text)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
            continue
        if match:
            fence = match.group(1)
            continue
        yield number, text


def _scan_tasks(plan: Plan, lines: list[str], block: Block, section: Section | None) -> None:
    for number, text in _fenced_lines(lines, block.line, block.end_line):
        match = TASK.match(text)
        if match:
            plan.checklist.append(
                ChecklistItem(match.group(2) != " ", match.group(3).strip(), number,
                              len(match.group(1)) + 1, section)
            )


def _scan_links(plan: Plan, lines: list[str], block: Block) -> None:
    for number, text in _fenced_lines(lines, block.line, block.end_line):
        if "](" not in text:
            continue
        plain = CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
        for match in LINK.finditer(plain):
            plan.links.append(Link(match.group(1), match.group(2), number, match.start() + 1))


def _scan_suppressions(plan: Plan, lines: list[str], block: Block) -> None:
    for number, text in _fenced_lines(lines, block.line, block.end_line):
        if "planbook-" in text and "<!--" in text:
            _add_suppression(plan, text, number)


def _scan_frontmatter_suppressions(plan: Plan, lines: list[str]) -> None:
    for number in range(plan.frontmatter_start + 1, plan.frontmatter_end):
        text = lines[number - 1]
        if "planbook-" in text and "#" in text:
            _add_suppression(plan, text, number)


def _add_suppression(plan: Plan, text: str, number: int) -> None:
    for match in SUPPRESS.finditer(text):
        action = match.group(1)
        codes = tuple(c for c in re.split(r"[\s,]+", match.group(2).strip()) if c)
        if action == "disable-next-line":
            plan.suppressions.append(Suppression(codes, number, number + 1, number + 1))
        elif action == "disable":
            plan.suppressions.append(Suppression(codes, number, number, len(plan.lines)))
        else:  # enable closes the open ranges for these codes (all when none given)
            for sup in plan.suppressions:
                if sup.end == len(plan.lines) and sup.start < number and (
                    not codes or set(codes) & set(sup.codes)
                ) and sup.start != sup.end:
                    sup.end = number
