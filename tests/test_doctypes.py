"""Doc types as data: the shipped ones, a team's own in YAML or TOML, and the corpus proof."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, require_corpus
from planbook import doctypes
from planbook.config import load_config
from planbook.doctypes import DocTypeError, from_data, from_file
from planbook.lint import Linter, lint_paths

HERE = Path(__file__).resolve().parent
TEAM = HERE / "fixtures" / "doctypes"
DOCS = HERE.parent / "docs" / "doctypes.md"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def lint(config, *paths) -> list[tuple[str, int, str]]:
    result = lint_paths([str(p) for p in paths], Linter(config))
    assert result.internal_errors == 0
    return [(Path(f.path).name, f.line, f.code) for f in result.findings]


# -- built-in types ------------------------------------------------------------------------


def test_builtin_types_are_found_by_their_declared_names():
    assert doctypes.builtin_names() == ["ADR", "Backlog", "IP", "MADR", "playbook",
                                        "speckit-plan", "speckit-spec", "speckit-tasks"]
    assert doctypes.builtin("adr").name == "ADR"
    assert doctypes.builtin("Playbook").name == "playbook"
    assert doctypes.builtin("ip") is doctypes.builtin("IP")
    with pytest.raises(DocTypeError, match="no built-in doc type 'TDS'"):
        doctypes.builtin("TDS")


def test_builtin_names_come_from_the_name_key_not_the_file_name(tmp_path, monkeypatch):
    from planbook.docs import write_shipped_doctypes

    write(tmp_path / "first.toml", 'name = "Runbook"\n[[sections]]\ntitle = "Steps"\n')
    write(tmp_path / "second.toml", '# no name here\n[[sections]]\ntitle = "Steps"\n')
    with pytest.raises(DocTypeError, match="second.toml: a built-in doc type needs"):
        write_shipped_doctypes(tmp_path)
    (tmp_path / "second.toml").unlink()
    assert write_shipped_doctypes(tmp_path) == 1
    monkeypatch.setattr(doctypes, "HERE", tmp_path)
    monkeypatch.setattr(doctypes, "_builtin_files", {})
    monkeypatch.setattr(doctypes, "_builtin_cache", {})
    assert doctypes.builtin_names() == ["Runbook"]
    assert doctypes.builtin("runbook").sections[0].title == "Steps"


def test_the_shipped_doc_types_are_read_as_their_toml_files_say_without_reading_toml():
    # `make docs` writes shipped.json from the files, the doc types built; a run reads the
    # JSON alone, and builds from it what the files declare
    assert json.loads((Path(doctypes.HERE) / doctypes.SHIPPED).read_text(encoding="utf-8")) \
        == doctypes.shipped_json()
    for name, entry in doctypes.read_shipped()["doctypes"].items():
        declared = doctypes.from_file(Path(doctypes.HERE) / entry["file"])
        assert doctypes.builtin(name) == declared and repr(doctypes.builtin(name)) == \
            repr(declared), name
    code = ("import sys; from planbook import doctypes; doctypes.builtin('IP'); "
            "print('tomllib' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert run.stdout.strip() == "False", run.stderr


def test_playbook_type_requires_its_checklist_and_sections():
    playbook = doctypes.builtin("playbook")
    titles = [s.title for s in playbook.sections if s.required]
    assert titles == ["Description", "When to Use", "Prerequisites", "Input Required", "Steps",
                      "Checklist"]
    assert playbook.checklists[0].section == "Checklist"
    assert playbook.checklists[0].required
    assert playbook.lifecycle.initial == "draft"


def test_adr_type_statuses_and_lifecycle():
    adr = doctypes.builtin("ADR")
    assert adr.fields["status"].values == ("proposed", "accepted", "superseded", "deprecated")
    assert [s.title for s in adr.sections if s.required] == ["Context", "Decision",
                                                             "Consequences"]
    assert adr.lifecycle.allows("proposed", "accepted")
    assert not adr.lifecycle.allows("proposed", "superseded")
    assert adr.lifecycle.requires["superseded"] == ("approved_by", "approved", "superseded_by")


ADR_TEXT = """---
title: "Store plans as Markdown"
by: "Ana"
created: 2026-05-01
updated: 2026-05-02
doc_type: adr
status: {status}
---

# Store plans as Markdown

## Context

Plans must be reviewed like code.

## Decision

