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
import contextlib
import functools
import gc
import itertools
import operator
import re
import string

import yaml
from mistune.block_parser import BlockParser

try:  # what mistune's block loop tells indented code by
    from mistune.block_parser import _is_indent_code_line
except ImportError:  # pragma: no cover - another mistune: its own loop reads such lines
    _is_indent_code_line = None
from mistune.core import BlockState

try:  # what mistune's list parser reads a list's items with
    from mistune.list_parser import (
        _compile_continue_width,
        _compile_list_break_sc,
        _compile_list_item_pattern,
        _create_list_marker,
        _expand_leading_tabs,
        _get_list_bullet,
        _has_continuation_indent,
        _match_list_item_break,
    )
except ImportError:  # pragma: no cover - another mistune: its own list parser is used
    _match_list_item_break = None

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
from planbook.reading import (  # noqa: F401 - the checked reader, named here for callers
    MAX_BYTES,
    Unreadable,
    not_regular,
    read_file,
)

try:  # the C loader is ten times faster; pure Python is the fallback
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_OTHER_BREAKS = re.compile("[\x85\u2028\u2029]")
MAX_YAML_NODES = 10_000  # expanded through aliases; more is an alias bomb, not a plan
# Lists and quotes inside each other. Real plans nest under ten levels (the corpus at most
# two) and the tests read 6,000 written on one line as a plan like any other; deeper is a
# generated wall of markers, reported as the single finding IO003 and not read further.
MAX_NESTING = 8_000
FENCE = re.compile(r"^-{3,}\s*$")  # a frontmatter delimiter: three or more dashes
HEADING_NUMBER = re.compile(r"^((?:\d+\.)*\d+)\.?(?:\s+|$)")
# The body patterns below are possessive (*+, ++, ?+) wherever what follows can never match
# what was given back, so they match exactly what the plain forms did but never backtrack over
# a line: a line of 40,000 spaces or '>' costs one pass, not one per character.
TASK = re.compile(r"^(\s*+(?:>\s*+)*+(?:[-*+]|\d++[.)])\s++)\[([ xX])\](?:\s+|$)(.*)$")
PARAGRAPH_STARTS = frozenset("|*_`[(\"'")
DELIMITER_ROW = re.compile(r"^\s*+\|?+\s*+:?+-++:?+\s*+(?:\|\s*+:?+-++:?+\s*+)*+\|?+\s*+$")
CODE_FENCE = re.compile(r"^\s*+(?:>\s*+)*+(?:[-*+]\s++|\d++[.)]\s++)?+(`{3,}|~{3,})")
SUPPRESS_START = re.compile(r"(?:<!--|#)\s*+planbook-(disable-next-line|disable|enable)\b")
BACKTICKS = re.compile(r"`+")
ROW_MARKS = re.compile(r"\\\||[`|]")  # what splits a row: an escaped pipe is skipped whole
URL_STOP = re.compile(r"[)\s>]")  # what ends a link's URL
QUOTE_CHAR = re.compile(r"[\"']")
SPACES = re.compile(r"\s*+")
QUOTE_MARKERS = re.compile(r"(?: *+> ?+)*+")  # with the one space each may take
LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?= |$)")
LINE_OPENERS = frozenset(" \t>-*+0123456789")  # what a line that nests anything starts with


class _State(BlockState):
    """A block state that remembers where each paragraph starts, and grows a paragraph without
    copying it: mistune adds a paragraph's lines one at a time to its text, which costs the
    square of its length, so the lines wait in a list until `_join_paragraphs`."""

    def add_paragraph(self, text: str) -> None:
        last = self.last_token()
        if last and last["type"] == "paragraph":
            last.setdefault("_more", []).append(text)
        else:
            self.tokens.append({"type": "paragraph", "text": text, "_start": self.cursor})

    def append_paragraph(self) -> int | None:
        last = self.last_token()
        if last and last["type"] == "paragraph":
            end = self.find_line_end()
            last.setdefault("_more", []).append(self.get_text(end))
            return end
        return None


