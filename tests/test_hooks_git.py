"""The plain git hook and `planbook hooks install`, in real repositories with real commits."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from gitrepo import CHECKOUT, commit, env, git, make_repo, plan, planbook, write
from planbook.hooks import PRE_COMMIT


def test_the_shipped_hook_is_the_one_installed():
    assert (CHECKOUT / "hooks" / "pre-commit").read_text(encoding="utf-8") == PRE_COMMIT
    assert os.access(CHECKOUT / "hooks" / "pre-commit", os.X_OK)


@pytest.fixture
def repo(tmp_path):
    root = make_repo(tmp_path / "repo")
    write(root, "IP-1-retry-queue.md", plan())
    commit(root, "Add the plan", "2026-03-09T10:00:00+00:00")
    return root


def try_commit(repo):
    return subprocess.run(["git", "commit", "-qm", "Change the plan"], cwd=repo, env=env(),
                          capture_output=True, text=True)


def test_install_then_the_hook_refuses_a_broken_staged_plan(repo):
    proc = planbook(repo, "hooks", "install")
    assert proc.returncode == 0 and "installed planbook's pre-commit hook" in proc.stdout
    hook = repo / ".git" / "hooks" / "pre-commit"
    assert hook.read_text() == PRE_COMMIT and os.access(hook, os.X_OK)

    write(repo, "IP-1-retry-queue.md", plan(version="1.10", updated='"2026-06-01"'))
    git(repo, "add", "plans")
    # the working tree is fixed but not staged: the hook must judge what is committed
    write(repo, "IP-1-retry-queue.md", plan(version='"1.10"', updated='"2026-06-01"'))
    refused = try_commit(repo)
    assert refused.returncode == 1
    # git passes the hook's output on as its own standard error
    assert "plans/IP-1-retry-queue.md:6:10: FM011 [yaml-type-trap]" in refused.stderr
    assert git(repo, "log", "--format=%s").splitlines() == ["Add the plan"]

    git(repo, "add", "plans")
    accepted = try_commit(repo)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert git(repo, "log", "-1", "--format=%s").strip() == "Change the plan"


def test_commits_without_plans_pass_the_hook(repo):
    planbook(repo, "hooks", "install")
    (repo / "README.md").write_text("hello\n")
    git(repo, "add", "README.md")
    assert try_commit(repo).returncode == 0


def test_install_twice_is_harmless(repo):
    planbook(repo, "hooks", "install")
    again = planbook(repo, "hooks", "install")
    assert again.returncode == 0 and "already planbook's pre-commit hook" in again.stdout


def test_an_existing_hook_is_never_replaced_silently(repo):
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho team hook\n")
    proc = planbook(repo, "hooks", "install")
    assert proc.returncode == 1
    assert "already exists" in proc.stderr and "--force" in proc.stderr
    assert hook.read_text() == "#!/bin/sh\necho team hook\n"
    forced = planbook(repo, "hooks", "install", "--force")
    assert forced.returncode == 0, forced.stderr
    assert hook.read_text() == PRE_COMMIT
    assert hook.with_name("pre-commit.bak").read_text() == "#!/bin/sh\necho team hook\n"


def test_hooks_path_points_git_at_a_versioned_folder(repo):
    (repo / "hooks").mkdir()
    (repo / "hooks" / "pre-commit").write_text(PRE_COMMIT)
    (repo / "hooks" / "pre-commit").chmod(0o755)
    proc = planbook(repo, "hooks", "install", "--hooks-path", "hooks")
    assert proc.returncode == 0 and "set core.hooksPath to hooks" in proc.stdout
    assert git(repo, "config", "core.hooksPath").strip() == "hooks"
    write(repo, "IP-1-retry-queue.md", plan(version="1.10", updated='"2026-06-01"'))
    git(repo, "add", "plans")
    assert try_commit(repo).returncode == 1


def test_hooks_path_refuses_to_switch_off_existing_hooks(repo):
    (repo / "hooks").mkdir()
    (repo / "hooks" / "pre-commit").write_text(PRE_COMMIT)
    (repo / ".git" / "hooks" / "commit-msg").write_text("#!/bin/sh\n")
    proc = planbook(repo, "hooks", "install", "--hooks-path", "hooks")
    assert proc.returncode == 1 and "commit-msg" in proc.stderr
    assert subprocess.run(["git", "config", "core.hooksPath"], cwd=repo, env=env(),
                          capture_output=True).returncode == 1  # still unset


def test_outside_a_repository_install_says_so(tmp_path):
    proc = planbook(tmp_path, "hooks", "install")
    assert proc.returncode == 1 and "not in a git repository" in proc.stderr


def test_hooks_path_in_a_fresh_repository_writes_the_hook_then_points_git_at_it(tmp_path):
    repo = make_repo(tmp_path / "fresh")
    (repo / "plans" / "sub").mkdir()
    proc = planbook(repo / "plans" / "sub", "hooks", "install", "--hooks-path", "hooks")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "wrote planbook's pre-commit hook to hooks/pre-commit (commit it, so everyone who "
        "clones gets it)", "set core.hooksPath to hooks"]
    hook = repo / "hooks" / "pre-commit"  # beside .git, where git looks for it
    assert hook.read_text() == PRE_COMMIT and os.access(hook, os.X_OK)
    assert git(repo, "config", "core.hooksPath").strip() == "hooks"
    write(repo, "IP-1-retry-queue.md", plan(version="1.10"))
    git(repo, "add", "plans")
    assert try_commit(repo).returncode == 1
    again = planbook(repo, "hooks", "install", "--hooks-path", "hooks")
    assert again.stdout == "core.hooksPath is already hooks\n"


def test_a_team_hook_in_the_hooks_folder_is_kept(repo):
    (repo / "hooks").mkdir()
    (repo / "hooks" / "pre-commit").write_text("#!/bin/sh\nexit 0\n")
    proc = planbook(repo, "hooks", "install", "--hooks-path", "hooks")
    assert proc.returncode == 0 and proc.stdout == "set core.hooksPath to hooks\n"
    assert (repo / "hooks" / "pre-commit").read_text() == "#!/bin/sh\nexit 0\n"


def test_the_hook_shows_a_blocking_error_with_a_summary_among_warnings(repo):
    """A fresh `planbook new` plan has dozens of warnings (sections to fill in); with one
    error added, the summary counts it and the hook's last line says why it refused."""
    planbook(repo, "hooks", "install")
    made = planbook(repo, "new", "--title", "Search API", "--component", "search", "--prd",
                    "Section 4.3", "--scope", "query endpoint", "--by", "ana")
    assert made.returncode == 0, made.stderr
    path = repo / "plans" / "IP-search-api.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^version: .*$", "version: 1.10", text, count=1),
                    encoding="utf-8")
    git(repo, "add", "plans")
    refused = try_commit(repo)
    assert refused.returncode == 1
    lines = refused.stderr.splitlines()
    assert sum(" [yaml-type-trap] " in line for line in lines) == 1
    summary = next(line for line in lines if line.startswith("Found "))
    assert re.match(r"Found \d+ problems \(1 error, \d+ warnings\) in 1 file", summary)
    assert lines[-1].startswith("planbook pre-commit hook: commit refused for the errors")


def test_the_hook_without_planbook_says_how_to_install_it(repo):
    hook = repo / "hooks.sh"
    hook.write_text(PRE_COMMIT)
    proc = subprocess.run(["/bin/sh", str(hook)], cwd=repo, capture_output=True, text=True,
                          env={**env(), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 1
    assert 'pip install "planbook @ git+URL@TAG"' in proc.stderr
    assert "pip install planbook " not in proc.stderr and "--no-verify" in proc.stderr
