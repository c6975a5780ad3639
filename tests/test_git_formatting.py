"""Formatting is not an edit: the git rules and `status --since` judge what a plan says.

A plan is committed, then each case changes it the way a formatter or an author would:
(a) tables re-padded and `*` escaped in a cell, (b) trailing spaces stripped inside the
mermaid block, (c) a paragraph rewrapped; (d) a task's description changed, (e) a checklist
item ticked, (f) a risk row added. (a)–(c) get no GT002 or GT003; (d)–(f) get both, with a
message naming the change; `status --since` lists (e) and none of (a)–(c).
"""

from __future__ import annotations

import json
import re

import pytest

from gitrepo import commit, make_repo, plan, planbook, write
from planbook.edits import what_changed
from planbook.parse import parse_text

ADDED = "2026-03-09T10:00:00+00:00"
NAME = "IP-1-retry-queue.md"


def base() -> str:
    """The clean plan with a `*` in a task cell and trailing spaces inside its gantt."""
    text = plan().replace("| Backoff function     |", "| Backoff *function*   |", 1)
    return text.replace("    dateFormat YYYY-MM-DD\n", "    dateFormat YYYY-MM-DD   \n\n", 1)


def repad(text: str) -> str:
    """What a Markdown formatter does to tables: one space of padding, `*` escaped."""
    def row(line: str) -> str:
        if not line.startswith("|"):
            return line
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(set(c) <= set("-:") for c in cells):
            cells = ["---"] * len(cells)
        return "| " + " | ".join(cells) + " |"
    out = "\n".join(row(line) for line in text.split("\n"))
    return out.replace("Backoff *function*", "Backoff \\*function\\*")


def strip_code(text: str) -> str:
    return text.replace("    dateFormat YYYY-MM-DD   \n", "    dateFormat YYYY-MM-DD\n", 1)


def rewrap(text: str) -> str:
    start = text.index("Relay posts signed")
    end = text.index("\n\n", start)
    words = text[start:end].split()
    lines, line = [], ""
    for word in words:
        if len(line) + len(word) > 60:
            lines.append(line.rstrip())
            line = ""
        line += word + " "
    lines.append(line.rstrip())
    return text[:start] + "\n".join(lines) + text[end:]


CASES = {
    "repad": (repad, None),
    "strip-code": (strip_code, None),
    "rewrap": (rewrap, None),
    "task": (lambda t: t.replace("Doubling delay with full jitter and a cap",
                                 "Doubling delay, full jitter, a cap of an hour"),
             "section 4: row T-3 changed"),
    "tick": (lambda t: t.replace("- [ ] Scheduler tests", "- [x] Scheduler tests"),
             "section 7: item 3 changed"),
    "risk": (lambda t: t.replace(
        "| The attempts table grows without bound    |",
        "| Receivers reject our signatures           | High   | Low        | Rotate keys "
        "with overlap                            |\n"
        "| The attempts table grows without bound    |"),
        "section 8: row 'Receivers reject our signatures' added"),
}


@pytest.fixture
def repo(tmp_path):
    root = make_repo(tmp_path / "repo")
    write(root, NAME, base())
    commit(root, "Add the retry queue plan", ADDED)
    return root