def _join_paragraphs(tokens: list[dict]) -> None:
    for token in tokens:
        more = token.pop("_more", None)
        if more:
            token["text"] += "".join(more)


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
            self._parse_top(state, rules or self.rules)

    def _parse_top(self, state, rules):
        """mistune's block loop, with the lines whose block is certain from their first
        character (a blank line, a heading, a table row or a line of words) read at once
        instead of through every block rule in turn; each takes the path mistune's would."""
        sc = self.compile_sc(rules)
        src, end = state.src, state.cursor_max
        tokens = state.tokens
        # as mistune's own loop does, where it has the shortcut for indented code
        indent_code = "indent_code" in rules and hasattr(BlockParser, "_parse_indent_code_fast")
        while state.cursor < end:
            cursor = state.cursor
            char = src[cursor]
            if char == "\n":  # only the blank-line rule matches an empty line
                token = {"type": "blank_line", "_start": cursor}
                if cursor and src[cursor + 1:cursor + 2] not in _BLANK_GOES_ON:
                    state.cursor = cursor + 1  # one blank line, alone
                else:
                    m = BLANK_LINES.match(src, cursor)
                    if cursor == 0:
                        token["newlines"] = m.group(0).count("\n")
                    state.cursor = m.end()
                tokens.append(token)
                continue
            if char == "#":  # no rule before the heading's can match a '#'
                m = ATX_HEADING.match(src, cursor)
                if m:  # the token mistune's parse_atx_heading makes
                    text = m.group("atx_2").strip(string.whitespace)
                    tokens.append({"type": "heading",
                                   # closing hashes: after the strip, only a text ending
                                   # with '#' can have them
                                   "text": ATX_CLOSING.sub("", text) if text[-1:] == "#"
                                   else text,
                                   "attrs": {"level": len(m.group("atx_1"))}, "style": "atx",
                                   "_start": cursor})
                    state.cursor = m.end() + 1
                    continue
            elif char == "|" or (char not in _ASCII_BLOCK_STARTS if char < "\x80"
                                 else _plain_start(char)):  # no rule matches: a paragraph
                self._parse_plain_paragraph(state, sc)
                continue
            if indent_code:
                end_pos = self._parse_indent_code_fast(state)
                if end_pos is not None:
                    state.cursor = end_pos
                    continue
            m = sc.match(src, cursor)
            if not m and self._parse_plain_paragraph(state, sc):
                continue
            if not m:
                m = sc.search(src, cursor)
            if not m:
                break
            if m.start() > cursor:
                state.add_paragraph(state.get_text(m.start()))
                state.cursor = m.start()
            end_pos = self.parse_method(m, state)
            if end_pos:
                state.cursor = end_pos
            else:
                end_pos = state.find_line_end()
                state.add_paragraph(state.get_text(end_pos))
                state.cursor = end_pos
        if state.cursor < end:
            state.add_paragraph(src[state.cursor:])
            state.cursor = end

    def _parse_plain_paragraph(self, state, sc):
        # mistune only takes a letter as the start of a plain paragraph and otherwise searches
        # the rest of the text for the next block; table rows and bold labels are common in
        # plans and no block rule matched here, so read them line by line as a paragraph too.
        src, start = state.src, state.cursor
        first = src[start:start + 1]
        if first not in PARAGRAPH_STARTS and not (first and _plain_start(first)):
            return False
        pos, end = start, state.cursor_max
        while pos < end:
            char = src[pos]
            if char == "\n":
                break  # an empty line ends the paragraph (as the blank-line rule would)
            # a line that starts a block ends the paragraph; one starting with a pipe or a
            # plain paragraph's character starts none, so only the others are asked
            if pos > start and char != "|" and (char in _ASCII_BLOCK_STARTS if char < "\x80"
                                                 else not _plain_start(char)) \
                    and sc.match(src, pos):
                break
            stop = src.find("\n", pos) + 1 or end
            if char.isspace() and not src[pos:stop].strip():
                break
            pos = stop
        if pos <= start:
            return False
        state.add_paragraph(src[start:pos])
        state.cursor = pos
        return True

    def parse_list(self, m, state):
        """mistune's list parser without its work on each item's inside: each item ends where
        mistune's ends it (so the list does too), but its lines are not kept and parsed again
        as a document of their own, which nothing here reads."""
        if _match_list_item_break is None:  # pragma: no cover - a mistune without them
            return super().parse_list(m, state)
        item = _create_list_marker(m, "list")
        if not item.text.strip() or item.ordered and int(item.marker[:-1]) != 1:
            # an empty item, or a list not starting at 1, cannot interrupt a paragraph
            end_pos = state.append_paragraph()
            if end_pos:
                return end_pos
        token = {"type": "list", "children": [], "tight": True, "bullet": item.bullet,
                 "attrs": {"depth": state.depth(), "ordered": item.ordered}}
        if item.ordered and int(item.marker[:-1]) != 1:
            token["attrs"]["start"] = int(item.marker[:-1])
        state.cursor = m.end() + 1
        bullet = _get_list_bullet(item.bullet)
        while item:
            text, continue_width = _compile_continue_width(item.text, item.leading_width)
            item_re, break_sc = self._item_patterns(bullet, item.leading_width)
            item, loose, end_pos, index = self._item_end(item_re, break_sc, state, text,
                                                         continue_width)
            if loose:
                token["tight"] = False
            if end_pos is not None:
                token["_tok_index"], token["_end_pos"] = index, end_pos
            token["children"].append({"type": "list_item", "children": []})
        end_pos = token.pop("_end_pos", None)
        if end_pos:
            state.tokens.insert(token.pop("_tok_index"), token)
            return end_pos
        state.append_token(token)
        return state.cursor

    def _item_end(self, item_re, break_sc, state, text: str, continue_width: int):
        """Where a list item ends, as mistune's `_collect_list_item_lines` finds it, without
        keeping its lines: (the next item's marker or None, whether a blank line came before
        it, where a block that ends the list ends or None, and that block's token index)."""
        src, end = state.src, state.cursor_max
        has_text = prev_blank = False
        while state.cursor < end:
            cursor = state.cursor
            next_pos = src.find("\n", cursor) + 1 or end
            raw_line = src[cursor:next_pos]
            if raw_line == "\n" or self.BLANK_LINE.match(raw_line):
                prev_blank = True
                state.cursor = next_pos
                continue
            indented = raw_line[0] in " \t"  # otherwise no indent to expand or continue with
            if indented and _has_continuation_indent(raw_line, continue_width):
                if prev_blank and not text and not has_text:
                    break  # an item can begin with at most one blank line
                has_text = has_text or bool(raw_line.strip())
                prev_blank = False
                state.cursor = next_pos
                continue
            line = _expand_leading_tabs(raw_line) if indented else raw_line
            line_break = _match_list_item_break(item_re, break_sc, state, line)
            if line_break:
                kind, m = line_break
                if kind == "list_item":
                    state.cursor = next_pos
                    return _create_list_marker(m, "listitem"), prev_blank, None, None
                if kind == "list":
                    break
                index = len(state.tokens)
                end_pos = self.parse_method(m, state)
                if end_pos:
                    return None, False, end_pos, index
            if prev_blank:
                break  # not a continuation line, and the line before was blank
            has_text = has_text or bool(raw_line.strip())
            state.cursor = next_pos
        return None, False, None, None

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one parser, a handful of keys
    def _item_patterns(self, bullet: str, leading_width: int):
        """What starts the next item of a list, and what ends an item, for one indentation."""
        return (re.compile(_compile_list_item_pattern(bullet, leading_width)),
                _compile_list_break_sc(self, leading_width))

    def _parse_indent_code_fast(self, state):
        if state.src[state.cursor:state.cursor + 1] not in (" ", "\t"):
            return None  # what mistune would find: code is indented by spaces or a tab
        last = state.last_token()
        if last and last["type"] == "paragraph" and _is_indent_code_line is not None:
            # indented code cannot interrupt a paragraph: the line continues it, and so does
            # each indented line after it, which mistune would add one loop at a time
            src, pos, end = state.src, state.cursor, state.cursor_max
            while pos < end and src[pos] in " \t":
                stop = src.find("\n", pos) + 1 or end
                if not _is_indent_code_line(src[pos:stop]):
                    break
                pos = stop
            if pos == state.cursor:
                return None
            last.setdefault("_more", []).append(src[state.cursor:pos])
            return pos
        before, start = len(state.tokens), state.cursor
        result = super()._parse_indent_code_fast(state)
        for token in state.tokens[before:]:
            token.setdefault("_start", start)
        return result


