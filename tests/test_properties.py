"""Properties of lint and fix on any input: arbitrary bytes and text, mutated corpus plans and
YAML's traps. Whatever comes in, no rule fails (PB002), every finding points inside the file,
the JSON report is valid JSON, and fix loses nothing and has nothing left to do when run again.

The bulk goes through the library; a sample goes through the command line (exit code in
{0, 1, 2}, valid JSON on stdout, no internal error). See generators.PROFILE for the settings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import require_corpus
from generators import CLEAN, PROFILE, TEXT, corpus_texts, mutated, yaml_tricks
from invariants import fix_holds, lint_holds
from planbook.cli import cli
from planbook.config import Config
from planbook.lint import Linter

require_corpus(module=True)
TEXTS = corpus_texts()
PATH = "plans/IP-7-retry-queue.md"
LINTER = Linter(Config(root=os.getcwd()))
LINTER.today = dt.date(2026, 6, 1)


def holds(data: bytes) -> None:
    """Every property, on one file's bytes, through the library."""
    lint_holds(LINTER, data, PATH)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # fix leaves it alone (lint says IO002)
    fix_holds(LINTER, text, PATH)


@settings(PROFILE, max_examples=500)
@given(st.binary(max_size=3000))
@example(b"---\ntitle: x\n---\n")
@example(b"\xef\xbb\xbf---\r\n---\r\n")
@example(b"---\n\x00\n---\n")
def test_any_bytes(data):
    holds(data)


@settings(PROFILE, max_examples=500)
@given(st.one_of(TEXT, st.builds(lambda front, body: f"---\n{front}\n---\n{body}", TEXT, TEXT)))
def test_any_text(text):
    holds(text.encode("utf-8"))


@settings(PROFILE, max_examples=300)
@given(mutated(TEXTS))
def test_mutated_corpus_plans(text):
    lint_holds(LINTER, text.encode("utf-8"), PATH)  # fix on them: test_fix_corpus.py


@pytest.mark.parametrize("text", [
    '---\ntitle: a\u2028\u2028\u2028\u2028\u2028\u2028b\nby: [x\n---\n',
    '---\ntitle: "a\u2028b\u2028c\u2028d\u2028e"\nversion: 1.10\n---\n',
    '---\n# note\x85\x85\x85\x85\ntitle: [x\n---\n',
], ids=["past-the-end", "index-error", "nel-in-comment"])
def test_yaml_only_line_breaks(text):
    """YAML breaks lines at U+0085, U+2028 and U+2029, a plan's lines do not: findings still
    stand on the file's own lines (they once landed past its end, or crashed the run)."""
    holds(text.encode("utf-8"))


@settings(PROFILE, max_examples=150)
@given(yaml_tricks(TEXTS))
@example("---\nbase: &b {title: x}\n<<: *b\ntitle: y\ntitle: z\n---\n" + CLEAN)
def test_yaml_tricks(text):
    holds(text.encode("utf-8"))


def test_five_values_fix_must_quote():
    """YAML reports one syntax error per parse: five values to quote take five passes, and one
    run of fix does them all (it once stopped at four)."""
    front = "".join(f"by{i}: @mara\n" for i in range(5))
    fix_holds(LINTER, f"---\ntitle: x\n{front}---\n", PATH)


def test_the_generators_reach_the_rules():
    """The inputs are hostile but not hopeless: over the mutated corpus and the YAML tricks,
    the main rule families all find something, so the properties hold where rules run."""
    families = set()

    @settings(PROFILE, max_examples=150)
    @given(st.one_of(mutated(TEXTS), yaml_tricks(TEXTS)))
    def collect(text):
        found, _ = LINTER.lint_bytes(text.encode("utf-8"), PATH)
        families.update(f.code[:2] for f in found)

    collect()
    assert {"FM", "ST", "TB", "RF", "SQ"} <= families


@settings(PROFILE, max_examples=60)
@given(st.one_of(mutated(TEXTS), yaml_tricks(TEXTS), st.binary(max_size=2000).map(
    lambda b: b.decode("utf-8", errors="replace"))))
def test_through_the_command_line(text):
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
        os.makedirs("plans")
        with open("planbook.toml", "w", encoding="utf-8") as handle:
            handle.write('paths = ["plans"]\n')
        with open(PATH, "wb") as handle:
            handle.write(text.encode("utf-8"))
        linted = runner.invoke(cli, ["lint", "--format", "json"])
        assert linted.exit_code in (0, 1), (linted.exit_code, linted.output)
        assert isinstance(json.loads(linted.stdout), list)
        fixed = runner.invoke(cli, ["fix"])
        assert fixed.exit_code == 0, fixed.output
        assert "internal error" not in fixed.output and fixed.exception is None
        again = runner.invoke(cli, ["fix", "--diff"])
        assert again.exit_code == 0, again.output  # nothing left to fix
