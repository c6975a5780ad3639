"""Traceability end to end in a temporary repository: commits citing tasks (subject, body,
trailer, a typo), tests marked with the pytest marker and with the pattern in another
language, JUnit results with a pass, a fail and a skip; `planbook trace`, the TR findings and
`planbook status` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import commit, env, make_repo, plan, planbook, write

PLAN = "IP-1-retry-queue.md"
TASKS = """\
| ID  | Task             | Description        | Dependencies | Priority | Complexity | Status |
| --- | ---------------- | ------------------ | ------------ | -------- | ---------- | ------ |
| T-1 | Store interface  | The store contract | None         | High     | Low        | Done   |
| T-2 | SQLite store     | The migration      | T-1          | High     | Medium     | Done   |
| T-3 | Backoff function | Delays with jitter | None         | Medium   | Low        | Open   |
| T-4 | Scheduler loop   | Claim and send     | T-2          | High     | High       | Open   |
| T-5 | Dead-letter move | After eight fails  | T-4          | Medium   | Medium     | Open   |
| T-6 | Operator command | Replay and discard | T-5          | Low      | Low        | Open   |
"""
PYTHON_TESTS = '''\
import pytest


@pytest.mark.plan("IP-1", "UT-1")
def test_store_saves():
    assert True


@pytest.mark.plan("IP-1", "UT-2", "UT-4")
def test_backoff_caps():
    assert 2 * 30 == 61


@pytest.mark.plan("IP-1", "IT-1")
def test_delivery_after_two_failures():
    assert True


@pytest.mark.skip(reason="needs a receiver that can be killed")
@pytest.mark.plan("IP-1", "IT-2")
def test_restart_loses_nothing():
    pass


def test_replay():
    """IP-1:IT-3 replay re-queues the dead letter."""
    assert True


def test_unrelated():
    assert True
'''
JS_TESTS = """\
// IP-1:UT-3
test("a 2xx answer deletes the attempt", () => {
  expect(store.size).toBe(0);
});
"""
JEST_JUNIT = """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="1" failures="0">
  <testsuite name="retry" tests="1">
    <testcase classname="retry a 2xx answer deletes the attempt"
              name="a 2xx answer deletes the attempt" time="0.002"/>
  </testsuite>
