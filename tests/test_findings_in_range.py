"""Every finding points at a place in the file: a line it has, a column that line has.

An editor or a code-scanning upload cannot show a finding at line 4 of a 3-line file, so a
finding past the end is as wrong as a false one. Checked on the real-document corpus here
and on generated input in test_properties.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import corpus_output
from conftest import FIXTURES, require_corpus
from invariants import outside
from planbook.config import Config, load_config
from planbook.lint import Linter

require_corpus(module=True)
CORPUS = corpus_output.SHARED
FILES = sorted(CORPUS.rglob("*.md"))
DECLARED = FIXTURES / "doctypes" / "planbook.toml"  # khive's own doc types


def lint(path: Path, config: Config):
    findings, failures = Linter(config, select=["ALL"]).lint_path(str(path))
    assert failures == 0, [f.message for f in findings if f.code == "PB002"]
    return findings


def test_the_corpus_is_all_there():
    assert {p.relative_to(CORPUS).parts[0] for p in FILES} >= {"khive", "madr", "backlog"}
    assert len(FILES) >= 50


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES])
def test_every_corpus_finding_is_inside_its_file(path, fixed_today):
    configs = [Config(root=path.parent)]
    if path.parent == CORPUS / "khive" / "other":
        configs.append(load_config(DECLARED))
    for config in configs:
        assert outside(lint(path, config), path.read_bytes()) == []


def test_a_plan_with_no_body_gets_missing_sections_on_its_last_line(tmp_path, fixed_today):
    path = tmp_path / "IP-1.md"
    path.write_text('---\ntitle: "Only frontmatter"\n---\n', encoding="utf-8")
    findings = lint(path, Config(root=tmp_path))
    assert {(f.code, f.line) for f in findings if f.code == "ST001"} == {("ST001", 3)}
    assert outside(findings, path.read_bytes()) == []


def test_a_missing_checklist_in_a_plan_with_no_body_is_on_its_last_line(tmp_path, fixed_today):
    config = Config(root=tmp_path, types={"CL": {
        "fields": {"title": {"type": "string"}},
        "checklists": [{"section": "Checklist", "items": ["Tests written"]}]}})
    path = tmp_path / "cl.md"
    path.write_text('---\ntitle: "No body"\ndoc_type: CL\n---', encoding="utf-8")
    findings = lint(path, config)
    assert [(f.code, f.line) for f in findings if f.code == "CK001"] == [("CK001", 4)]
    assert outside(findings, path.read_bytes()) == []