def _plain_start(char: str) -> bool:
    """What mistune takes as the start of a plain paragraph: no block rule starts with it."""
    return not char.isspace() and not char.isdigit() and char not in string.punctuation


# the ASCII characters a line must start with for any block rule to match it
_ASCII_BLOCK_STARTS = frozenset(c for c in map(chr, range(128)) if not _plain_start(c))
_PARSER = _Parser()
BLANK_LINES = re.compile(_PARSER.specification["blank_line"], re.M)
ATX_HEADING = re.compile(_PARSER.specification["atx_heading"], re.M)
# what may stand after an empty line's newline for the blank lines to go on, or the end
_BLANK_GOES_ON = frozenset((" ", "\t", "\v", "\f", "\n", ""))
ATX_CLOSING = re.compile(r"(\s+|^)#+\s*$")  # a heading's closing hashes, as mistune has them


def read_plan(path: str) -> Plan:
    """Read and parse one file; anything that stops reading becomes a finding, not an error."""
    try:
        data = read_file(path)
    except Unreadable as exc:
        plan = Plan(path=path)
        plan.parse_findings.append(("IO001", 1, 1, str(exc)))
        return plan
    return parse_bytes(data, path)


def parse_bytes(data: bytes, path: str, body: bool = True) -> Plan:
    """Parse a file's bytes; with `body` False only the frontmatter is read (the other
    documents' references need no more)."""
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
    return parse_text(text, path, body)


