"""`planbook status`: progress, high risks, debt, what was completed, and the next step."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitrepo import commit, git, make_repo, planbook
from planbook import doctypes
from planbook.cli import cli
from planbook.parse import parse_text
from planbook.status import plan_status

DAY = "2026-06-01T10:00:00+00:00"  # the day PLANBOOK_TODAY names in the test environment

PLAN = """---
title: "Search"
doc_type: IP
status: {status}
approved_by: "Kim"
approved: 2026-05-02
---

## 4. Implementation Tasks

| ID  | Task    | Description | Dependencies | Priority | Complexity |{head}
| --- | ------- | ----------- | ------------ | -------- | ---------- |{rule}
| T-1 | Parser  | Parse       | None         | High     | Low        |{s1}
| T-2 | Index   | Index       | T-1          | High     | Low        |{s2}
| T-3 | Docs    | Write docs  | None         | Low      | Low        |{s3}
| T-4 | Search  | Query       | T-2, T-3     | High     | Low        |{s4}

## 8. Implementation Risks and Mitigations

| Risk             | Impact | Likelihood | Mitigation  |{risk_head}
| ---------------- | ------ | ---------- | ----------- |{risk_rule}
| Index too slow   | High   | Low        | Benchmarks  |{r1}
| Parser breaks    | High   | Medium     | Fuzzing     |{r2}
| Docs go stale    | Low    | High       | Doc tests   |{r3}

## 10. Additional Resources

### 10.3 Progress

{items}

### 10.4 Technical Debt