Markdown files with YAML frontmatter, in git.
{consequences}"""


def test_builtin_adr_is_enforced(tmp_path, fixed_today):
    config = load_config(start=tmp_path)
    good = write(tmp_path / "adr" / "ADR-1.md", ADR_TEXT.format(
        status="proposed", consequences="\n## Consequences\n\nReviews happen in pull requests.\n"))
    assert lint(config, good) == []
    bad = write(tmp_path / "adr" / "ADR-2.md", ADR_TEXT.format(status="rejected",
                                                              consequences=""))
    assert lint(config, bad) == [("ADR-2.md", 7, "FM007"), ("ADR-2.md", 9, "ST001")]


PLAYBOOK_TEXT = """---
title: "Search index"
by: "Ana"
created: 2026-05-01
updated: 2026-05-02
doc_type: playbook
status: {status}
component: "search"
prd: "Section 4.3"
scope: "Indexing only"
approved_by: "Kim"
approved: 2026-05-02
---

# Search index

## Description

Build the search index.

## When to Use

When plans must be searchable.

## Prerequisites

- The parser.

## Input Required

- **Component**: search

## Steps

### Before Work Starts

1. Read the parser.

### Doing the Work

1. Write the index.

### After the Work

1. Report.

## Checklist

- [x] Plan approved before work started
- [{mark}] Tests written and passing
- [x] Technical debt recorded
- [x] Report written
"""


def test_a_finished_playbook_step_has_every_checklist_item_checked(tmp_path, fixed_today):
    config = load_config(start=tmp_path)
    done = write(tmp_path / "a.md", PLAYBOOK_TEXT.format(status="done", mark="x"))
    assert lint(config, done) == []
    open_item = write(tmp_path / "b.md", PLAYBOOK_TEXT.format(status="done", mark=" "))
    assert lint(config, open_item) == [("b.md", 7, "CK002")]
    working = write(tmp_path / "c.md", PLAYBOOK_TEXT.format(status="in-progress", mark=" "))
    assert lint(config, working) == []
    missing = write(tmp_path / "d.md", PLAYBOOK_TEXT.format(status="done", mark="x")
                    .replace("- [x] Report written\n", ""))
    assert lint(config, missing) == [("d.md", 47, "CK001")]


# -- a team's own types --------------------------------------------------------------------


def test_a_team_declares_an_adr_like_type_in_config(tmp_path, fixed_today):
    write(tmp_path / "planbook.toml", """