@contextlib.contextmanager
def paused_gc():
    """No cyclic garbage collection while one plan is read or linted. A long plan is a
    million objects that all live until the plan is done: every full collection on the way
    walks them all and frees nothing. Collection resumes (and finds any cycles) afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_text(text: str, path: str = "<text>", body: bool = True) -> Plan:
    """Parse a decoded plan. Line numbers in the result are lines of `text`."""
    with paused_gc():
        return _parse_text(text, path, body)


def _parse_text(text: str, path: str, body: bool) -> Plan:
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
    if body:
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
    # YAML also breaks lines at U+0085, U+2028 and U+2029, which are text in a plan's lines,
    # so a mark's line and column come from its character index, never from YAML's count.
    breaks = [m.start() for m in re.finditer("\n", source)] \
        if _OTHER_BREAKS.search(source) else None

    def at(mark) -> tuple[int, int]:
        """A YAML mark as (line, column) of the file, both 1-based."""
        if breaks is None:
            return mark.line + offset + 1, mark.column + 1
        row = bisect.bisect_left(breaks, mark.index)
        start = breaks[row - 1] + 1 if row else 0
        return row + offset + 1, mark.index - start + 1

    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        if node is None:
            plan.parse_findings.append(("FM004", offset, 1, "frontmatter is empty"))
            return
        size = _expanded_size(node, {}, 0)
        if size > MAX_YAML_NODES:
            plan.parse_findings.append(
                ("FM014", at(node.start_mark)[0], 1,
                 f"YAML aliases expand to more than {MAX_YAML_NODES} values "
                 "(an alias bomb); frontmatter not loaded")
            )
            return
        if not isinstance(node, yaml.MappingNode):
            kind = {"ScalarNode": "a single value", "SequenceNode": "a list"}[type(node).__name__]
            plan.parse_findings.append(
                ("FM004", at(node.start_mark)[0], 1,
                 f"frontmatter must be a mapping of keys to values, not {kind}")
            )
            return
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = at(mark) if mark else (offset + 1, 1)
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
        line, column = at(key_node.start_mark)
        if key in seen:
            plan.parse_findings.append(
                ("FM005", line, column,
                 f"duplicate key '{key}' (first on line {seen[key]}); YAML keeps only the last")
            )
        seen.setdefault(key, line)
        value_line, value_column = at(value_node.start_mark)
        raw = ""
        if isinstance(value_node, yaml.ScalarNode) and value_line == at(value_node.end_mark)[0]:
            raw = lines[value_line - 1][value_column - 1:]
        plan.fields[key] = Field(
            key=key,
            value=data.get(key_node.value) if isinstance(data, dict) else None,
            line=line,
            column=column,
            value_line=value_line,
            value_column=value_column,
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
    # where each line of `src` starts: the lengths of the lines before it and their newlines
    body = lines[body_from:] or [""]  # `src` ends with a newline even with no body
    lengths = itertools.chain(itertools.repeat(0, body_from), map(len, body))
    starts = list(map(operator.add, itertools.accumulate(lengths, initial=0),
                      range(body_from + len(body) + 1)))
    state = _State()
    state.process(src)
    try:
        _PARSER.parse(state)
    except RecursionError:
        plan.parse_findings.append(("IO003", body_from + 1, 1, "Markdown nested too deeply"))
        return
    _join_paragraphs(state.tokens)

    tokens = [t for t in state.tokens if t["type"] != "blank_line"]
    firsts = [bisect.bisect_right(starts, t.get("_start", 0)) for t in tokens]
    firsts.append(len(lines) + 1)
    blocks: list[Block] = []
    for index, token in enumerate(tokens):
        line = firsts[index]
        end = firsts[index + 1] - 1
        while end > line and not lines[end - 1].strip():
            end -= 1
        blocks.append(Block(token["type"], line, max(end, line), token))
    # a line nests at most as many levels as it has columns (each quote marker takes one,
    # each list level two), so only a plan with lines that long can nest too deeply
    if 4 * max(map(len, lines), default=0) + 1 > MAX_NESTING:  # a tab is up to four columns
        for block in blocks:
            too_deep = block.type in ("list", "block_quote") and _first_too_deep(lines, block)
            if too_deep:
                plan.parse_findings.append(
                    ("IO003", too_deep, 1, f"lists and quotes nest more than {MAX_NESTING:,} "
                     "levels deep here; planbook reads no plan nested this deeply")
                )
                return
    _build_sections(plan, lines, blocks)
    sections = plan.section_list
    before = 0  # sections that start at or before the current block; both run in order
    open_ranges: dict[str, list[Suppression]] = {}
    for block in blocks:
        while before < len(sections) and sections[before].line <= block.line:
            before += 1
        section = sections[before - 1] if before else None
        if block.type == "paragraph" and "|" in block.token["text"]:
            _scan_tables(plan, lines, block, section)
        elif block.type == "block_code":
            info = (block.token.get("attrs") or {}).get("info") or ""
            plan.code_blocks.append(
                CodeBlock(info.strip(), block.token.get("raw", ""), block.line, block.end_line,
                          section)
            )
        if block.type in ("paragraph", "list", "block_quote", "block_html", "heading") and \
                _may_hold(block.type, src[starts[block.line - 1]:starts[block.end_line]]):
            _scan_lines(plan, lines, block, section, open_ranges)
    plan.blocks = blocks
    _check_fences(plan, lines, blocks)
    _scan_frontmatter_suppressions(plan, lines, open_ranges)


def _first_too_deep(lines: list[str], block: Block) -> int:
    """The first line of a list or quote nested more than MAX_NESTING deep, or 0.

    A line's nesting is the list items it sits in (open items whose content column its
    indentation reaches) plus the quote and list markers it starts with, in any order: what
    CommonMark nests, for lists written an item a line or `> - > - …` on one. One pass.
    """
    items: list[int] = []  # content columns of the open list items, innermost last
    for number, text in _fenced_lines(lines, block.line, block.end_line):
        if not text or text[0] not in LINE_OPENERS and not items or not text.strip():
            continue  # blank, or neither indented nor opening a list or quote
        if "\t" in text:
            text = text.expandtabs(4)
        quotes = QUOTE_MARKERS.match(text)
        start = quotes.end()  # columns of list items count from after the quote markers
        at = SPACES.match(text, start).end()
        while items and items[-1] > at - start:
            items.pop()
        depth = quotes.group().count(">")
        rules: dict[str, int] = {}  # marker character -> where only it and spaces are left
        while True:
            marker = LIST_MARKER.match(text, at)
            if marker is None:
                more = QUOTE_MARKERS.match(text, at)
                if ">" not in more.group():
                    break
                depth += more.group().count(">")  # a quote inside a list item: "- > - x"
                at = SPACES.match(text, more.end()).end()
                continue
            char = text[at]
            if char in "-*":
                if char not in rules:
                    rules[char] = len(text.rstrip(char + " "))
                if at >= rules[char] and text.count(char, at) >= 3:
                    break  # '- - -' and '* * *' are thematic breaks, not lists
            after = SPACES.match(text, marker.end()).end()
            gap = after - marker.end()
            items.append(marker.end() - start + (gap if 0 < gap <= 4 else 1))
            at = after
            if gap > 4:
                break  # the rest is code inside the item
        if depth + len(items) > MAX_NESTING:
            return number
    return 0


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
    if "`" not in line and "\\" not in line and end >= start:
        cells = line[start:end].split("|")
        for cell in cells:
            spans.append((begin, begin + len(cell)))
            begin += len(cell) + 1
        return [cell.strip() for cell in cells], spans
    if end < start:  # a line of blanks: one empty cell
        return [""], [(start, end)]
    in_code = False
    for mark in ROW_MARKS.finditer(line, begin, end):
        char = mark.group()
        if char == "`":
            in_code = not in_code
        elif char == "|" and not in_code:
            spans.append((begin, mark.start()))
            begin = mark.end()
    spans.append((begin, end))
    return [line[a:b].replace("\\|", "|").strip() for a, b in spans], spans


def row_cells(line: str) -> list[str]:
    """A table row's cells, as `split_row` reads them, without working out where each stands."""
    if "`" in line or "\\" in line:
        return split_row(line)[0]
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [cell.strip() for cell in inner.split("|")]


