"""The shortcuts a long plan is read with give exactly what the long way gives: the parser's
top-level loop and list reader against mistune's own loop and list parser, and ST005's
whole-body search against searching each block on its own."""

from __future__ import annotations

import glob
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from mistune.block_parser import BlockParser

from conftest import require_corpus
from generators import PROFILE, corpus_texts, mutated
from planbook import parse
from planbook.doctypes import builtin, builtin_names, from_file
from planbook.rules import structure

require_corpus(module=True)
TEXTS = corpus_texts()
# lines of every kind a block can start with, put together at random
PIECES = ["- item", "  - nested", "    - deep", "* star", "+ plus", "1. one", "2) two", "7. seven",
          "> quote", "> - in a quote", "```", "```python", "~~~", "````", "| a | b |",
          "|---|---|", "a | b", "--- | ---", "# Title", "## 2. Part", "###", "#tag", "  # h",
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


def _could_patterns() -> list:
    """Each doc type's one pattern for a template leftover in a block, shipped and teams'."""
    fixtures = Path(__file__).parent / "fixtures" / "doctypes"
    doctypes = [builtin(name) for name in builtin_names()]
    doctypes += [from_file(path) for path in sorted(glob.glob(str(fixtures / "*")))
                 if not path.endswith("planbook.toml")]  # the config, not a doc type
    out = []
    for doctype in doctypes:
        markers = structure.template_markers(structure._template_of(doctype)) \
            if doctype.options.template_placeholders else structure.Markers((), ())
        could = structure._could_hold(tuple(p.pattern for p in doctype.placeholder_res),
                                      tuple(doctype.template.example_rows), markers.tokens)
        if could is not None:
            out.append(could)
    return out


COULD = _could_patterns()


def _same_leftover_blocks(text: str) -> None:
    plan = parse.parse_text(text)
    for could in COULD:
        holds = structure._blocks_that_may_hold(plan, could)
        for block in plan.blocks:
            alone = bool(could.search("\n".join(plan.lines[block.line - 1:block.end_line])))
            assert (holds(block) and alone) == alone, (could.pattern, block.line)


def test_the_whole_body_search_misses_no_block_of_the_corpus():
    for text in TEXTS:
        _same_leftover_blocks(text)


@settings(PROFILE, max_examples=200)
@given(mutated(TEXTS))
def test_the_whole_body_search_misses_no_block(text):
    _same_leftover_blocks(text)


def test_only_blocks_where_a_match_starts_are_read_line_by_line():
    plan = parse.parse_text("---\ntitle: t\n---\nfirst\n\n- [TODO] second\n\nthird\n")
    holds = structure._blocks_that_may_hold(plan, re.compile(r"\[TODO\]|(?m:^[ -]*third)"))
    assert [holds(block) for block in plan.blocks] == [False, True, True]


def test_a_pattern_that_sees_past_a_block_is_asked_of_every_block():
    plan = parse.parse_text("---\ntitle: t\n---\nfirst\n\nsecond\n")
    for source in (r"x$", r"(?<!\s)first", r"first(?!\n)", r"\Afirst", r"a++", r"^second"):
        holds = structure._blocks_that_may_hold(plan, re.compile(source))
        assert all(holds(block) for block in plan.blocks)
