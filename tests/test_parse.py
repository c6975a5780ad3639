"""The parser: every line number is a line of the original file."""

import random
import re

from planbook import parse
from planbook.parse import parse_bytes, parse_text

PLAN = """\
---
title: "Search"
version: "1.0"
tags: [a, b]
---

# Implementation Plan: Search

## 1. Overview

Some text with a [link](notes.md) and `[not](a-link.md)`.

### 1.1 Component Purpose

| ID   | Description | Fixtures/Mocks | Assertions |
| ---- | ----------- | -------------- | ---------- |
| UT-1 | parses      | `a|b`          | ok         |
| UT-2 | fails       | none           | error      |

- [x] done item
- [ ] open item
  - [X] nested item

```markdown
- [ ] not a task, inside a fence
| not | a | table |
| --- | - | ----- |
```

## 2. Phases
Text right under.
"""


def test_frontmatter_fields_keep_their_lines():
    plan = parse_text(PLAN, "p.md")
    assert plan.has_frontmatter
    assert (plan.frontmatter_start, plan.frontmatter_end, plan.body_start) == (1, 5, 6)
    assert plan.fields["title"].line == 2
    assert plan.fields["title"].value == "Search"
    assert plan.fields["tags"].line == 4
    assert plan.meta["tags"] == ["a", "b"]


def test_sections_tree_with_numbers_and_lines():
    plan = parse_text(PLAN, "p.md")
    got = [(s.level, s.number, s.title, s.line, s.end_line) for s in plan.sections]
    assert got == [
        (1, "", "Implementation Plan: Search", 7, 31),
        (2, "1", "Overview", 9, 29),
        (3, "1.1", "Component Purpose", 13, 29),
        (2, "2", "Phases", 30, 31),
    ]
    overview = plan.sections[1]
    assert overview.parent is plan.sections[0]
    assert overview.has_content
    assert plan.sections[3].has_content


def test_tables_rows_and_cells():
    plan = parse_text(PLAN, "p.md")
    assert len(plan.tables) == 1
    table = plan.tables[0]
    assert table.line == 15
    assert table.header == ["ID", "Description", "Fixtures/Mocks", "Assertions"]
    assert [(r.line, r.cells[0]) for r in table.rows] == [(17, "UT-1"), (18, "UT-2")]
    assert table.rows[0].cells[2] == "`a|b`"  # a pipe inside code does not split the cell
    assert table.section.number == "1.1"


def test_checklist_items_never_inside_fences():
    plan = parse_text(PLAN, "p.md")
    got = [(i.checked, i.text, i.line) for i in plan.checklist]
    assert got == [(True, "done item", 20), (False, "open item", 21), (True, "nested item", 22)]
    assert plan.progress == (2, 3)


def test_code_blocks_and_links():
    plan = parse_text(PLAN, "p.md")
    assert [(c.info, c.line, c.end_line) for c in plan.code_blocks] == [("markdown", 24, 28)]
    assert [(link.url, link.line, link.column) for link in plan.links] == [("notes.md", 11, 18)]


def test_bom_crlf_and_tabs_keep_lines():
    text = PLAN.replace("\n", "\r\n").replace("Some text", "Some\ttext")
    plan = parse_bytes(b"\xef\xbb\xbf" + text.encode(), "p.md")
    assert plan.fields["title"].line == 2
    assert [s.line for s in plan.sections] == [7, 9, 13, 30]
    assert [r.line for r in plan.tables[0].rows] == [17, 18]
    assert [i.line for i in plan.checklist] == [20, 21, 22]
    assert (plan.links[0].line, plan.links[0].column) == (11, 18)  # a tab is one column


def test_tab_indented_line_is_code_not_text():
    plan = parse_text("---\nt: 1\n---\n\n\t[a](missing.md)\n\n[b](x.md)\n", "p.md")
    assert [(c.line, c.info) for c in plan.code_blocks] == [(5, "")]
    assert [(link.url, link.line) for link in plan.links] == [("x.md", 7)]


def test_no_frontmatter_body_lines_start_at_one():
    plan = parse_text("# Title\n\n## 1. Overview\n\ntext\n", "p.md")
    assert not plan.has_frontmatter
    assert [(s.title, s.line) for s in plan.sections] == [("Title", 1), ("Overview", 3)]
    assert plan.parse_findings[0][0] == "FM001"


def test_setext_heading_and_indented_code_have_lines():
    plan = parse_text("---\nt: 1\n---\nTitle\n=====\n\n    code\n\n## 1. Next\n", "p.md")
    assert [(s.title, s.line) for s in plan.sections] == [("Title", 4), ("Next", 9)]


