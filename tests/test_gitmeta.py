"""gitmeta against real repositories made in a temporary folder, with real commits."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from gitrepo import spy_on_git
from planbook import git as gitmodule
from planbook import gitmeta

if shutil.which("git") is None:  # pragma: no cover - git is part of every supported setup
    pytest.fail("git is not installed; these tests need it", pytrace=False)


def git(repo, *args, author="Ada Lovelace", date="2025-01-01T10:00:00+00:00"):
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "dev@example.com",
        "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "dev@example.com",
        "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull,
    }
    return subprocess.run(["git", "-C", str(repo), *args], check=True, env=env,
                          capture_output=True, text=True).stdout


@pytest.fixture()
def repo(tmp_path):
    """A repo whose plan history has two authors, a rename with an edit, and a later add."""
    root = tmp_path / "repo"
    (root / "plans").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "plans" / "IP-1-old-name.md").write_text("# One\n\nfirst text of plan one\n" * 5)
    (root / "README.md").write_text("not a plan\n")
    git(root, "add", ".")
    git(root, "commit", "-qm", "Add plan one", date="2025-01-01T10:00:00+00:00")
    git(root, "mv", "plans/IP-1-old-name.md", "plans/IP-1-search.md")
    with open(root / "plans" / "IP-1-search.md", "a") as handle:
        handle.write("a line added with the rename\n")
    git(root, "commit", "-qam", "Rename plan one", author="Grace Hopper",
        date="2025-02-01T10:00:00+00:00")
    (root / "plans" / "IP-2-export.md").write_text("# Two\n")
    git(root, "add", ".")
    git(root, "commit", "-qm", "Add plan two", date="2025-03-01T10:00:00+00:00")
    with open(root / "plans" / "IP-1-search.md", "a") as handle:
        handle.write("edited again\n")
    git(root, "commit", "-qam", "Edit plan one: <b>bold</b> subject",
        date="2025-04-01T10:00:00+00:00")
    (root / "README.md").write_text("changed, but not a plan\n")
    git(root, "commit", "-qam", "Touch the readme", date="2025-05-01T10:00:00+00:00")
    return root


def test_collect_follows_renames_and_orders_authors(repo):
    found = gitmeta.collect(repo, ["plans/IP-1-search.md", "plans/IP-2-export.md"])
    one = found["plans/IP-1-search.md"]
    assert one.created.startswith("2025-01-01")  # the commit that added it under its old name
    assert one.updated.startswith("2025-04-01")
    assert one.subject == "Edit plan one: <b>bold</b> subject"
    assert one.authors == ["Ada Lovelace", "Grace Hopper"]
    assert one.commits == 3
    assert len(one.sha) == 40
    two = found["plans/IP-2-export.md"]
    assert two.created.startswith("2025-03-01") and two.updated.startswith("2025-03-01")
    assert two.commits == 1
    assert "plans/IP-1-old-name.md" not in found


def test_collect_uses_one_git_log_process(repo, monkeypatch):
    calls = spy_on_git(monkeypatch)
    many = [f"plans/IP-{n}.md" for n in range(200)] + ["plans/IP-1-search.md"]
    gitmeta.collect(repo, many)
    assert len(calls) == 1 and "log" in calls[0]
    calls.clear()
    result = gitmeta.facts(repo, many)
    assert len(calls) == 3  # rev-parse, log, status: the same for 2 plans or 2000
    assert result.in_repo and "plans/IP-1-search.md" in result.histories


def test_paths_are_relative_to_root_inside_a_subfolder(repo):
    found = gitmeta.collect(repo / "plans", ["IP-1-search.md"])
    assert set(found) == {"IP-1-search.md"}
    (repo / "plans" / "IP-2-export.md").write_text("# Two, edited\n")
    assert gitmeta.uncommitted(repo / "plans", ["IP-2-export.md", "IP-1-search.md"]) == {
        "IP-2-export.md"}


def test_uncommitted_sees_modified_and_untracked_plans(repo):
    (repo / "plans" / "IP-2-export.md").write_text("# Two, edited\n")
    (repo / "plans" / "IP-3-new.md").write_text("# Three\n")
    paths = ["plans/IP-1-search.md", "plans/IP-2-export.md", "plans/IP-3-new.md"]
    assert gitmeta.uncommitted(repo, paths) == {"plans/IP-2-export.md", "plans/IP-3-new.md"}
    result = gitmeta.facts(repo, paths)
    assert result.uncommitted == {"plans/IP-2-export.md", "plans/IP-3-new.md"}
    assert "plans/IP-3-new.md" not in result.histories
    assert result.shallow is False


def test_shallow_clone_is_detected(repo, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)],
                   check=True, capture_output=True)
    assert gitmeta.facts(clone, ["plans/IP-1-search.md"]).shallow is True
    assert gitmeta.facts(repo, ["plans/IP-1-search.md"]).shallow is False
    found = gitmeta.collect(clone, ["plans/IP-1-search.md"])
    # only the newest commit is there, so that is all git can say
    assert found["plans/IP-1-search.md"].commits == 1


def test_outside_a_repository_nothing_is_known(tmp_path):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "IP-1.md").write_text("# One\n")
    paths = ["plans/IP-1.md"]
    assert gitmeta.collect(tmp_path, paths) == {}
    assert gitmeta.uncommitted(tmp_path, paths) == set()
    assert gitmeta.facts(tmp_path, paths) == gitmeta.GitFacts()


def test_missing_git_is_nothing_known(repo, monkeypatch):
    monkeypatch.setenv("PATH", "")
    assert gitmeta.facts(repo, ["plans/IP-1-search.md"]) == gitmeta.GitFacts()


def test_parse_status_handles_renames_and_prefix():
    out = "R  plans/new.md\0plans/old.md\0?? plans/x.md\0 M other/y.md\0"
    assert gitmeta.parse_status(out, "plans/") == {"new.md", "x.md"}


def test_a_few_plans_read_their_own_history_with_the_same_answers(repo, monkeypatch):
    """Renames of renames, a rename with a move into the folder, a delete and re-add, a
    rename in a side branch merged back: `collect_few` reads only the plans asked for and
    answers as the whole walk does, in a fixed number of processes."""
    def write(name, text):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)

    body = "".join(f"line {n} of a plan long enough to be recognised when renamed\n"
                   for n in range(20))
    git(repo, "mv", "plans/IP-1-search.md", "plans/IP-1-find.md")  # a second rename
    git(repo, "commit", "-qm", "Rename again", author="Grace Hopper",
        date="2025-06-01T10:00:00+00:00")
    write("drafts/IP-3-idea.md", body)  # outside the plans folder, then moved in
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Draft", date="2025-06-02T10:00:00+00:00")
    git(repo, "mv", "drafts/IP-3-idea.md", "plans/IP-3-idea.md")
    git(repo, "commit", "-qm", "Promote the draft", date="2025-06-03T10:00:00+00:00")
    git(repo, "rm", "-q", "plans/IP-2-export.md")
    git(repo, "commit", "-qm", "Drop two", date="2025-06-04T10:00:00+00:00")
    write("plans/IP-2-export.md", "# Two, again\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Two is back", author="Edsger Dijkstra",
        date="2025-06-05T10:00:00+00:00")
    write("plans/IP-4-side.md", body.replace("line", "row"))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Add four", date="2025-06-06T10:00:00+00:00")
    git(repo, "checkout", "-q", "-b", "side")
    git(repo, "mv", "plans/IP-4-side.md", "plans/IP-4-branch.md")
    git(repo, "commit", "-qm", "Rename four on a branch", author="Grace Hopper",
        date="2025-06-07T10:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    write("plans/IP-5-main.md", "# Five\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Add five", date="2025-06-08T10:00:00+00:00")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge side", "side",
        date="2025-06-09T10:00:00+00:00")
    plans = sorted(f"plans/{p.name}" for p in (repo / "plans").iterdir())
    whole = gitmeta.collect(repo, plans)
    assert whole["plans/IP-1-find.md"].created.startswith("2025-01-01")
    assert whole["plans/IP-4-branch.md"].created.startswith("2025-06-06")
    assert whole["plans/IP-3-idea.md"].created.startswith("2025-06-03")  # entered plans/ then
    assert whole["plans/IP-2-export.md"].created.startswith("2025-06-05")
    calls = spy_on_git(monkeypatch)
    renames = {"plans/IP-1-find.md": 2, "plans/IP-4-branch.md": 1}
    in_first_commit = {"plans/IP-1-find.md"}  # under its first name
    for path in plans:
        calls.clear()
        assert gitmeta.collect_few(repo, [path]) == {path: whole[path]}, path
        # a log and a diff-tree, and one more of each per rename followed; no diff-tree for
        # a trail ending in the first commit, which has no parent to be renamed from
        assert len(calls) == 2 * (renames.get(path, 0) + 1) - (path in in_first_commit), path
        assert sum("diff-tree" in call for call in calls) == \
            renames.get(path, 0) + 1 - (path in in_first_commit), path
        logs = [call[call.index("--") + 1:] for call in calls if "log" in call]
        assert logs[0] == [path]  # its own history, not the folder's
    calls.clear()
    assert gitmeta.collect_few(repo, plans) == whole
    # one log and one diff-tree per round, and a log per renaming commit met in a round:
    # 2 + (2 + 1) + 1, set by the renames, not by the number of plans (the last round's
    # only trail ends in the first commit: no diff-tree)
    assert len(calls) == 6
    calls.clear()
    assert gitmeta.collect_few(repo, plans, one_by_one=True) == whole
    assert all(len(call[call.index("--") + 1:]) == 1 for call in calls if "log" in call)


def test_a_log_read_as_git_writes_it_folds_as_the_whole_text_does(repo):
    """Fed in pieces of any size, cut anywhere (inside a name, between a commit's header and
    its changes), the stream gives the histories and trail ends that the whole text gives."""
    git(repo, "mv", "plans/IP-2-export.md", "plans/IP-2-exporté.md")  # a name of two bytes
    git(repo, "commit", "-qm", "Rename two: ünïcode", date="2025-06-01T10:00:00+00:00")
    names = ["plans/IP-1-search.md", "plans/IP-2-exporté.md", "plans/IP-1-old-name.md"]
    code, out, _ = gitmeta._log(repo, [], names).answer()
    assert code == 0 and out.count(gitmeta.RECORD_BYTE) == 4
    ends: dict = {}
    whole = gitmeta.parse_log(out.decode(), set(names), None, ends)
    assert whole["plans/IP-1-search.md"].commits == 3 and whole["plans/IP-2-exporté.md"]
    for size in (1, 2, 3, 5, 8, 13, 64, len(out)):
        fold_ends: dict = {}
        stream = gitmeta._Stream(gitmeta.Fold(set(names), None, fold_ends))
        for at in range(0, len(out), size):
            stream(out[at:at + size])
        stream.end()
        assert stream.fold.found == whole and fold_ends == ends, size


def test_a_plan_written_again_where_one_was_deleted_has_only_its_own_history(
        repo, monkeypatch):
    """The commits of a deleted plan are not those of a new one written at its path: before
    it is committed it has none, and once committed its history starts there. The log is
    ended at the trail's end: the older plan's commits are not read."""
    path = "plans/IP-2-export.md"
    git(repo, "rm", "-q", path)
    git(repo, "commit", "-qm", "Drop two", date="2025-06-01T10:00:00+00:00")
    (repo / path).write_text("# Two, a new plan\n")
    assert gitmeta.collect_few(repo, [path]) == {} == gitmeta.collect(repo, [path])
    git(repo, "add", path)
    git(repo, "commit", "-qm", "Two anew", author="Grace Hopper",
        date="2025-07-01T10:00:00+00:00")
    with open(repo / path, "a") as handle:
        handle.write("more\n")
    git(repo, "commit", "-qam", "Edit two anew", date="2025-08-01T10:00:00+00:00")
    started = []
    real = gitmodule._process

    def spy(args, *rest, **kwargs):
        started.append((args, real(args, *rest, **kwargs)))
        return started[-1][1]

    monkeypatch.setattr(gitmodule, "_process", spy)
    few = gitmeta.collect_few(repo, [path])
    monkeypatch.undo()
    assert few == gitmeta.collect(repo, [path])
    two = few[path]
    assert (two.created[:10], two.updated[:10], two.commits) == ("2025-07-01", "2025-08-01", 2)
    assert two.authors == ["Ada Lovelace", "Grace Hopper"]
    log = [proc for args, proc in started if "log" in args]
    assert len(log) == 1 and log[0].stopped  # ended once the trail had
    started.clear()
    monkeypatch.setattr(gitmodule, "_process", spy)
    # plan one's trail ends in the first commit: the last git writes, seen before git ends
    one = gitmeta.collect_few(repo, ["plans/IP-1-search.md"])
    monkeypatch.undo()
    assert one == gitmeta.collect(repo, ["plans/IP-1-search.md"])
    assert one["plans/IP-1-search.md"].created.startswith("2025-01-01")
    assert all(proc.stopped for args, proc in started if "log" in args)
    monkeypatch.delattr(os, "posix_spawnp")  # git through subprocess: read whole, same answer
    assert gitmeta.collect_few(repo, [path, "plans/IP-1-search.md"]) == {**few, **one}


def test_the_whole_folders_walk_remembers_every_plan(repo, tmp_path, monkeypatch):
    """What a lint of every plan read is remembered: a later run for a few of them (the
    pre-commit hook's) reads no history while HEAD stays, and then only the commits since;
    each answer is the one read afresh."""
    from planbook.cache import HistoryMemo

    memo_dir = tmp_path / "cache"
    plans = ["plans/IP-1-search.md", "plans/IP-2-export.md", "plans/IP-9-new.md"]
    whole = gitmeta.collect(repo, plans, HistoryMemo(memo_dir))
    assert whole == gitmeta.collect(repo, plans) and len(whole) == 2
    with monkeypatch.context() as patch:
        calls = spy_on_git(patch)
        again = gitmeta.collect_remembered(repo, plans, HistoryMemo(memo_dir))
    assert [c[3] for c in calls] == ["rev-parse"] and again == whole
    stamps = {part: part.stat().st_mtime_ns for part in (memo_dir / "history").iterdir()}
    with monkeypatch.context() as patch:  # the next lint of every plan: answered by the memo
        calls = spy_on_git(patch)
        assert gitmeta.collect(repo, plans, HistoryMemo(memo_dir)) == whole
    assert [c[3] for c in calls] == ["rev-parse"]
    assert {part: part.stat().st_mtime_ns  # nothing new: nothing written
            for part in (memo_dir / "history").iterdir()} == stamps
    with open(repo / "plans" / "IP-2-export.md", "a") as handle:
        handle.write("more\n")
    git(repo, "commit", "-qam", "Edit two", author="Grace Hopper",
        date="2025-07-01T10:00:00+00:00")
    with monkeypatch.context() as patch:
        calls = spy_on_git(patch)
        got = gitmeta.collect_remembered(repo, plans[1:2], HistoryMemo(memo_dir))
    assert got == gitmeta.collect_few(repo, plans[1:2])
    assert [c for c in calls if "log" in c and not any(".." in a for a in c)] == []
    # HEAD moved on, and the memo knows the plans only as of commits before: read again
    with open(repo / "plans" / "IP-1-search.md", "a") as handle:
        handle.write("more\n")
    git(repo, "commit", "-qam", "Edit one", date="2025-08-01T10:00:00+00:00")
    assert gitmeta.collect(repo, plans, HistoryMemo(memo_dir)) == gitmeta.collect(repo, plans)
    assert gitmeta.collect(repo, plans)["plans/IP-1-search.md"].subject == "Edit one"


def test_remembered_histories_read_only_the_commits_since(repo, tmp_path, monkeypatch):
    """A plan's history as of an earlier commit grows by the commits after it; a rename or a
    re-add since, a rewritten history or a damaged memo mean reading it afresh. Every answer
    is the one `collect_few` gives reading everything."""
    from planbook.cache import HistoryMemo

    memo_dir = tmp_path / "cache"
    plans = ["plans/IP-1-search.md", "plans/IP-2-export.md", "plans/IP-9-new.md"]

    def ask():
        return gitmeta.collect_remembered(repo, plans, HistoryMemo(memo_dir))

    assert ask() == gitmeta.collect_few(repo, plans)
    with monkeypatch.context() as patch:
        calls = spy_on_git(patch)
        again = ask()
    assert [c[3] for c in calls] == ["rev-parse"]  # the same HEAD: nothing else to read
    assert again == gitmeta.collect_few(repo, plans[:2])  # IP-9 has no commit, remembered so
    with open(repo / "plans" / "IP-2-export.md", "a") as handle:
        handle.write("more\n")
    (repo / "plans" / "IP-9-new.md").write_text("# Nine\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Edit two, add nine", author="Grace Hopper",
        date="2025-07-01T10:00:00+00:00")
    with monkeypatch.context() as patch:
        calls = spy_on_git(patch)
        got = ask()
    assert got == gitmeta.collect_few(repo, plans)
    assert got["plans/IP-2-export.md"].authors == ["Grace Hopper", "Ada Lovelace"]
    assert got["plans/IP-2-export.md"].commits == 2
    logs = [c[c.index("--") + 1:] for c in calls if "log" in c]
    ranged = [c for c in calls if "log" in c and any(".." in a for a in c)]
    assert len(ranged) == 1 and ranged[0][ranged[0].index("--") + 1:] == plans
    assert sorted(logs) == sorted([plans, ["plans/IP-9-new.md"]])  # nine: its first commit
    git(repo, "mv", "plans/IP-1-search.md", "plans/IP-1-find.md")  # renamed since
    git(repo, "commit", "-qm", "Rename", date="2025-07-02T10:00:00+00:00")
    moved = ["plans/IP-1-find.md", *plans[1:]]
    got = gitmeta.collect_remembered(repo, moved, HistoryMemo(memo_dir))
    assert got == gitmeta.collect_few(repo, moved)
    assert got["plans/IP-1-find.md"].created.startswith("2025-01-01")
    git(repo, "reset", "-q", "--hard", "HEAD~2")  # history rewritten: the memo's commit is gone
    git(repo, "commit", "-q", "--allow-empty", "-m", "Elsewhere", date="2025-08-01T10:00:00+00:00")
    assert gitmeta.collect_remembered(repo, plans, HistoryMemo(memo_dir)) == \
        gitmeta.collect_few(repo, plans)
    parts = sorted((memo_dir / "history").glob("*.json"))
    assert parts
    for part in parts:
        part.write_text('{"format": 3, "entries": {"x": 1, "y": {"a": 1}}}')
    assert gitmeta.collect_remembered(repo, plans, HistoryMemo(memo_dir)) == \
        gitmeta.collect_few(repo, plans)
    for part in sorted((memo_dir / "history").glob("*.json")):
        memo = json.loads(part.read_text())
        for entry in memo["entries"].values():  # the right keys, values of the wrong types
            if isinstance(entry, dict) and entry.get("history"):
                entry["history"].update(created=5, authors="Ada")
        part.write_text(json.dumps(memo))
    assert gitmeta.collect_remembered(repo, plans, HistoryMemo(memo_dir)) == \
        gitmeta.collect_few(repo, plans)
