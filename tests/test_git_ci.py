"""The commands docs/ci.md tells CI to run, run as written on a feature branch of a clone."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
import yaml

from gitrepo import CHECKOUT, commit, env, git, make_repo, plan, write

DOC = (CHECKOUT / "docs" / "ci.md").read_text(encoding="utf-8")
BLOCKS = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", DOC, re.S)]


def _steps(block) -> list[dict]:
    return block["jobs"]["planbook"]["steps"] if "jobs" in block else []


# the workflow in plain steps (the other one uses the action, tested in test_action.py)
PLAIN = next(b for b in BLOCKS if any("planbook lint" in s.get("run", "") for s in _steps(b)))


def github_commands() -> list[str]:
    return [s["run"].replace("${{ github.base_ref }}", "main") for s in _steps(PLAIN)
            if "planbook lint" in s.get("run", "")]


def gitlab_commands() -> list[str]:
    job = next(b for b in BLOCKS if "planbook" in b and "script" in b["planbook"])["planbook"]
    assert job["variables"]["GIT_DEPTH"] == 0
    return [line for line in job["script"] if not line.startswith("pip ")]


def test_the_workflows_are_what_the_docs_promise():
    steps = _steps(PLAIN)
    assert steps[0]["with"]["fetch-depth"] == 0
    assert any('pip install "planbook @ git+' in s.get("run", "") for s in steps)
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    assert any("--format github" in c for c in github_commands())
    assert len(gitlab_commands()) == 3


@pytest.fixture
def clone(tmp_path):
    """A clone, with full history, of a repository whose feature branch breaks one plan."""
    origin = make_repo(tmp_path / "origin")
    write(origin, "IP-1-retry-queue.md", plan())
    write(origin, "IP-2-export.md", plan(title='"Export"', owner="ana"))  # an old warning
    commit(origin, "Plans", "2026-03-09T10:00:00+00:00")
    git(origin, "switch", "-q", "-c", "feature")
    write(origin, "IP-1-retry-queue.md", plan(version="1.10", updated='"2026-05-01"'))
    commit(origin, "Change a plan", "2026-05-01T10:00:00+00:00")
    git(origin, "switch", "-q", "main")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", "--branch", "feature", f"file://{origin}", str(work))
    return work


def sh(command: str, cwd, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env(**extra),
                          capture_output=True, text=True)


def test_github_commands_on_a_feature_branch(clone):
    gate, sarif = github_commands()
    proc = sh(gate, clone)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("::error file=plans/IP-1-retry-queue.md,line=6,col=10,")
    assert "FM011 [yaml-type-trap]" in lines[0]
    assert "IP-2-export.md" not in proc.stdout and proc.stderr == ""
    proc = sh(sarif, clone)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((clone / "planbook.sarif").read_text())
    results = report["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["FM011"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "plans/IP-1-retry-queue.md"


def test_gitlab_commands_on_a_feature_branch(clone):
    fetch, junit, gate = gitlab_commands()
    variables = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
    assert sh(fetch, clone, **variables).returncode == 0
    assert sh(junit, clone, **variables).returncode == 0
    suite = ET.parse(clone / "planbook.xml").getroot()
    failures = [f.get("type") for f in suite.iter("failure")]
    assert failures == ["FM011"]
    proc = sh(gate, clone, **variables)
    assert proc.returncode == 1
    assert "plans/IP-1-retry-queue.md:6:10: FM011" in proc.stdout
    assert proc.stdout.rstrip().endswith("1 file checked.")


def test_a_usage_error_still_fails_the_sarif_step(clone):
    _, sarif = github_commands()
    proc = sh(sarif.replace("origin/main", "origin/no-such-branch"), clone)
    assert proc.returncode != 0 and "no-such-branch" in proc.stderr
