"""`planbook new`: what it writes, what it asks for, and what it refuses to do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planbook import new as scaffold
from planbook.cli import cli
from planbook.config import load_config
from planbook.lint import Linter
from planbook.parse import read_plan

TODAY = "2026-06-01"
OPTIONS = ["--title", "Search index", "--component", "search", "--prd", "Section 4.3",
           "--scope", "Indexing only", "--by", "Ana"]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANBOOK_TODAY", TODAY)
    monkeypatch.chdir(tmp_path)


def run(*args, input=None):
    return CliRunner().invoke(cli, ["new", *args], input=input, catch_exceptions=False)


def lint_codes(path: Path, doc_type: str = "") -> set[str]:
    """The codes lint reports for a new file; `doc_type` as a config's doc-types glob would
    assign it (MADR and Backlog.md files carry no doc_type field of their own)."""
    config = load_config(start=path.parent)
    if doc_type:
        config.doc_types = {"*.md": doc_type}
    linter = Linter(config)
    findings, failures = linter.lint_path(str(path))
    assert failures == 0
    return {f.code for f in findings}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_writes_a_draft_ip_with_its_frontmatter_filled(tmp_path):
    result = run(*OPTIONS)
    assert result.exit_code == 0, result.output
    path = tmp_path / "plans" / "IP-search-index.md"
    assert result.output.startswith("wrote plans/IP-search-index.md (IP, status draft)")
    plan = read_plan(str(path))
    assert plan.parse_findings == []
    assert plan.meta["title"] == "Search index"
    assert plan.meta["status"] == "draft"
    assert plan.meta["created"] == plan.meta["updated"] == TODAY
    assert (plan.meta["component"], plan.meta["prd"], plan.meta["scope"], plan.meta["by"]) == (
        "search", "Section 4.3", "Indexing only", "Ana")
    assert "issue" not in plan.meta  # no --issue: the line is left out, not left empty
    assert "# Implementation Plan: Search index" in plan.text


@pytest.mark.parametrize(("type_name", "name", "status"), [
    ("IP", "IP-search-index.md", "draft"),
    ("playbook", "search-index.md", "draft"),
    ("adr", "ADR-search-index.md", "proposed"),
    ("MADR", "search-index.md", "proposed"),
])
def test_a_fresh_plan_of_each_type_has_only_leftover_template_findings(tmp_path, type_name,
                                                                         name, status):
    assert run(*OPTIONS, "--type", type_name).exit_code == 0
    path = tmp_path / "plans" / name
    assert read_plan(str(path)).status == status
    assert lint_codes(path, type_name if type_name == "MADR" else "") == {"ST005"}


def test_a_title_with_yaml_specials_stays_whole(tmp_path):
    title = 'Retry queue: "hard" cases #41'
    assert run(*[title if v == "Search index" else v for v in OPTIONS]).exit_code == 0
    path = tmp_path / "plans" / "IP-retry-queue-hard-cases-41.md"
    assert read_plan(str(path)).meta["title"] == title
    assert lint_codes(path) == {"ST005"}


def test_never_overwrites(tmp_path):
    existing = write(tmp_path / "plans" / "IP-search-index.md", "my own words\n")
    result = run(*OPTIONS)
    assert result.exit_code == 1
    assert "already exists; planbook new never overwrites" in result.output
    assert existing.read_text(encoding="utf-8") == "my own words\n"


def test_missing_options_without_a_terminal_are_a_usage_error(tmp_path):
    result = run("--title", "Search index", "--by", "Ana")
    assert result.exit_code == 2
    assert "missing --component, --prd, --scope" in result.output
    assert "no terminal to ask in" in result.output
    assert not (tmp_path / "plans").exists()


def test_missing_options_are_asked_for_in_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr(scaffold, "interactive", lambda: True)
    result = run("--title", "Search index", "--by", "Ana",
                 input="search\nSection 4.3\nIndexing only\n")
    assert result.exit_code == 0, result.output
    assert "Component: " in result.output and "PRD section: " in result.output
    plan = read_plan(str(tmp_path / "plans" / "IP-search-index.md"))
    assert plan.meta["scope"] == "Indexing only"


def test_file_name_pattern_from_config_and_issue(tmp_path):
    write(tmp_path / "planbook.toml", 'paths = ["docs/plans"]\n'
          'filename = "IP-{issue}-{slug}.md"\n')
    result = run(*OPTIONS)
    assert result.exit_code == 2
    assert "missing --issue" in result.output
    assert run(*OPTIONS, "--issue", "12").exit_code == 0
    plan = read_plan(str(tmp_path / "docs" / "plans" / "IP-12-search-index.md"))
    assert plan.meta["issue"] == "12"
    bad = run(*OPTIONS, "--issue", "../12")
    assert bad.exit_code == 2 and "cannot be part of a file name" in bad.output


def test_dir_option(tmp_path):
    assert run(*OPTIONS, "--dir", "elsewhere").exit_code == 0
    assert (tmp_path / "elsewhere" / "IP-search-index.md").is_file()


TEAM_TEMPLATE = """---
title: {{title}}
by: {{by}}
created: {{today}}
updated: {{today}}
version: "1.0"
doc_type: {{doc_type}}
description: "Short plan: {{title}}"
status: {{status}}
---

