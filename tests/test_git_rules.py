"""GT rules in real repositories: each rule fails on one history and passes on a near miss."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import FIXTURES
from gitrepo import commit, git, make_repo, plan, planbook, spy_on_git, write
from planbook import changes, gitmeta
from planbook import git as gitmodule
from planbook.parse import parse_bytes
from planbook.rules import all_rules

ADDED = "2026-03-09T10:00:00+00:00"  # the clean plan says created 03-02, updated 03-09


def findings(repo, *args):
    proc = planbook(repo, "lint", "--format", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return [(f["code"], f["line"], f["message"]) for f in json.loads(proc.stdout)], proc


def codes(repo, *args):
    found, _ = findings(repo, *args)
    return {(code, line) for code, line, _ in found}


@pytest.fixture
def repo(tmp_path):
    root = make_repo(tmp_path / "repo")
    write(root, "IP-1-retry-queue.md", plan())
    commit(root, "Add the retry queue plan", ADDED)
    return root


def edit_body(repo, name="IP-1-retry-queue.md", **fields):
    text = plan(**fields).replace("Relay posts signed webhooks", "Relay signs and posts webhooks")
    write(repo, name, text)


def test_every_gt_rule_has_cases_here():
    tested = {"GT001", "GT002", "GT003", "GT004", "GT005", "GT006"}  # 5, 6: test_plan_references
    assert {code for code in all_rules() if code.startswith("GT")} == tested


def test_clean_history_has_no_findings(repo):
    found, proc = findings(repo)
    assert found == [] and proc.stderr == ""


# -- GT001 created-after-first-commit ------------------------------------------------------


def test_gt001_created_after_the_first_commit(tmp_path):
    root = make_repo(tmp_path / "repo")
    write(root, "IP-1-retry-queue.md", plan(created='"2026-03-10"', updated='"2026-03-10"'))
    commit(root, "Add", ADDED)
    found, _ = findings(root)
    assert ("GT001", 4) in {(c, line) for c, line, _ in found}
    assert any("first entered git history on 2026-03-09" in m for *_, m in found)


def test_gt001_passes_on_the_day_of_the_first_commit(tmp_path):
    root = make_repo(tmp_path / "repo")
    write(root, "IP-1-retry-queue.md", plan(created='"2026-03-09"'))
    commit(root, "Add", ADDED)
    assert codes(root) == set()


def test_gt001_a_plan_written_where_one_was_deleted_is_held_to_its_own_commits(
        repo, monkeypatch):
    # the deleted plan's first commit is not the new one's: before the new plan is
    # committed it has no history, and --staged reads none for it
    git(repo, "rm", "-q", "plans/IP-1-retry-queue.md")
    commit(repo, "Drop the plan", "2026-03-20T10:00:00+00:00")
    (repo / "plans").mkdir(exist_ok=True)  # git took the empty folder away
    write(repo, "IP-1-retry-queue.md", plan(created='"2026-06-01"', updated='"2026-06-01"'))
    assert codes(repo) == set()
    git(repo, "add", "plans")
    assert codes(repo, "--staged") == set()
    calls = spy_on_git(monkeypatch)
    monkeypatch.chdir(repo)
    chosen = changes.select(["plans/IP-1-retry-queue.md"], staged=True, history=True,
                            parse=parse_bytes)
    assert chosen.files == ["plans/IP-1-retry-queue.md"]
    assert calls and not [args for args in calls if "log" in args]
    monkeypatch.undo()
    commit(repo, "The plan anew", "2026-06-01T10:00:00+00:00")
    assert codes(repo) == set()


def test_gt001_reads_the_created_role_of_a_backlog_task(tmp_path):
    root = make_repo(tmp_path / "repo")
    (root / "planbook.toml").write_text('[doc-types]\n"plans/*.md" = "Backlog"\n',
                                        encoding="utf-8")
    task = (FIXTURES / "backlog.md").read_text(encoding="utf-8")
    write(root, "task-41.2 - replay.md", task.replace("'2026-03-02 09:15'", "'2026-03-12'")
          .replace("'2026-03-04 17:40'", "'2026-03-12'"))
    commit(root, "Add", ADDED)
    found, _ = findings(root, "--select", "GT001")  # its parent and dependency are not here
    assert [(c, line) for c, line, _ in found] == [("GT001", 7)]
    assert "created_date is 2026-03-12, but the file first entered git history on " \
        "2026-03-09" in found[0][2]


def test_gt001_follows_renames(repo):
    git(repo, "mv", "plans/IP-1-retry-queue.md", "plans/IP-1-webhook-retries.md")
    commit(repo, "Rename", "2026-04-20T10:00:00+00:00")
    text = plan(created='"2026-04-01"', updated='"2026-06-01"')
    write(repo, "IP-1-webhook-retries.md", text)
    commit(repo, "Claim a later creation day", "2026-05-01T10:00:00+00:00")
    found, _ = findings(repo)
    assert any(c == "GT001" and "on 2026-03-09" in m for c, _, m in found)
    write(repo, "IP-1-webhook-retries.md", plan(updated='"2026-06-01"'))
    commit(repo, "Back to the real day", "2026-05-02T10:00:00+00:00")
    assert "GT001" not in {c for c, *_ in findings(repo)[0]}


def test_a_rename_not_yet_committed_is_held_to_the_plans_history(repo):
    # the hook is where a rename with an edit is committed: its history is the old name's,
    # as it is once the rename is committed
    git(repo, "mv", "plans/IP-1-retry-queue.md", "plans/IP-1-webhook-retries.md")
    assert codes(repo, "--staged") == set() == codes(repo)  # a rename alone changes nothing
    write(repo, "IP-1-webhook-retries.md", plan(created='"2026-04-01"'))
    git(repo, "add", "plans")
    expected = {("GT001", 4), ("GT002", 5), ("FM008", 5)}
    for run in (("--staged",), (), ("plans/IP-1-webhook-retries.md",),
                ("--changed-since", "HEAD")):
        found, _ = findings(repo, *run)
        assert {(c, line) for c, line, _ in found} == expected, run
        assert any(c == "GT001" and "on 2026-03-09" in m for c, _, m in found), run
    commit(repo, "Rename and edit", "2026-06-01T10:00:00+00:00")
    found, _ = findings(repo)  # committed: the same day, nothing left uncommitted
    assert {(c, line) for c, line, _ in found} == {("GT001", 4), ("FM008", 5)}
    assert any(c == "GT001" and "on 2026-03-09" in m for c, _, m in found)


# -- GT002 updated-not-bumped --------------------------------------------------------------


def test_gt002_uncommitted_change_without_a_new_updated(repo):
    edit_body(repo)
    found, _ = findings(repo)
    assert ("GT002", 5) in {(c, line) for c, line, _ in found}
    assert any("changed on 2026-06-01" in m and "set it to 2026-06-01" in m
               for *_, m in found)


def test_gt002_passes_when_updated_is_bumped(repo):
    edit_body(repo, updated='"2026-06-01"', version='"1.1"')
    assert codes(repo) == set()


def test_gt002_on_a_branch_uses_the_commit_day(repo):
    git(repo, "switch", "-q", "-c", "feature")
    edit_body(repo, version='"1.1"')
    commit(repo, "Reword the purpose", "2026-05-01T10:00:00+00:00")
    assert codes(repo, "--changed-since", "main") == {("GT002", 5)}
    assert codes(repo) == set()  # without a base, only uncommitted changes are judged
    edit_body(repo, version='"1.1"', updated='"2026-05-01"')
    commit(repo, "Bump updated", "2026-05-01T11:00:00+00:00")
    assert codes(repo, "--changed-since", "main") == set()


def test_gt002_staged_change(repo):
    edit_body(repo, version='"1.1"')
    git(repo, "add", "plans")
    assert codes(repo, "--staged") == {("GT002", 5)}


# -- GT003 version-not-bumped --------------------------------------------------------------


def test_gt003_body_changed_but_not_the_version(repo):
    edit_body(repo, updated='"2026-06-01"')
    found, proc = findings(repo)
    assert {(c, line) for c, line, _ in found} == {("GT003", 6)}
    assert proc.returncode == 0  # a warning
    assert planbook(repo, "lint", "--strict").returncode == 1


def test_gt003_frontmatter_only_or_whitespace_change_is_not_substantive(repo):
    text = plan(updated='"2026-06-01"', status='"review"').replace(
        "## 1. Overview\n", "## 1. Overview   \n\n")
    write(repo, "IP-1-retry-queue.md", text)
    assert codes(repo) == set()


# -- GT004 unknown-plan-dependency ---------------------------------------------------------


def test_gt004_depends_on_a_missing_plan(tmp_path):
    root = make_repo(tmp_path / "repo")  # no commits needed: this rule reads no history
    write(root, "IP-1-retry-queue.md", plan(depends_on='["IP-2", "IP-9-search.md"]'))
    write(root, "IP-2-lint-foundation.md", plan(title='"Lint foundation"'))
    found, _ = findings(root, "plans/IP-1-retry-queue.md")
    assert [(c, line, m) for c, line, m in found] == [
        ("GT004", 12, "depends_on names 'IP-9-search.md', which is not a document here")]


def test_gt004_sees_every_plan_when_given_one_and_block_lists(tmp_path):
    root = make_repo(tmp_path / "repo")
    write(root, "IP-1-retry-queue.md",
          plan(depends_on="\n  - IP-2-lint-foundation\n  - plans/IP-2-lint-foundation.md"))
    write(root, "IP-2-lint-foundation.md", plan(title='"Lint foundation"'))
    assert codes(root, "plans/IP-1-retry-queue.md") == set()


# -- degrading honestly --------------------------------------------------------------------


def test_shallow_clone_says_so_once_and_skips_history_rules(repo, tmp_path):
    write(repo, "IP-2-export.md", plan(title='"Export"', created='"2026-05-20"',
                                       updated='"2026-05-20"'))
    commit(repo, "Add export", "2026-04-01T10:00:00+00:00")  # created later than committed
    assert ("GT001", 4) in codes(repo)
    edit_body(repo)
    commit(repo, "Edit without bumping", "2026-04-02T10:00:00+00:00")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)],
                   check=True, capture_output=True)
    found, proc = findings(clone)
    assert not {c for c, *_ in found} & {"GT001", "GT002", "GT003"}
    assert proc.stderr.count("shallow clone") == 1
    assert "git fetch --unshallow" in proc.stderr and "fetch-depth: 0" in proc.stderr
    write(clone, "IP-2-export.md", plan(title='"Export"', created='"2026-05-20"'))
    found, proc = findings(clone, "--changed-since", "origin/main")
    assert proc.stderr.count("shallow clone") == 1
    assert not {c for c, *_ in found} & {"GT001", "GT002", "GT003"}


def test_outside_a_repository_git_rules_are_skipped_quietly(tmp_path):
    (tmp_path / "plans").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.md").write_text("# Notes\n")
    (tmp_path / "plans" / "IP-1.md").write_text(plan(version="1.10"), encoding="utf-8")
    found, proc = findings(tmp_path)
    assert {c for c, *_ in found} == {"FM011"} and proc.stderr == ""


def test_uncommitted_new_plan_is_skipped_quietly(repo):
    write(repo, "IP-2-export.md", plan(title='"Export"', created='"2026-05-30"',
                                       updated='"2026-05-30"'))
    found, proc = findings(repo)
    assert found == [] and proc.stderr == ""


def test_git_options_outside_a_repository_are_usage_errors(tmp_path):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "IP-1.md").write_text(plan(), encoding="utf-8")
    for option in (["--staged"], ["--changed-since", "main"]):
        proc = planbook(tmp_path, "lint", *option)
        assert proc.returncode == 2 and "needs a git repository" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_unknown_ref_is_a_usage_error(repo):
    proc = planbook(repo, "lint", "--changed-since", "no-such-branch")
    assert proc.returncode == 2 and "no-such-branch" in proc.stderr
    assert "Traceback" not in proc.stderr


# -- a fixed number of git processes ---------------------------------------------------------


def test_history_for_many_plans_takes_a_fixed_number_of_git_processes(repo, monkeypatch):
    for n in range(2, 40):
        write(repo, f"IP-{n}-plan.md", plan(title=f'"Plan {n}"'))
    commit(repo, "Add many", "2026-03-10T10:00:00+00:00")
    for n in range(2, 40, 3):
        edit_body(repo, f"IP-{n}-plan.md")
    calls = []
    real = gitmodule._process

    def spy(args, *rest, **kwargs):
        calls.append(args[3])  # git -C DIR <command>
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(gitmodule, "_process", spy)
    monkeypatch.chdir(repo)
    monkeypatch.setattr(gitmeta, "FEW", 10)  # more plans than that: the folders' history
    paths = sorted(f"plans/{p.name}" for p in (repo / "plans").glob("IP-*.md"))
    chosen = changes.select(paths, history=True, parse=parse_bytes)
    assert sorted(calls) == ["cat-file", "diff", "log", "rev-parse"]
    assert len(chosen.histories) == 39
    few = changes.select(paths[:10], history=True, parse=parse_bytes)
    assert {p: h.first_day for p, h in few.histories.items()} == \
        {p: chosen.histories[p].first_day for p in paths[:10]}
    assert sum(h.base is not None for h in chosen.histories.values()) == 13


def test_staged_histories_are_remembered_and_read_from_the_commits_since(repo):
    # the first --staged run reads the staged plan's history; after a commit, the next one
    # reads only the commits since, and says what a run without the memo says
    edit_body(repo)
    git(repo, "add", "-A")
    first = findings(repo, "--staged")[0]
    assert first == findings(repo, "--staged", "--no-cache")[0]
    memo = [json.loads(part.read_text())
            for part in (repo / ".planbook_cache" / "history").glob("*.json")]
    assert [path for part in memo for path in part["entries"]] == \
        [str((repo / "plans" / "IP-1-retry-queue.md").resolve())]
    commit(repo, "Edit the body", "2026-03-20T10:00:00+00:00")
    write(repo, "IP-1-retry-queue.md", plan(updated="2026-03-20").replace("webhooks", "hooks"))
    git(repo, "add", "-A")
    trace = repo / "trace.txt"
    proc = planbook(repo, "lint", "--format", "json", "--staged", GIT_TRACE=str(trace))
    found = [(f["code"], f["line"], f["message"]) for f in json.loads(proc.stdout)]
    assert found == findings(repo, "--staged", "--no-cache")[0]
    asked = trace.read_text()
    assert "merge-base --is-ancestor" in asked and ".." in asked.split("git log", 1)[-1]
    assert ("GT001", 4) not in {(c, line) for c, line, _ in found}


@pytest.mark.parametrize("reading", [True, False])
def test_what_comes_next_is_done_while_git_still_reads_the_history(repo, monkeypatch, reading):
    """`meanwhile` runs when the history walk is still going, and only then."""
    edit_body(repo)
    git(repo, "add", "-A")
    monkeypatch.chdir(repo)
    monkeypatch.setattr(changes._Walk, "running", lambda self: reading)
    calls = []
    chosen = changes.select(["plans/IP-1-retry-queue.md"], staged=True, history=True,
                            parse=parse_bytes, meanwhile=lambda: calls.append("ready"))
    assert calls == (["ready"] if reading else [])
    assert chosen.histories["plans/IP-1-retry-queue.md"].first_day is not None


def test_what_fails_while_git_reads_is_left_for_the_lint_to_report(monkeypatch):
    from planbook import lint
    from planbook.config import Config

    config = Config()

    def broken(name):
        raise ValueError(f"{name}: broken")

    monkeypatch.setattr(config, "doctype", broken)
    assert lint._prepare(config) is None  # no exception: the lint meets it and says it


def test_plans_configured_outside_the_repository_leave_the_history_of_the_rest_alone(repo):
    """The diff a lint asks for covers the other plans' folders too (for the traceability
    index), but only those git can compare: one outside the repository would fail it."""
    far = repo.parent / "elsewhere"
    far.mkdir()
    (far / "IP-5-far.md").write_text(plan())
    (repo / "planbook.toml").write_text('paths = ["plans", "../elsewhere"]\n')
    git(repo, "add", "planbook.toml")
    commit(repo, "Configure", "2026-03-03T10:00:00+00:00")
    edit_body(repo)
    found = codes(repo, "plans/IP-1-retry-queue.md")
    assert ("GT003", 6) in found, found
    assert found == codes(repo, "--no-cache", "plans/IP-1-retry-queue.md")