[types.decision]
description = "A decision, briefly."
filename = "DEC-{slug}.md"
[types.decision.fields]
title = { type = "string", required = true }
doc_type = { type = "string", required = true }
status = { values = ["open", "decided"] }
[[types.decision.sections]]
title = "Problem"
[[types.decision.sections]]
title = "Decision"
[types.decision.lifecycle]
initial = "open"
transitions = { open = ["decided"], decided = [] }
from-any = []
approved = ["decided"]
work = []
done = []
requires = { decided = ["decided_by"] }
""")
    config = load_config(start=tmp_path)
    declared = config.load_doctypes()["decision"]
    assert declared.lifecycle.allows("open", "decided")
    plan = write(tmp_path / "plans" / "DEC-x.md", "---\ntitle: \"Pick a queue\"\n"
                 "doc_type: decision\nstatus: open\n---\n\n## Problem\n\nQueues.\n")
    assert lint(config, plan) == [("DEC-x.md", 6, "ST001")]


def test_a_lifecycle_naming_a_status_the_field_forbids_is_an_error():
    with pytest.raises(DocTypeError, match="lifecycle names status finished, which 'status' "
                                           "does not allow"):
        from_data({"name": "X", "fields": {"status": {"values": ["open", "closed"]}},
                   "lifecycle": {"initial": "open", "transitions": {"open": ["finished"]},
                                 "from-any": [], "approved": [], "work": [], "done": [],
                                 "requires": {}}}, "test")


def test_without_a_lifecycle_a_type_with_other_statuses_gets_none():
    declared = from_data({"name": "X", "fields": {"status": {"values": ["open", "closed"]}}},
                         "test")
    assert declared.lifecycle.transitions == {}
    assert declared.lifecycle.requires == {}
    assert declared.lifecycle.initial == "open"
    fits = from_data({"name": "Y", "fields": {"status": {"values": ["draft", "done"]}}}, "test")
    assert fits.lifecycle.allows("draft", "review")


@pytest.mark.parametrize(("text", "words"), [
    ("name: X\nsections: [{title: A, childern: []}]\n", "sections[0].childern: unknown key; "
                                                         "did you mean 'children'?"),
    ("name: X\nlifecycle: {transitions: {draft: review}}\n",
     "lifecycle.transitions.draft: expected a list"),
    ("name: X\nreport: {risk-level: Impact}\n", "report.risk-level: expected a list"),
    ("- just\n- a list\n", "a doc type is a mapping of keys"),
])
def test_yaml_declaration_errors_name_the_file_and_key(tmp_path, text, words):
    path = write(tmp_path / "x.yaml", text)
    with pytest.raises(DocTypeError) as caught:
        from_file(path)
    assert words in str(caught.value)
    assert "x.yaml" in str(caught.value)


# -- the khive corpus, declared without Python ---------------------------------------------


@pytest.mark.usefixtures("corpus_dir")
def test_corpus_tds_and_crr_lint_with_declared_types(fixed_today):
    config = load_config(TEAM / "planbook.toml")
    assert set(config.load_doctypes()) >= {"TDS", "CRR", "IP"}
    other = CORPUS / "other"
    found = lint(config, other / "TDS-100.md", other / "TDS-80.md", other / "CRR-81.md")
    # The template's Guidance block left in both specifications.
    assert ("TDS-100.md", 13, "ST005") in found
    assert ("TDS-80.md", 13, "ST005") in found
    # TDS-80 left out seven of the template's eleven required sections: said once.
    missing = [f for f in found if f[0] == "TDS-80.md" and f[2] == "ST001"]
    assert missing == [("TDS-80.md", 12, "ST001")]
    # CRR-81: an unquoted version, and a description YAML cut at ' #81'.
    assert ("CRR-81.md", 6, "FM011") in found
    assert ("CRR-81.md", 9, "FM012") in found
    # Its links to sibling reports resolve from the wrong folder.
    assert [f[1] for f in found if f[0] == "CRR-81.md" and f[2] == "RF004"] == [33, 35, 37]
    # The review's tables all match their declared columns and ratings.
    assert not [f for f in found if f[2].startswith("TB")]
    assert {f[2] for f in found} <= {"ST001", "ST005", "FM011", "FM012", "RF004"}


@pytest.mark.usefixtures("corpus_dir")
def test_corpus_types_catch_a_bad_rating_and_a_wrong_doc_type(tmp_path, fixed_today):
    config = load_config(TEAM / "planbook.toml")
    text = (CORPUS / "other" / "CRR-81.md").read_text(encoding="utf-8")
    text = text.replace("| `Executor`       | ✅ ", "| `Executor`       | 👍 ", 1)
    text = text.replace("output_subdir: crr", "output_subdir: tds", 1)
    copy = write(tmp_path / "CRR-81.md", text)
    found = lint(config, copy)
    assert ("CRR-81.md", 76, "TB004") in found
    assert ("CRR-81.md", 8, "FM007") in found


# -- the format's documentation ------------------------------------------------------------


def _keys(cls, seen=None) -> set[str]:
    seen = set() if seen is None else seen
    keys = set()
    for item in dataclasses.fields(cls):
        if not item.init:
            continue
        keys.add(item.name.replace("_", "-"))
        hint = cls.__annotations__.get(item.name, "")
        for name in re.findall(r"[A-Z]\w*Spec", str(hint)):
            nested = getattr(doctypes, name)
            if nested not in seen:
                seen.add(nested)
                keys |= _keys(nested, seen)
    return keys


def test_docs_describe_every_key_of_the_format():
    text = DOCS.read_text(encoding="utf-8")
    undocumented = sorted(k for k in _keys(doctypes.DocType) if f"`{k}`" not in text)
    assert undocumented == []


@pytest.fixture
def corpus_dir() -> Path:
    return require_corpus()


# -- keys a type declares instead of a rule being switched off ------------------------------

SPEC = """# Feature Specification: Replay dead letters

**Feature Branch**: `004-replay`
**Created**: 2026-03-02
**Status**: Draft

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Replay one letter (Priority: P1)

_As an operator I put one dead letter back on the queue._

1. **Given** a dead letter, **When** I replay it, **Then** it is due at once.

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: The command MUST replay one letter by its ID.
- **FR-002**: The command MUST refuse an unknown ID.

## Success Criteria *(mandatory)*

