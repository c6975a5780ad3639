"""planbook fix: each fixer on a real file, byte-exact outside the fixed spans."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess

import pytest

from gitrepo import PLANBOOK, commit, env, make_repo, plan, planbook, write
from planbook.config import Config
from planbook.fix import FIXERS, NotFixed, fix_file
from planbook.fix import write as write_fixed
from planbook.lint import Linter
from planbook.writing import atomic_write

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
status: In-Progress
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
    assert "fixed 3 problems in 1 file" in proc.stderr
    assert path.read_text(encoding="utf-8") == FIXED + body(clean)
    proc = planbook(folder, "fix", "--select", "FM007")
    assert "fixed 1 problem in 1 file" in proc.stderr
    assert path.read_text(encoding="utf-8") == FIXED.replace(
        "status: In-Progress", "status: in-progress") + body(clean)


def test_plain_fix_changes_only_what_lint_reports(folder, clean):
    """Lint accepts `In-Progress` (allowed values compare in any case), so plain `fix` and
    `fix --diff` leave it; the case fixer runs when named."""
    text = FRONT.replace("by: @mara", 'by: "@mara"').replace(
        "title: Retry queue (Issue #28)", 'title: "Retry queue (Issue #28)"').replace(
        "version: 1.10 ", 'version: "1.10"') + body(clean)
    path = put(folder, text)
    assert planbook(folder, "lint", str(path)).returncode == 0
    proc = planbook(folder, "fix", "--diff")
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    assert "would fix 0 problems in 0 files" in proc.stderr
    assert planbook(folder, "fix").returncode == 0 and path.read_text(encoding="utf-8") == text
    proc = planbook(folder, "fix", "--diff", "--select", "FM007")
    assert proc.returncode == 1 and "+status: in-progress\n" in proc.stdout


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
    changed = clean.replace(row, "|".join(cells))
    path = put(folder, changed)
    assert planbook(folder, "fix").returncode == 0
    assert path.read_text(encoding="utf-8") == changed  # lint accepts any case
    assert planbook(folder, "fix", "--select", "TB004").returncode == 0
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


# -- what fix writes, and what it refuses to ------------------------------------------------


def as_user(*args: str) -> list[str]:
    """Run a command without root's power to write anything: as root, drop the capabilities
    that override file permissions, so a read-only file is read-only to it too."""
    if os.geteuid() != 0:
        return list(args)
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv, so file permissions cannot bind")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", *args]


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


def test_a_symlink_is_followed_and_stays_a_link(folder, clean):
    real = folder / "elsewhere" / "retry-queue.md"
    real.parent.mkdir()
    real.write_text(FRONT + body(clean), encoding="utf-8")
    link = folder / "plans" / "IP-7-retry-queue.md"
    link.symlink_to(real)
    proc = planbook(folder, "fix")
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text(encoding="utf-8") == FIXED + body(clean)
    assert leftovers(folder) == []


def test_a_hard_link_is_refused_and_keeps_its_inode(folder, clean):
    path = put(folder, FRONT + body(clean))
    other = folder / "snapshot.md"
    os.link(path, other)
    fine = folder / "plans" / "IP-8-other.md"
    fine.write_text(FRONT + body(clean), encoding="utf-8")
    inode = path.stat().st_ino
    proc = planbook(folder, "fix")
    assert proc.returncode == 2
    assert ("planbook: plans/IP-7-retry-queue.md: not fixed: it has 2 hard links, which "
            "replacing it would break\n") in proc.stderr
    assert "fixed 3 problems in 1 file; 1 file could not be fixed" in proc.stderr
    assert path.stat().st_ino == inode == other.stat().st_ino and path.stat().st_nlink == 2
    assert path.read_text(encoding="utf-8") == FRONT + body(clean)
    assert fine.read_text(encoding="utf-8") == FIXED + body(clean)
    assert planbook(folder, "fix", "--diff").returncode == 1  # a preview writes nothing


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file another owner")
def test_owner_group_and_mode_are_kept(folder, clean):
    path = put(folder, FRONT + body(clean))
    os.chown(path, 1234, 5678)
    os.chmod(path, 0o4640)
    assert planbook(folder, "fix").returncode == 0
    info = path.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1234, 5678, 0o4640)
    assert path.read_text(encoding="utf-8") == FIXED + body(clean)


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root and setpriv to give a file another owner and then "
                           "run without the power to keep it")
def test_a_file_whose_owner_cannot_be_kept_is_not_fixed(folder, clean):
    path = put(folder, FRONT + body(clean))
    os.chown(path, 1234, 5678)
    proc = subprocess.run([shutil.which("setpriv"), "--bounding-set=-chown", PLANBOOK, "fix"],
                          cwd=folder, env=env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert ("planbook: plans/IP-7-retry-queue.md: not fixed: it belongs to user 1234, group "
            "5678, and a rewritten file could not keep that owner\n") in proc.stderr
    assert path.read_text(encoding="utf-8") == FRONT + body(clean)
    assert (path.stat().st_uid, path.stat().st_gid) == (1234, 5678)
    assert leftovers(folder) == []


def test_read_only_files_and_folders_are_reported_and_the_run_goes_on(folder, clean):
    locked = put(folder, FRONT + body(clean))
    locked.chmod(0o444)
    shut = folder / "shut"
    shut.mkdir()
    inside = shut / "IP-9-shut.md"
    inside.write_text(FRONT + body(clean), encoding="utf-8")
    shut.chmod(0o555)
    fine = folder / "plans" / "IP-8-other.md"
    fine.write_text(FRONT + body(clean), encoding="utf-8")
    try:
        proc = subprocess.run(as_user(PLANBOOK, "fix", "plans", "shut"), cwd=folder,
                              env=env(), capture_output=True, text=True, timeout=60)
    finally:
        shut.chmod(0o755)
    assert proc.returncode == 2, proc.stderr
    assert "planbook: plans/IP-7-retry-queue.md: not fixed: permission denied\n" in proc.stderr
    assert "planbook: shut/IP-9-shut.md: not fixed: permission denied\n" in proc.stderr
    assert "fixed 3 problems in 1 file; 2 files could not be fixed" in proc.stderr
    assert "internal error" not in proc.stderr
    assert locked.read_text(encoding="utf-8") == FRONT + body(clean)
    assert stat.S_IMODE(locked.stat().st_mode) == 0o444
    assert inside.read_text(encoding="utf-8") == FRONT + body(clean)
    assert fine.read_text(encoding="utf-8") == FIXED + body(clean)
    assert leftovers(folder) == []


@pytest.mark.parametrize("kind", ["fifo", "fifo-in-folder", "dev-zero"])
def test_what_is_not_a_regular_file_is_refused_unread(folder, clean, kind):
    fine = put(folder, FRONT + body(clean))
    if kind == "dev-zero":
        args, shown = ["fix", "plans", os.devnull.replace("null", "zero")], "/dev/zero"
    else:
        os.mkfifo(folder / "plans" / "IP-9-pipe.md")
        args, shown = ["fix"] + (["plans/IP-9-pipe.md", "plans"] if kind == "fifo" else []), \
            "plans/IP-9-pipe.md"
    proc = subprocess.run([PLANBOOK, *args], cwd=folder, env=env(), capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 2
    assert f"planbook: {shown}: not fixed (IO001): is not a regular file\n" in proc.stderr
    assert fine.read_text(encoding="utf-8") == FIXED + body(clean)


def test_a_missing_file_is_reported(folder):
    proc = planbook(folder, "fix", "plans/IP-404.md")
    assert proc.returncode == 2
    assert ("planbook: plans/IP-404.md: not fixed (IO001): cannot read file: No such file or "
            "directory") in proc.stderr


def test_a_file_changed_after_it_was_read_is_not_overwritten(folder, clean):
    path = put(folder, FRONT + body(clean))
    linter = Linter(Config(root=folder))
    outcome = fix_file(str(path), linter, set(FIXERS))
    assert outcome.changed
    path.write_text(FRONT + body(clean) + "\nA line written meanwhile.\n", encoding="utf-8")
    with pytest.raises(NotFixed) as caught:
        write_fixed(outcome)
    assert str(caught.value) == "not fixed: it changed after it was read"
    assert path.read_text(encoding="utf-8").endswith("A line written meanwhile.\n")
    assert leftovers(folder) == []


def test_a_new_file_gets_the_usual_mode(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "baseline.json", b"{}\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "baseline.json").stat().st_mode) == 0o640


def test_a_bug_on_one_file_is_reported_and_the_others_are_fixed(folder, clean, monkeypatch):
    from click.testing import CliRunner

    import planbook.fix
    from planbook.cli import cli

    broken = folder / "plans" / "IP-6-broken.md"
    broken.write_text(FRONT + body(clean), encoding="utf-8")
    path = put(folder, FRONT + body(clean))
    real = planbook.fix.fix_file

    def failing(name, linter, codes):
        if name.endswith("IP-6-broken.md"):
            raise IndexError("list index out of range")
        return real(name, linter, codes)

    monkeypatch.setattr(planbook.fix, "fix_file", failing)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("PLANBOOK_TODAY", "2026-06-01")
    monkeypatch.delenv("PLANBOOK_DEBUG", raising=False)
    result = CliRunner().invoke(cli, ["fix"])
    assert result.exit_code == 2
    assert ("planbook: plans/IP-6-broken.md: not fixed: internal error: IndexError: list index "
            "out of range") in result.stderr
    assert "fixed 3 problems in 1 file; 1 file could not be fixed" in result.stderr
    assert path.read_text(encoding="utf-8") == FIXED + body(clean)
    assert broken.read_text(encoding="utf-8") == FRONT + body(clean)


def test_the_codes_table_names_every_fixer():
    """`cli` chooses what to ask the fixers about from `rules.codes`, without importing them."""
    from planbook.rules.codes import FIXABLE

    assert FIXABLE == tuple(sorted(FIXERS))
