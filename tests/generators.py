"""Hypothesis strategies for hostile plans: the corpus mutated, YAML tricks, raw bytes.

PROFILE keeps every property test reproducible and bounded: examples are derived from the
test itself (derandomize), nothing is stored between runs, and no example has a deadline
(a slow machine must not turn a pass into a flake); each test sets its own max_examples.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / "shared" / "corpus"
CLEAN = (HERE / "fixtures" / "clean.md").read_text(encoding="utf-8")

PROFILE = settings(derandomize=True, database=None, deadline=None, print_blob=False,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                          HealthCheck.large_base_example])


def corpus_texts() -> list[str]:
    """Every corpus plan's text (and the clean example), read once."""
    texts = [CLEAN]
    for path in sorted(CORPUS.rglob("*.md")):
        texts.append(path.read_text(encoding="utf-8"))
    return texts


TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=600)
# characters that move or hide text, or that other tools take for line breaks
INVISIBLE = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2069", "\u200f", "\u200e", "\u061c",
             "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u2028", "\u2029",
             "\x85", "\x0b", "\x0c", "\x1c", "\t", "\x00"]
MUTATIONS = ["delete", "duplicate", "swap", "cut-open", "cut-close", "break-table", "nul",
             "bom", "invisible", "long-line", "blank", "text", "case", "renumber"]


@st.composite
def mutated(draw, texts: list[str]) -> str:
    """A corpus plan with lines deleted, duplicated or swapped, its frontmatter cut, a table
    broken, a line's case or a heading's number changed, NUL, BOM, RTL or zero-width
    characters or a very long line put in, and its line endings changed to CRLF or CR."""
    lines = draw(st.sampled_from(texts)).split("\n")
    for op in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=5)):
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if op == "delete" and lines:
            del lines[at]
        elif op == "duplicate" and lines:
            lines.insert(at, lines[at])
        elif op == "swap" and lines:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif op in ("cut-open", "cut-close"):
            fences = [i for i, line in enumerate(lines) if line.strip() == "---"]
            if fences:
                del lines[fences[0] if op == "cut-open" else fences[min(1, len(fences) - 1)]]
        elif op == "break-table":
            rows = [i for i, line in enumerate(lines) if "|" in line]
            if rows:
                row = draw(st.sampled_from(rows))
                pipes = [i for i, ch in enumerate(lines[row]) if ch == "|"]
                how = draw(st.sampled_from(["drop-pipe", "add-cell", "no-dashes", "escape"]))
                cut = draw(st.sampled_from(pipes))
                if how == "drop-pipe":
                    lines[row] = lines[row][:cut] + lines[row][cut + 1:]
                elif how == "add-cell":
                    lines[row] += " extra | cells |"
                elif how == "no-dashes":
                    lines[row] = lines[row].replace("-", " ")
                else:
                    lines[row] = lines[row][:cut] + "\\" + lines[row][cut:]
        elif op in ("nul", "invisible", "text") and lines:
            piece = {"nul": "\x00", "invisible": draw(st.sampled_from(INVISIBLE)),
                     "text": draw(TEXT)}[op]
            column = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:column] + piece + lines[at][column:]
        elif op == "case" and lines:
            rows = [i for i, line in enumerate(lines) if "|" in line]
            row = draw(st.sampled_from(rows)) if rows and draw(st.booleans()) else at
            lines[row] = draw(st.sampled_from([str.lower, str.upper, str.title]))(lines[row])
        elif op == "renumber":
            numbered = [i for i, line in enumerate(lines) if re.match(r"#+ \d", line)]
            if numbered:
                row = draw(st.sampled_from(numbered))
                lines[row] = re.sub(r"\d+", lambda _: str(draw(st.integers(0, 12))),
                                    lines[row], count=2)
        elif op == "bom":
            lines[0:1] = ["\ufeff" + (lines[0] if lines else "")]
        elif op == "long-line":
            lines.insert(at, draw(st.sampled_from(["x", "| a ", "# ", "- [ ] "]))
                         * draw(st.integers(1_000, 20_000)))
        elif op == "blank":
            lines.insert(at, draw(st.sampled_from(["", " ", "\t", "---", "```", "<!--"])))
    ending = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    return ending.join(lines)


RESERVED = re.compile(r"^[^:#]+:[ \t]+[@`]")
YAML_TRICKS = [
    'title: &t "Anchored title"', "description: *t", "base: &b {status: draft, by: x}",
    "<<: *b", "<<: [*b, *b]", 'status: !!python/object:os.system "true"',
    "obj: !!python/object/apply:os.system [\"true\"]", "tags: !!python/name:os.system",
    'title: "first"', 'title: "again"', "version: 99999999999999999999999999999999999999",
    "version: 1e999", "version: -.inf", "version: .nan", "version: 0x1F", "version: 1_000",
    "created: 2026-02-30", "updated: 2026-13-45", "created: 0000-00-00", "updated: 9999-12-31",
    "created: 2026-06-01T25:61:61", "created: 1e10", "status: !!binary aGVsbG8=",
    "tags: [a, [b, [c, [d, [e]]]]]", "tags: {a: b}", "by: ~", "by: null", "by:",
    "approved: yes", "approved: no", "approved_by: [*t, *t]", "? [complex, key]\n: value",
    '"quoted key": v', "title: >\n  folded\n  text", "title: |\n  literal\n  text",
    "depends_on: !!set {IP-1, IP-2}", "x: !custom tag", "key with spaces: 1", 'title: "open',
    "doc_type: ADR", "doc_type: IP", "doc_type: playbook", "doc_type: [IP]", "doc_type: ip",
    "\ttitle: tab", "%YAML 1.2", "--- # second document", "...", "depends_on: *missing",
    "title: @mara", "title: `cmd`", "title: Fix #12", "version: 1.10", "status: In-Progress",
    "title: " + "a" * 5000, "depends_on: [" + ", ".join(f"IP-{i}" for i in range(300)) + "]",
    "title: \"\\ud800\"", "title: \"\\x00\"", "title: '\u202egnp.exe'", "- a list item",
    "created: 2026-06-01\ncreated: 2026-06-02", "&anchor_only", "*alias_only",
]


@st.composite
def yaml_tricks(draw, texts: list[str]) -> str:
    """Frontmatter made of YAML's traps (anchors, merge keys, python tags, duplicate keys,
    huge numbers, impossible dates), over the body of a corpus plan."""
    front = draw(st.lists(st.sampled_from(YAML_TRICKS), min_size=1, max_size=8))
    # YAML stops at its first syntax error, so fix quotes one `@` or backtick value per pass,
    # and fix_text makes four passes: a fifth such value is left for a second run (a known
    # bug, pinned by test_properties.test_five_values_fix_must_quote). At most four here.
    reserved = [i for i, line in enumerate(front) if RESERVED.match(line)]
    front = [line for i, line in enumerate(front) if i not in reserved[4:]]
    text = draw(st.sampled_from(texts))
    body = text.split("\n---\n", 1)[1] if "\n---\n" in text else text
    return "---\n" + "\n".join(front) + "\n---\n" + body