# {{title}}

Written by {{by}}.
"""


def test_a_team_template_from_config_decides_what_is_asked(tmp_path):
    write(tmp_path / "planbook.toml", 'template = "templates/short.md"\n')
    write(tmp_path / "templates" / "short.md", TEAM_TEMPLATE)
    result = run("--title", "Search: index", "--by", "Ana")
    assert result.exit_code == 0, result.output
    plan = read_plan(str(tmp_path / "plans" / "IP-search-index.md"))
    assert plan.meta["title"] == "Search: index"
    assert plan.meta["description"] == "Short plan: Search: index"
    assert plan.lines[-1] == "Written by Ana."
    # --template wins over the configured one
    write(tmp_path / "other.md", TEAM_TEMPLATE.replace("Written by", "Signed"))
    assert run("--title", "Other", "--by", "Ana", "--template", "other.md").exit_code == 0
    assert "Signed Ana." in (tmp_path / "plans" / "IP-other.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("template", "words"), [
    ("---\ntitle: {{title}}\nowner: {{owner}}\n---\n", "unknown template field {{owner}}"),
    ("---\ntitle: {{title}}\nby: [{{by}}\n---\n",
     "does not produce a readable plan: line 4: FM003"),
])
def test_a_broken_team_template_is_a_usage_error_and_writes_nothing(tmp_path, template, words):
    write(tmp_path / "t.md", template)
    result = run("--title", "X", "--by", "Ana", "--template", "t.md")
    assert result.exit_code == 2
    assert words in result.output
    assert not (tmp_path / "plans").exists()


def test_a_missing_template_file_is_a_usage_error():
    result = run(*OPTIONS, "--template", "nope.md")
    assert result.exit_code == 2
    assert "cannot read template nope.md" in result.output


def test_a_team_type_without_a_template_gets_a_skeleton_of_its_declaration(tmp_path):
    write(tmp_path / "planbook.toml", """
