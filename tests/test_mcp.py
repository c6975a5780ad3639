"""`planbook mcp` driven by the MCP SDK's own client over stdio, as a coding agent drives it."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from conftest import CLEAN, FIXTURES, TODAY, require_corpus

WAIT = 60  # seconds before a missing answer fails the test instead of hanging it
CORPUS_PLAN = "IP-01-open-source-ready-docs.md"


@pytest.fixture
def repo(tmp_path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.planbook]\npaths = ["plans"]\n')
    (tmp_path / "plans").mkdir()
    shutil.copy(FIXTURES / "notes.md", tmp_path / "plans" / "notes.md")  # the plan links it
    return tmp_path


def tracked(text: str) -> str:
    """The clean plan with T-1 and T-2 ticked off, so it records which tasks are done."""
    return text.replace("- [x] Contract suite for `AttemptStore` (UT-1)", "- [x] T-1 done") \
        .replace("- [x] Backoff tests with a seeded random source (UT-2)", "- [x] T-2 done")


def call(root: Path, *calls: tuple[str, dict]):
    """Start the server in `root`, list its tools, make each call; (tools, results)."""

    async def scenario():
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "planbook", "mcp"], cwd=str(root),
            env={**os.environ, "PLANBOOK_TODAY": TODAY})
        async with Client(params, mode="legacy") as client:
            tools = (await client.list_tools()).tools
            results = [await client.call_tool(name, arguments) for name, arguments in calls]
        return tools, results

    return asyncio.run(asyncio.wait_for(scenario(), WAIT))


def data(result) -> dict:
    assert not result.is_error, result.content[0].text
    return json.loads(result.content[0].text)


def test_five_tools_with_short_descriptions(repo):
    tools, _ = call(repo)
    assert sorted(t.name for t in tools) == ["explain_rule", "lint", "list_plans", "new_plan",
                                            "next_step"]
    size = sum(len(t.description or "") for t in tools)
    assert size < 900, size  # what every agent pays for in its context
    schemas = sum(len(json.dumps(t.input_schema)) for t in tools)
    assert schemas < 3000, schemas
    read_only = {t.name for t in tools if t.annotations and t.annotations.read_only_hint}
    assert read_only == {"explain_rule", "lint", "list_plans", "next_step"}


def test_tools_on_the_corpus(repo):
    corpus = require_corpus() / "ip"
    plan = str(corpus / CORPUS_PLAN)
    tools, (one, every, listed, step, rule, unknown) = call(
        repo, ("lint", {"path": plan}), ("lint", {"path": str(corpus)}),
        ("list_plans", {"path": str(corpus)}), ("next_step", {"plan": plan}),
        ("explain_rule", {"code": "fm007"}), ("explain_rule", {"code": "XX999"}))
    assert not any(repo.rglob("*cache*"))  # read-only: not even the lint cache is written
    cli = subprocess.run([sys.executable, "-m", "planbook", "lint", "--format", "json", plan],
                         cwd=repo, capture_output=True, text=True,
                         env={**os.environ, "PLANBOOK_TODAY": TODAY})
    expected = json.loads(cli.stdout)
    found = data(one)
    assert found["omitted"] == 0 and found["files"] == 1
    assert [(f["line"], f["code"]) for f in found["findings"]] == [
        (f["line"], f["code"]) for f in expected]
    for short, whole in zip(found["findings"], expected, strict=True):  # long ones are cut
        assert short["message"] == whole["message"] or (
            short["message"].endswith("…") and whole["message"].startswith(short["message"][:-1]))
    assert any(f["message"].endswith("…") for f in found["findings"])
    assert sum(found["counts"].values()) == len(expected)

    whole = data(every)
    assert whole["files"] == 20
    assert len(whole["findings"]) == 50  # the cap, with the rest counted
    assert whole["omitted"] == sum(whole["counts"].values()) - 50 > 0

    plans = data(listed)
    assert len(plans["plans"]) == 20 and plans["omitted"] == 0
    first = next(p for p in plans["plans"] if p["path"].endswith(CORPUS_PLAN))
    assert first["status"] == "draft" and first["next"] == "move the plan to review"
    assert first["title"] == "Implementation Plan: Open Source Ready Documentation"

    assert data(step) == {"path": plan, "status": "draft", "next": "move the plan to review",
                          "kind": "status", "blocked": []}

    explained = data(rule)
    assert explained["code"] == "FM007" and "**Bad**" in explained["doc"]
    assert unknown.is_error and "no rule 'XX999'" in unknown.content[0].text


def test_lint_a_buffer_next_task_and_new_plan(repo):
    plan = repo / "plans" / "IP-7-retry-queue.md"
    plan.write_text(tracked(CLEAN.read_text()))
    buffer = CLEAN.read_text().replace('version: "1.0"', "version: 1.0").replace(
        'status: "in-progress"', 'status: "inprogress"')  # FM007, which no fixer can fix
    _, (linted, step, made, again, missing) = call(
        repo,
        ("lint", {"text": buffer, "filename": "plans/IP-8-draft.md"}),
        ("next_step", {"plan": "plans/IP-7-retry-queue.md"}),
        ("new_plan", {"title": "Search API", "component": "search", "prd": "Section 4.3",
                      "scope": "query endpoint", "by": "ana"}),
        ("new_plan", {"title": "Search API", "component": "search", "prd": "Section 4.3",
                      "scope": "query endpoint", "by": "ana"}),
        ("new_plan", {"title": "Index"}))
    findings = data(linted)["findings"]
    assert [(f["line"], f["code"]) for f in findings] == [(6, "FM011"), (9, "FM007")]
    assert findings[0]["path"] == "plans/IP-8-draft.md"
    assert findings[0]["fix"] == "planbook fix --select FM011 plans/IP-8-draft.md"
    assert "fix" not in findings[1]
    assert not (repo / "plans" / "IP-8-draft.md").exists()  # a buffer is never written

    nxt = data(step)
    assert nxt["kind"] == "task" and nxt["next"] == "T-3 Backoff function"
    assert nxt["task"]["ID"] == "T-3" and nxt["task"]["Dependencies"] == "None"
    assert nxt["task"]["line"] == plan.read_text().splitlines().index(
        next(t for t in plan.read_text().splitlines() if t.startswith("| T-3"))) + 1

    created = data(made)
    written = repo / created["path"]
    assert created["path"] == "plans/IP-search-api.md" and written.is_file()
    assert 'title: "Search API"' in written.read_text()
    assert created["status"] == "draft" and created["findings"] > 0  # sections to write
    before = written.read_text()
    assert again.is_error and "already exists" in again.content[0].text
    assert written.read_text() == before  # never overwritten
    assert missing.is_error and "component" in missing.content[0].text


def test_without_the_sdk_the_command_says_what_to_install(tmp_path):
    blocked = ("import sys; sys.modules['mcp'] = None; from planbook.cli import main; "
               "sys.argv = ['planbook', 'mcp']; main()")
    done = subprocess.run([sys.executable, "-c", blocked], cwd=tmp_path, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "'mcp' extra" in done.stderr and "pip install mcp" in done.stderr
    assert "Traceback" not in done.stderr
