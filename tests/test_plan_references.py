"""Fields that name other documents (GT004 exists, GT005 no cycle), for plans and Backlog.md
tasks: the names a reference may use, cycles across documents, and the plan on standard input
standing in for its file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planbook.cli import cli
from planbook.names import Names, find_cycle

CONFIG = """[tool.planbook]
paths = ["tasks"]

[tool.planbook.doc-types]
"tasks/*.md" = "Backlog"
"""


def task(ident: str, dependencies: list[str] = (), parent: str | None = None) -> str:
    deps = "".join(f"\n  - {d}" for d in dependencies) or " []"
    lines = [
        "---", f"id: {ident}", f"title: Task {ident}", "status: To Do",
        "created_date: '2026-03-02 09:15'", f"dependencies:{deps}",
    ]
    if parent is not None:
        lines.append(f"parent_task_id: {parent}")
    return "\n".join([*lines, "---", "", "## Description", "", "Something to do.", ""])


def write_tasks(root: Path, tasks: dict[str, str]) -> None:
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    (root / "tasks").mkdir(exist_ok=True)
    for name, text in tasks.items():
        (root / "tasks" / name).write_text(text, encoding="utf-8")


def lint(root: Path, *args: str, stdin: str | None = None) -> list[tuple[str, int, str, str]]:
    result = CliRunner().invoke(cli, ["lint", "--format", "json", *args], input=stdin,
                                catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return [(Path(f["path"]).name, f["line"], f["code"], f["message"])
            for f in json.loads(result.stdout)]


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_names_a_reference_may_use():
    names = Names(["tasks/back-100.1 - Setup React.md", "plans/IP-12-search.md",
                   "tasks/task-345 - Fix IDs.md"])
    assert names.resolve("BACK-100.1") == names.resolve("back-100.1") == "back-100.1"
    assert names.resolve("back-100.1 - Setup React.md") == "back-100.1"
    assert names.resolve("plans/IP-12-search.md") == names.resolve("ip-12") == "ip-12"
    assert names.resolve("345") == "task-345"  # Backlog.md writes a parent as a bare number
    assert names.resolve(345) == "task-345"
    assert names.resolve("back-100") is None  # the parent of 100.1 is another document
    assert names.resolve("IP-1") is None and names.resolve("") is None


def test_sharing_an_id_is_the_same_answer_before_and_after_the_index_is_built(tmp_path):
    # the first questions are answered from the file names, later ones from the index
    paths = [str(tmp_path / n) for n in ("IP-1-a.md", "ip-1-b.md", "IP-10-c.md", "IP-1.2-d.md",
                                         "IP-1.md", "notes-IP-1.md", "IP-2-e.md")]
    for path in paths:
        Path(path).write_text("x\n")
    names = Names(paths)
    asked = [names.sharing_id(p) for _ in range(3) for p in paths]
    assert names._built  # more questions than Names.SCANS: the index took over
    indexed = Names(paths)
    indexed.resolve("IP-1")  # built before the first question
    assert asked == [indexed.sharing_id(p) for _ in range(3) for p in paths]
    assert asked[0] == sorted([paths[1], paths[4]])  # IP-10 and IP-1.2 are other IDs
    assert asked[2] == [] and asked[5] == []


def test_find_cycle_is_shortest_and_iterative():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a", "b"]}, "a") == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["a"]}, "a") == ["a", "a"]
    assert find_cycle({"a": ["b"], "b": ["c"]}, "a") == []
    chain = {str(i): [str(i + 1)] for i in range(20_000)} | {"20000": ["0"]}
    assert len(find_cycle(chain, "0")) == 20_002


def test_backlog_references_to_missing_tasks(in_tmp):
    write_tasks(in_tmp, {
        "task-1 - One.md": task("task-1"),
        "task-2 - Two.md": task("task-2", ["task-1", "TASK-9"], parent="'1'"),
        "task-3 - Three.md": task("task-3", parent="task-8"),
    })
    assert lint(in_tmp) == [
        ("task-2 - Two.md", 8, "GT004",
         "dependencies names 'TASK-9', which is not a document here"),
        ("task-3 - Three.md", 7, "GT004",
         "parent_task_id names 'task-8', which is not a document here"),
    ]


def test_a_cycle_across_tasks_is_found_on_each_of_them(in_tmp):
    write_tasks(in_tmp, {
        "task-1 - One.md": task("task-1", ["task-3"]),
        "task-2 - Two.md": task("task-2", ["task-1"]),
        "task-3 - Three.md": task("task-3", ["TASK-2"]),
        "task-4 - Four.md": task("task-4", ["task-1"]),  # waits on the circle, not part of it
    })
    assert lint(in_tmp) == [
        ("task-1 - One.md", 7, "GT005",
         "dependencies goes round in a circle: task-1 → task-3 → task-2 → task-1"),
        ("task-2 - Two.md", 7, "GT005",
         "dependencies goes round in a circle: task-2 → task-1 → task-3 → task-2"),
        ("task-3 - Three.md", 7, "GT005",
         "dependencies goes round in a circle: task-3 → task-2 → task-1 → task-3"),
    ]
    # linting one of them still follows the others on disk
    assert [c for _, _, c, _ in lint(in_tmp, "tasks/task-2 - Two.md")] == ["GT005"]


def test_parent_and_dependency_are_separate_relations(in_tmp):
    # a subtask depending on its parent is ordinary, not a circle
    write_tasks(in_tmp, {
        "task-1 - One.md": task("task-1", ["task-1.1"]),
        "task-1.1 - Sub.md": task("task-1.1", parent="task-1"),
    })
    assert lint(in_tmp) == []


def test_a_task_that_is_its_own_parent(in_tmp):
    write_tasks(in_tmp, {"task-5 - Five.md": task("task-5", parent="task-5")})
    assert lint(in_tmp) == [("task-5 - Five.md", 7, "GT005",
                             "parent_task_id goes round in a circle: task-5 → task-5")]


def test_the_buffer_on_stdin_stands_in_for_its_file(in_tmp):
    write_tasks(in_tmp, {
        "task-1 - One.md": task("task-1", ["task-2"]),
        "task-2 - Two.md": task("task-2", ["task-1"]),
    })
    # the editor's buffer has broken the circle that the file on disk still closes
    fixed = task("task-2")
    assert lint(in_tmp, "--stdin", "--stdin-filename", "tasks/task-2 - Two.md",
                stdin=fixed) == []
    assert [c for _, _, c, _ in lint(in_tmp)] == ["GT005", "GT005"]


def test_plans_depending_on_each_other(in_tmp, clean):
    (in_tmp / "plans").mkdir()
    one = clean.replace('version: "1.0"\n', 'version: "1.0"\ndepends_on: ["IP-8"]\n', 1)
    two = clean.replace('version: "1.0"\n', 'version: "1.0"\ndepends_on: [IP-7-retry-queue.md]\n')
    assert one != clean != two
    (in_tmp / "plans" / "IP-7-retry-queue.md").write_text(one, encoding="utf-8")
    (in_tmp / "plans" / "IP-8-export.md").write_text(two, encoding="utf-8")
    found = [(name, code, message) for name, _, code, message in lint(in_tmp, "--select", "GT")]
    assert found == [
        ("IP-7-retry-queue.md", "GT005", "depends_on goes round in a circle: IP-7 → IP-8 → IP-7"),
        ("IP-8-export.md", "GT005", "depends_on goes round in a circle: IP-8 → IP-7 → IP-8"),
    ]


def test_a_plan_named_by_its_symbolic_link(in_tmp, clean):
    # the link is linted once, as the file it points to, but it is still a name for it
    (in_tmp / "plans").mkdir()
    (in_tmp / "plans" / "IP-7-retry-queue.md").write_text(clean, encoding="utf-8")
    (in_tmp / "plans" / "retry.md").symlink_to("IP-7-retry-queue.md")
    (in_tmp / "plans" / "IP-8-export.md").write_text(
        clean.replace('version: "1.0"\n', 'version: "1.0"\ndepends_on: [retry, gone]\n'),
        encoding="utf-8")
    found = lint(in_tmp, "--select", "GT")
    assert found == [("IP-8-export.md", 7, "GT004",
                      "depends_on names 'gone', which is not a document here")]


def test_plans_sharing_an_id(in_tmp, clean):
    plans = in_tmp / "plans"
    plans.mkdir()
    for name in ("IP-7-retry-queue.md", "ip-7-export.md", "IP-70-sync.md"):
        (plans / name).write_text(clean, encoding="utf-8")
    (plans / "retry.md").symlink_to("IP-70-sync.md")  # one plan under two names
    (plans / "IP-70-alias.md").symlink_to("IP-70-sync.md")
    found = lint(in_tmp, "--select", "GT006")
    assert found == [
        ("IP-7-retry-queue.md", 1, "GT006",
         "IP-7 is also the ID of ip-7-export.md; give each plan an ID of its own"),
        ("ip-7-export.md", 1, "GT006",
         "ip-7 is also the ID of IP-7-retry-queue.md; give each plan an ID of its own"),
    ]


def test_a_cached_plan_learns_of_a_new_plan_with_its_id(in_tmp, clean):
    plans = in_tmp / "plans"
    plans.mkdir()
    (plans / "IP-7-retry-queue.md").write_text(clean, encoding="utf-8")
    assert lint(in_tmp, "--select", "GT006") == []
    (plans / "IP-7-export.md").write_text(clean, encoding="utf-8")
    assert [name for name, *_ in lint(in_tmp, "--select", "GT006")] == [
        "IP-7-export.md", "IP-7-retry-queue.md"]


def test_a_folder_outside_the_project_is_linted_as_its_own(tmp_path, monkeypatch, clean):
    """Linted from inside a project, another project's plans are not this one's: an IP-7
    there shares no ID with the IP-7 here, and names none of this project's plans."""
    project, other = tmp_path / "project", tmp_path / "other"
    for root, name in ((project, "IP-7-retry-queue.md"), (other, "IP-7-export.md")):
        (root / "plans").mkdir(parents=True)
        (root / "plans" / name).write_text(clean, encoding="utf-8")
    (project / "pyproject.toml").write_text('[tool.planbook]\npaths = ["plans"]\n')
    (project / "plans" / "IP-8-sync.md").write_text(
        clean.replace('version: "1.0"\n', 'version: "1.0"\ndepends_on: [IP-7]\n'))
    (other / "plans" / "IP-9-more.md").write_text(
        clean.replace('version: "1.0"\n', 'version: "1.0"\ndepends_on: [IP-8]\n'))
    monkeypatch.chdir(project)
    assert [(name, code) for name, _, code, _ in lint(project, "--select", "GT004,GT006",
                                                       "../other/plans")] == \
        [("IP-9-more.md", "GT004")]  # IP-8 is this project's, not the other's
    (project / "plans" / "ip-7-copy.md").write_text(clean, encoding="utf-8")
    # a plan of the project, named on its own, still sees the others of the project
    assert [(name, code) for name, _, code, _ in lint(project, "--select", "GT006",
                                                       "plans/IP-7-retry-queue.md")] == \
        [("IP-7-retry-queue.md", "GT006")]
