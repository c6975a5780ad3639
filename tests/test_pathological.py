"""Inputs built to be slow: each shape is read in one pass and keeps its exact lines.

bench/pathological.py times the same shapes as whole processes; these tests only say what
planbook reports about them.
"""

import random
import re
from pathlib import Path

from click.testing import CliRunner

from planbook.cli import cli
from planbook.parse import MAX_NESTING, parse_text

HEAD = '---\ntitle: "x"\n---\n\n## 1. Overview\n\n'
FIRST = HEAD.count("\n") + 1  # the line each shape starts on


def lint(path: Path, *args: str) -> list[tuple[str, int, int]]:
    """(code, line, column) of every finding `planbook lint` prints for one file."""
    result = CliRunner().invoke(cli, ["lint", "-q", *args, str(path)], catch_exceptions=False)
    found = []
    for row in result.output.splitlines():
        where, _, rest = row.partition(": ")
        *_, line, column = where.split(":")
        found.append((rest.split()[0], int(line), int(column)))
    return found


def nested_list(depth: int) -> str:
    """One checklist item a line, each two spaces further in than the one before."""
    return "".join("  " * level + f"- [ ] level {level + 1}\n" for level in range(depth))


def test_unclosed_links_on_one_long_line_keep_lines_and_columns(lint_text, clean):
    long_line = "[a](" * 10_000 + "> [b](missing.md)"  # no [a]( closes: > then no )
    findings = lint_text(clean + "\n" + long_line + "\n[c](gone.md)\n", select=["RF004"])
    line = clean.count("\n") + 2
    assert [(f.line, f.column, f.message) for f in findings] == [
        (line, 40_003, "link target 'missing.md' does not exist"),
        (line + 1, 1, "link target 'gone.md' does not exist"),
    ]


def test_repeated_plan_keeps_every_line(clean):
    end = clean.index("\n---\n", 3) + len("\n---\n")
    body = clean[end:]
    copies = 40
    one, many = parse_text(clean), parse_text(clean[:end] + body * copies)
    step = body.count("\n")

    def shifted(rows):
        rows = list(rows)
        return [(*rest, line + k * step) for k in range(copies) for *rest, line in rows]

    assert [(s.level, s.number, s.title, s.line) for s in many.sections] == shifted(
        (s.level, s.number, s.title, s.line) for s in one.sections)
    assert [(t.header, t.line) for t in many.tables] == shifted(
        (t.header, t.line) for t in one.tables)
    assert [(r.cells, r.line) for t in many.tables for r in t.rows] == shifted(
        (r.cells, r.line) for t in one.tables for r in t.rows)
    assert [(i.text, i.line) for i in many.checklist] == shifted(
        (i.text, i.line) for i in one.checklist)
    assert [(x.url, x.column, x.line) for x in many.links] == shifted(
        (x.url, x.column, x.line) for x in one.links)
    assert [(c.info, c.line) for c in many.code_blocks] == shifted(
        (c.info, c.line) for c in one.code_blocks)


def test_list_nested_2000_deep_an_item_a_line_is_read():
    plan = parse_text(HEAD + nested_list(2_000))
    assert plan.parse_findings == []
    assert [(b.type, b.line, b.end_line) for b in plan.blocks][-1] == (
        "list", FIRST, FIRST + 1_999)
    assert [(i.line, i.column) for i in plan.checklist] == [
        (FIRST + level, 2 * level + 3) for level in range(2_000)]


def test_quotes_nested_2000_deep_are_read():
    quotes = "".join(">" * depth + f" - [x] quote {depth}\n" for depth in range(1, 2_001))
    plan = parse_text(HEAD + quotes)
    assert plan.parse_findings == []
    assert [(b.type, b.line, b.end_line) for b in plan.blocks][-1] == (
        "block_quote", FIRST, FIRST + 1_999)
    assert [(i.line, i.column) for i in plan.checklist][-1] == (FIRST + 1_999, 2_004)