</testsuites>
"""
CONFIG = '[tool.planbook]\ntests = ["tests/**/*.py", "web/**/*.test.js"]\n'


def tracked_plan(status: str = '"in-progress"') -> str:
    """The clean plan with a Status column on its tasks, T-4 waiting on T-2 alone."""
    text = plan(status=status)
    start = text.index("| ID  | Task ")
    end = text.index("\n", text.index("| T-6 |")) + 1
    text = text[:start] + TASKS + text[end:]
    return text.replace(":t4, after t2 t3,", ":t4, after t2,")


def line_of(text: str, needle: str) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """The repository, its commits (by name) and its JUnit files."""
    root = make_repo(tmp_path_factory.mktemp("trace") / "repo")
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    write(root, PLAN, tracked_plan())
    (root / "tests").mkdir()
    (root / "tests" / "test_store.py").write_text(PYTHON_TESTS, encoding="utf-8")
    (root / "web").mkdir()
    (root / "web" / "retry.test.js").write_text(JS_TESTS, encoding="utf-8")
    shas = {
        "subject": commit(root, "Add the store interface (IP-1 T-1)",
                          "2026-03-02T10:00:00+00:00"),
        "trailer": commit_empty(root, "Start the backoff\n\nFirst cut of the delays.\n\n"
                                      "Plan: IP-1 T-3", "2026-03-03T10:00:00+00:00"),
        "body": commit_empty(root, "Tidy the store\n\nAlso covers IP-1 T-1, T-3 and the docs.",
                             "2026-03-04T10:00:00+00:00"),
        "typo": commit_empty(root, "Scheduler first cut (IP-1 T-44)", "2026-03-05T10:00:00+00:00"),
        "no-plan": commit_empty(root, "Replay notes for IP-9 T-2", "2026-03-06T10:00:00+00:00"),
        "noise": commit_empty(root, "Notes on T-4, XIP-1 T-5, UTF-8 T-6\n\n"
                                    "See plans/IP-1-retry-queue.md T-2 and IP-1-retry T-2.",
                              "2026-03-07T10:00:00+00:00"),
    }
    results = root / "results"
    results.mkdir()
    # the plugin comes through its entry point; --strict-markers proves it registered `plan`
    run = subprocess.run([sys.executable, "-m", "pytest", "tests/test_store.py", "-q",
                          "-p", "no:cacheprovider", "--strict-markers",
                          f"--junitxml={results / 'pytest.xml'}"],
                         cwd=root, env={**{k: v for k, v in env().items()
                                           if k != "PYTEST_DISABLE_PLUGIN_AUTOLOAD"},
                                        "PYTEST_ADDOPTS": ""}, capture_output=True, text=True)
    assert run.returncode == 1, run.stdout + run.stderr  # test_backoff_caps fails
    (results / "jest.xml").write_text(JEST_JUNIT, encoding="utf-8")
    return root, shas


def commit_empty(root: Path, message: str, date: str) -> str:
    from gitrepo import git

    git(root, "commit", "-q", "--allow-empty", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD").strip()


def ref(sha: str, date: str, subject: str) -> dict:
    return {"sha": sha, "date": f"{date}T10:00:00+00:00", "subject": subject}


def test_pytest_plugin_writes_the_marker_into_junit(repo):
    import xml.etree.ElementTree as ET

    root, _ = repo
    cases = {case.get("name"): case for case in
             ET.parse(root / "results" / "pytest.xml").getroot().iter("testcase")}
    props = {name: [(p.get("name"), p.get("value")) for p in case.iter("property")]
             for name, case in cases.items()}
    assert props == {
        "test_store_saves": [("plan", "IP-1 UT-1")],
        "test_backoff_caps": [("plan", "IP-1 UT-2 UT-4")],
        "test_delivery_after_two_failures": [("plan", "IP-1 IT-1")],
        "test_restart_loses_nothing": [("plan", "IP-1 IT-2")],
        "test_replay": [],
        "test_unrelated": [],
    }
    assert cases["test_backoff_caps"].find("failure") is not None
    assert cases["test_restart_loses_nothing"].find("skipped") is not None


def test_trace_json_is_exact(repo):
    root, shas = repo
    proc = planbook(root, "trace", "--format", "json", "--junit", "results/pytest.xml",
                    "--junit", "results/jest.xml")
    assert proc.returncode == 0, proc.stderr
    text = (root / "plans" / PLAN).read_text(encoding="utf-8")
    at = lambda needle: line_of(text, needle)  # noqa: E731
    py = "tests/test_store.py"
    subject = ref(shas["subject"], "2026-03-02", "Add the store interface (IP-1 T-1)")
    trailer = ref(shas["trailer"], "2026-03-03", "Start the backoff")
    body = ref(shas["body"], "2026-03-04", "Tidy the store")
    expected = {
        "plans": [{
            "path": f"plans/{PLAN}", "id": "IP-1",
            "tasks": [
                {"id": "T-1", "line": at("| T-1 |"), "done": True, "commits": [body, subject]},
                {"id": "T-2", "line": at("| T-2 |"), "done": True, "commits": []},
                {"id": "T-3", "line": at("| T-3 |"), "done": False, "commits": [body, trailer]},
                {"id": "T-4", "line": at("| T-4 |"), "done": False, "commits": []},
                {"id": "T-5", "line": at("| T-5 |"), "done": False, "commits": []},
                {"id": "T-6", "line": at("| T-6 |"), "done": False, "commits": []},
            ],
            "tests": [
                {"id": "UT-1", "line": at("| UT-1 |"), "result": "passed",
                 "implemented_by": [{"path": py, "line": 5, "name": "test_store_saves"}]},
                {"id": "UT-2", "line": at("| UT-2 |"), "result": "failed",
                 "implemented_by": [{"path": py, "line": 10, "name": "test_backoff_caps"}]},
                {"id": "UT-3", "line": at("| UT-3 |"), "result": "passed",
                 "implemented_by": [{"path": "web/retry.test.js", "line": 1,
                                     "name": "a 2xx answer deletes the attempt"}]},
                {"id": "UT-4", "line": at("| UT-4 |"), "result": "failed",
                 "implemented_by": [{"path": py, "line": 10, "name": "test_backoff_caps"}]},
                {"id": "UT-5", "line": at("| UT-5 |"), "result": "missing",
                 "implemented_by": []},
                {"id": "IT-1", "line": at("| IT-1 |"), "result": "passed",
                 "implemented_by": [{"path": py, "line": 15,
                                     "name": "test_delivery_after_two_failures"}]},
                {"id": "IT-2", "line": at("| IT-2 |"), "result": "skipped",
                 "implemented_by": [{"path": py, "line": 21,
                                     "name": "test_restart_loses_nothing"}]},
                {"id": "IT-3", "line": at("| IT-3 |"), "result": "passed",
                 "implemented_by": [{"path": py, "line": 26, "name": "test_replay"}]},
            ],
            "criteria": [
                {"id": "AC-1", "line": at("| AC-1 |"), "tests": ["IT-1"], "state": "met"},
                {"id": "AC-2", "line": at("| AC-2 |"), "tests": ["IT-2"], "state": "untested"},
                {"id": "AC-3", "line": at("| AC-3 |"), "tests": ["UT-2", "UT-4"],
                 "state": "failing"},
                {"id": "AC-4", "line": at("| AC-4 |"), "tests": ["UT-5", "IT-3"],
                 "state": "untested"},
            ],
        }],
        "unknown_citations": [
            {"sha": shas["typo"], "date": "2026-03-05T10:00:00+00:00",
             "subject": "Scheduler first cut (IP-1 T-44)", "plan": "IP-1", "task": "T-44",
             "reason": "no such task"},
            {"sha": shas["no-plan"], "date": "2026-03-06T10:00:00+00:00",
             "subject": "Replay notes for IP-9 T-2", "plan": "IP-9", "task": "T-2",
             "reason": "no such plan"},
        ],
    }
    assert json.loads(proc.stdout) == expected


def test_trace_since_counts_only_later_commits(repo):
    root, shas = repo
    proc = planbook(root, "trace", "--format", "json", "--since", shas["trailer"])
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    tasks = {t["id"]: [c["subject"] for c in t["commits"]] for t in found["plans"][0]["tasks"]}
    assert tasks == {"T-1": ["Tidy the store"], "T-2": [], "T-3": ["Tidy the store"],
                     "T-4": [], "T-5": [], "T-6": []}
    tests = {t["id"]: t["result"] for t in found["plans"][0]["tests"]}
    assert set(tests.values()) == {None}  # no results given
    bad = planbook(root, "trace", "--since", "no-such-branch")
    assert bad.returncode == 2
    assert "--since no-such-branch: no such commit, branch or tag" in bad.stderr


def test_trace_markdown_matrix(repo):
    root, _ = repo
    proc = planbook(root, "trace", "--format", "markdown", "--junit", "results/pytest.xml",
                    "--junit", "results/jest.xml")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:4] == ["## Traceability", "", "### IP-1", ""]
    assert f"`plans/{PLAN}`: 1 of 4 criteria met; 2 of 6 tasks cited by commits." in lines
    table = lines.index("| Criterion | Tests | Result | State |")
    assert lines[table + 2:table + 6] == [
        "| AC-1 | IT-1 | IT-1 ✅ passed | ✅ met |",
        "| AC-2 | IT-2 | IT-2 ⏭️ skipped | ⚠️ untested |",
        "| AC-3 | UT-2, UT-4 | UT-2 ❌ failed, UT-4 ❌ failed | ❌ failing |",
        "| AC-4 | UT-5, IT-3 | UT-5 ⚠️ missing, IT-3 ✅ passed | ⚠️ untested |",
    ]


def tr_findings(root: Path, *args: str) -> list[tuple[str, int, str]]:
    proc = planbook(root, "lint", "--format", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return [(f["code"], f["line"], f["message"]) for f in json.loads(proc.stdout)
            if f["code"].startswith("TR")]


def test_lint_findings(repo):
    root, shas = repo
    text = (root / "plans" / PLAN).read_text(encoding="utf-8")
    tasks_header = line_of(text, "| ID  | Task ")
    assert tr_findings(root) == [
        ("TR002", 1, f"commit {shas['no-plan'][:10]} ('Replay notes for IP-9 T-2') cites IP-9 "
                     "T-2, but there is no plan IP-9"),
        ("TR003", line_of(text, "| UT-5 |"), 'no test implements UT-5; mark one with '
                                             '@pytest.mark.plan("IP-1", "UT-5") or write '
                                             'IP-1:UT-5 in it'),
        ("TR002", tasks_header, f"commit {shas['typo'][:10]} ('Scheduler first cut (IP-1 "
                                "T-44)') cites IP-1 T-44, but the plan has no task T-44"),
    ]
    # TR001 is off by default; selected, it names the done task no commit cites
    assert [f for f in tr_findings(root, "--select", "TR001")] == [
        ("TR001", line_of(text, "| T-2 |"), "T-2 is marked done, but no commit cites it; name "
                                            "it as 'IP-1 T-2' in the message of the commit "
                                            "that did it")]


def test_lint_on_a_done_plan_gates_on_results(repo, tmp_path):
    root, _ = repo
    done = tmp_path / PLAN
    done.write_text(tracked_plan('"done"'), encoding="utf-8")
    text = done.read_text(encoding="utf-8")
    junit = ["--junit", "results/pytest.xml", "--junit", "results/jest.xml"]
    found = [f for f in tr_findings(root, str(done), "--select", "TR004", *junit)]
    assert found == [
        ("TR004", line_of(text, "| AC-2 |"), "AC-2 is not met: IT-2 was skipped"),
        ("TR004", line_of(text, "| AC-3 |"), "AC-3 is not met: UT-2 failed, UT-4 failed"),
        ("TR004", line_of(text, "| AC-4 |"), "AC-4 is not met: UT-5 has no result"),
    ]
    # without results there is nothing to judge; the same plan in progress is not gated
    assert tr_findings(root, str(done), "--select", "TR004") == []
    (tmp_path / "open.md").write_text(tracked_plan(), encoding="utf-8")
    assert tr_findings(root, str(tmp_path / "open.md"), "--select", "TR004", *junit) == []


def test_status_shows_evidence_and_skips_started_tasks(repo):
    root, shas = repo
    proc = planbook(root, "status", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)["plans"][0]
    assert found["evidence"] == [
        {"task": "T-1", "commits": 2, "sha": shas["body"], "date": "2026-03-04T10:00:00+00:00"},
        {"task": "T-3", "commits": 2, "sha": shas["body"], "date": "2026-03-04T10:00:00+00:00"},
    ]
    # T-3 is the first open task whose dependencies are done, but commits show it started
    assert (found["next_kind"], found["next_task"]) == ("task", "T-4")
    table = planbook(root, "status").stdout
    assert (f"plans/{PLAN}: T-1 (2 commits, last {shas['body'][:7]} 2026-03-04), "
            f"T-3 (2 commits, last {shas['body'][:7]} 2026-03-04)") in table


MKDOCS = """\
site_name: Plans
repo_url: https://example.org/team/relay
plugins:
  - planbook:
      junit: [results/pytest.xml, results/jest.xml]