- The index is rebuilt in full on every change.
- None
"""


def status_of(status="in-progress", items="", column=None, risk_status=None):
    cells = {"head": "", "rule": "", "s1": "", "s2": "", "s3": "", "s4": ""}
    if column:
        cells = {"head": " Status |", "rule": " ------ |",
                 **{f"s{i}": f" {v} |" for i, v in enumerate(column, 1)}}
    risks = {"risk_head": "", "risk_rule": "", "r1": "", "r2": "", "r3": ""}
    if risk_status:
        risks = {"risk_head": " Status |", "risk_rule": " ------ |",
                 **{f"r{i}": f" {v} |" for i, v in enumerate(risk_status, 1)}}
    text = PLAN.format(status=status, items=items or "- [ ] Write the docs", **cells, **risks)
    return plan_status(parse_text(text, "plans/IP-1.md"), doctypes.builtin("IP"))


def test_next_step_is_the_first_task_whose_dependencies_are_done():
    found = status_of(items="- [x] T-1 Parser\n- [ ] T-2 Index\n- [ ] T-3 Docs")
    assert (found.tasks_done, found.tasks, found.tasks_tracked) == (1, 4, True)
    assert (found.next_kind, found.next_task, found.next_step) == ("task", "T-2", "T-2 Index")
    assert found.blocked == ["T-4"]
    later = status_of(items="- [x] T-1 Parser\n- [x] T-2 Index\n- [ ] T-3 Docs")
    assert later.next_step == "T-3 Docs"  # T-4 still waits for T-3


def test_a_status_column_marks_tasks_done():
    found = status_of(column=["done", "✅", "Done", "open"])
    assert (found.tasks_done, found.next_step) == (3, "T-4 Search")


def test_task_ids_match_whole_ids_only():
    found = status_of(items="- [x] Finished T-10 and T-1a\n- [ ] T-2")
    assert found.tasks_done == 0 and found.tasks_tracked
    assert status_of(items="- [x] T-1, at last\n- [ ] T-2").tasks_done == 1


def test_without_tracked_tasks_the_next_step_is_the_first_open_item():
    found = status_of(items="- [x] Read the code\n- [ ] Write the parser")
    assert (found.tasks_tracked, found.next_kind, found.next_step) == (
        False, "item", "Write the parser")


@pytest.mark.parametrize(("status", "step"), [
    ("draft", "move the plan to review"),
    ("review", "move the plan to approved, recording approved_by and approved"),
    ("approved", "T-1 Parser"),
])
def test_before_approval_the_next_step_is_approval(status, step):
    assert status_of(status=status, items="- [ ] T-1 Parser").next_step == step


def test_all_tasks_done_leads_to_done_and_done_has_no_next_step():
    items = "- [x] T-1\n- [x] T-2\n- [x] T-3\n- [x] T-4"
    assert status_of(items=items).next_step == "move the plan to done"
    finished = status_of(status="done", items=items)
    assert finished.finished and finished.next_step == ""


def test_open_high_risks_and_technical_debt():
    found = status_of()
    assert [(r.text, r.level) for r in found.high_risks] == [("Index too slow", "High"),
                                                             ("Parser breaks", "High")]
    closed = status_of(risk_status=["Mitigated", "open", "open"])
    assert [r.text for r in closed.high_risks] == ["Parser breaks"]
    assert found.debt == ["The index is rebuilt in full on every change."]


# -- the command ---------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANBOOK_TODAY", "2026-06-01")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "IP-1-search.md").write_text(
        PLAN.format(status="in-progress", items="- [x] T-1 Parser\n- [ ] T-2 Index",
                    head="", rule="", s1="", s2="", s3="", s4="", risk_head="",
                    risk_rule="", r1="", r2="", r3=""), encoding="utf-8")
    (tmp_path / "plans" / "ADR-1-sqlite.md").write_text(
        "---\ntitle: \"Use SQLite\"\ndoc_type: ADR\nstatus: proposed\n---\n", encoding="utf-8")
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, ["status", *args], catch_exceptions=False)


def test_table(project):
    result = run()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == ["Plan", "Type", "Status", "Checklist", "Tasks",
                                             "High risks", "Next step"]
    assert re.split(r"\s{2,}", lines[1]) == [
        "plans/ADR-1-sqlite.md", "ADR", "proposed", "-", "-", "0",
        "move the plan to accepted, recording approved_by and approved"]
    assert re.split(r"\s{2,}", lines[2]) == [
        "plans/IP-1-search.md", "IP", "in-progress", "1/2", "1/4", "2", "T-2 Index"]
    assert "Open high risks:" in lines and "Technical debt:" in lines
    assert "  - plans/IP-1-search.md:22: Index too slow (High)" in lines


def test_markdown_for_a_pull_request(project):
    text = run("--format", "markdown").output
    assert text.startswith("## Plan status\n\n| Plan | Type | Status |")
    assert "| plans/IP-1-search.md | IP | in-progress | 1/2 | 1/4 | 2 | T-2 Index |" in text
    steps = text.split("### Next steps\n\n", 1)[1].splitlines()
    assert "- plans/IP-1-search.md: T-2 Index" in steps


def test_json(project):
    data = json.loads(run("--format", "json", "plans/IP-1-search.md").output)
    assert data["since"] is None and data["completed"] is None
    [entry] = data["plans"]
    assert entry["next_task"] == "T-2" and entry["high_risks"] == ["Index too slow",
                                                                    "Parser breaks"]
    assert entry["debt"] == ["The index is rebuilt in full on every change."]


def test_usage_errors(project, tmp_path):
    assert run("--since", "main").exit_code == 2  # not a repository
    assert "needs a git repository" in run("--since", "main").output
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(str(empty)).exit_code == 2
    (project / "plans" / "dir.md").mkdir()
    result = run("--format", "json", "plans/dir.md", "plans/IP-1-search.md")
    assert result.exit_code == 0
    assert json.loads(result.output)["unreadable"] == [
        "plans/dir.md: is a directory, not a plan file"]


def test_since_an_unknown_ref(tmp_path):
    root = make_repo(tmp_path / "repo")
    (root / "plans" / "a.md").write_text("---\ntitle: a\n---\n", encoding="utf-8")
    commit(root, "a", DAY)
    proc = planbook(root, "status", "--since", "nope")
    assert proc.returncode == 2
    assert "--since nope: no such commit, branch or tag" in proc.stderr


# -- a plan's whole life, across real commits ----------------------------------------------


def fill(text: str) -> str:
    """Write a real plan over every placeholder the template left."""
    text = text.replace('"[TODO] One sentence: what will exist when this plan is done."',
                        '"Full-text search over every plan."')
    text = re.sub(r"\[TODO\] Task", "Build the index", text, count=1)
    text = re.sub(r"\[TODO\] Task", "Answer queries", text, count=1)
    text = re.sub(r"\[TODO\] Task", "Build the index", text, count=1)
    text = re.sub(r"\[TODO\] Task", "Answer queries", text, count=1)
    text = text.replace("[Name]", "Indexing", 1).replace("[Name]", "Querying", 1)
    text = text.replace("[Low/Medium/High]", "Medium")
    text = text.replace("[TODO]", "Written")
    return text


def step(root: Path, text: str, message: str) -> None:
    (root / "plans" / "IP-search-index.md").write_text(text, encoding="utf-8")
    lint = planbook(root, "lint", "--format", "json")
    assert lint.returncode == 0, f"{message}: {lint.stdout}{lint.stderr}"
    assert json.loads(lint.stdout) == [], f"{message}: {lint.stdout}"


def next_step(root: Path) -> dict:
    proc = planbook(root, "status", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    [entry] = json.loads(proc.stdout)["plans"]
    return entry


def bump(text: str, status: str, version: str, *ticks: str) -> str:
    text = re.sub(r'(?m)^status: .*$', f'status: "{status}"', text)
    text = re.sub(r'(?m)^version: .*$', f'version: "{version}"', text)
    for item in ticks:
        text = text.replace(f"- [ ] {item}", f"- [x] {item}")
    return text


def test_a_plan_from_new_to_done_across_commits(tmp_path):
    root = make_repo(tmp_path / "repo")
    made = planbook(root, "new", "--title", "Search index", "--component", "search", "--prd",
                    "Section 4.3", "--scope", "Indexing and queries", "--by", "Ana")
    assert made.returncode == 0, made.stderr
    path = root / "plans" / "IP-search-index.md"
    draft = path.read_text(encoding="utf-8")
    lint = json.loads(planbook(root, "lint", "--format", "json").stdout)
    assert {f["code"] for f in lint} == {"ST005"}  # only the template's placeholders
    assert next_step(root)["next_step"] == "move the plan to review"
    commit(root, "Draft the search plan", DAY)
    first = git(root, "rev-parse", "HEAD").strip()

    text = bump(fill(draft), "draft", "0.2")
    step(root, text, "filled")
    assert next_step(root)["next_step"] == "move the plan to review"
    commit(root, "Write the plan", DAY)

    text = bump(text, "review", "0.2")
    step(root, text, "review")
    assert next_step(root)["next_step"] == (
        "move the plan to approved, recording approved_by and approved")
    commit(root, "Ask for review", DAY)

    # approval without its record is refused, and so is starting work before approval
    unrecorded = bump(text, "approved", "0.4")
    path.write_text(unrecorded, encoding="utf-8")
    codes = {f["code"] for f in json.loads(planbook(root, "lint", "--format", "json").stdout)}
    assert codes == {"AP002"}
    path.write_text(bump(text, "in-progress", "0.4"), encoding="utf-8")
    codes = {f["code"] for f in json.loads(planbook(root, "lint", "--format", "json").stdout)}
    assert "AP004" in codes

    text = bump(text, "approved", "1.0").replace(
        '\n---\n', '\napproved_by: "Kim"\napproved: "2026-06-01"\n---\n', 1)
    step(root, text, "approved")
    entry = next_step(root)
    assert (entry["next_kind"], entry["next_task"]) == ("task", "T-1")
    commit(root, "Approve", DAY)

    text = bump(text, "in-progress", "1.1", "T-1 Build the index")
    step(root, text, "started")
    entry = next_step(root)
    assert (entry["next_task"], entry["tasks_done"], entry["tasks"]) == ("T-2", 1, 2)
    commit(root, "Index built", DAY)

    text = bump(text, "in-progress", "1.2", "T-2 Answer queries")
    step(root, text, "tasks done")
    assert next_step(root)["next_step"] == "move the plan to done"
    commit(root, "Queries answered", DAY)

    text = bump(text, "done", "1.3")
    step(root, text, "done")
    entry = next_step(root)
    assert (entry["finished"], entry["next_step"]) == (True, "")
    commit(root, "Done", DAY)

    since = json.loads(planbook(root, "status", "--since", first, "--format", "json").stdout)
    [done] = since["completed"]
    assert (done["status_before"], done["status_now"]) == ("draft", "done")
    assert done["tasks"] == ["T-1 Build the index", "T-2 Answer queries"]
    assert done["items"] == ["T-1 Build the index", "T-2 Answer queries"]
    table = planbook(root, "status", "--since", first).stdout
    assert f"Completed since {first}:" in table
    assert "  - plans/IP-search-index.md (draft → done)" in table
