"""Plans inside a git submodule, with --changed-since and --staged, in real repositories.

A submodule's files are not in the superproject's index, so a change set read from the
superproject cannot say which of its plans changed. planbook says so on standard error, once
per submodule, with the command that checks them from inside it; it never skips them
silently. A plain `planbook lint` lints them like any other plan."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from gitrepo import add_submodule, commit, git, make_repo, plan, planbook, write

BROKEN = {"version": "1.10", "updated": '"2026-06-01"'}  # FM011 on line 6


def reported(proc) -> dict[str, set[str]]:
    assert proc.returncode in (0, 1), proc.stderr
    out: dict[str, set[str]] = {}
    for f in json.loads(proc.stdout):
        out.setdefault(f["path"], set()).add(f["code"])
    return out


def advice(proc) -> dict[str, str]:
    """Each submodule the notice names → the command it says to run there."""
    found = re.findall(r"the plans in (\S+) were not checked: .*? running `([^`]+)` in \1\.",
                       proc.stderr)
    return dict(found)


@pytest.fixture
def superproject(tmp_path):
    """main holds plan 1 and, at vendor/, a submodule whose own plans/ folder holds plan 9."""
    vendor = make_repo(tmp_path / "vendor-plans")
    write(vendor, "IP-9-vendor.md", plan(title='"Vendor"'))
    commit(vendor, "Add the vendor plan", "2026-03-09T10:00:00+00:00")
    root = make_repo(tmp_path / "repo")
    (root / "planbook.toml").write_text('paths = ["plans", "vendor/plans"]\n')
    write(root, "IP-1-retry-queue.md", plan())
    commit(root, "Add a plan", "2026-03-09T10:00:00+00:00")
    add_submodule(root, vendor, "vendor")
    commit(root, "Add the vendor plans", "2026-03-10T10:00:00+00:00")
    git(root, "switch", "-q", "-c", "feature")
    return root


def test_changed_since_names_a_moved_submodule_and_how_to_check_it(superproject):
    root, inner = superproject, superproject / "vendor"
    start = git(inner, "rev-parse", "HEAD").strip()
    proc = planbook(root, "lint", "--changed-since", "main")
    assert proc.returncode == 0 and proc.stderr == ""  # nothing changed: nothing to say

    write(inner, "IP-9-vendor.md", plan(title='"Vendor"', **BROKEN))
    commit(inner, "Break the vendor plan", "2026-05-01T10:00:00+00:00")
    commit(root, "Move the vendor plans on", "2026-05-01T11:00:00+00:00")
    # a plain lint sees the plan in the submodule
    assert reported(planbook(root, "lint", "--format", "json")) == {
        "vendor/plans/IP-9-vendor.md": {"FM011"}}

    proc = planbook(root, "lint", "--changed-since", "main", "--format", "json")
    assert proc.returncode == 0 and reported(proc) == {}
    assert advice(proc) == {"vendor": f"planbook lint --changed-since {start}"}
    assert proc.stderr.count("\n") == 1 and "--changed-since judges only" in proc.stderr
    # and the advice works: run there, it finds what this run did not check
    command = shlex.split(advice(proc)["vendor"])[1:]
    assert reported(planbook(inner, *command, "--format", "json")) == {
        "plans/IP-9-vendor.md": {"FM011"}}


def test_changed_since_names_a_submodule_with_uncommitted_plans(superproject):
    root, inner = superproject, superproject / "vendor"
    write(root, "IP-1-retry-queue.md", plan(**BROKEN))
    write(inner, "IP-10-new.md", plan(title='"New vendor plan"', version="1.10"))
    proc = planbook(root, "lint", "--changed-since", "main", "--format", "json")
    assert reported(proc) == {"plans/IP-1-retry-queue.md": {"FM011"}}
    [(folder, command)] = advice(proc).items()
    assert folder == "vendor"
    assert reported(planbook(inner, *shlex.split(command)[1:], "--format", "json")) == {
        "plans/IP-10-new.md": {"FM011"}}


def test_staged_names_a_staged_submodule_commit_even_when_git_is_told_to_ignore_it(
        superproject):
    root, inner = superproject, superproject / "vendor"
    start = git(inner, "rev-parse", "HEAD").strip()
    write(inner, "IP-9-vendor.md", plan(title='"Vendor"', **BROKEN))
    commit(inner, "Break the vendor plan", "2026-05-01T10:00:00+00:00")
    proc = planbook(root, "lint", "--staged")
    # the submodule moved, but its new commit is not staged: this commit does not change it
    assert proc.returncode == 0 and proc.stderr == ""

    git(root, "config", "submodule.vendor.ignore", "all")  # hides it from git status and diff
    git(root, "add", "vendor")
    write(root, "IP-1-retry-queue.md", plan(title='"Staged edit"', updated='"2026-06-01"'))
    git(root, "add", "plans")
    proc = planbook(root, "lint", "--staged")
    assert proc.returncode == 0 and proc.stdout == "All checked: 1 file, no problems.\n"
    assert advice(proc) == {"vendor": f"planbook lint --changed-since {start}"}
    assert "--staged judges only" in proc.stderr


def test_a_submodule_added_by_the_change_is_checked_whole_from_inside(tmp_path):
    vendor = make_repo(tmp_path / "vendor-plans")
    write(vendor, "IP-9-vendor.md", plan(title='"Vendor"', **BROKEN))
    commit(vendor, "Add the vendor plan", "2026-03-09T10:00:00+00:00")
    root = make_repo(tmp_path / "repo")
    write(root, "IP-1-retry-queue.md", plan())
    commit(root, "Add a plan", "2026-03-09T10:00:00+00:00")
    add_submodule(root, vendor, "plans/vendor")  # inside the plans folder this time
    proc = planbook(root, "lint", "--staged", "--format", "json")
    assert reported(proc) == {}
    assert advice(proc) == {"plans/vendor": "planbook lint"}
    assert reported(planbook(root / "plans" / "vendor", "lint", "--format", "json")) == {
        "plans/IP-9-vendor.md": {"FM011"}}