def lint(repo, *args):
    proc = planbook(repo, "lint", "--format", "json", "--select", "GT", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return [(f["code"], f["message"]) for f in json.loads(proc.stdout)]


@pytest.mark.parametrize("case", sorted(CASES))
def test_only_a_change_a_reader_sees_needs_a_new_date_and_version(repo, case):
    change, named = CASES[case]
    changed = change(base())
    assert changed != base()
    write(repo, NAME, changed)
    commit(repo, f"Change: {case}", "2026-04-01T10:00:00+00:00")
    found = lint(repo, "--changed-since", "HEAD~1")
    if named is None:
        assert found == [], found
        return
    assert {code for code, _ in found} == {"GT002", "GT003"}
    assert all(named in message for _, message in found), found


def test_status_since_lists_progress_and_not_formatting(repo):
    text = rewrap(strip_code(repad(base())))
    write(repo, NAME, text)
    commit(repo, "Format every plan", "2026-04-01T10:00:00+00:00")
    proc = planbook(repo, "status", "--since", "HEAD~1", "--format", "json")
    assert json.loads(proc.stdout)["completed"] == []
    write(repo, NAME, CASES["tick"][0](text))
    commit(repo, "Scheduler tests pass", "2026-04-02T10:00:00+00:00")
    proc = planbook(repo, "status", "--since", "HEAD~2", "--format", "json")
    done = json.loads(proc.stdout)["completed"]
    assert [d["items"] for d in done] == [
        ["Scheduler tests against the fake HTTP client (UT-3, UT-4)"]]


def test_what_changed_reads_through_formatting():
    before = parse_text(base(), "plans/IP-1.md")
    formatted = parse_text(rewrap(strip_code(repad(base()))), "plans/IP-1.md")
    assert what_changed(before, formatted) == []
    edited = parse_text(CASES["task"][0](base()), "plans/IP-1.md")
    assert what_changed(before, edited) == ["section 4: row T-3 changed"]
    status = parse_text(re.sub(r"(?m)^status: .*$", 'status: "done"', base()), "plans/IP-1.md")
    assert what_changed(before, status) == ["frontmatter: 'status' changed"]
    assert what_changed(before, status, body_only=True) == []


def test_fix_dates_and_versions_only_plans_whose_content_changed(repo):
    write(repo, NAME, repad(base()))
    commit(repo, "Format", "2026-04-01T10:00:00+00:00")
    proc = planbook(repo, "fix", "--diff")
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout
    write(repo, NAME, CASES["task"][0](repad(base())))  # not committed: changed today
    proc = planbook(repo, "fix", "--diff")
    assert '-updated: "2026-03-09"' in proc.stdout and '+updated: "2026-06-01"' in proc.stdout
    assert "+version" not in proc.stdout  # raising the version is asked for, never assumed
    proc = planbook(repo, "fix", "--select", "GT003")
    assert proc.returncode == 0, proc.stderr
    text = (repo / "plans" / NAME).read_text(encoding="utf-8")
    assert 'version: "1.1"' in text and 'updated: "2026-03-09"' in text
    assert lint(repo) == [("GT002", next(m for c, m in lint(repo) if c == "GT002"))]


def test_a_hard_break_written_either_way_is_the_same_text():
    two_spaces = base().replace("Relay posts signed webhooks to customer endpoints.",
                                "Relay posts signed webhooks  \nto customer endpoints.")
    backslash = two_spaces.replace("webhooks  \n", "webhooks\\\n")
    assert what_changed(parse_text(two_spaces, "a.md"), parse_text(backslash, "a.md")) == []


def test_fix_sets_the_field_the_doc_type_names_updated(tmp_path):
    """A Backlog.md task keeps its change date in `updated_date`: GT002 asks for it and fix
    sets it there, not in an `updated` key the type does not have."""
    root = make_repo(tmp_path / "repo")
    (root / "planbook.toml").write_text('[doc-types]\n"plans/*.md" = "Backlog"\n',
                                        encoding="utf-8")
    task = ("---\nid: task-7\ntitle: 'Retry webhooks'\nstatus: To Do\nassignee: []\n"
            "created_date: '2026-03-01'\nupdated_date: '2026-03-01'\nlabels: []\n"
            "dependencies: []\n---\n\n## Description\n\nRetry failed deliveries.\n")
    write(root, "task-7 - retry.md", task)
    commit(root, "Add the task", ADDED)
    write(root, "task-7 - retry.md", task.replace("failed deliveries", "failed webhook calls"))
    found = lint(root)
    assert [code for code, _ in found] == ["GT002"] and "updated_date" in found[0][1]
    assert planbook(root, "fix").returncode == 0
    text = (root / "plans" / "task-7 - retry.md").read_text(encoding="utf-8")
    assert "updated_date: '2026-06-01'" in text and "\nupdated:" not in text
    assert lint(root) == []