def test_nesting_up_to_the_limit_is_read_and_past_it_is_one_finding(tmp_path):
    path = tmp_path / "deep.md"
    for unit in ("- ", "> ", "1. ", "> - "):
        levels = len(unit.split())
        at_limit = HEAD + "text\n\n" + unit * (MAX_NESTING // levels) + "item\n"
        assert parse_text(at_limit).parse_findings == [], unit
        path.write_text(at_limit.replace("item", unit + "item"), encoding="utf-8")
        assert lint(path) == [("IO003", FIRST + 2, 1)], unit


def test_ten_thousand_list_markers_on_one_line_are_one_finding(tmp_path):
    path = tmp_path / "deep.md"
    path.write_text(HEAD + "- " * 10_000 + "item\n", encoding="utf-8")
    assert lint(path) == [("IO003", FIRST, 1)]


def test_nesting_counts_the_items_a_line_sits_in(tmp_path):
    path = tmp_path / "deep.md"
    wall = "  " * 10 + "- " * (MAX_NESTING - 9) + "item\n"  # ten items deep, then 7,991 more
    path.write_text(HEAD + nested_list(10) + wall + nested_list(3), encoding="utf-8")
    assert lint(path) == [("IO003", FIRST + 10, 1)]


def test_a_long_rule_inside_a_list_is_not_nesting():
    plan = parse_text(HEAD + "- " + "* " * 500 + "\n- [ ] after\n")
    assert plan.parse_findings == []
    assert [i.line for i in plan.checklist] == [FIRST + 1]


def test_twenty_thousand_headings():
    body = "".join(f"### 1.{n} Part {n}\n\nText of part {n}.\n\n" for n in range(1, 20_001))
    plan = parse_text(HEAD + body)
    overview, *parts = plan.sections
    assert len(parts) == 20_000 and all(s.parent is overview for s in parts)
    assert all(s.line == FIRST + 4 * n and s.end_line == s.line + 3 and s.has_content
               for n, s in enumerate(parts))
    assert plan.section_at(FIRST + 4 * 12_345 + 2) is parts[12_345]
    assert plan.find_section("Part 19999") is parts[19_998]
    assert plan.find_section("part 20000", within=overview) is parts[-1]
    assert plan.find_section("Part 7", within=parts[5]) is None


def test_table_header_then_a_line_of_spaces():
    text = HEAD + "a | b\n" + " " * 40_000 + "x\n\n| c | d |\n| - | - |\n| 1 | 2 |\n"
    plan = parse_text(text)
    assert [(t.header, t.line, [r.line for r in t.rows]) for t in plan.tables] == [
        (["c", "d"], FIRST + 3, [FIRST + 5])]


def test_code_spans_of_falling_width_hide_only_what_they_cover():
    runs = " ".join("`" * width for width in range(280, 0, -1))
    text = HEAD + f"[a](a.md) {runs} [b](b.md)\n`[c](c.md)` ``[d](d.md)` [e](e.md)``\n"
    plan = parse_text(text)
    assert [(x.url, x.line, x.column) for x in plan.links] == [
        ("a.md", FIRST, 1), ("b.md", FIRST, len(runs) + 12)]


def test_many_enables_close_only_their_own_codes():
    disables = "".join(f"<!-- planbook-disable A{n} -->\n\n" for n in range(1_000))
    enables = "".join(f"<!-- planbook-enable B{n} -->\n\n" for n in range(1_000))
    text = HEAD + disables + enables + "<!-- planbook-enable A7 -->\n\n<!-- planbook-enable -->\n"
    plan = parse_text(text)
    enable_a7, enable_all = FIRST + 4_000, FIRST + 4_002
    assert len(plan.suppressions) == 1_000
    assert [(s.codes, s.start, s.end) for s in plan.suppressions[6:9]] == [
        (("A6",), FIRST + 12, enable_all),
        (("A7",), FIRST + 14, enable_a7),
        (("A8",), FIRST + 16, enable_all),
    ]
    assert all(s.end == enable_all for s in plan.suppressions if s.codes != ("A7",))


def test_a_paragraph_of_many_lines_is_one_block():
    plan = parse_text(HEAD + "A paragraph\n" + "    that goes on\n" * 20_000 + "\n## 2. Next\n")
    paragraph = plan.blocks[1]
    assert (paragraph.type, paragraph.line, paragraph.end_line) == (
        "paragraph", FIRST, FIRST + 20_000)
    assert paragraph.text == "A paragraph\n" + "    that goes on\n" * 20_000
    assert [(s.title, s.line) for s in plan.sections] == [
        ("Overview", FIRST - 2), ("Next", FIRST + 20_002)]


def test_a_long_dotted_version_is_judged_at_once(tmp_path):
    path = tmp_path / "version.md"
    path.write_text('---\ntitle: "x"\nversion: "1' + ".1" * 20_000 + '!"\n---\n', encoding="utf-8")
    assert ("FM007", 3, 10) in lint(path, "--select", "FM007")


def test_the_version_pattern_accepts_what_it_accepted_before():
    from planbook.rules.frontmatter import VERSION

    before = re.compile(r"^v?\d+(?:\.\d+)*(?:[-+.][0-9A-Za-z.]+)?$")
    rnd = random.Random(11)
    for _ in range(20_000):
        text = "".join(rnd.choice("v12.-+ax!") for _ in range(rnd.randint(0, 12)))
        assert bool(VERSION.match(text)) == bool(before.match(text)), text


def long_chain(count: int, cycle: bool = False) -> str:
    """A plan of `count` tasks, each depending on the one before, scheduled in that order,
    every task ticked in the checklist; with `cycle`, T-1 depends on the last task too."""
    first_dep = f"T-{count}" if cycle else "None"
    rows = "\n".join(f"| T-{i} | Task {i} | Step {i} | {f'T-{i - 1}' if i > 1 else first_dep} "
                     "| High | Low |" for i in range(1, count + 1))
    bars = "\n".join(f"    Task {i} :t{i}, {f'after t{i - 1}' if i > 1 else '2026-03-10'}, 1d"
                     for i in range(1, count + 1))
    items = "\n".join(f"- [x] T-{i} done" for i in range(1, count + 1))
    return (f'---\ntitle: "x"\nstatus: "done"\n---\n\n## 4. Implementation Tasks\n\n'
            "| ID | Task | Description | Dependencies | Priority | Complexity |\n"
            f"| --- | --- | --- | --- | --- | --- |\n{rows}\n\n## 5. Implementation Sequence\n\n"
            f"```mermaid\ngantt\n    dateFormat YYYY-MM-DD\n{bars}\n```\n\n## 7. Checklist\n\n"
            f"{items}\n")


def test_two_thousand_chained_tasks_are_checked_in_one_pass(tmp_path):
    path = tmp_path / "IP-1-chain.md"
    path.write_text(long_chain(2000), encoding="utf-8")
    assert lint(path, "--select", "SQ,AP003,RF") == []
    path.write_text(long_chain(2000, cycle=True), encoding="utf-8")
    assert lint(path, "--select", "SQ,RF") == [
        ("RF002", 10, 1),  # the cycle, at T-1's row
        ("SQ001", 2016, 1),  # T-1 can start before T-2000 ends
    ]


def test_closures_match_a_walk_from_each_node_on_random_graphs():
    """The one-pass closures of the sequence check give what a walk from each node gives,
    cycles, self-loops and nodes outside the graph included."""
    from planbook.sequence import _closures

    def walk(graph, start):
        seen, todo = set(), list(graph.get(start, []))
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, []))
        return seen

    rng = random.Random(7)
    for _ in range(400):
        nodes = [f"T-{i}" for i in range(rng.randint(1, 12))]
        graph = {n: [rng.choice(nodes + ["T-99"]) for _ in range(rng.randint(0, 3))]
                 for n in nodes}
        assert _closures(graph) == {n: walk(graph, n) for n in graph}, graph