def _scan_tables(plan: Plan, lines: list[str], block: Block, section: Section | None) -> None:
    """Find GFM tables in a paragraph: a row of cells, then a delimiter row of dashes."""
    number = block.line
    while number < block.end_line:
        header, delimiter = lines[number - 1], lines[number]
        if "|" in header and "-" in delimiter and DELIMITER_ROW.match(delimiter):
            columns = row_cells(header)
            if len(row_cells(delimiter)) == len(columns):
                rows = []
                number += 2
                while number <= block.end_line and lines[number - 1].strip():
                    text = lines[number - 1]
                    rows.append(Row(row_cells(text), number, text))
                    number += 1
                plan.tables.append(Table(columns, rows, number - len(rows) - 2, section))
                continue
        number += 1


def _fenced_lines(lines: list[str], start: int, end: int):
    """Yield (line number, text) for lines of a block that are not inside a code fence."""
    fence = ""
    for number in range(start, end + 1):
        text = lines[number - 1]
        match = CODE_FENCE.match(text) if "```" in text or "~~~" in text else None
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
            continue
        if match:
            fence = match.group(1)
            continue
        yield number, text


def _may_hold(kind: str, text: str) -> bool:
    """Whether a block's text holds what `_scan_lines` looks for on a line of a block of this
    kind, so a block with none of it is not read line by line."""
    return kind in ("list", "block_quote") and "]" in text or \
        kind != "heading" and "planbook-" in text or kind != "block_html" and "](" in text


