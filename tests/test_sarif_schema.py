"""planbook's SARIF, produced by the command as a user runs it, against the SARIF 2.1.0
schema (vendored under tests/schemas) and the parts GitHub code scanning reads."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from gitrepo import PLANBOOK, env, make_repo

HERE = Path(__file__).parent
SCHEMA = json.loads((HERE / "schemas" / "sarif-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture
def repo(tmp_path):
    root = make_repo(tmp_path / "repo")
    shutil.copy(HERE / "golden" / "plans" / "broken.md", root / "plans" / "broken one.md")
    shutil.copy(HERE / "golden" / "plans" / "clean.md", root / "plans" / "clean.md")
    (root / "planbook.toml").write_text(
        'docs-url = "https://example.org/planbook/rules/"\n', encoding="utf-8")
    return root


def sarif(cwd: Path, *args: str) -> dict:
    proc = subprocess.run([PLANBOOK, "lint", "--format", "sarif", *args], cwd=cwd, env=env(),
                          capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    return json.loads(proc.stdout)


def test_the_log_is_valid_sarif_with_help_for_every_rule(repo):
    log = sarif(repo)
    jsonschema.validate(log, SCHEMA)
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    listed = subprocess.run([PLANBOOK, "rules", "--format", "json"], capture_output=True,
                            text=True, check=True)
    assert [r["id"] for r in rules] == sorted(r["code"] for r in json.loads(listed.stdout))
    for rule in rules:
        assert rule["help"]["text"].strip() and rule["help"]["markdown"].strip()
        assert rule["helpUri"] == f"https://example.org/planbook/rules/{rule['id']}/"
    assert run["results"]
    for result in run["results"]:
        assert len(result["partialFingerprints"]["primaryLocationLineHash"]) == 32


@pytest.mark.parametrize("where", ["root", "subfolder", "outside"])
def test_uris_are_relative_to_the_repository_root_wherever_lint_runs(repo, tmp_path, where):
    plans = repo / "plans"
    cwd, args = {"root": (repo, ["plans"]),
                 "subfolder": (plans, ["."]),
                 "outside": (tmp_path, [str(plans)])}[where]
    log = sarif(cwd, *args, "--config", str(repo / "planbook.toml"))
    jsonschema.validate(log, SCHEMA)
    (run,) = log["runs"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]}
    assert uris == {"plans/broken%20one.md"}
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"]
               == "%SRCROOT%" for r in run["results"])
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"


MULTITOOL = "@microsoft/sarif-multitool-linux@5.7.0"


@pytest.fixture(scope="session")
def multitool() -> Path:
    """The SARIF Multitool, installed once from the npm registry into the virtualenv."""
    import sys

    prefix = Path(sys.prefix) / "sarif-multitool"
    tool = prefix / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
    if not tool.exists():
        subprocess.run(["npm", "install", "--prefix", str(prefix), "--no-save", "--no-audit",
                        "--no-fund", "--loglevel=error", MULTITOOL], check=True,
                       capture_output=True)
    return tool


def test_the_sarif_multitool_finds_nothing_with_its_github_and_sarif_rules(repo, tmp_path,
                                                                         multitool):
    """The checks GitHub applies on upload (GH…) and SARIF's own advice (SARIF…)."""
    log = tmp_path / "planbook.sarif"
    log.write_text(json.dumps(sarif(repo / "plans", ".")), encoding="utf-8")
    out = tmp_path / "validation.sarif"
    subprocess.run([str(multitool), "validate", str(log), "--rule-kind", "Gh;Sarif",
                    "--output", str(out), "--log", "ForceOverwrite"], check=True,
                   capture_output=True, env=env())
    (run,) = json.loads(out.read_text(encoding="utf-8"))["runs"]
    found = [(r["ruleId"], r["message"]) for r in run.get("results", [])]
    assert found == []


def test_the_multitool_does_report_a_log_without_help(tmp_path, repo, multitool):
    """The check above can fail: the same log without help gets GH2012 for every rule."""
    data = sarif(repo)
    for rule in data["runs"][0]["tool"]["driver"]["rules"]:
        del rule["help"], rule["helpUri"]
    log = tmp_path / "planbook.sarif"
    log.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "validation.sarif"
    subprocess.run([str(multitool), "validate", str(log), "--rule-kind", "Gh;Sarif",
                    "--output", str(out), "--log", "ForceOverwrite"], check=True,
                   capture_output=True, env=env())
    (run,) = json.loads(out.read_text(encoding="utf-8"))["runs"]
    rules = len(data["runs"][0]["tool"]["driver"]["rules"])
    assert [r["ruleId"] for r in run["results"]] == ["GH2012"] * rules