- **SC-001**: A replayed letter is sent within one batch.
"""


def lint_as(tmp_path, doc_type: str, text: str, name: str = "doc.md", **config):
    from planbook.config import Config

    path = write(tmp_path / name, text)
    return lint(Config(root=tmp_path, doc_types={"*.md": doc_type}, **config), path)


def test_a_filled_spec_kit_spec_is_clean_and_an_open_question_is_reported(tmp_path,
                                                                          fixed_today):
    assert lint_as(tmp_path, "speckit-spec", SPEC) == []
    open_question = SPEC.replace("by its ID.", "by [NEEDS CLARIFICATION: ID or name?].")
    assert lint_as(tmp_path, "speckit-spec", open_question) == [("doc.md", 19, "ST005")]


def test_spec_kit_tasks_keep_their_p_and_story_tags(tmp_path, fixed_today):
    text = ("# Tasks: Replay\n\n## Phase 1: Setup\n\n- [ ] T001 [P] Create the command\n"
            "- [ ] T002 [US1] Replay one letter\n\n## Dependencies & Execution Order\n\n"
            "Setup first.\n")
    assert lint_as(tmp_path, "speckit-tasks", text) == []
    sample = text.replace("T002 [US1] Replay one letter", "TXXX Security hardening")
    assert lint_as(tmp_path, "speckit-tasks", sample) == [("doc.md", 6, "ST005")]


def declared(tmp_path, toml: str):
    from planbook.config import load_config

    write(tmp_path / "planbook.toml", toml)
    return load_config(tmp_path / "planbook.toml")


NUMBERED = "---\ntitle: T\n---\n\n# T\n\n## 1. A\n\ntext\n\n## 3. B\n\ntext\n"


def test_numbering_can_be_turned_off_for_a_type(tmp_path, fixed_today):
    on = declared(tmp_path, '[types.note]\nfields.title = {}\n[types.note.options]\n'
                            'numbering = true\n[doc-types]\n"*.md" = "note"\n')
    path = write(tmp_path / "n.md", NUMBERED)
    assert lint(on, path) == [("n.md", 11, "ST004")]
    off = declared(tmp_path, '[types.note]\nfields.title = {}\n[types.note.options]\n'
                             'numbering = false\n[doc-types]\n"*.md" = "note"\n')
    assert lint(off, path) == []


def test_sequence_strictness_is_the_types_choice(clean, tmp_path, fixed_today):
    import tomllib

    from planbook.config import Config

    data = tomllib.loads((Path(doctypes.__file__).parent / "ip.toml").read_text("utf-8"))
    data.pop("name")
    text = clean.replace("    Operator command    :t6, after t5, 2d",
                         "    Operator command    :t6, after t5, 2d\n    Release notes :rn, "
                         "after t6, 1d")
    path = write(tmp_path / "IP-7.md", text)
    write(tmp_path / "notes.md", "notes\n")
    codes = {}
    for mode in ("strict", "tasks", "off"):
        data["options"] = {"sequence": mode}
        codes[mode] = lint(Config(root=tmp_path, types={"IP": data}), path)
    line = text.splitlines().index("    Release notes :rn, after t6, 1d") + 1
    assert codes["strict"] == [("IP-7.md", line, "SQ001")]
    assert codes["tasks"] == codes["off"] == []


def test_the_status_role_and_the_lifecycle_field_must_agree():
    with pytest.raises(DocTypeError, match="roles.status is 'state' but lifecycle.field is"):
        from_data({"name": "x", "roles": {"status": "state"},
                   "lifecycle": {"field": "status"}}, "t.toml")
    assert from_data({"name": "x", "roles": {"status": "state"}}, "t").lifecycle.field == "state"


def test_a_bad_section_pattern_is_an_error_naming_it():
    with pytest.raises(DocTypeError, match="invalid regular expression '\\(unclosed'"):
        from_data({"name": "x", "sections": [{"title": "A", "pattern": "(unclosed"}]}, "t")


def test_madr_finds_the_published_templates_placeholders_and_reads_madr_2(tmp_path,
                                                                         fixed_today):
    leftover = ("---\nstatus: proposed\n---\n# {short title of solved problem and solution}\n\n"
                "## Context and Problem Statement\n\n{Describe the context and problem.}\n\n"
                "## Considered Options\n\n* [Option 1](#option-1)\n* {title of option 2}\n\n"
                "## Decision Outcome\n\nChosen option: TBD.\n")
    assert lint_as(tmp_path, "MADR", leftover) == [("doc.md", 4, "ST005"), ("doc.md", 8, "ST005"),
                                                   ("doc.md", 13, "ST005")]
    madr2 = ("# Use plain text\n\n* Status: accepted\n* Date: 2026-01-04\n\n"
             "## Context and Problem Statement\n\nWhich format?\n\n## Considered Options\n\n"
             "* Plain text\n* A wiki\n\n## Decision Outcome\n\nChosen option: \"Plain text\".\n")
    assert lint_as(tmp_path, "MADR", madr2) == []
