"""--changed-since and --staged in real repositories: what gets linted, and from where."""

from __future__ import annotations

import json

import pytest

from gitrepo import commit, git, make_repo, plan, planbook, write

BROKEN = {"version": "1.10"}  # FM011 on line 6


def reported(proc) -> dict[str, set[str]]:
    assert proc.returncode in (0, 1), proc.stderr
    out: dict[str, set[str]] = {}
    for f in json.loads(proc.stdout):
        out.setdefault(f["path"], set()).add(f["code"])
    return out


@pytest.fixture
def branch(tmp_path):
    """main has plans 1-4; the feature branch edits 1, deletes 3, adds 5, leaves 5' untracked.

    Plan 2 links to plan 3 and plan 4 depends on it; plan 2 also has an old warning."""
    root = make_repo(tmp_path / "repo")
    write(root, "IP-1-retry-queue.md", plan())
    write(root, "IP-2-export.md", plan(title='"Export"', owner="ana").replace(
        "(../docs/notes.md)", "(IP-3-import.md)"))
    write(root, "IP-3-import.md", plan(title='"Import"'))
    write(root, "IP-4-sync.md", plan(title='"Sync"', depends_on='["IP-3-import"]'))
    commit(root, "Plans on main", "2026-03-09T10:00:00+00:00")
    git(root, "switch", "-q", "-c", "feature")
    write(root, "IP-1-retry-queue.md", plan(updated='"2026-06-01"', **BROKEN))
    git(root, "rm", "-q", "plans/IP-3-import.md")
    # git may see plan 5 as plan 3 renamed (they share the template): updated is bumped
    write(root, "IP-5-audit.md", plan(title='"Audit"', updated='"2026-06-01"', **BROKEN))
    commit(root, "Feature work", "2026-05-01T10:00:00+00:00")
    write(root, "IP-6-draft.md", plan(title='"Draft"', **BROKEN))  # not committed at all
    return root


def test_changed_since_lints_only_changed_plans_and_reports_links_to_deleted(branch):
    found = reported(planbook(branch, "lint", "--changed-since", "main", "--format", "json"))
    assert found == {
        "plans/IP-1-retry-queue.md": {"FM011"},
        "plans/IP-2-export.md": {"RF004"},  # only the link to the deleted plan, not FM013
        "plans/IP-4-sync.md": {"GT004"},
        "plans/IP-5-audit.md": {"FM011"},
        "plans/IP-6-draft.md": {"FM011"},
    }


def test_changed_since_counts_only_the_changed_plans(branch):
    proc = planbook(branch, "lint", "--changed-since", "main")
    assert proc.stdout.rstrip().endswith("3 files checked.")


def test_changed_since_uses_the_merge_base_not_the_tip_of_main(branch):
    git(branch, "stash", "-q", "--include-untracked")
    git(branch, "switch", "-q", "main")
    write(branch, "IP-7-later.md", plan(title='"Later"', **BROKEN))
    commit(branch, "Main moves on", "2026-05-02T10:00:00+00:00")
    git(branch, "switch", "-q", "feature")
    found = reported(planbook(branch, "lint", "--changed-since", "main", "--format", "json"))
    assert "plans/IP-7-later.md" not in found  # on main only, after the branch point
    assert set(found) >= {"plans/IP-1-retry-queue.md", "plans/IP-5-audit.md"}


def test_nothing_changed_is_clean(branch):
    git(branch, "stash", "-q", "--include-untracked")
    proc = planbook(branch, "lint", "--changed-since", "feature")
    assert proc.returncode == 0
    assert proc.stdout == "All checked: 0 files, no problems.\n"


def test_staged_lints_the_index_not_the_working_tree(tmp_path):
    root = make_repo(tmp_path / "repo")
    write(root, "IP-1-retry-queue.md", plan())
    write(root, "IP-2-export.md", plan(title='"Export"'))
    commit(root, "Plans", "2026-03-09T10:00:00+00:00")
    write(root, "IP-1-retry-queue.md", plan(updated='"2026-06-01"', **BROKEN))
    git(root, "add", "plans/IP-1-retry-queue.md")
    write(root, "IP-1-retry-queue.md", plan(updated='"2026-06-01"'))  # fixed, not staged
    write(root, "IP-2-export.md", plan(title='"Export"', **BROKEN))  # broken, not staged
    proc = planbook(root, "lint", "--staged", "--format", "json")
    assert reported(proc) == {"plans/IP-1-retry-queue.md": {"FM011"}}
    git(root, "add", "plans/IP-1-retry-queue.md")
    proc = planbook(root, "lint", "--staged")
    assert proc.returncode == 0 and proc.stdout == "All checked: 1 file, no problems.\n"


def test_staged_new_plan_in_a_repository_without_commits(tmp_path):
    root = make_repo(tmp_path / "repo")
    write(root, "IP-1-retry-queue.md", plan(**BROKEN))
    git(root, "add", "plans")
    assert reported(planbook(root, "lint", "--staged", "--format", "json")) == {
        "plans/IP-1-retry-queue.md": {"FM011"}}


def test_staged_and_changed_since_together_is_a_usage_error(branch):
    proc = planbook(branch, "lint", "--staged", "--changed-since", "main")
    assert proc.returncode == 2 and "cannot be combined" in proc.stderr
