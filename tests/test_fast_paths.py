"""The shortcuts a long plan is read with give exactly what the long way gives: the parser's
top-level loop and list reader against mistune's own loop and list parser, a row's cells
against the reader that also places them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from mistune.block_parser import BlockParser

from conftest import require_corpus
from generators import PROFILE, corpus_texts, mutated
from planbook import edits, names, parse

require_corpus(module=True)
TEXTS = corpus_texts()
# lines of every kind a block can start with, put together at random
PIECES = ["- item", "  - nested", "    - deep", "* star", "+ plus", "1. one", "2) two", "7. seven",
          "> quote", "> - in a quote", "```", "```python", "~~~", "````", "| a | b |",
          "|---|---|", "a | b", "--- | ---", "# Title", "## 2. Part", "###", "#tag", "  # h",
          "## Closed ##", "#  spaced  #  ", "# a#b", "#\t tab",
          "", "", "    code", "\tcode", "***", "---", "___", "===", "some words", "  indented",
          "<div>", "</div>", "<!-- note -->", "<!-- planbook-disable ST001 -->", "[ref]: x.md",
          "- [ ] task", "- [x] done", "[a](b.md)", "   > q", "-", "1.", "* * *", "- - -", " \t ",
          "**Bold:** text", "`code` first", "\\| escaped", "(aside)", "'quoted'", "é accented"]
PIECED = st.lists(st.sampled_from(PIECES), max_size=40).map(
    lambda lines: "---\ntitle: t\n---\n" + "\n".join(lines) + "\n")


class _Reference(parse._Parser):
    """The parser with mistune's own block loop and list parser in place of planbook's."""

    def parse(self, state, rules=None):
        if state.parent is None:
            BlockParser.parse(self, state, rules)

    def parse_list(self, m, state):
        return BlockParser.parse_list(self, m, state)


REFERENCE = _Reference()


def _tokens(parser: BlockParser, text: str) -> list[tuple]:
    lines = text.split("\n")
    src = "\n".join(lines) + "\n"
    state = parse._State()
    state.process(src)
    parser.parse(state)
    parse._join_paragraphs(state.tokens)
    return [(t["type"], t.get("_start"), t.get("text"), t.get("raw"), t.get("style"),
             t.get("marker"), t.get("attrs"), t.get("tight"), t.get("bullet"),
             len(t.get("children") or ())) for t in state.tokens]


def _same_blocks(text: str) -> None:
    assert _tokens(parse._PARSER, text) == _tokens(REFERENCE, text)


def test_the_corpus_reads_as_mistune_reads_it():
    for text in TEXTS:
        _same_blocks(text)


@settings(PROFILE, max_examples=300)
@given(st.one_of(mutated(TEXTS), PIECED))
def test_any_plan_reads_as_mistune_reads_it(text):
    _same_blocks(text)


ROW_PIECES = st.lists(st.sampled_from(["|", " ", "\t", "a", "b c", "`", "\\", "\\|", "-", ":",
                                       "\u00a0", "é"]), max_size=24).map("".join)


@settings(PROFILE, max_examples=500)
@given(ROW_PIECES)
def test_a_rows_cells_read_alone_are_the_cells_it_is_placed_by(line):
    cells, spans = parse.split_row(line)
    assert parse.row_cells(line) == cells
    assert len(spans) == len(cells)


def test_the_corpus_table_rows_read_alone_as_placed():
    rows = [line for text in TEXTS for line in text.split("\n") if "|" in line]
    assert len(rows) > 1000
    for line in rows:
        assert parse.row_cells(line) == parse.split_row(line)[0], line


LEFTOVER_PIECES = [*PIECES, "[TODO] write this", "Deliverable 2", "- Dependency 3", "> [Feature]",
                   "| [Component Name] | x |", "text [TBD] more", "```\n[TODO]\n```", "[Name]"]
LEFTOVER_PLANS = st.lists(st.sampled_from(LEFTOVER_PIECES), max_size=60).map(
    lambda lines: "---\ntitle: t\n---\n" + "\n".join(lines) + "\n")


def _leftovers(text: str, run: int) -> list:
    from pathlib import Path

    from planbook.config import Config
    from planbook.lint import Linter
    from planbook.rules import structure

    saved, structure.RUN = structure.RUN, run
    try:
        linter = Linter(Config(root=Path(".")), select=["ST005"])
        return [(f.line, f.column, f.message)
                for f in linter.lint_text(text, "IP-7-retry-queue.md")[0]]
    finally:
        structure.RUN = saved


@settings(PROFILE, max_examples=200)
@given(st.one_of(LEFTOVER_PLANS, mutated(TEXTS)))
def test_leftovers_found_in_runs_of_blocks_are_those_found_block_by_block(text):
    # RUN 0 asks every block alone: the long way
    assert _leftovers(text, 4096) == _leftovers(text, 0)


def _words_the_long_way(text: str) -> str:
    lines = [edits.HARD_BREAK.sub("", line.rstrip()) for line in text.split("\n")]
    return " ".join(edits.ESCAPE.sub(r"\1", " ".join(lines)).split())


@settings(PROFILE, max_examples=300)
@given(st.text(alphabet=st.sampled_from(list(" \t\n\r\x0b\x0c\x85\u2028\u00a0\u3000ab*`|\\#-")),
               max_size=60))
def test_a_texts_words_read_as_the_long_way_reads_them(text):
    assert edits._words(text) == _words_the_long_way(text)


def _changes_the_long_way(before, after, body_only: bool) -> list[str]:
    old = {u.key: u.text for u in edits.content(before, body_only)}
    new = {u.key: u.text for u in edits.content(after, body_only)}
    out = []
    for unit in edits.content(after, body_only):
        if unit.key not in old:
            out.append(f"{unit.where}: {unit.what} added")
        elif old[unit.key] != unit.text:
            out.append(f"{unit.where}: {unit.what} changed")
    return out + [f"{where}: {what} removed" for where, what in old if (where, what) not in new]


@settings(PROFILE, max_examples=100)
@given(st.sampled_from(TEXTS), mutated(TEXTS))
def test_what_changed_once_for_both_rules_is_what_each_found_alone(text, edited):
    """GT002 asks with the frontmatter, then GT003 without, of the same two versions."""
    before, after = parse.parse_text(text, "a.md"), parse.parse_text(edited, "a.md")
    for body_only in (False, True, False):
        assert edits.what_changed(before, after, body_only) == \
            _changes_the_long_way(before, after, body_only)


NAME_PARTS = ["IP-1", "IP-12", "ip-1", "IP-1.2", "IP-1²", "IP-1٣", "IP-", "ADR-7", "back-100.1",
              "-", " - ", "x", ".md", ".", "/", "\\", "plans/", "É", "ß", "1", "0", "-a"]


@settings(PROFILE, max_examples=500)
@given(st.lists(st.sampled_from(NAME_PARTS), min_size=1, max_size=6).map("".join),
       st.sampled_from(["ip-1", "ip-12", "ip-1.2", "adr-7", "back-100.1", "x"]))
def test_the_quick_look_at_a_name_never_leaves_out_a_file_with_that_id(path, node):
    """names.sharing_id asks the whole question only of the files _may_lead lets through."""
    if names.Names().node_of(path) == node:
        assert names._may_lead(path, node)
