"""A property of planbook fix over a corpus of real plans: it never loses a key or a body
line, never breaks a file that parsed, and a second run changes nothing; on the plans as they
are, and on mutated copies of every corpus plan (see generators.mutated)."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given, settings

from conftest import require_corpus
from generators import PROFILE, corpus_texts, mutated
from invariants import fix_holds, lost_by_fix
from planbook.config import Config
from planbook.fix import FIXERS, fix_file, write
from planbook.lint import Linter
from planbook.parse import parse_text

CORPUS = require_corpus(module=True)
FILES = sorted(CORPUS.rglob("*.md"))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    linter = Linter(Config(root=root))
    found = []
    for source in FILES:
        target = root / source.relative_to(CORPUS)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
        outcome = fix_file(str(target), linter, set(FIXERS))
        if outcome and outcome.changed:
            write(outcome)
        again = fix_file(str(target), linter, set(FIXERS)) if outcome else None
        found.append((source.name, outcome, again))
    return found


def test_the_corpus_gets_fixed_at_all(outcomes):
    assert sum(1 for _, outcome, _ in outcomes if outcome and outcome.changed) >= 3


@pytest.mark.parametrize("index", range(len(FILES)), ids=[f.name for f in FILES])
def test_fix_keeps_keys_lines_and_parsing(outcomes, index):
    name, outcome, _ = outcomes[index]
    assert outcome is not None, f"{name} could not be read"
    before, after = parse_text(outcome.before, name), parse_text(outcome.after, name)
    assert [k for k in after.fields if k in before.fields] == list(before.fields)
    assert len(after.lines) == len(before.lines)
    headings = {s.line for s in before.sections}
    for number, (old, new) in enumerate(zip(before.lines, after.lines, strict=True), 1):
        if old != new:
            assert number < before.body_start or number in headings, (number, old, new)
    parsed = {code for code, *_ in before.parse_findings}
    assert {code for code, *_ in after.parse_findings} <= parsed
    assert lost_by_fix(outcome.before, outcome.after) == []
    if "FM003" not in parsed and before.fields:
        assert set(after.fields) == set(before.fields)


@pytest.mark.parametrize("index", range(len(FILES)), ids=[f.name for f in FILES])
def test_fixing_twice_changes_nothing(outcomes, index):
    _, outcome, again = outcomes[index]
    assert again is not None and not again.changed and again.edits == []


@pytest.fixture(scope="module")
def linter(tmp_path_factory):
    return Linter(Config(root=tmp_path_factory.mktemp("mutated")))


@settings(PROFILE, max_examples=200)
@given(text=mutated(corpus_texts()))
def test_fix_loses_nothing_on_mutated_plans(linter, text):
    fix_holds(linter, text, "plans/IP-7-mutated.md")
