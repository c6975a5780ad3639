"""Editor support: `planbook schema` agrees with the linter, and `lint --stdin` speaks the
errorformat editor integrations parse.

The schema is checked with a small evaluator written here for the keywords planbook emits,
not with pydantic, so the test does not grade pydantic's output with pydantic.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from planbook import doctypes
from planbook.cli import cli
from planbook.config import Config
from planbook.lint import Linter
from planbook.schema import frontmatter_schema

TEAM = Path(__file__).resolve().parent / "fixtures" / "doctypes"
EMITTED = {"$schema", "$defs", "title", "description", "type", "properties", "required",
           "additionalProperties", "anyOf", "enum", "const", "format", "pattern", "default",
           "items"}


def valid(schema: dict, value) -> bool:
    """Whether `value` satisfies `schema`, for the keywords planbook emits."""
    assert set(schema) <= EMITTED, set(schema) - EMITTED
    if "anyOf" in schema and not any(valid(option, value) for option in schema["anyOf"]):
        return False
    kind = schema.get("type")
    checks = {
        "object": lambda v: isinstance(v, dict),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "null": lambda v: v is None,
    }
    if kind and not checks[kind](value):
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if "const" in schema and value != schema["const"]:
        return False
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"],
                                                                         value):
        return False
    if isinstance(value, str) and schema.get("format") == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
    if kind == "object":
        if any(key not in value for key in schema.get("required", [])):
            return False
        for key, item in value.items():
            if key in schema["properties"] and not valid(schema["properties"][key], item):
                return False
    return True


def as_editor_sees(frontmatter: str):
    """YAML as an editor's language server loads it: dates stay text (YAML 1.2)."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_str)
    return yaml.load(frontmatter, Loader=Loader)


GOOD = """title: "Search"
by: "Ana"
created: 2026-05-01
updated: 2026-05-02
version: "1.0"
doc_type: IP
description: "Full-text search."
status: approved
issue: 12
tags: ["search"]
"""


@pytest.mark.parametrize(("edit", "words"), [
    (("", ""), None),
    (("status: approved", "status: finished"), "status"),
    (("created: 2026-05-01", "created: 01/05/2026"), "created"),
    (("created: 2026-05-01", "created: 2026-02-30"), "day is out of range"),
    (('version: "1.0"', 'version: "one"'), "version"),
    (('tags: ["search"]', "tags: search"), "tags"),
    (('by: "Ana"\n', ""), "by"),
    (("issue: 12", "issue: [12]"), "issue"),
    (('title: "Search"', "title: {a: 1}"), "title"),
])
def test_schema_and_linter_agree_on_the_ip_frontmatter(tmp_path, fixed_today, edit, words):
    text = GOOD.replace(*edit)
    schema = frontmatter_schema(doctypes.builtin("IP"))
    plan = tmp_path / "p.md"
    plan.write_text(f"---\n{text}---\n", encoding="utf-8")
    linter = Linter(Config(root=tmp_path), select=["FM003", "FM006", "FM007"])
    findings, _ = linter.lint_path(str(plan))
    assert valid(schema, as_editor_sees(text)) is (words is None)
    assert bool(findings) is (words is not None)
    if words:
        assert words in findings[0].message


def test_schema_carries_required_keys_descriptions_and_allowed_values():
    schema = frontmatter_schema(doctypes.builtin("IP"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["title", "by", "created", "updated", "version", "doc_type",
                                  "description"]
    status = schema["properties"]["status"]["anyOf"][0]
    assert status["enum"] == ["draft", "review", "approved", "in-progress", "done", "abandoned"]
    assert schema["properties"]["approved"]["anyOf"][0]["format"] == "date"
    assert schema["properties"]["title"]["description"] == "What the plan implements, in one line."
    assert schema["additionalProperties"] is True


def test_a_team_type_pattern_reaches_the_schema():
    schema = frontmatter_schema(doctypes.from_file(TEAM / "tds.yaml"))
    identifier = schema["properties"]["identifier"]
    assert valid(identifier, "100") and valid(identifier, 100)
    assert not valid(identifier, "10a")


def run(*args):
    return CliRunner().invoke(cli, ["schema", *args], catch_exceptions=False)


def test_schema_command_per_type_and_to_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ip = json.loads(run().output)
    assert ip["title"] == "IP frontmatter"
    adr = json.loads(run("--type", "adr").output)
    assert adr["properties"]["status"]["enum"] == ["proposed", "accepted", "superseded",
                                                   "deprecated"]
    assert run("--type", "playbook", "-o", "pb.json").exit_code == 0
    assert json.loads((tmp_path / "pb.json").read_text())["title"] == "playbook frontmatter"
    unknown = run("--type", "RFC")
    assert unknown.exit_code == 2 and "known: ADR, Backlog, IP, MADR, playbook" in unknown.output


def test_schema_of_the_presets_takes_their_field_kinds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    madr = json.loads(run("--type", "MADR").output)["properties"]
    assert {"type": "string"} in madr["deciders"]["anyOf"]  # text or a list
    assert "enum" not in json.dumps(madr["status"])  # an open list: "superseded by …" too
    backlog = json.loads(run("--type", "Backlog").output)
    assert "created_date" in backlog["required"]


def test_schema_command_reads_team_types_from_config(tmp_path):
    result = run("--config", str(TEAM / "planbook.toml"), "--type", "crr")
    assert json.loads(result.output)["properties"]["doc_type"] == {
        "const": "CRR", "title": "doc_type", "type": "string"}


def test_schema_as_a_subprocess():
    done = subprocess.run([sys.executable, "-m", "planbook", "schema", "--type", "ADR"],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["required"][0] == "title"


# -- lint --stdin, as editor integrations call it ------------------------------------------

ERRORFORMAT = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


def test_stdin_lints_the_unsaved_buffer_in_the_errorformat_editors_parse(tmp_path):
    """Vim's `%f:%l:%c: %m`, as used by the nvim-lint, ALE and efm-langserver setups."""
    project = tmp_path / "project"
    (project / "plans").mkdir(parents=True)
    (project / "planbook.toml").write_text('ignore = ["ST"]\n', encoding="utf-8")
    (project / "plans" / "notes.md").write_text("notes\n", encoding="utf-8")
    saved = project / "plans" / "IP-7-search.md"
    saved.write_text("---\ntitle: \"saved version\"\n---\n", encoding="utf-8")
    buffer = ("---\ntitle: \"Search\"\nversion: 1.0\nstatus: finished\n---\n\n"
              "[notes](notes.md) and [gone](gone.md)\n")
    done = subprocess.run(
        [sys.executable, "-m", "planbook", "lint", "--quiet", "--stdin", "--stdin-filename",
         str(saved)],
        input=buffer, capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={**os.environ, "PLANBOOK_TODAY": "2026-06-01"})
    assert done.returncode == 1, done.stderr
    parsed = [ERRORFORMAT.match(line) for line in done.stdout.splitlines()]
    assert all(parsed), done.stdout
    assert {m["file"] for m in parsed} == {str(saved)}
    got = {(int(m["line"]), m["message"].split()[0]) for m in parsed}
    # what the buffer holds, not the saved file: the unquoted version, the bad status, the
    # broken link resolved beside the plan (notes.md exists there), required fields missing
    assert (3, "FM011") in got and (4, "FM007") in got and (7, "RF004") in got
    assert (1, "FM006") in got
    # the config beside the plan applies although the command runs elsewhere
    assert not [code for _, code in got if code.startswith("ST")]
