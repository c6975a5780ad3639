"""The TR rules' good cases (tests/test_trace.py has the bad ones, end to end), and what they
say without history: outside a repository and in a shallow clone."""

from __future__ import annotations

import json

from gitrepo import commit, git, make_repo, planbook, write
from test_trace import PLAN, TASKS, tracked_plan

ALL_DONE = TASKS.replace("| Open   |", "| Done   |")
TESTS = "".join(f'@pytest.mark.plan("IP-1", "{t}")\ndef test_{t.lower().replace("-", "_")}():'
                "\n    pass\n\n\n" for t in ("UT-1", "UT-2", "UT-3", "UT-4", "UT-5", "IT-1",
                                              "IT-2", "IT-3"))
JUNIT = "<testsuite>" + "".join(
    f'<testcase name="test_{t.lower().replace("-", "_")}"><properties>'
    f'<property name="plan" value="IP-1 {t}"/></properties></testcase>'
    for t in ("UT-1", "UT-2", "UT-3", "UT-4", "UT-5", "IT-1", "IT-2", "IT-3")) + "</testsuite>"


def kept_plan(tmp_path):
    """A done plan whose every task a commit cites, every test is implemented and passed."""
    root = make_repo(tmp_path / "repo")
    (root / "pyproject.toml").write_text('[tool.planbook]\ntests = ["tests/*.py"]\n',
                                         encoding="utf-8")
    write(root, PLAN, tracked_plan('"done"').replace(TASKS, ALL_DONE))
    (root / "tests").mkdir()
    (root / "tests" / "test_all.py").write_text("import pytest\n\n\n" + TESTS,
                                                encoding="utf-8")
    commit(root, "Store and backoff (IP-1 T-1, T-2, T-3)")
    git(root, "commit", "-q", "--allow-empty", "-m", "Loop\n\nPlan: IP-1 T-4, T-5, T-6")
    (root / "results.xml").write_text(JUNIT, encoding="utf-8")
    return root


def tr_codes(root, *args) -> list[tuple[str, int]]:
    proc = planbook(root, "lint", "--format", "json", "--select", "TR", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return [(f["code"], f["line"]) for f in json.loads(proc.stdout)], proc.stderr


def test_a_kept_plan_has_no_tr_findings(tmp_path):
    root = kept_plan(tmp_path)
    assert tr_codes(root, "--junit", "results.xml") == ([], "")
    found = json.loads(planbook(root, "trace", "--format", "json", "--junit",
                                "results.xml").stdout)
    assert {c["state"] for c in found["plans"][0]["criteria"]} == {"met"}
    assert all(t["commits"] for t in found["plans"][0]["tasks"])


def test_history_rules_are_silent_in_a_shallow_clone(tmp_path):
    root = kept_plan(tmp_path)
    git(root, "commit", "-q", "--allow-empty", "-m", "Typo (IP-1 T-77)")
    assert [code for code, _ in tr_codes(root)[0]] == ["TR002"]  # with the whole history
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(shallow))
    (shallow / "results.xml").write_text(JUNIT, encoding="utf-8")
    codes, stderr = tr_codes(shallow, "--junit", "results.xml")
    assert codes == []
    assert "shallow clone" in stderr and "TR001, TR002" in stderr


def test_outside_a_repository_only_the_test_rules_speak(tmp_path):
    root = tmp_path / "plain"
    (root / "plans").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.planbook]\ntests = ["tests/*.py"]\n',
                                         encoding="utf-8")
    (root / "plans" / PLAN).write_text(tracked_plan(), encoding="utf-8")
    codes, _ = tr_codes(root)
    assert {code for code, _ in codes} == {"TR003"}  # no test file implements any plan test
    proc = planbook(root, "trace", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["plans"][0]["tasks"][0]["commits"] == []


def test_bad_junit_is_a_usage_error_not_a_traceback(tmp_path):
    root = kept_plan(tmp_path)
    (root / "broken.xml").write_text("<testsuite><testcase", encoding="utf-8")
    for command in (["lint", "--select", "TR004"], ["trace"]):
        proc = planbook(root, *command, "--junit", "broken.xml")
        assert proc.returncode == 2
        assert "broken.xml:1: not well-formed XML" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_the_site_says_nothing_of_traceability_for_a_team_that_does_not_trace(tmp_path):
    from gitrepo import plan

    root = make_repo(tmp_path / "repo")
    write(root, PLAN, plan())
    commit(root, "Add the plan")
    proc = planbook(root, "site", "export", str(tmp_path / "out"), "--no-diagrams")
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "out" / "plans" / PLAN).read_text(encoding="utf-8")
    assert "## Findings" in page and "Traceability" not in page
    index = (tmp_path / "out" / "plans" / "index.md").read_text(encoding="utf-8")
    assert "Coverage" not in index  # no column of dashes without test results


