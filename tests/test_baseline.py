"""Baselines: adopt planbook on plans that already have findings, then see only new ones."""

from __future__ import annotations

import json

import pytest

from gitrepo import make_repo, plan, planbook, write

# Three old findings: FM013 (unknown key), FM011 (float version), FM009 (a future date,
# whose message names today).
OLD = {"owner": "ana", "version": "1.10", "approved": "2026-12-24"}


@pytest.fixture
def repo(tmp_path):
    root = make_repo(tmp_path / "repo")
    write(root, "IP-1-retry-queue.md", plan(**OLD))
    write(root, "IP-2-export.md", plan(title='"Export"'))
    return root


def lint(repo, *args, **env):
    proc = planbook(repo, "lint", "--format", "json", *args, **env)
    assert proc.returncode in (0, 1), proc.stderr
    return [(f["code"], f["line"]) for f in json.loads(proc.stdout)], proc


def test_write_then_use_a_baseline(repo):
    before, _ = lint(repo)
    assert {c for c, _ in before} == {"FM009", "FM011", "FM013"}
    proc = planbook(repo, "lint", "--write-baseline", "planbook-baseline.json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads((repo / "planbook-baseline.json").read_text())
    assert data["planbook-baseline"] == 1 and len(data["findings"]) == 3
    found, proc = lint(repo, "--baseline", "planbook-baseline.json")
    assert found == [] and proc.returncode == 0
    assert "3 known findings hidden by the baseline" in proc.stderr


def test_fingerprints_survive_moved_lines_unrelated_edits_and_a_new_day(repo):
    planbook(repo, "lint", "--write-baseline", "base.json")
    text = plan(**OLD).replace("\ntags:", '\nscope: "retries"\ntags:')  # a line added above
    text = text.replace("## 1. Overview\n", "## 1. Overview\n\nA new paragraph.\n")
    text = text.replace("Relay posts signed webhooks", "Relay signs and posts webhooks")
    write(repo, "IP-1-retry-queue.md", text)
    moved, _ = lint(repo)
    assert {c for c, _ in moved} == {"FM009", "FM011", "FM013"}
    found, proc = lint(repo, "--baseline", "base.json", PLANBOOK_TODAY="2026-06-20")
    assert found == [], proc.stderr


def test_a_new_finding_is_reported_and_fails_the_run(repo):
    planbook(repo, "lint", "--write-baseline", "base.json")
    write(repo, "IP-2-export.md", plan(title='"Export"', version="2.0"))
    found, proc = lint(repo, "--baseline", "base.json")
    assert found == [("FM011", 6)] and proc.returncode == 1


def test_fixed_findings_drop_out_when_the_baseline_is_rewritten(repo):
    planbook(repo, "lint", "--write-baseline", "base.json")
    write(repo, "IP-1-retry-queue.md", plan(owner="ana", version='"1.10"',
                                            approved="2026-12-24"))
    proc = planbook(repo, "lint", "--baseline", "base.json", "--write-baseline", "base.json")
    assert proc.returncode == 0, proc.stderr
    codes = [e["code"] for e in json.loads((repo / "base.json").read_text())["findings"]]
    assert sorted(codes) == ["FM009", "FM013"]


def test_rewriting_for_some_plans_keeps_the_entries_of_the_others(repo):
    write(repo, "IP-2-export.md", plan(title='"Export"', owner="bo"))
    planbook(repo, "lint", "--write-baseline", "base.json")
    proc = planbook(repo, "lint", "plans/IP-2-export.md", "--write-baseline", "base.json")
    assert proc.returncode == 0
    paths = [e["path"] for e in json.loads((repo / "base.json").read_text())["findings"]]
    assert paths.count("plans/IP-1-retry-queue.md") == 3 and paths.count(
        "plans/IP-2-export.md") == 1


@pytest.mark.parametrize("content", ["not json", '{"findings": []}', "[1, 2]"])
def test_a_file_that_is_not_a_baseline_is_a_usage_error(repo, content):
    (repo / "base.json").write_text(content)
    for option in ("--baseline", "--write-baseline"):
        proc = planbook(repo, "lint", option, "base.json")
        assert proc.returncode == 2 and "base.json" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert (repo / "base.json").read_text() == content  # never overwritten


def test_a_missing_baseline_is_a_usage_error(repo):
    proc = planbook(repo, "lint", "--baseline", "nope.json")
    assert proc.returncode == 2 and "--write-baseline nope.json" in proc.stderr


def test_a_fifo_as_baseline_or_template_is_refused_unread(tmp_path, monkeypatch):
    """A FIFO blocks whoever reads it: --baseline and --template refuse one, never open it."""
    import os

    from click.testing import CliRunner

    from planbook.cli import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "a.md").write_text("---\ntitle: a\n---\n# A\n", encoding="utf-8")
    os.mkfifo(tmp_path / "known.json")
    os.mkfifo(tmp_path / "template.md")
    result = CliRunner().invoke(cli, ["lint", "--baseline", "known.json"])
    assert result.exit_code == 2 and "known.json: is not a regular file" in result.output
    result = CliRunner().invoke(cli, ["new", "--title", "x", "--component", "c", "--prd", "1",
                                      "--scope", "s", "--by", "a", "--template", "template.md"])
    assert result.exit_code == 2 and "cannot read template template.md" in result.output