"""


def test_site_section_and_coverage_column(repo, tmp_path):
    root, shas = repo
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    try:
        proc = planbook(root, "site", "export", str(tmp_path / "out"), "--no-diagrams")
    finally:
        (root / "mkdocs.yml").unlink()
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "out" / "plans" / "IP-1-retry-queue.md").read_text(encoding="utf-8")
    section = page[page.index("## Traceability"):page.index("## 1\\. Overview")]

    def link(name: str, subject: str, day: str) -> str:
        sha = shas[name]
        return (f'<a href="https://example.org/team/relay/commit/{sha}"><code>{sha[:10]}'
                f'</code></a> {subject} <span class="pb-muted">2026-03-0{day}</span>')

    none = '<span class="pb-muted">none</span>'
    tasks = "".join(f"<tr><td>{task}</td><td>{state}</td><td>{commits}</td></tr>" for task, state,
                    commits in [
                        ("T-1", "done", link("body", "Tidy the store", "4") + "<br>"
                         + link("subject", "Add the store interface (IP-1 T-1)", "2")),
                        ("T-2", "done", none),
                        ("T-3", "open", link("body", "Tidy the store", "4") + "<br>"
                         + link("trailer", "Start the backoff", "3")),
                        ("T-4", "open", none), ("T-5", "open", none), ("T-6", "open", none)])

    def result(test: str, said: str, css: str, line: int | None) -> str:
        where = f' <small class="pb-muted">tests/test_store.py:{line}</small>' if line else ""
        return f'{test} <span class="pb-lint-{css}">{said}</span>{where}'

    criteria = "".join(
        f'<tr><td>{ac}</td><td>{"<br>".join(cells)}</td><td class="pb-lint-{css}">{state}'
        "</td></tr>" for ac, cells, state, css in [
            ("AC-1", [result("IT-1", "passed", "clean", 15)], "met", "clean"),
            ("AC-2", [result("IT-2", "skipped", "warning", 21)], "untested", "warning"),
            ("AC-3", [result("UT-2", "failed", "error", 10), result("UT-4", "failed", "error", 10)],
             "failing", "error"),
            ("AC-4", [result("UT-5", "no result", "warning", None),
                      result("IT-3", "passed", "clean", 26)], "untested", "warning")])
    assert section == "\n".join([
        "## Traceability", "",
        "2 of 6 tasks cited by commits (write <code>IP-1 T-1</code> in a commit message).", "",
        '<table class="pb-table pb-trace-tasks"><thead><tr><th scope="col">Task</th>'
        '<th scope="col">State</th><th scope="col">Commits</th></tr></thead><tbody>'
        + tasks + "</tbody></table>", "",
        "1 of 4 acceptance criteria met.", "",
        '<table class="pb-table pb-trace-criteria"><thead><tr><th scope="col">Criterion</th>'
        '<th scope="col">Tests and results</th><th scope="col">State</th></tr></thead><tbody>'
        + criteria + "</tbody></table>", "", ""])
    index = (tmp_path / "out" / "plans" / "index.md").read_text(encoding="utf-8")
    assert '<th scope="col">Tasks</th><th scope="col">Coverage</th>' in index
    assert '<td data-sort="0.2500" class="pb-lint-warning">1/4 met</td>' in index


def test_site_escapes_commit_subjects_and_test_names(tmp_path):
    root = make_repo(tmp_path / "repo")
    (root / "pyproject.toml").write_text('[tool.planbook]\ntests = ["web/*.js"]\n',
                                         encoding="utf-8")
    write(root, PLAN, tracked_plan())
    (root / "web").mkdir()
    hostile = "<img src=x onerror=alert(1)>"
    (root / "web" / "a.test.js").write_text(f'// IP-1:IT-1\ntest("{hostile}", () => {{}});\n',
                                            encoding="utf-8")
    commit(root, "<script>alert('subject')</script> IP-1 T-1")
    (root / "jest.xml").write_text(
        '<testsuite><testcase name="&lt;img src=x onerror=alert(1)&gt;"/></testsuite>',
        encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        'site_name: x\nrepo_url: "https://example.org/a\\"onmouseover=\\"x"\n'
        "plugins:\n  - planbook:\n      junit: [jest.xml]\n", encoding="utf-8")
    proc = planbook(root, "site", "export", str(tmp_path / "out"), "--no-diagrams")
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "out" / "plans" / "IP-1-retry-queue.md").read_text(encoding="utf-8")
    section = page[page.index("## Traceability"):page.index("## 1\\. Overview")]
    assert "&lt;script&gt;alert(&#x27;subject&#x27;)&lt;/script&gt; IP-1 T-1" in section
    assert "<script" not in section and "<img" not in section
    assert 'href="https://example.org/a&quot;onmouseover=&quot;x/commit/' in section
    assert '<td class="pb-lint-clean">met</td>' in section  # AC-1: IT-1 passed, by its name