def test_trace_in_a_shallow_clone_says_why_it_has_no_commits(tmp_path):
    root = kept_plan(tmp_path)
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(shallow))
    proc = planbook(shallow, "trace", "--format", "json")
    assert proc.returncode == 0
    assert "shallow clone, so commits were not read" in proc.stderr
    assert [t["commits"] for t in json.loads(proc.stdout)["plans"][0]["tasks"]] == [[]] * 6
    outside = tmp_path / "plain"
    (outside / "plans").mkdir(parents=True)
    (outside / "plans" / PLAN).write_text(tracked_plan(), encoding="utf-8")
    proc = planbook(outside, "trace", "--since", "main")
    assert proc.returncode == 2
    assert "--since needs a git repository" in proc.stderr


def test_changed_since_judges_only_the_branch_commits(tmp_path):
    root = kept_plan(tmp_path)
    git(root, "commit", "-q", "--allow-empty", "-m", "Old typo (IP-1 T-77)")
    git(root, "checkout", "-q", "-b", "topic")
    plan_file = root / "plans" / PLAN  # --changed-since lints the plans the branch changed
    plan_file.write_text(plan_file.read_text(encoding="utf-8") + "\nMore notes.\n",
                         encoding="utf-8")
    commit(root, "New typo (IP-1 T-88) and IP-5 T-1")
    proc = planbook(root, "lint", "--format", "json", "--select", "TR002")
    assert sorted(f["message"].split(") cites ")[1] for f in json.loads(proc.stdout)) == [
        "IP-1 T-77, but the plan has no task T-77", "IP-1 T-88, but the plan has no task T-88",
        "IP-5 T-1, but there is no plan IP-5"]
    proc = planbook(root, "lint", "--format", "json", "--select", "TR002", "--changed-since",
                    "main")
    assert proc.returncode == 1, proc.stderr
    assert sorted(f["message"].split(") cites ")[1] for f in json.loads(proc.stdout)) == [
        "IP-1 T-88, but the plan has no task T-88", "IP-5 T-1, but there is no plan IP-5"]


def test_tracing_one_plan_knows_the_others(tmp_path):
    from gitrepo import plan

    root = kept_plan(tmp_path)
    write(root, "IP-2-other.md", plan(title='"Other"'))
    commit(root, "Start the other plan (IP-2 T-1)")
    one = json.loads(planbook(root, "trace", "--format", "json", f"plans/{PLAN}").stdout)
    assert [p["id"] for p in one["plans"]] == ["IP-1"]
    assert one["unknown_citations"] == []
    every = json.loads(planbook(root, "trace", "--format", "json").stdout)
    assert [p["id"] for p in every["plans"]] == ["IP-1", "IP-2"]
    assert [c["subject"] for c in every["plans"][1]["tasks"][0]["commits"]] == [
        "Start the other plan (IP-2 T-1)"]


def test_rules_and_explain_say_which_rules_are_off_by_default():
    from click.testing import CliRunner

    from planbook.cli import cli

    listing = CliRunner().invoke(cli, ["rules"]).output.splitlines()
    off = [line.split()[0] for line in listing if line.endswith("(off by default)")]
    assert off == ["TR001"]
    page = CliRunner().invoke(cli, ["explain", "TR001"]).output
    assert page.startswith("TR001 [done-task-without-commit] (default severity: warning; off "
                           "by default)")


def test_the_lint_cache_sees_new_commits_test_files_and_results(tmp_path):
    root = kept_plan(tmp_path)
    junit = ("--junit", "results.xml")
    assert tr_codes(root, *junit)[0] == []
    assert list((root / ".planbook_cache" / "lint").glob("*.json"))  # the second run may use it
    assert tr_codes(root, *junit)[0] == []
    git(root, "commit", "-q", "--allow-empty", "-m", "Typo (IP-1 T-77)")
    assert [code for code, _ in tr_codes(root, *junit)[0]] == ["TR002"]
    (root / "results.xml").write_text(JUNIT.replace(
        '<testcase name="test_it_2">', '<testcase name="test_it_2"><failure/>'),
        encoding="utf-8")
    assert [code for code, _ in tr_codes(root, *junit)[0]] == ["TR002", "TR004"]
    tests = root / "tests" / "test_all.py"
    tests.write_text(tests.read_text(encoding="utf-8").replace('"IP-1", "UT-5"', '"IP-1"'),
                     encoding="utf-8")
    assert [code for code, _ in tr_codes(root)[0]] == ["TR003", "TR002"]


def test_a_pre_commit_lint_of_staged_plans_does_not_judge_old_commits(tmp_path):
    root = kept_plan(tmp_path)
    git(root, "commit", "-q", "--allow-empty", "-m", "Typo (IP-1 T-77)")
    assert [code for code, _ in tr_codes(root)[0]] == ["TR002"]
    path = root / "plans" / PLAN
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    git(root, "add", f"plans/{PLAN}")
    assert tr_codes(root, "--staged") == ([], "")