def _scan_lines(plan: Plan, lines: list[str], block: Block, section: Section | None,
                open_ranges: dict[str, list[Suppression]]) -> None:
    """Checklist items, suppression comments and links in a block, in one pass over its
    lines outside code fences."""
    tasks = block.type in ("list", "block_quote")
    suppressions = block.type != "heading"
    links = block.type != "block_html"
    for number, text in _fenced_lines(lines, block.line, block.end_line):
        if tasks and "]" in text:
            match = TASK.match(text)
            if match:
                plan.checklist.append(
                    ChecklistItem(match.group(2) != " ", match.group(3).strip(), number,
                                  len(match.group(1)) + 1, section)
                )
        if suppressions and "planbook-" in text and "<!--" in text:
            _add_suppression(plan, text, number, open_ranges)
        if links and "](" in text:
            for label, url, start in _links_in(text):
                plan.links.append(Link(label, url, number, start + 1))


def _links_in(line: str):
    """Yield (text, url, offset) for each `[text](url "title")` outside code spans, as the
    pattern (?<!!)\\[([^\\]\\n]*)\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+["'][^"']*["'])?\\s*\\) finds them.

    The pattern retried at every '[' reads the rest of the line each time a link is not closed
    (`[a](` repeated is quadratic); here each stretch of the line is read once: a failed '['
    fails for every '[' before its ']', and what follows a URL is worked out once per URL end.
    """
    plain = _blank_code_spans(line) if "`" in line else line
    size = len(plain)
    url_stop = -1  # where the last URL read ended; later URLs starting before it end there too
    tails: dict[int, int] = {}  # URL end -> end of the link after it, or -1
    at = 0
    while True:
        start = plain.find("[", at)
        if start < 0:
            return
        if start and plain[start - 1] == "!":  # an image
            at = start + 1
            continue
        close = plain.find("]", start + 1)
        if close < 0:
            return
        at = close + 1  # every '[' up to this ']' has the same fate
        if plain[close + 1:close + 2] != "(":
            continue
        url_at = SPACES.match(plain, close + 2).end()
        if url_at >= size:
            return
        if url_stop < url_at:
            stop = URL_STOP.search(plain, url_at)
            url_stop = stop.start() if stop else size
        if url_stop == url_at:
            continue
        if url_stop not in tails:
            tails[url_stop] = _link_tail(plain, url_stop)
        end = tails[url_stop]
        if end < 0:
            continue
        angled = plain[url_at] == "<" and url_stop > url_at + 1
        yield plain[start + 1:close], plain[url_at + angled:url_stop], start
        at = end


