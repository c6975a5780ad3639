"""Commands that once did something other than what their docs say, each tried as a user
would: usage mistakes are usage errors (exit 2), a config file named with --config works
whatever its name, and each notice is a line of its own."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from gitrepo import commit, git, make_repo, plan, planbook, write

BROKEN = Path(__file__).parent / "golden" / "plans" / "broken.md"


@pytest.fixture
def repo(tmp_path):
    root = make_repo(tmp_path / "repo")
    write(root, "IP-1-retry-queue.md", plan())
    commit(root, "Add the plan", "2026-03-09T10:00:00+00:00")
    return root


def test_stdin_filename_without_stdin_is_a_usage_error(repo):
    proc = planbook(repo, "lint", "--stdin-filename", "plans/IP-1-retry-queue.md")
    assert proc.returncode == 2
    assert "--stdin-filename names the plan read with --stdin" in proc.stderr
    assert proc.stdout == ""


def test_stdin_with_a_path_is_a_usage_error_that_names_the_fix(repo):
    proc = subprocess.run(["planbook", "lint", "--stdin", "plans/IP-1-retry-queue.md"],
                          cwd=repo, input=BROKEN.read_text(), capture_output=True, text=True,
                          env=_env())
    assert proc.returncode == 2
    assert "PATHS (plans/IP-1-retry-queue.md) cannot be given too" in proc.stderr
    assert "--stdin-filename plans/IP-1-retry-queue.md" in proc.stderr


def test_stdin_with_its_filename_lints_standard_input(repo):
    proc = subprocess.run(["planbook", "lint", "--stdin", "--stdin-filename",
                           "plans/IP-1-retry-queue.md", "--select", "FM011"], cwd=repo,
                          input=BROKEN.read_text(), capture_output=True, text=True, env=_env())
    assert proc.returncode == 1
    assert proc.stdout.startswith("plans/IP-1-retry-queue.md:6:10: FM011 [yaml-type-trap]")


@pytest.mark.parametrize("missing", ["nope/", "nope.md", "plans/nope"])
def test_a_path_that_does_not_exist_is_a_usage_error(repo, missing):
    proc = planbook(repo, "lint", missing)
    assert proc.returncode == 2
    assert f"no such file or folder: {missing}" in proc.stderr
    assert "IO001" not in proc.stdout + proc.stderr


def test_a_broken_symlink_named_as_a_path_is_still_a_finding(repo):
    (repo / "plans" / "gone.md").symlink_to(repo / "plans" / "missing-target.md")
    proc = planbook(repo, "lint", "plans/gone.md")
    assert proc.returncode == 1 and "IO001" in proc.stdout


def test_config_names_any_file_holding_a_tool_planbook_table(repo):
    tmp_path = repo  # paths in a config are relative to its folder
    other = tmp_path / "other.toml"
    other.write_text('[project]\nname = "x"\n\n[tool.planbook]\nselect = ["FM011"]\n',
                     encoding="utf-8")
    write(repo, "IP-2-broken.md", BROKEN.read_text())
    proc = planbook(repo, "--config", str(other), "lint", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert {f["code"] for f in json.loads(proc.stdout)} == {"FM011"}
    plain = tmp_path / "plain.toml"
    plain.write_text('select = ["FM011"]\n', encoding="utf-8")
    again = planbook(repo, "lint", "--format", "json", "--config", str(plain))
    assert again.stdout == proc.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('[tool.planbook]\nselekt = ["FM011"]\n', encoding="utf-8")
    proc = planbook(repo, "lint", "--config", str(bad))
    assert proc.returncode == 2 and "selekt" in proc.stderr and "tool: unknown" not in \
        proc.stderr


def test_shallow_clone_notices_are_each_a_line_of_their_own(repo, tmp_path):
    git(repo, "switch", "-q", "-c", "old")
    write(repo, "IP-3-old.md", plan(title='"Old"'))
    commit(repo, "An old branch", "2026-03-10T10:00:00+00:00")
    git(repo, "switch", "-q", "main")
    write(repo, "IP-2-new.md", plan(title='"New"'))
    commit(repo, "Main moves on", "2026-03-11T10:00:00+00:00")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)],
                   check=True, capture_output=True)
    git(clone, "fetch", "-q", "--depth", "1", "origin", "old:old")
    proc = planbook(clone, "lint", "--changed-since", "old")
    notices = [line for line in proc.stderr.splitlines() if line]
    assert len(notices) == 2, proc.stderr
    assert all(line.startswith("planbook: ") for line in notices)
    assert "cannot find where old and HEAD meet" in notices[0]
    assert "this is a shallow clone" in notices[1]


def _env():
    from gitrepo import env

    return env()


def test_fix_diff_exits_zero_on_a_plan_lint_calls_clean(repo):
    """Allowed values in another case are clean to lint, so plain `fix` leaves them; as with
    Ruff's --diff, no change to show is exit 0, a change is exit 1."""
    path = repo / "plans" / "IP-1-retry-queue.md"
    text = path.read_text(encoding="utf-8")
    lowered = text.replace("| High |", "| high |").replace("| Medium |", "| medium |")
    assert lowered != text
    path.write_text(lowered, encoding="utf-8")
    commit(repo, "Lower case", "2026-03-09T11:00:00+00:00")
    assert planbook(repo, "lint").returncode == 0
    proc = planbook(repo, "fix", "--diff")
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    asked = planbook(repo, "fix", "--diff", "--select", "TB004")
    assert asked.returncode == 1 and "| Medium |" in asked.stdout
    assert path.read_text(encoding="utf-8") == lowered  # --diff writes nothing
