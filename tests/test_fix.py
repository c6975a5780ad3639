"""planbook fix: each fixer on a real file, byte-exact outside the fixed spans."""

from __future__ import annotations

import os
import stat

import pytest

from gitrepo import commit, make_repo, plan, planbook, write

FRONT = """\
---
# the plan's identity
title: Retry queue (Issue #28)
by: @mara
created: 2026-03-02
updated: "2026-03-09"   # last edit
version: 1.10  # bumped for the queue
doc_type: IP
description: "Persist failed deliveries."
status: In-Progress
tags: [webhooks]
---
"""
FIXED = """\
---
# the plan's identity
title: "Retry queue (Issue #28)"
by: "@mara"
created: 2026-03-02
updated: "2026-03-09"   # last edit
version: "1.10"  # bumped for the queue
doc_type: IP
description: "Persist failed deliveries."
status: in-progress
tags: [webhooks]
---
"""


def body(clean: str) -> str:
    return clean[clean.index("\n---\n") + 5:]


@pytest.fixture
def folder(tmp_path, clean):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "notes.md").write_text("# notes\n")
    return tmp_path


def put(folder, text: str, newline: str = "\n") -> str:
    path = folder / "plans" / "IP-7-retry-queue.md"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def test_quotes_fix_case_and_keep_comments_order_and_body(folder, clean):
    path = put(folder, FRONT + body(clean))
    proc = planbook(folder, "fix")
    assert proc.returncode == 0, proc.stderr
    assert "fixed 4 problems in 1 file" in proc.stderr
    assert path.read_text(encoding="utf-8") == FIXED + body(clean)


def test_crlf_stays_crlf_and_only_the_spans_change(folder, clean):
    path = put(folder, FRONT + body(clean), "\r\n")
    assert planbook(folder, "fix").returncode == 0
    data = path.read_bytes()
    assert data == (FIXED + body(clean)).replace("\n", "\r\n").encode("utf-8")
    assert data.count(b"\n") == data.count(b"\r\n")


def test_fixing_twice_changes_nothing_the_second_time(folder, clean):
    path = put(folder, FRONT + body(clean))
    planbook(folder, "fix")
    once = path.read_bytes()
    again = planbook(folder, "fix")
    assert path.read_bytes() == once and "fixed 0 problems in 0 files" in again.stderr
    assert planbook(folder, "fix", "--diff").returncode == 0


def test_diff_previews_and_writes_nothing(folder, clean):
    path = put(folder, FRONT + body(clean))
    before = path.read_bytes()
    proc = planbook(folder, "fix", "--diff")
    assert proc.returncode == 1
    assert path.read_bytes() == before
    assert "-version: 1.10  # bumped for the queue\n" in proc.stdout
    assert '+version: "1.10"  # bumped for the queue\n' in proc.stdout
    assert proc.stdout.startswith("--- a/plans/IP-7-retry-queue.md\n+++ b/plans/")


def test_select_limits_the_fixes(folder, clean):
    path = put(folder, FRONT.replace("by: @mara", 'by: "mara"') + body(clean))
    assert planbook(folder, "fix", "--select", "FM011").returncode == 0
    text = path.read_text(encoding="utf-8")
    assert 'version: "1.10"  # bumped' in text and "title: Retry queue (Issue #28)\n" in text
    assert planbook(folder, "fix", "--select", "XX999").returncode == 2


def test_renumbers_sections_and_nothing_else(folder, clean):
    text = clean.replace("## 4. Implementation Tasks", "## 5. Implementation Tasks")
    text = text.replace("## 5. Implementation Sequence", "## 5. Implementation Sequence", 1)
    path = put(folder, text)
    assert "ST004" in planbook(folder, "lint", str(path)).stdout
    assert planbook(folder, "fix", "--select", "ST004").returncode == 0
    assert path.read_text(encoding="utf-8") == clean
    assert planbook(folder, "lint", str(path)).returncode == 0


def test_subsections_follow_their_parent(folder, clean):
    text = clean.replace("### 3.2 Integration Tests", "### 2.2 Integration Tests")
    path = put(folder, text)
    assert planbook(folder, "fix").returncode == 0
    assert path.read_text(encoding="utf-8") == clean


def test_table_values_take_the_declared_case(folder, clean):
    row = next(line for line in clean.splitlines() if line.startswith("| T-1 "))
    cells = row.split("|")
    cells[5] = cells[5].replace(cells[5].strip(), cells[5].strip().lower())
    path = put(folder, clean.replace(row, "|".join(cells)))
    assert planbook(folder, "fix").returncode == 0
    assert path.read_text(encoding="utf-8") == clean


def test_write_is_atomic_and_keeps_the_mode(folder, clean):
    path = put(folder, FRONT + body(clean))
    os.chmod(path, 0o640)
    planbook(folder, "fix")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["IP-7-retry-queue.md", "notes.md"]


def test_a_file_that_is_not_text_is_left_alone(folder):
    path = folder / "plans" / "IP-8.md"
    path.write_bytes(b"---\ntitle: caf\xe9\n---\n")
    proc = planbook(folder, "fix")
    assert proc.returncode == 0 and path.read_bytes() == b"---\ntitle: caf\xe9\n---\n"


def test_updated_is_set_on_a_changed_plan(tmp_path):
    repo = make_repo(tmp_path / "repo")
    path = write(repo, "IP-1-retry-queue.md", plan())
    commit(repo, "Add", "2026-03-09T10:00:00+00:00")
    edited = plan(version='"1.1"').replace("Relay posts signed", "Relay signs and posts")
    write(repo, "IP-1-retry-queue.md", edited)
    assert "GT002" in planbook(repo, "lint").stdout
    assert planbook(repo, "fix").returncode == 0
    assert path.read_text() == edited.replace('updated: "2026-03-09"', 'updated: "2026-06-01"')
    assert planbook(repo, "lint").returncode == 0