def _link_tail(plain: str, at: int) -> int:
    """Where a link ends whose URL ends at `at`: after an optional '>', an optional quoted
    title and the closing ')'; -1 when there is no closing ')'."""
    if plain[at:at + 1] == ">":
        at += 1
    title_at = SPACES.match(plain, at).end()
    if title_at > at and plain[title_at:title_at + 1] in ("'", '"'):
        quote = QUOTE_CHAR.search(plain, title_at + 1)
        if quote:
            paren = SPACES.match(plain, quote.end()).end()
            if plain[paren:paren + 1] == ")":
                return paren + 1
    return title_at + 1 if plain[title_at:title_at + 1] == ")" else -1


def _blank_code_spans(text: str) -> str:
    """`text` with each code span turned into as many spaces, as re.sub with the pattern
    (`+)(?:(?!\\1).)+?\\1 would turn them, but reading each backtick run once.

    That pattern opens at a run of R backticks (or the part of one it has not yet used) and
    closes at the first later run of at least its width g, trying g from R down to just over
    R/2 (narrower, its own run would close it at once). So an opening exists exactly when some
    later run is more than half as long, and it is as wide as the longest later run allows.
    """
    runs = [m.span() for m in BACKTICKS.finditer(text)]
    if len(runs) < 2:
        return text
    longest_after = [0] * len(runs)  # the longest run after each run
    longest = 0
    for i in range(len(runs) - 1, -1, -1):
        longest_after[i] = longest
        longest = max(longest, runs[i][1] - runs[i][0])
    pieces: list[str] = []
    copied = 0
    i, opening = 0, runs[0][0]
    while i < len(runs) and longest_after[i]:
        run_end, later = runs[i][1], longest_after[i]
        opening = max(opening, run_end - 2 * later + 1)  # the first backtick that can open
        width = min(run_end - opening, later)
        j = i + 1
        while runs[j][1] - runs[j][0] < width:  # runs passed over end up inside the span
            j += 1
        closing = runs[j][0] + width
        pieces += (text[copied:opening], " " * (closing - opening))
        copied = closing
        if closing < runs[j][1]:  # the rest of the closing run may open the next span
            i, opening = j, closing
        else:
            i = j + 1
            opening = runs[i][0] if i < len(runs) else 0
    pieces.append(text[copied:])
    return "".join(pieces)


