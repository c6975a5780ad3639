"""`planbook lsp` driven by pygls's own client over stdio, as an editor drives it."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from conftest import CLEAN, FIXTURES, TODAY, require_corpus

WAIT = 30  # seconds before a missing answer fails the test instead of hanging it


def broken(text: str) -> str:
    """The clean plan with a bad status, a duplicate task ID and an unknown dependency."""
    text = text.replace('status: "in-progress"', 'status: "inprogress"')
    text = text.replace("| T-3 | Backoff function ", "| T-2 | Backoff function ")
    return text.replace("| T-5          |", "| T-9          |", 1)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A repository with a planbook config, two plans in plans/ and a note outside it."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.planbook]\npaths = ["plans"]\n'
                                             'exclude = ["plans/notes.md"]\n')
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(FIXTURES / "notes.md", plans / "notes.md")
    (plans / "IP-7-retry-queue.md").write_text(broken(CLEAN.read_text()), encoding="utf-8")
    other = CLEAN.read_text().replace('title: "Webhook Retry Queue"', 'title: "Relay Store"')
    (plans / "IP-3-relay-store.md").write_text(other, encoding="utf-8")
    (tmp_path / "README.md").write_text("# Not a plan\n\nstatus: whatever\n")
    return tmp_path


class Session:
    """A started server, the diagnostics it published per URI, and helpers to wait."""

    def __init__(self, client: LanguageClient):
        self.client = client
        self.published: dict[str, list[lsp.PublishDiagnosticsParams]] = {}
        self.changed = asyncio.Condition()

    async def diagnostics(self, uri: str, count: int) -> list[lsp.Diagnostic]:
        """The diagnostics of the `count`-th publication for `uri`."""
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(
                lambda: len(self.published.get(uri, [])) >= count), WAIT)
        return list(self.published[uri][count - 1].diagnostics)

    def open(self, path: Path, text: str | None = None) -> str:
        uri = from_fs_path(str(path))
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=uri, language_id="markdown", version=1,
                                 text=path.read_text() if text is None else text)))
        return uri


@asynccontextmanager
async def server(root: Path):
    client = LanguageClient("planbook-tests", "1")
    session = Session(client)

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    async def on_diagnostics(params: lsp.PublishDiagnosticsParams):
        async with session.changed:
            session.published.setdefault(params.uri, []).append(params)
            session.changed.notify_all()

    env = {**os.environ, "PLANBOOK_TODAY": TODAY}
    await client.start_io(sys.executable, "-m", "planbook", "lsp", cwd=str(root), env=env)
    try:
        await asyncio.wait_for(client.initialize_async(lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(), root_uri=from_fs_path(str(root)))), WAIT)
        client.initialized(lsp.InitializedParams())
        yield session
        await asyncio.wait_for(client.shutdown_async(None), WAIT)
        client.exit(None)
    except BaseException:
        if client._server.returncode is None:  # a failed test must not leave it running
            client._server.kill()
        raise
    finally:
        await asyncio.wait_for(client.stop(), WAIT)


def run(coroutine):
    return asyncio.run(coroutine)


def lines_of(path: Path) -> list[str]:
    return path.read_text().splitlines()


def at(line: int, character: int) -> lsp.Position:
    return lsp.Position(line=line, character=character)


def by_code(items: list[lsp.Diagnostic]) -> dict[str, list[lsp.Diagnostic]]:
    out: dict[str, list[lsp.Diagnostic]] = {}
    for item in items:
        out.setdefault(item.code, []).append(item)
    return out


def test_diagnostics_with_exact_ranges_update_on_change(repo):
    path = repo / "plans" / "IP-7-retry-queue.md"
    lines = lines_of(path)
    status = next(i for i, t in enumerate(lines) if t.startswith("status:"))
    duplicate = next(i for i, t in enumerate(lines) if t.startswith("| T-2 | Backoff"))
    unknown = next(i for i, t in enumerate(lines) if "| T-9 " in t)

    async def scenario():
        async with server(repo) as session:
            uri = session.open(path)
            found = by_code(await session.diagnostics(uri, 1))
            value = found["FM007"][0]
            assert value.severity == lsp.DiagnosticSeverity.Error
            assert value.range.start == at(status, 8)
            assert value.range.end == at(status, len(lines[status]))  # "inprogress" quoted
            assert value.source == "planbook" and "did you mean 'in-progress'" in value.message
            dup = found["TB003"][0]
            assert dup.range.start == at(duplicate, 2) and dup.range.end == at(duplicate, 5)
            cause = next(d for d in found["RF001"] if "T-9" in d.message)
            start = lines[unknown].index("T-9")
            assert (cause.range.start, cause.range.end) == (at(unknown, start),
                                                            at(unknown, start + 3))
            assert found["RF001"][0].code_description is None  # no docs URL configured
            # fix the duplicate in the buffer: its findings go, the others stay
            row = lines[duplicate]
            session.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(at(duplicate, 2), at(duplicate, 5)), text="T-3")]))
            after = by_code(await session.diagnostics(uri, 2))
            assert session.published[uri][1].version == 2
            assert "TB003" not in after and "FM007" in after
            assert [d.range.start.line for d in after["RF001"]] == [unknown]
            assert lines_of(path)[duplicate] == row  # the file on disk is untouched

    run(scenario())


def test_files_the_config_does_not_cover_get_nothing(repo):
    async def scenario():
        async with server(repo) as session:
            readme = session.open(repo / "README.md")
            excluded = session.open(repo / "plans" / "notes.md")
            plan = session.open(repo / "plans" / "IP-3-relay-store.md")
            assert await session.diagnostics(plan, 1) == []  # a clean plan
            assert all(not p.diagnostics for p in session.published.get(readme, []))
            assert all(not p.diagnostics for p in session.published.get(excluded, []))
            hover = await session.client.text_document_hover_async(lsp.HoverParams(
                lsp.TextDocumentIdentifier(uri=readme), at(2, 2)))
            assert hover is None
            symbols = await session.client.text_document_document_symbol_async(
                lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(uri=readme)))
            assert not symbols

    run(scenario())


def test_cross_plan_rules_see_unsaved_buffers(repo):
    path = repo / "plans" / "IP-3-relay-store.md"
    text = path.read_text().replace('tags: [', 'depends_on: ["IP-12-new-plan"]\ntags: [')

    async def scenario():
        async with server(repo) as session:
            uri = session.open(path, text)
            first = by_code(await session.diagnostics(uri, 1))
            assert "depends_on names 'IP-12-new-plan'" in first["GT004"][0].message
            # a new plan, not saved yet, opened in the editor: the dependency now resolves
            session.open(repo / "plans" / "IP-12-new-plan.md", CLEAN.read_text())
            second = by_code(await session.diagnostics(uri, 2))
            assert "GT004" not in second

    run(scenario())


def test_hover_definition_references_and_symbols(repo):
    path = repo / "plans" / "IP-7-retry-queue.md"
    text = path.read_text().replace('tags: [', 'depends_on: ["IP-3-relay-store"]\ntags: [')
    notes = "- [Retry queue design notes](notes.md)"
    text = text.replace(notes, notes + "\n- [The store](IP-3-relay-store.md)")
    lines = text.splitlines()
    link = next(i for i, t in enumerate(lines) if t.startswith("- [The store]"))
    task = next(i for i, t in enumerate(lines) if t.startswith("| T-4 "))
    t2 = lines[task].index("T-2")
    definition = next(i for i, t in enumerate(lines) if t.startswith("| T-2 | SQLite"))
    depends = next(i for i, t in enumerate(lines) if t.startswith("depends_on"))
    key = next(i for i, t in enumerate(lines) if t.startswith("component:"))
    criterion = next(i for i, t in enumerate(lines) if t.startswith("| AC-3"))

    async def scenario():
        async with server(repo) as session:
            uri = session.open(path, text)
            await session.diagnostics(uri, 1)
            doc = lsp.TextDocumentIdentifier(uri=uri)
            hover = await session.client.text_document_hover_async(
                lsp.HoverParams(doc, at(task, t2 + 1)))
            assert f"**T-2** · tasks, line {definition + 1}" in hover.contents.value
            assert "SQLite store" in hover.contents.value
            test_hover = await session.client.text_document_hover_async(
                lsp.HoverParams(doc, at(criterion, lines[criterion].index("UT-2"))))
            assert "Backoff doubles from 30 s" in test_hover.contents.value
            field = await session.client.text_document_hover_async(
                lsp.HoverParams(doc, at(key, 3)))
            assert field.contents.value.startswith("**component**")
            other = await session.client.text_document_hover_async(
                lsp.HoverParams(doc, at(depends, lines[depends].index("IP-3") + 2)))
            assert "**Relay Store**" in other.contents.value
            assert "plans/IP-3-relay-store.md" in other.contents.value
            linked = await session.client.text_document_hover_async(
                lsp.HoverParams(doc, at(link, 5)))
            assert "**Relay Store**" in linked.contents.value
            notes = await session.client.text_document_hover_async(
                lsp.HoverParams(doc, at(link - 1, 5)))
            assert notes is None  # notes.md is excluded from the plans: not a plan

            where = await session.client.text_document_definition_async(
                lsp.DefinitionParams(doc, at(task, t2 + 1)))
            assert where.uri == uri
            assert where.range.start == at(definition, 2)
            plan = await session.client.text_document_definition_async(
                lsp.DefinitionParams(doc, at(depends, lines[depends].index("IP-3") + 2)))
            assert plan.uri == from_fs_path(str(repo / "plans" / "IP-3-relay-store.md"))

            refs = await session.client.text_document_references_async(lsp.ReferenceParams(
                text_document=doc, position=at(definition, 3),
                context=lsp.ReferenceContext(include_declaration=True)))
            duplicate = definition + 1  # broken() gave the next row T-2 as well
            assert sorted((r.range.start.line, r.range.start.character) for r in refs) == [
                (definition, 2), (duplicate, 2), (task, t2)]  # not UT-2, not the gantt's t2

            outline = await session.client.text_document_document_symbol_async(
                lsp.DocumentSymbolParams(doc))
            names = [s.name for s in outline]
            assert names[0] == "frontmatter"
            assert "# Implementation Plan: Webhook Retry Queue" not in names
            top = next(s for s in outline if "Webhook Retry Queue" in s.name)
            sections = [c.name for c in top.children]
            assert "4. Implementation Tasks" in sections
            tasks = next(c for c in top.children if c.name == "4. Implementation Tasks")
            rows = [r.name for r in tasks.children[0].children]
            assert rows == ["T-1", "T-2", "T-2", "T-4", "T-5", "T-6"]

    run(scenario())


def test_completion(repo):
    path = repo / "plans" / "IP-7-retry-queue.md"
    text = path.read_text()
    text = text.replace('component: "relay-retry"\n', "").replace(
        "## 10. Additional Resources", "## ")
    lines = text.splitlines()
    status = next(i for i, t in enumerate(lines) if t.startswith("status:"))
    blank_key = next(i for i, t in enumerate(lines) if t.startswith("tags:"))
    deps = next(i for i, t in enumerate(lines) if t.startswith("| T-4 "))
    deps_cell = lines[deps].index("T-2, T-3")
    validation = next(i for i, t in enumerate(lines) if t.startswith("| AC-1"))
    heading = next(i for i, t in enumerate(lines) if t == "## ")

    async def scenario():
        async with server(repo) as session:
            uri = session.open(path, text)
            await session.diagnostics(uri, 1)
            doc = lsp.TextDocumentIdentifier(uri=uri)

            async def labels(line, character):
                found = await session.client.text_document_completion_async(
                    lsp.CompletionParams(doc, at(line, character)))
                return [item.label for item in found.items]

            values = await labels(status, len("status: "))
            assert "in-progress" in values and "approved" in values
            keys = await labels(blank_key, 0)
            assert "component" in keys and "title" not in keys  # title is already there
            tasks = await labels(deps, deps_cell)
            assert tasks == ["T-1", "T-2", "T-5", "T-6"]  # not T-4 itself, once per ID
            tests = await labels(validation, lines[validation].rindex("|") - 2)
            assert "UT-1" in tests and "IT-3" in tests and "T-1" not in tests
            sections = await labels(heading, 3)
            assert sections == ["10. Additional Resources"]

    run(scenario())


def test_code_actions_fix_and_disable(repo):
    path = repo / "plans" / "IP-7-retry-queue.md"
    on_disk = path.read_text()
    text = on_disk.replace('version: "1.0"', "version: 1.0")
    lines = text.splitlines()
    version = next(i for i, t in enumerate(lines) if t.startswith("version:"))

    async def apply(session, uri, number, action):
        changes = [lsp.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                   for e in sorted(action.edit.changes[uri], key=lambda e: (
                       e.range.start.line, e.range.start.character), reverse=True)]
        session.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=number), changes))

    async def scenario():
        async with server(repo) as session:
            uri = session.open(path, text)
            first = await session.diagnostics(uri, 1)
            doc = lsp.TextDocumentIdentifier(uri=uri)
            value = next(d for d in first if d.code == "FM011")
            actions = await session.client.text_document_code_action_async(
                lsp.CodeActionParams(doc, value.range, lsp.CodeActionContext([value])))
            titles = [a.title for a in actions]
            assert titles == ["Fix FM011 [yaml-type-trap]", "Disable FM011 for this line"]
            edits = actions[0].edit.changes[uri]
            assert [(e.range.start.line, e.new_text) for e in edits] == [
                (version, 'version: "1.0"')]
            await apply(session, uri, 2, actions[0])
            second = await session.diagnostics(uri, 2)
            assert "FM011" not in {d.code for d in second}
            assert "FM007" in {d.code for d in second}  # the other findings stay

            cause = next(d for d in second if d.code == "RF001" and "T-9" in d.message)
            actions = await session.client.text_document_code_action_async(
                lsp.CodeActionParams(doc, cause.range, lsp.CodeActionContext([cause])))
            assert [a.title for a in actions] == ["Disable RF001 for this table"]
            await apply(session, uri, 3, actions[0])
            third = await session.diagnostics(uri, 3)
            codes = {d.code for d in third}
            assert "RF001" not in codes and "PB001" not in codes and "TB003" in codes
            assert path.read_text() == on_disk  # the client applies edits, never the server

    run(scenario())


async def _send(process, message: dict) -> None:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    await process.stdin.drain()


async def _answer(process, number: int, seen: list | None = None) -> dict:
    """Read messages until the answer to request `number`; the others go to `seen`."""
    while True:
        header = await process.stdout.readuntil(b"\r\n\r\n")
        size = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
        message = json.loads(await process.stdout.readexactly(size))
        if message.get("id") == number:
            return message
        if seen is not None:
            seen.append(message)


def test_a_malformed_request_does_not_stop_the_server(repo):
    """Raw JSON-RPC, because a well-behaved client cannot send a malformed request. pygls logs
    a request it cannot read and answers the next one."""
    path = repo / "plans" / "IP-7-retry-queue.md"
    uri = from_fs_path(str(path))

    async def scenario():
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "planbook", "lsp", cwd=str(repo),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        try:
            await _send(process, {"id": 1, "method": "initialize", "params": {
                "processId": None, "rootUri": from_fs_path(str(repo)), "capabilities": {}}})
            assert "capabilities" in (await asyncio.wait_for(_answer(process, 1), WAIT))["result"]
            await _send(process, {"method": "initialized", "params": {}})
            await _send(process, {"method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": uri, "languageId": "markdown", "version": 1, "text": path.read_text()}}})
            hover = {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 1}}
            await _send(process, {"id": 2, "method": "textDocument/hover",
                                  "params": {**hover, "position": {"line": "x"}}})
            await _send(process, {"id": 3, "method": "textDocument/hover", "params": hover})
            seen: list[dict] = []
            answered = await asyncio.wait_for(_answer(process, 3, seen), WAIT)
            assert not any("result" in m and m.get("id") == 2 for m in seen)
            assert answered["result"]["contents"]["value"].startswith("**title**")
            await _send(process, {"id": 4, "method": "shutdown"})
            await asyncio.wait_for(_answer(process, 4), WAIT)
            await _send(process, {"method": "exit"})
            assert await asyncio.wait_for(process.wait(), WAIT) == 0
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()

    run(scenario())


def test_disable_for_this_line_in_frontmatter_and_body(repo):
    path = repo / "plans" / "IP-3-relay-store.md"
    text = path.read_text().replace('version: "1.0"', "version: 1.0").replace(
        "Relay posts signed webhooks", "[TODO] Relay posts signed webhooks")
    lines = text.splitlines()
    version = next(i for i, t in enumerate(lines) if t.startswith("version:"))
    todo = next(i for i, t in enumerate(lines) if t.startswith("[TODO]"))

    async def scenario():
        async with server(repo) as session:
            uri = session.open(path, text)
            first = by_code(await session.diagnostics(uri, 1))
            assert [d.range.start.line for d in first["FM011"]] == [version]
            assert [d.range.start.line for d in first["ST005"]] == [todo]
            doc = lsp.TextDocumentIdentifier(uri=uri)
            chosen = []
            for code in ("ST005", "FM011"):  # the later line first, so lines stay put
                item = first[code][0]
                actions = await session.client.text_document_code_action_async(
                    lsp.CodeActionParams(doc, item.range, lsp.CodeActionContext([item])))
                chosen += [a for a in actions if a.title == f"Disable {code} for this line"]
            edits = [e for a in chosen for e in a.edit.changes[uri]]
            assert [(e.range.start.line, e.new_text) for e in edits] == [
                (todo, "<!-- planbook-disable-next-line ST005 -->\n"),
                (version, "# planbook-disable-next-line FM011\n")]
            session.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
                [lsp.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                 for e in edits]))
            assert await session.diagnostics(uri, 2) == []  # silenced, and PB001 has no say

    run(scenario())


def test_a_broken_configuration_is_a_diagnostic(repo):
    (repo / "pyproject.toml").write_text('[tool.planbook]\npaths = ["plans"]\nslect = ["FM"]\n')

    async def scenario():
        async with server(repo) as session:
            uri = session.open(repo / "plans" / "IP-3-relay-store.md")
            (problem,) = await session.diagnostics(uri, 1)
            assert problem.code == "config" and "slect" in problem.message
            assert problem.severity == lsp.DiagnosticSeverity.Error

    run(scenario())


def test_codes_link_to_the_rule_pages_under_a_docs_url(repo, fixed_today):
    from planbook.lsp import Engine, diagnostics

    path = repo / "plans" / "IP-7-retry-queue.md"
    engine = Engine(root=str(repo))
    engine.buffers[str(path)] = path.read_text()
    found = engine.analyse(str(path), path.read_text())
    linked = diagnostics(found, "https://plans.example.org/rules")
    assert {d.code_description.href for d in linked if d.code == "TB003"} == {
        "https://plans.example.org/rules/TB003/"}
    pattern = diagnostics(found, "https://example.org/r/{code}.html")
    assert {d.code_description.href for d in pattern if d.code == "RF001"} == {
        "https://example.org/r/RF001.html"}
    assert all(d.code_description is None for d in diagnostics(found))


def test_without_pygls_the_command_says_what_to_install(tmp_path):
    import subprocess

    blocked = ("import sys; sys.modules['pygls'] = None; from planbook.cli import main; "
               "sys.argv = ['planbook', 'lsp']; main()")
    done = subprocess.run([sys.executable, "-c", blocked], cwd=tmp_path, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "'lsp' extra" in done.stderr and "pip install pygls" in done.stderr
    assert "Traceback" not in done.stderr


HOSTILE = [
    "",
    "---",
    "---\ntitle: [unclosed\n",
    "---\ntitle: x\n---\n| ID | Task |\n|---|---|\n| T-1 |\n| | |\n|",
    "---\r\ntitle: \"Retry\"\r\ndepends_on:\r\n  - IP-3-relay-store\r\n---\r\n## 4. Tasks\r\n",
    "# \u00e9\U0001f600 T-1 [x](IP-3-relay-store.md) [y](\n\n- [ ] T-1\n```\n| ID |\n",
]


@pytest.mark.parametrize("text", [*HOSTILE, CLEAN.read_text()])
def test_every_position_answers_without_an_exception(repo, fixed_today, text):
    """The answers the server gives, asked at every line and several columns of odd plans."""
    from planbook.lsp import Engine, completions, diagnostics, disable_edit, hover_text, symbols

    path = repo / "plans" / "IP-9-odd.md"
    engine = Engine(root=str(repo))
    engine.buffers[str(path)] = text
    found = engine.analyse(str(path), text)
    names = engine.names(found.config)
    diagnostics(found)
    symbols(found.plan)
    for line, content in enumerate([*found.plan.lines, ""]):
        for column in {0, 1, 2, len(content) // 2, len(content), len(content) + 3}:
            hover_text(found, names, line, column, engine.text_of)
            completions(found, names, line, column)
        disable_edit(found.plan, line + 1, "FM001")


def test_a_finding_about_a_link_spans_its_target(repo, fixed_today):
    from planbook.lsp import Engine, diagnostics

    path = repo / "plans" / "IP-3-relay-store.md"
    text = path.read_text().replace("(notes.md)", "(missing-notes.md)")
    engine = Engine(root=str(repo))
    engine.buffers[str(path)] = text
    broken = [d for d in diagnostics(engine.analyse(str(path), text)) if d.code == "RF004"]
    lines = text.splitlines()
    assert broken and all(
        lines[d.range.start.line][d.range.start.character:d.range.end.character]
        == "missing-notes.md" for d in broken)


def test_the_corpus_gets_the_findings_of_lint_each_inside_its_line(tmp_path, fixed_today):
    from planbook.config import load_config
    from planbook.lint import Request, run
    from planbook.lsp import Engine, diagnostics

    corpus = require_corpus() / "ip"
    config_file = tmp_path / "planbook.toml"
    config_file.write_text(f"paths = [{json.dumps(str(corpus))}]\n")
    expected = run(Request(paths=[str(corpus)], jobs=1), load_config(config_file)).findings
    engine = Engine(config_path=str(config_file))
    count = 0
    for path in sorted(corpus.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        engine.buffers[str(path)] = text
        found = engine.analyse(str(path), text)
        lines = found.plan.lines
        for item in diagnostics(found):
            count += 1
            start, end = item.range.start, item.range.end
            assert (start.line, start.character) <= (end.line, end.character)
            assert end.character <= len(lines[end.line])
            assert start != end or not lines[start.line].strip(), (path.name, item.code)
    assert count == len(expected) > 100