def test_suppression_comments_are_read():
    text = ("---\ntitle: x  # planbook-disable-next-line FM013\n---\n\n"
            "<!-- planbook-disable TB004, TB005 -->\n\ntext\n\n<!-- planbook-enable -->\n\n"
            "<!-- planbook-disable-next-line RF004 -->\n[a](missing.md)\n")
    plan = parse_text(text, "p.md")
    got = [(s.codes, s.line, s.start, s.end) for s in plan.suppressions]
    assert got == [
        (("TB004", "TB005"), 5, 5, 9),
        (("RF004",), 11, 12, 12),
        (("FM013",), 2, 3, 3),
    ]


def test_duplicate_keys_and_yaml_error_lines():
    plan = parse_text("---\nstatus: draft\ntitle: x\nstatus: done\n---\n", "p.md")
    assert ("FM005", 4, 1) == plan.parse_findings[0][:3]
    assert "first on line 2" in plan.parse_findings[0][3]
    plan = parse_text("---\ntitle: x\nauthor: @me\n---\n", "p.md")
    code, line, column, message = plan.parse_findings[0]
    assert (code, line, column) == ("FM003", 3, 9)
    assert "quote the value" in message


# -- the linear scanners match exactly what the patterns they replace matched ---------------

# The patterns as they were: correct, but quadratic (or worse) on long lines.
LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
SUPPRESS = re.compile(
    r"(?:<!--|#)\s*planbook-(disable-next-line|disable|enable)\b([^>\n]*?)\s*(?:-->|$)")
TASK = re.compile(r"^(\s*(?:>\s*)*(?:[-*+]|\d+[.)])\s+)\[([ xX])\](?:\s+|$)(.*)$")
DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
CODE_FENCE = re.compile(r"^\s*(?:>\s*)*(?:[-*+]\s+|\d+[.)]\s+)?(`{3,}|~{3,})")


def random_lines(alphabet, longest, count=4000, seed=7):
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, longest)))
            for _ in range(count)]


def blanked(text):
    return CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)


def test_code_spans_are_blanked_as_the_pattern_did():
    for text in random_lines("``` a", 30) + random_lines("`a ", 12):
        assert parse._blank_code_spans(text) == blanked(text), text


def test_links_are_found_as_the_pattern_found_them():
    for text in random_lines("[]()!<>`\"' ax\t", 24) + random_lines("[[]](()<>`\"' a", 40):
        old = [(m.group(1), m.group(2), m.start()) for m in LINK.finditer(blanked(text))]
        assert list(parse._links_in(text)) == old, text


def test_suppression_comments_are_read_as_the_pattern_read_them():
    words = ["<!--", "-->", "#", " ", "planbook-", "disable", "enable", "-next-line", ">", "-",
             "A1", ",", "s"]
    rnd = random.Random(3)
    for _ in range(4000):
        text = "".join(rnd.choice(words) for _ in range(rnd.randint(0, 10)))
        old = [(m.group(1), m.group(2).strip()) for m in SUPPRESS.finditer(text)]
        new = [(action, codes.strip()) for action, codes in parse._suppression_comments(text)]
        assert new == old, text


def test_possessive_patterns_match_what_the_plain_ones_did():
    for old, new, alphabet in [(TASK, parse.TASK, " \t>-*+1.)[]xX a"),
                               (DELIMITER_ROW, parse.DELIMITER_ROW, " \t|:-x"),
                               (CODE_FENCE, parse.CODE_FENCE, " \t>-*+1.)`~a")]:
        for text in random_lines(alphabet, 14):
            a, b = old.match(text), new.match(text)
            assert (a and a.groups()) == (b and b.groups()), (new.pattern, text)


# -- section lookups -----------------------------------------------------------------------

SECTIONS = """\
# Plan
## 1. Overview
### 1.1 Purpose
### External Libraries (pinned)
## 2. Tasks & Risks
### 2.1 Purpose
#### Deep
## 3. External Libraries
"""


def test_find_section_matches_loosely_and_in_order():
    plan = parse_text(SECTIONS)
    title, overview, purpose, libraries, tasks, purpose2, deep, libraries2 = plan.sections
    assert plan.find_section("purpose") is purpose
    assert plan.find_section("Purpose", within=tasks) is purpose2
    assert plan.find_section("Deep", within=overview) is None
    assert plan.find_section("deep", within=title) is deep
    assert plan.find_section("External Libraries") is libraries
    assert plan.find_section("External Libraries", within=tasks) is None
    assert plan.find_section("external libraries (pinned)") is libraries
    assert plan.find_section("Tasks and Risks") is tasks
    assert plan.find_section("Purpose", within=deep) is None
    assert [s.title for s in plan.root.walk()] == [s.title for s in plan.sections]


def test_section_lookups_follow_a_new_section_list():
    plan = parse_text(SECTIONS)
    assert plan.section_at(3).title == "Purpose"
    deep = plan.find_section("Deep")
    assert plan.section_at(7) is deep
    deep.parent.children.remove(deep)
    plan.section_list = list(plan.root.walk())
    assert plan.section_at(7).number == "2.1"
    assert plan.find_section("Deep") is None