def _scan_frontmatter_suppressions(plan: Plan, lines: list[str],
                                   open_ranges: dict[str, list[Suppression]]) -> None:
    for number in range(plan.frontmatter_start + 1, plan.frontmatter_end):
        text = lines[number - 1]
        if "planbook-" in text and "#" in text:
            _add_suppression(plan, text, number, open_ranges)


def _suppression_comments(text: str):
    """Yield (action, codes text) for each planbook comment in a line, as the pattern
    (?:<!--|#)\\s*planbook-(disable-next-line|disable|enable)\\b([^>\\n]*?)\\s*(?:-->|$) finds
    them: a comment ends at its line's first '>' when that is '-->', else at the line's end."""
    at = 0
    gt = -1  # the first '>' at or after the last comment read, or the line's length
    while True:
        match = SUPPRESS_START.search(text, at)
        if match is None:
            return
        codes_at = match.end()
        if gt < codes_at:
            gt = text.find(">", codes_at)
            if gt < 0:
                gt = len(text)
        if gt == len(text):
            yield match.group(1), text[codes_at:]
            return
        if gt - 2 >= codes_at and text[gt - 2:gt] == "--":
            yield match.group(1), text[codes_at:gt - 2]
            at = gt + 1
        else:
            at = match.start() + 1


def _add_suppression(plan: Plan, text: str, number: int,
                     open_ranges: dict[str, list[Suppression]]) -> None:
    """Record the comments on a line. `open_ranges` holds the `disable` ranges still open:
    under "" all of them, under each code those naming it, so an `enable` visits only the
    ranges it may close rather than every suppression so far."""
    last = len(plan.lines)
    for action, codes_text in _suppression_comments(text):
        codes = tuple(c for c in re.split(r"[\s,]+", codes_text.strip()) if c)
        if action == "disable-next-line":
            plan.suppressions.append(Suppression(codes, number, number + 1, number + 1))
        elif action == "disable":
            sup = Suppression(codes, number, number, last)
            plan.suppressions.append(sup)
            if sup.start != sup.end:
                for key in ("", *codes):
                    open_ranges.setdefault(key, []).append(sup)
        else:  # enable closes the open ranges for these codes (all when none given)
            for key in dict.fromkeys(codes) if codes else ("",):
                still_open = []
                for sup in open_ranges.get(key, ()):
                    if sup.end == last and sup.start < number:
                        sup.end = number
                    if sup.end == last:
                        still_open.append(sup)
                open_ranges[key] = still_open
