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
