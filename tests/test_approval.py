"""AP rules in real repositories: each fails on one history and passes on a near miss."""

from __future__ import annotations

import json

import pytest

from gitrepo import commit, git, make_repo, plan, planbook, write
from planbook.rules import all_rules

NAME = "IP-1-retry-queue.md"
RECORD = {"approved_by": '"Kim Lee"', "approved": '"2026-03-05"'}


def findings(repo, *args):
    proc = planbook(repo, "lint", "--select", "AP", "--format", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return [(f["code"], f["line"], f["message"]) for f in json.loads(proc.stdout)]


def codes(repo, *args):
    return {(code, line) for code, line, _ in findings(repo, *args)}


def status_line(text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("status:"))


def committed(tmp_path, status: str, record: bool = True):
    """A repository whose last commit holds the plan at `status`."""
    root = make_repo(tmp_path / "repo")
    write(root, NAME, plan(status=status, **(RECORD if record else {})))
    commit(root, f"Plan at {status}")
    return root


def test_every_ap_rule_has_cases_here():
    assert {c for c in all_rules() if c.startswith("AP")} == {"AP001", "AP002", "AP003",
                                                               "AP004"}


# -- AP001 status-transition ---------------------------------------------------------------


def test_ap001_done_cannot_go_back_to_in_progress(tmp_path):
    root = committed(tmp_path, "done")
    text = write(root, NAME, plan(status="in-progress", **RECORD)).read_text()
    assert findings(root) == [(
        "AP001", status_line(text),
        "status went from done (HEAD) to in-progress; from done it may go to abandoned")]


def test_ap001_one_allowed_step_passes(tmp_path):
    root = committed(tmp_path, "approved")
    write(root, NAME, plan(status="in-progress", **RECORD))
    assert findings(root) == []


def test_ap001_against_the_last_commit_steps_are_single(tmp_path):
    root = committed(tmp_path, "approved")
    write(root, NAME, plan(status="done", **RECORD))
    assert {code for code, _ in codes(root)} == {"AP001"}
    write(root, NAME, plan(status="abandoned", **RECORD))  # abandoned is open to every status
    assert findings(root) == []


def test_ap001_in_a_pull_request_several_allowed_steps_pass(tmp_path):
    root = committed(tmp_path, "approved")
    git(root, "switch", "-q", "-c", "feature")
    write(root, NAME, plan(status="in-progress", **RECORD))
    commit(root, "Start")
    write(root, NAME, plan(status="done", **RECORD))
    commit(root, "Finish")
    assert findings(root, "--changed-since", "main") == []


def test_ap001_in_a_pull_request_a_final_status_stays_final(tmp_path):
    root = committed(tmp_path, "done")
    git(root, "switch", "-q", "-c", "feature")
    text = write(root, NAME, plan(status="review", **RECORD)).read_text()
    commit(root, "Reopen")
    assert findings(root, "--changed-since", "main") == [(
        "AP001", status_line(text),
        "status went from done (main) to review; from done it may go to abandoned")]


def test_ap001_without_a_previous_version_says_nothing(tmp_path):
    root = make_repo(tmp_path / "repo")
    write(root, NAME, plan(status="done", **RECORD))  # new, never committed
    assert findings(root) == []
    git(root, "add", "-A")
    assert findings(root) == []  # staged but never committed: still nothing to compare
    outside = tmp_path / "outside"
    (outside / "plans").mkdir(parents=True)
    (outside / "plans" / NAME).write_text(plan(status="done"), encoding="utf-8")
    assert findings(outside) == []


# -- AP002 approval-not-recorded -----------------------------------------------------------


def test_ap002_approving_without_a_record(tmp_path):
    root = committed(tmp_path, "review", record=False)
    text = write(root, NAME, plan(status="approved")).read_text()
    assert findings(root) == [(
        "AP002", status_line(text),
        "status is approved but 'approved_by' and 'approved' are not filled in; record who "
        "approved the plan and when")]


def test_ap002_approving_with_the_record_passes(tmp_path):
    root = committed(tmp_path, "review", record=False)
    write(root, NAME, plan(status="approved", **RECORD))
    assert findings(root) == []


def test_ap002_removing_the_record_is_reported(tmp_path):
    root = committed(tmp_path, "approved")
    write(root, NAME, plan(status="approved", approved_by='""', approved=RECORD["approved"]))
    assert [(c, m.split(" but ")[1][:16]) for c, _, m in findings(root)] == [
        ("AP002", "'approved_by' is")]


def test_ap002_leaves_an_untouched_plan_alone(tmp_path):
    root = committed(tmp_path, "in-progress", record=False)  # from before records were kept
    assert findings(root) == []
    write(root, NAME, plan(status="in-progress").replace("Relay posts", "Relay sends"))
    assert findings(root) == []  # edited, but its status and record did not change


def test_ap002_a_pull_request_adding_an_approved_plan_needs_the_record(tmp_path):
    root = make_repo(tmp_path / "repo")
    write(root, "IP-0-other.md", plan(title='"Other"'))
    commit(root, "Start")
    git(root, "switch", "-q", "-c", "feature")
    write(root, NAME, plan(status="approved"))
    commit(root, "Add an approved plan")
    assert {code for code, _ in codes(root, "--changed-since", "main")} == {"AP002"}
    write(root, NAME, plan(status="approved", **RECORD))
    commit(root, "Record the approval")
    assert findings(root, "--changed-since", "main") == []


# -- AP003 done-with-open-work (no history needed) -----------------------------------------

TASKS = """
## 4. Implementation Tasks

| ID  | Task   | Description | Dependencies | Priority | Complexity |{status_head}
| --- | ------ | ----------- | ------------ | -------- | ---------- |{status_rule}
| T-1 | Parser | Parse plans | None         | High     | Low        |{status_1}
| T-2 | Rules  | Check plans | T-1          | High     | Low        |{status_2}

## 5. Progress

- [{one}] T-1 Parser
- [{two}] T-2 Rules
"""


def tasks_plan(status: str, one: str, two: str, column: tuple[str, str] | None = None) -> str:
    head, rule, first, second = ("", "", "", "") if column is None else (
        " Status |", " ------ |", f" {column[0]} |", f" {column[1]} |")
    return ("---\ntitle: \"Tasks\"\ndoc_type: IP\nstatus: " + status + "\n---\n"
            + TASKS.format(status_head=head, status_rule=rule, status_1=first,
                           status_2=second, one=one, two=two))


def lint_one(tmp_path, text: str, select: str = "AP"):
    (tmp_path / "plans").mkdir(exist_ok=True)
    (tmp_path / "plans" / NAME).write_text(text, encoding="utf-8")
    proc = planbook(tmp_path, "lint", "--select", select, "--format", "json",
                    f"plans/{NAME}")
    assert proc.returncode in (0, 1), proc.stderr
    return [(f["code"], f["line"], f["message"]) for f in json.loads(proc.stdout)]


def test_ap003_done_with_a_task_open_and_one_done_too_early(tmp_path):
    found = lint_one(tmp_path, tasks_plan("done", " ", "x"))
    assert found == [
        ("AP003", 11, "status is done but task T-1 is not done"),
        ("AP003", 12, "task T-2 counts as done but its dependency T-1 is not"),
    ]


def test_ap003_done_with_every_task_done_passes(tmp_path):
    assert lint_one(tmp_path, tasks_plan("done", "x", "x")) == []
    assert lint_one(tmp_path, tasks_plan("in-progress", " ", "x")) == []  # not done yet


def test_ap003_reads_a_status_column(tmp_path):
    text = tasks_plan("done", "x", "x", column=("Done", "Open")).replace(
        "- [x] T-1 Parser\n- [x] T-2 Rules\n", "- [x] Tests written\n")
    assert lint_one(tmp_path, text) == [("AP003", 12, "status is done but task T-2 is not done")]
    assert lint_one(tmp_path, text.replace("| Open |", "| ✅ |")) == []


def test_ap003_leaves_plans_that_do_not_track_tasks_alone(tmp_path):
    text = tasks_plan("done", "x", "x").replace("T-1 Parser\n", "Parser\n").replace(
        "T-2 Rules\n", "Rules\n")
    assert lint_one(tmp_path, text) == []


def test_ck002_unchecked_items_when_done_has_another_name(tmp_path):
    (tmp_path / "planbook.toml").write_text("""
[types.step]
[types.step.fields.status]
values = ["open", "complete"]
[[types.step.checklists]]
section = "Checklist"
[types.step.lifecycle]
initial = "open"
transitions = { open = ["complete"], complete = [] }
from-any = []
approved = []
work = []
done = ["complete"]
requires = {}
""", encoding="utf-8")
    text = "---\ndoc_type: step\nstatus: complete\n---\n\n## Checklist\n\n- [x] A\n- [ ] B\n"
    assert lint_one(tmp_path, text, select="AP,CK") == [
        ("CK002", 3, "status is complete but 1 checklist item is unchecked: line 9: B")]
    assert lint_one(tmp_path, text.replace("- [ ] B", "- [x] B"), select="AP,CK") == []


# -- AP004 work-before-approval ------------------------------------------------------------


def test_ap004_work_started_on_a_plan_in_review(tmp_path):
    root = committed(tmp_path, "review")
    text = write(root, NAME, plan(status="in-progress", **RECORD)).read_text()
    assert findings(root) == [(
        "AP004", status_line(text),
        "status is in-progress, but the plan was review at HEAD and was never approved; "
        "approve it before work starts")]


def test_ap004_work_on_an_approved_plan_passes(tmp_path):
    root = committed(tmp_path, "approved")
    write(root, NAME, plan(status="in-progress", **RECORD))
    assert findings(root) == []


@pytest.mark.parametrize(("base", "reported"), [("draft", True), ("approved", False)])
def test_ap004_in_a_pull_request(tmp_path, base, reported):
    root = committed(tmp_path, base)
    git(root, "switch", "-q", "-c", "feature")
    write(root, NAME, plan(status="done", **RECORD))
    commit(root, "Done in one go")
    found = codes(root, "--changed-since", "main")
    assert ({code for code, _ in found} == {"AP004"}) is reported
    assert (found == set()) is not reported
