"""The pre-commit framework path, end to end: a real repository, real commits, real hooks."""

from __future__ import annotations

import subprocess

import pytest
import yaml

from gitrepo import BIN, CHECKOUT, commit, env, git, make_repo, plan, write

PRE_COMMIT = BIN / "pre-commit"
if not PRE_COMMIT.exists():  # the dev extra installs it; say so rather than skip
    pytest.fail("pre-commit is not installed: pip install -e '.[dev]'", pytrace=False)


def manifest() -> dict:
    hooks = yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return next(h for h in hooks if h["id"] == "planbook")


def test_manifest_and_project_config_are_valid():
    for command, name in (("validate-manifest", ".pre-commit-hooks.yaml"),
                          ("validate-config", ".pre-commit-config.yaml")):
        proc = subprocess.run([str(PRE_COMMIT), command, name], cwd=CHECKOUT,
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    hook = manifest()
    assert hook["entry"] == "planbook lint"
    assert hook["language"] == "python"
    assert hook["require_serial"] is True and hook["pass_filenames"] is True
    assert hook["files"] == r"^plans/.*\.md$"


def test_project_config_runs_planbook_on_plans_and_ruff_on_code():
    config = yaml.safe_load((CHECKOUT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert hooks["planbook"]["entry"].startswith("planbook lint")
    assert hooks["planbook"]["files"] == manifest()["files"]
    assert hooks["ruff"]["entry"].startswith("ruff")


@pytest.fixture
def repo(tmp_path):
    """A repository with pre-commit installed, running the manifest's hook from this checkout.

    The hook is the manifest's own entry, file pattern and options; only `language` becomes
    `system`, so pre-commit runs the planbook already installed instead of building an
    environment from the network.
    """
    root = make_repo(tmp_path / "repo")
    hook = {**manifest(), "language": "system"}
    hook.pop("minimum_pre_commit_version", None)
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    write(root, "IP-1-retry-queue.md", plan())
    commit(root, "Add the retry queue plan")
    proc = subprocess.run([str(PRE_COMMIT), "install"], cwd=root, capture_output=True,
                          text=True, env=env(PRE_COMMIT_HOME=str(tmp_path / "cache")))
    assert proc.returncode == 0, proc.stderr
    return root


def try_commit(repo, tmp_path, message):
    git(repo, "add", "-A")
    return subprocess.run(["git", "commit", "-m", message], cwd=repo, capture_output=True,
                          text=True, env=env(PRE_COMMIT_HOME=str(tmp_path / "cache")))


def test_broken_plan_is_refused_and_fixed_plan_commits(repo, tmp_path):
    write(repo, "IP-1-retry-queue.md", plan(version="1.10", updated='"2026-06-01"'))
    refused = try_commit(repo, tmp_path, "Bump the version")
    out = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "planbook lint" in out and "Failed" in out
    assert "plans/IP-1-retry-queue.md:6:10: FM011 [yaml-type-trap]" in out
    assert git(repo, "log", "--format=%s").splitlines() == ["Add the retry queue plan"]

    write(repo, "IP-1-retry-queue.md", plan(version='"1.10"', updated='"2026-06-01"'))
    accepted = try_commit(repo, tmp_path, "Bump the version")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "planbook lint" in accepted.stderr and "Passed" in accepted.stderr
    assert git(repo, "log", "-1", "--format=%s").strip() == "Bump the version"


def test_files_outside_plans_do_not_run_the_hook(repo, tmp_path):
    (repo / "docs" / "notes.md").write_text("# Notes\n\nno frontmatter, not a plan\n")
    done = try_commit(repo, tmp_path, "Edit the notes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(no files to check)Skipped" in done.stderr.replace(".", "")


def test_the_documented_files_override_lints_plans_kept_elsewhere(tmp_path):
    """docs/pre-commit.md's override of `files:`, applied to the manifest's hook."""
    import re

    doc = (CHECKOUT / "docs" / "pre-commit.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", doc, re.S)]
    published = [b["repos"][0] for b in blocks if b["repos"][0]["repo"] != "local"]
    assert all(r["rev"] == "vX.Y.Z" and r["repo"].endswith("/planbook") for r in published)
    (override,) = [r["hooks"][0]["files"] for r in published if "files" in r["hooks"][0]]
    root = make_repo(tmp_path / "repo")
    (root / "pyproject.toml").write_text('[tool.planbook]\npaths = ["docs/plans"]\n')
    hook = {**manifest(), "language": "system", "files": override}
    hook.pop("minimum_pre_commit_version", None)
    (root / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}), encoding="utf-8")
    commit(root, "Set up")
    cache = env(PRE_COMMIT_HOME=str(tmp_path / "cache"))
    subprocess.run([str(PRE_COMMIT), "install"], cwd=root, env=cache, check=True,
                   capture_output=True)
    (root / "docs" / "plans").mkdir()
    (root / "docs" / "plans" / "IP-1-retry-queue.md").write_text(
        plan(version="1.10").replace("(../docs/notes.md)", "(../notes.md)"), encoding="utf-8")
    git(root, "add", "-A")
    refused = subprocess.run(["git", "commit", "-m", "A plan"], cwd=root, env=cache,
                             capture_output=True, text=True)
    assert refused.returncode != 0
    assert "docs/plans/IP-1-retry-queue.md:6:10: FM011" in refused.stdout + refused.stderr