[types.decision]
filename = "DEC-{slug}.md"
[types.decision.fields]
title = { type = "string", required = true }
by = { type = "string", required = true }
created = { type = "date", required = true }
doc_type = { type = "string", required = true }
status = { values = ["open", "decided"] }
area = { values = ["api", "storage"], required = true }
[[types.decision.sections]]
title = "Problem"
[[types.decision.sections]]
title = "Outcome"
children = [{ title = "Follow-up" }]
[[types.decision.checklists]]
section = "Follow-up"
items = ["Owners told"]
""")
    result = run("--type", "decision", "--title", "Pick a queue", "--by", "Ana")
    assert result.exit_code == 0, result.output
    path = tmp_path / "plans" / "DEC-pick-a-queue.md"
    plan = read_plan(str(path))
    assert plan.meta == {"title": "Pick a queue", "by": "Ana", "created": TODAY,
                         "doc_type": "decision", "status": "open", "area": "api"}
    assert [s.title for s in plan.sections] == ["Pick a queue", "Problem", "Outcome",
                                                "Follow-up"]
    assert [i.text for i in plan.checklist] == ["Owners told"]
    assert lint_codes(path) == {"ST005"}


def test_unknown_type_and_bad_title_are_usage_errors():
    unknown = run(*OPTIONS, "--type", "RFC")
    assert unknown.exit_code == 2 and "known: ADR, Backlog, IP, MADR, playbook, speckit" in \
        unknown.output
    empty = run(*[("???" if v == "Search index" else v) for v in OPTIONS])
    assert empty.exit_code == 2 and "no letters or digits" in empty.output
    multi = run(*[("a\nb" if v == "Search index" else v) for v in OPTIONS])
    assert multi.exit_code == 2 and "--title must be a single line" in multi.output


@pytest.mark.parametrize(("title", "slug"), [
    ("Search index (v2)", "search-index-v2"),
    ("  Über-Pläne__für  alle ", "über-pläne-für-alle"),
    ("a" * 70 + " tail", "a" * 60),
    ("word " * 20, "-".join(["word"] * 12)),
])
def test_slugify(title, slug):
    assert scaffold.slugify(title) == slug


def test_as_a_subprocess_it_writes_and_never_waits_for_input(tmp_path):
    env = {**os.environ, "PLANBOOK_TODAY": TODAY}
    done = subprocess.run([sys.executable, "-m", "planbook", "new", *OPTIONS],
                          capture_output=True, text=True, env=env, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "plans" / "IP-search-index.md").is_file()
    waiting = subprocess.run([sys.executable, "-m", "planbook", "new", "--title", "Other"],
                             capture_output=True, text=True, env=env, timeout=60,
                             stdin=subprocess.DEVNULL)
    assert waiting.returncode == 2
    assert "missing --component, --prd, --scope, --by" in waiting.stderr


def test_a_type_file_names_its_template_relative_to_itself(tmp_path):
    write(tmp_path / "planbook.toml", 'type-files = ["types/note.yaml"]\n')
    write(tmp_path / "types" / "note.yaml", "name: note\nfilename: NOTE-{issue}.md\n"
          "template-file: note.md\nfields:\n  title: {required: true}\n")
    write(tmp_path / "types" / "note.md", "---\ntitle: {{title}}\ndoc_type: {{doc_type}}\n"
          "---\n\nIssue {{issue}} by {{by}}.\n")
    result = run("--type", "note", "--title", "Cache keys", "--by", "Ana", "--issue", "7")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plans" / "NOTE-7.md").read_text(encoding="utf-8") == (
        '---\ntitle: "Cache keys"\ndoc_type: "note"\n---\n\nIssue 7 by Ana.\n')


def test_a_backlog_task_from_the_preset_is_named_and_dated_like_one(tmp_path):
    result = run("--type", "backlog", "--title", "Replay a dead letter", "--issue", "41")
    assert result.exit_code == 0, result.output
    path = tmp_path / "plans" / "task-41 - replay-a-dead-letter.md"
    plan = read_plan(str(path))
    assert plan.meta["id"] == "task-41" and plan.meta["status"] == "To Do"
    assert plan.meta["created_date"] == TODAY
    # only the [TODO] lines of the template are left
    assert lint_codes(path, "Backlog") == {"ST005"}


@pytest.mark.parametrize("kind", ["spec", "plan", "tasks"])
def test_spec_kit_documents_from_the_presets(tmp_path, kind):
    result = run("--type", f"speckit-{kind}", "--title", "Replay", "--dir", "specs/001-replay")
    assert result.exit_code == 0, result.output
    path = tmp_path / "specs" / "001-replay" / f"{kind}.md"
    plan = read_plan(str(path))
    assert not plan.has_frontmatter and plan.root.children[0].heading.endswith("Replay")
    assert lint_codes(path, f"speckit-{kind}") == {"ST005"}

