"""The command line, end to end: golden output, formats, options and exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planbook.cli import cli

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
UPDATE = os.environ.get("PLANBOOK_UPDATE_GOLDEN") == "1"


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch):
    monkeypatch.setenv("PLANBOOK_TODAY", "2026-06-01")
    monkeypatch.chdir(GOLDEN)


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit"])
def test_golden_output(fmt):
    result = run("lint", "--format", fmt, "plans")
    assert result.exit_code == 1
    expected = GOLDEN / f"expected.{fmt}"
    # SARIF names the repository root, wherever this checkout is
    output = result.output.replace(HERE.parent.resolve().as_uri() + "/", "file:///ROOT/")
    if UPDATE:
        expected.write_text(output, encoding="utf-8")
    assert output == expected.read_text(encoding="utf-8")


def test_clean_plan_with_used_suppression_exits_zero():
    result = run("lint", "plans/clean.md")
    assert result.output == "All checked: 1 file, no problems.\n"
    assert result.exit_code == 0


def test_select_ignore_and_statistics():
    result = run("lint", "--select", "FM,RF", "--ignore", "FM013", "--statistics",
                 "plans/broken.md")
    codes = {line.split()[1] for line in result.output.splitlines() if ".md:" in line}
    assert codes == {"FM008", "FM011", "FM012", "RF001", "RF002", "RF003", "RF004"}
    assert "   1  FM008  [updated-before-created]" in result.output
    assert result.exit_code == 1


def test_select_by_name_and_strict_warnings():
    result = run("lint", "--select", "unknown-key", "plans/broken.md")
    assert result.exit_code == 0  # a warning alone does not fail the run
    assert "FM013 [unknown-key] unknown key 'owner'" in result.output
    assert run("lint", "--select", "unknown-key", "--strict", "plans/broken.md").exit_code == 1


def test_quiet_prints_findings_only():
    result = run("lint", "-q", "--select", "FM012", "plans")
    assert result.output.splitlines() == [
        "plans/broken.md:2:8: FM012 [value-cut-by-comment] 'title' is cut at ' #': YAML reads "
        "'Ranking service (Issue' and drops '#41)' as a comment; quote the whole value"
    ]


def test_usage_errors_exit_two():
    assert run("lint", "--select", "XX999", "plans").exit_code == 2
    assert run("lint", "--format", "yaml", "plans").exit_code == 2
    assert run("explain", "NOPE").exit_code == 2


def test_json_objects_have_the_documented_keys():
    data = json.loads(run("lint", "--format", "json", "plans/broken.md").output)
    assert set(data[0]) >= {"path", "line", "column", "end_line", "code", "name", "severity",
                            "message"}
    assert data == sorted(data, key=lambda d: (d["path"], d["line"], d["column"], d["code"],
                                               d["message"]))


def test_rules_and_explain():
    listing = run("rules").output.splitlines()
    assert any(line.startswith("FM012  value-cut-by-comment") for line in listing)
    page = run("explain", "value-cut-by-comment").output
    assert page.startswith("FM012 [value-cut-by-comment] (default severity: error)")
    assert "**Bad**" in page and "**Good**" in page


def test_stdin_uses_the_given_filename():
    text = (GOLDEN / "plans" / "broken.md").read_text()
    result = run("lint", "--stdin", "--stdin-filename", "plans/other.md", "--select", "FM011",
                 input=text)
    assert result.output.startswith("plans/other.md:6:10: FM011 [yaml-type-trap]")
    assert result.exit_code == 1


def test_default_paths_come_from_config(tmp_path, monkeypatch):
    (tmp_path / "planbook.toml").write_text('paths = ["docs/plans"]\nignore = ["ST", "FM013"]\n')
    (tmp_path / "docs" / "plans").mkdir(parents=True)
    (tmp_path / "docs" / "plans" / "a.md").write_text("---\ntitle: [\n---\n")
    monkeypatch.chdir(tmp_path)
    result = run("lint")
    assert result.output.startswith("docs/plans/a.md:3:1: FM003 [yaml-syntax-error]")
    assert result.exit_code == 1


def test_missing_default_folder_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("lint")
    assert result.exit_code == 2
    assert "no plans found" in result.output


def test_as_a_subprocess_and_as_a_module():
    env = {**os.environ, "PLANBOOK_TODAY": "2026-06-01"}
    for command in (["planbook"], [sys.executable, "-m", "planbook"]):
        if command == ["planbook"]:
            command = [str(Path(sys.executable).with_name("planbook"))]
        proc = subprocess.run([*command, "lint", "plans/broken.md"], cwd=GOLDEN, env=env,
                              capture_output=True, text=True)
        assert proc.returncode == 1
        assert proc.stdout == run("lint", "plans/broken.md").output
        assert proc.stderr == ""


def test_the_command_freezes_what_start_up_made_out_of_garbage_collection():
    """A full collection then walks only what the run itself makes (see cli.main)."""
    child = ("import atexit, gc, sys\n"
             "atexit.register(lambda: print(gc.get_freeze_count()))\n"
             "from planbook.cli import main\n"
             "sys.argv = ['planbook', 'rules']\n"
             "main()\n")
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.split()[-1]) > 10_000  # the modules, classes and functions


def test_config_is_one_option_written_before_or_after_the_command(tmp_path):
    """`--config` is declared once, on the group; it may follow the command's name too."""
    (tmp_path / "team.toml").write_text('select = ["FM011"]\n', encoding="utf-8")
    config = str(tmp_path / "team.toml")
    before = run("--config", config, "lint", "--format", "json", "plans")
    after = run("lint", "--format", "json", f"--config={config}", "plans")
    spaced = run("lint", "--config", config, "--format", "json", "plans")
    codes = {f["code"] for f in json.loads(before.output)}
    assert codes == {"FM011"}
    assert before.output == after.output == spaced.output
    assert run("lint", "--format", "json", "plans").output != before.output
    missing = run("lint", "--config", str(tmp_path / "none.toml"), "plans")
    assert missing.exit_code == 2


def test_rules_json_says_what_each_rule_needs():
    rules = {r["code"]: r for r in json.loads(run("rules", "--format", "json").output)}
    history = {code for code, r in rules.items() if r["needs_history"]}
    assert history == {"AP001", "AP002", "AP004", "GT001", "GT002", "GT003", "TR001", "TR002"}
    assert {code for code, r in rules.items() if not r["default"]} == {"TR001"}
    assert rules["TB001"]["reads"] == ["tables"]
    assert rules["RF004"]["reads"] == []


def test_json_output_follows_its_published_schema(tmp_path):
    import jsonschema

    schema = json.loads((HERE.parent / "docs" / "schemas" / "findings-v1.json").read_text())
    config = tmp_path / "planbook.toml"
    config.write_text('docs-url = "https://example.org/rules/{code}.html"\n')
    data = json.loads(run("lint", "--format", "json", "--config", str(config), "plans").output)
    jsonschema.validate(data, schema)
    with_fix = [d for d in data if d["fix"]]
    assert {d["code"] for d in with_fix} >= {"FM011", "FM012"}
    for item in with_fix:
        command = item["fix"]["command"].split()
        assert command[:3] == ["planbook", "fix", "--select"] and command[3] == item["code"]
    assert all(d["url"] == f"https://example.org/rules/{d['code']}.html" for d in data)
    jsonschema.validate(json.loads(run("lint", "--format", "json", "plans/broken.md").output),
                        schema)
