"""The lint cache: the same output with it and without it, for any state of the cache folder,
any change of a plan, of its config or of the world it reads, and for runs at the same time."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitrepo import PLANBOOK, commit, env, git, make_repo, plan, write
from planbook import fix, parse, reading, trace  # noqa: F401 - fix first: see `parses`
from planbook import lint as lint_module
from planbook.cache import FORMAT
from planbook.cli import cli

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CACHE = Path(".planbook_cache") / "lint"


def entries(folder: Path) -> dict:
    """Every entry of the cache files in `folder`."""
    found: dict = {}
    for bucket in sorted(folder.glob("*.json")):
        data = json.loads(bucket.read_text())
        assert data["format"] == FORMAT
        found.update(data["entries"])
    return found


def lint(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["lint", "--format", "json", *args],
                                catch_exceptions=False)
    return result.exit_code, result.stdout


@pytest.fixture
def project(tmp_path, monkeypatch, clean):
    """Three plans linking to each other and to a notes file, one of them with findings."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "notes.md", tmp_path / "plans" / "notes.md")
    (tmp_path / "plans" / "IP-7-retry-queue.md").write_text(clean, encoding="utf-8")
    (tmp_path / "plans" / "IP-8-export.md").write_text(
        clean.replace('version: "1.0"\n', 'version: "1.0"\ndepends_on: [IP-7]\n')
        .replace("## 2. Implementation Phases", "## Implementation Phases"), encoding="utf-8")
    (tmp_path / "plans" / "IP-9-sync.md").write_text(
        clean.replace('version: "1.0"\n', 'version: 1.10\ndepends_on: [IP-8, IP-12]\n'),
        encoding="utf-8")
    return tmp_path


@pytest.fixture
def parses(monkeypatch):
    """How many plans lint parsed whole since the fixture started. The fixers that tell JSON
    output which findings `fix` can edit parse through the name `planbook.fix` bound at its
    import (before this fixture patches `parse`), so they are not counted: they run only on
    files with fixable findings."""
    count = []
    real = parse.parse_text

    def counting(text, path="<text>", body=True):
        if body:
            count.append(path)
        return real(text, path, body)

    monkeypatch.setattr(parse, "parse_text", counting)
    return count


def test_a_warm_run_parses_nothing_and_says_the_same(project, parses):
    cold = lint()
    assert len(parses) == 4 and cold[0] == 1  # notes.md is in plans/ too
    assert entries(project / CACHE)
    assert (project / ".planbook_cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    parses.clear()
    assert lint() == cold
    assert parses == []
    assert lint("--no-cache") == cold and len(parses) == 4


def test_an_edited_plan_is_linted_again_and_only_it(project, parses):
    lint()
    parses.clear()
    path = project / "plans" / "IP-9-sync.md"
    path.write_text(path.read_text().replace("version: 1.10", 'version: "1.10"'))
    warm = lint()
    assert [Path(p).name for p in parses] == ["IP-9-sync.md"]
    assert warm == lint("--no-cache")
    assert "FM011" not in warm[1]


@pytest.mark.parametrize("change", ["delete-link-target", "add-named-plan", "close-a-circle",
                                    "rename-named-plan"])
def test_what_a_plan_reads_outside_itself_is_checked_again(project, change):
    lint()
    plans = project / "plans"
    if change == "delete-link-target":
        (plans / "notes.md").unlink()  # every plan links to it: RF004 everywhere
    elif change == "add-named-plan":
        shutil.copy(plans / "IP-7-retry-queue.md", plans / "IP-12-search.md")
    elif change == "close-a-circle":
        seven = plans / "IP-7-retry-queue.md"
        seven.write_text(seven.read_text().replace('version: "1.0"\n',
                                                   'version: "1.0"\ndepends_on: [IP-9]\n'))
    else:
        (plans / "IP-7-retry-queue.md").rename(plans / "IP-70-retry-queue.md")
    warm = lint()
    assert warm == lint("--no-cache")
    codes = {f["code"] for f in json.loads(warm[1])}
    expected = {"delete-link-target": "RF004", "close-a-circle": "GT005",
                "rename-named-plan": "GT004"}.get(change)
    if expected:
        assert expected in codes
    else:
        assert "GT004" not in codes


def test_a_config_change_is_a_new_cache(project, parses):
    before = lint()
    (project / "planbook.toml").write_text('[severity]\nFM011 = "warning"\n', encoding="utf-8")
    parses.clear()
    after = lint()
    assert len(parses) == 4
    assert after == lint("--no-cache") != before
    assert {f["severity"] for f in json.loads(after[1]) if f["code"] == "FM011"} == {"warning"}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong-shape", "other-format",
                                    "empty"])
def test_a_damaged_cache_is_ignored_and_rebuilt(project, damage, parses):
    cold = lint()
    for cache in (project / CACHE).glob("*.json"):
        text = cache.read_text()
        if damage == "garbage":
            cache.write_bytes(os.urandom(512))
        elif damage == "truncated":
            cache.write_text(text[: len(text) // 2])
        elif damage == "wrong-shape":
            data = json.loads(text)
            for key, entry in data["entries"].items():
                data["entries"][key] = {"path": entry["path"], "findings": [{"line": "x"}],
                                        "failures": 0, "seen": []}
            cache.write_text(json.dumps(data))
        elif damage == "other-format":
            cache.write_text(json.dumps({"format": 999, "entries": json.loads(text)["entries"]}))
        else:
            cache.write_text("")
    parses.clear()
    assert lint() == cold
    assert len(parses) == 4
    assert len(entries(project / CACHE)) == 4  # written whole again


def settle() -> None:
    """Wait until every plan has been unchanged for over a second: files the cache may know
    by their stat (a change within the clock's last tick could leave the stat as it was)."""
    time.sleep(1.1)


def count_reads(monkeypatch) -> list:
    """The files lint reads from now on (parsed or not)."""
    reads = []
    real = parse.read_file

    def counting(path):
        reads.append(path)
        return real(path)

    monkeypatch.setattr(parse, "read_file", counting)
    monkeypatch.setattr(lint_module, "read_file", counting)
    monkeypatch.setattr(reading, "read_file", counting)  # what the others import it from
    return reads


def test_a_warm_run_knows_settled_plans_by_their_stat_and_reads_none(project, monkeypatch):
    settle()
    cold = lint()
    reads = count_reads(monkeypatch)
    assert lint() == cold
    assert [r for r in reads if r.startswith("plans/IP-")] == []
    # the same size, the old modification time put back: the change time still differs
    path = project / "plans" / "IP-7-retry-queue.md"
    info = path.stat()
    text = path.read_text()
    path.write_text(text.replace('status: "in-progress"', 'status: "in-progrezs"', 1))
    assert path.stat().st_size == info.st_size
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_mtime_ns == info.st_mtime_ns
    assert lint() == lint("--no-cache") != cold
    assert "plans/IP-7-retry-queue.md" in reads


def test_a_plan_linted_while_fresh_is_known_by_its_stat_once_settled(project, monkeypatch):
    cold = lint()  # just written: not settled, so read and hashed next time
    settle()
    assert lint() == cold  # a hit by bytes, which now records the stat
    reads = count_reads(monkeypatch)
    assert lint() == cold
    assert [r for r in reads if r.startswith("plans/IP-")] == []


def test_one_plan_reads_and_writes_one_cache_file(project, parses):
    lint()
    files = sorted((project / CACHE).glob("*.json"))
    assert len(files) > 1  # four plans, spread by their paths
    before = {f: f.stat().st_mtime_ns for f in files}
    path = "plans/IP-7-retry-queue.md"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\nMore text.\n")
    parses.clear()
    assert lint(path)[0] in (0, 1) and len(parses) == 1
    changed = [f for f in files if f.stat().st_mtime_ns != before[f]]
    assert len(changed) == 1
    assert path in {e["path"] for e in json.loads(changed[0].read_text())["entries"].values()}


def test_an_earlier_single_file_cache_is_removed(project):
    (project / ".planbook_cache").mkdir()
    (project / ".planbook_cache" / "lint.json").write_text('{"format": 1, "entries": {}}')
    lint()
    assert not (project / ".planbook_cache" / "lint.json").exists()
    assert len(entries(project / CACHE)) == 4


def test_a_cache_that_cannot_be_written_is_skipped_without_a_word(project):
    (project / ".planbook_cache").write_text("a file, not a folder")
    result = CliRunner().invoke(cli, ["lint", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 1 and result.stderr == ""
    assert json.loads(result.stdout)


def test_cache_dir_is_configurable_and_can_be_turned_off(project):
    (project / "planbook.toml").write_text('cache-dir = "build/lint-cache"\n')
    lint()
    assert entries(project / "build" / "lint-cache" / "lint")
    shutil.rmtree(project / "build")
    (project / "planbook.toml").write_text('cache-dir = ""\n')
    lint()
    assert not (project / "build").exists() and not (project / ".planbook_cache").exists()


def test_runs_at_the_same_time_never_break_it(project):
    for n in range(30):  # enough plans that each run writes a sizeable file
        shutil.copy(project / "plans" / "IP-9-sync.md", project / "plans" / f"IP-{100 + n}-x.md")
    expected = subprocess.run([PLANBOOK, "lint", "--format", "json", "--no-cache"],
                              cwd=project, env=env(), capture_output=True, text=True).stdout
    for _round in range(3):
        shutil.rmtree(project / ".planbook_cache", ignore_errors=True)
        runs = [subprocess.Popen([PLANBOOK, "lint", "--format", "json", "-j", "1"],
                                 cwd=project, env=env(), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(4)]
        outputs = [run.communicate() for run in runs]
        assert [out for out, _ in outputs] == [expected] * 4
        assert [err for _, err in outputs] == [""] * 4
        assert len(entries(project / CACHE)) == 34
        assert list((project / CACHE).glob("*.tmp")) == []


@pytest.mark.skipif(not SHARED.is_dir() and not os.environ.get("PLANBOOK_REQUIRE_CORPUS"),
                    reason="the corpus is not beside this checkout")
@pytest.mark.parametrize("family", ["khive/ip", "khive/other", "madr", "backlog"])
def test_the_corpus_says_the_same_cold_warm_and_uncached(tmp_path, monkeypatch, family):
    shutil.copytree(SHARED / family, tmp_path / "docs")
    monkeypatch.chdir(tmp_path)
    cold = lint("docs")
    assert lint("docs") == cold == lint("docs", "--no-cache")


def test_staged_copies_are_found_by_their_bytes_beside_the_working_tree(tmp_path, monkeypatch,
                                                                         parses):
    repo = make_repo(tmp_path / "repo")
    write(repo, "IP-1-retry-queue.md", plan())
    commit(repo, "Add the plan", "2026-03-09T10:00:00+00:00")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("PLANBOOK_TODAY", "2026-06-01")
    staged = plan(title='"Retry queue, staged"')
    write(repo, "IP-1-retry-queue.md", staged)
    git(repo, "add", "-A")
    write(repo, "IP-1-retry-queue.md", plan(title='"Retry queue, not staged yet"',
                                            status='"in-progrezs"'))
    settle()
    tree = lint("--format", "text")  # text: no fixers run to fill JSON's `fix`
    parses.clear()
    first = lint("--staged")
    assert first == lint("--staged", "--no-cache") and "FM007" not in first[1]
    assert "FM007" in tree[1]  # the working tree's copy has its own finding
    text = lint("--staged", "--format", "text")
    parses.clear()
    assert lint("--staged", "--format", "text") == text
    assert parses == []  # the index's copy known by its bytes, its version before not parsed
    assert lint("--format", "text") == tree and parses == []  # the tree's entry kept beside
    assert tree == lint("--no-cache", "--format", "text")


def test_references_recorded_in_another_shape_are_read_again(project):
    settle()
    cold = lint()
    for cache in (project / CACHE).glob("*.json"):
        data = json.loads(cache.read_text())
        for entry in data["entries"].values():
            assert "refs" in entry
            entry["refs"] = {"depends_on": 5}
        cache.write_text(json.dumps(data))
    assert lint() == cold


def count_listings(monkeypatch) -> list:
    """The project's folders lint lists from now on (not planbook's own, which the cache's
    key is made of)."""
    listed = []
    real = os.scandir

    def counting(path="."):
        if not os.path.relpath(path).startswith(".."):
            listed.append(os.path.relpath(path))
        return real(path)

    monkeypatch.setattr(lint_module.os, "scandir", counting)
    return listed


def test_one_plan_beside_the_others_lists_no_settled_folder(project, monkeypatch):
    settle()
    cold = lint("plans/IP-8-export.md")
    assert (project / ".planbook_cache" / "folders.json").is_file()
    listed = count_listings(monkeypatch)
    assert lint("plans/IP-8-export.md") == cold
    assert listed == []  # every folder known by its stat


def test_a_plan_added_or_removed_is_seen_though_its_folder_was_remembered(project):
    settle()
    lint("plans/IP-8-export.md")  # remembers plans/ as it is
    assert "IP-12" in lint("plans/IP-9-sync.md")[1]  # depends on a plan that is not there
    shutil.copy(project / "plans" / "IP-7-retry-queue.md", project / "plans" / "IP-12-new.md")
    assert lint("plans/IP-9-sync.md") == lint("--no-cache", "plans/IP-9-sync.md")
    assert "IP-12" not in lint("plans/IP-9-sync.md")[1]
    (project / "plans" / "IP-7-retry-queue.md").unlink()
    assert lint("plans/IP-8-export.md") == lint("--no-cache", "plans/IP-8-export.md")
    assert "IP-7" in lint("plans/IP-8-export.md")[1]


def test_a_folder_changed_within_the_last_second_is_listed_again(project, monkeypatch):
    lint("plans/IP-8-export.md")  # plans/ was written just now: not remembered
    listed = count_listings(monkeypatch)
    lint("plans/IP-8-export.md")
    assert "plans" in listed


def test_where_a_link_points_is_asked_each_run(project):
    """A link's target can change without its folder changing (here, a link in the way)."""
    (project / "elsewhere").mkdir()
    (project / "elsewhere" / "IP-12-linked.md").write_text(
        (project / "plans" / "IP-7-retry-queue.md").read_text())
    (project / "hop").symlink_to("elsewhere")
    (project / "plans" / "IP-12-linked.md").symlink_to(project / "hop" / "IP-12-linked.md")
    settle()
    first = lint("plans/IP-9-sync.md")
    assert "IP-12" not in first[1]
    (project / "hop").unlink()
    (project / "hop").mkdir()  # the link's folder is untouched; the link is now broken
    assert lint("plans/IP-9-sync.md") == lint("--no-cache", "plans/IP-9-sync.md")


@pytest.mark.parametrize("damage", ["", "{", '{"format": 1, "folders": {"x": 1}}',
                                    '{"format": 1, "folders": {"%s": [[0,0,0,0],[1],[],[]]}}'])
def test_a_damaged_folder_memo_is_ignored(project, damage):
    settle()
    cold = lint()
    memo = project / ".planbook_cache" / "folders.json"
    real = json.dumps(os.path.realpath("plans"))[1:-1]
    memo.write_text(damage.replace("%s", real))
    assert lint() == cold


def test_discover_with_and_without_the_memo_finds_the_same(tmp_path, monkeypatch):
    """Folders, hidden folders, links to files, to folders and broken ones, excludes."""
    from planbook.cache import FolderMemo
    from planbook.config import Config

    monkeypatch.chdir(tmp_path)
    for name in ["plans/a.md", "plans/b.txt", "plans/sub/c.md", "plans/.hidden/d.md",
                 "plans/sub/deeper/e.md", "plans/skip/f.md", "other/g.md", "plans/.h.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "plans" / "link.md").symlink_to(tmp_path / "other" / "g.md")
    (tmp_path / "plans" / "broken.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "plans" / "folder.md").symlink_to(tmp_path / "other")
    (tmp_path / "plans" / "again").symlink_to(tmp_path / "plans" / "sub")
    (tmp_path / "plans" / "a-too.md").symlink_to(tmp_path / "plans" / "a.md")
    settle()
    assert lint_module.discover([], Config(root=tmp_path)) == [  # a link to a.md is a.md
        "plans/.h.md", "plans/a-too.md", "plans/broken.md", "plans/link.md", "plans/skip/f.md",
        "plans/sub/c.md", "plans/sub/deeper/e.md"]
    cases = [(config, paths)
             for config in (Config(root=tmp_path), Config(root=tmp_path, exclude=["plans/skip/**"]))
             for paths in ([], ["plans", "plans/sub", "."], [str(tmp_path / "plans"), "plans"])]
    for number, (config, paths) in enumerate(cases):
        plain_spellings: list[str] = []
        plain = lint_module.discover(paths, config, plain_spellings)
        for answered in (False, True):  # filling the memo, then answered from it
            memo = FolderMemo(tmp_path.with_name(f"{tmp_path.name}-memo{number}"))  # not in .
            with monkeypatch.context() as patch:
                listed = count_listings(patch)
                spellings: list[str] = []
                assert lint_module.discover(paths, config, spellings, memo) == plain
            assert spellings == plain_spellings
            assert (listed == []) == answered
            memo.save()


# -- the traceability memo: plans' IDs by their stat, the citing commits by HEAD --------------

def traced_repo(tmp_path, monkeypatch):
    """A repository with two plans, a commit citing a task IP-1 does not have (TR002), and a
    third plan under the ID its frontmatter declares, IP-77."""
    from test_trace import PLAN, tracked_plan

    repo = make_repo(tmp_path / "repo")
    write(repo, PLAN, tracked_plan())
    write(repo, "IP-2-other.md", plan())
    write(repo, "notes-x.md", plan().replace("---\n", '---\nid: "IP-77"\n', 1))
    commit(repo, "Store interface (IP-1 T-1, T-9)")
    monkeypatch.chdir(repo)
    for name, value in env().items():
        monkeypatch.setenv(name, value)
    return repo


def git_logs(monkeypatch) -> list:
    """The `git log` processes started from now on."""
    from planbook import git as git_module

    started = []
    real = git_module.run

    def counting(root, *args, **kwargs):
        if args and args[0] == "log":
            started.append(args)
        return real(root, *args, **kwargs)

    monkeypatch.setattr(git_module, "run", counting)
    return started


def test_a_warm_traced_run_reads_no_plan_for_its_ids_and_no_git_log(tmp_path, monkeypatch):
    traced_repo(tmp_path, monkeypatch)
    settle()
    cold = lint("plans/IP-1-retry-queue.md")
    assert '"TR002"' in cold[1] and "T-9" in cold[1]
    assert (Path(".planbook_cache") / "trace.json").is_file()
    reads, logs = count_reads(monkeypatch), git_logs(monkeypatch)
    assert lint("plans/IP-1-retry-queue.md") == cold
    assert reads == [] and logs == []


def test_a_new_commit_and_a_changed_id_are_seen_though_remembered(tmp_path, monkeypatch):
    repo = traced_repo(tmp_path, monkeypatch)
    settle()
    lint("plans/IP-1-retry-queue.md")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Loop (IP-1 T-8)")
    after = lint("plans/IP-1-retry-queue.md")
    assert after == lint("--no-cache", "plans/IP-1-retry-queue.md")
    assert "T-8" in after[1]
    # a citation of the plan known only by the id its frontmatter declares
    git(repo, "commit", "-q", "--allow-empty", "-m", "Docs (IP-77 T-1)")
    settle()
    assert "IP-77" not in lint("plans/IP-1-retry-queue.md")[1]
    path = repo / "plans" / "notes-x.md"
    info = path.stat()
    path.write_text(path.read_text().replace('id: "IP-77"', 'id: "IP-78"'))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # same size and time: ctime moves
    assert lint("plans/IP-1-retry-queue.md") == lint("--no-cache", "plans/IP-1-retry-queue.md")
    assert "IP-77" in lint("plans/IP-1-retry-queue.md")[1]


@pytest.mark.parametrize("damage", ["", "[", '{"format": 3, "tree": 3, "commits": []}',
                                    '{"format": 3, "tree": {"ids": {"x": [1, 2]}}, '
                                    '"commits": {"head": "h", "query": "q", "found": [[1]]}}'])
def test_a_damaged_trace_memo_is_ignored(tmp_path, monkeypatch, damage):
    traced_repo(tmp_path, monkeypatch)
    cold = lint("plans/IP-1-retry-queue.md")
    (Path(".planbook_cache") / "trace.json").write_text(damage)
    assert lint("plans/IP-1-retry-queue.md") == cold


def test_committed_plans_take_their_ids_from_heads_tree_with_no_wait(tmp_path, monkeypatch):
    """Matched to HEAD's blobs by their names, the committed plans are known at once: no stat
    of theirs needs to settle first. A plan edited since is read on every run."""
    repo = traced_repo(tmp_path, monkeypatch)
    cold = lint("plans/IP-1-retry-queue.md")
    reads = count_reads(monkeypatch)
    assert lint("plans/IP-1-retry-queue.md") == cold
    assert [r for r in reads if r != "plans/IP-1-retry-queue.md"] == []
    tree = json.loads((Path(".planbook_cache") / "trace.json").read_text())["tree"]
    assert tree["ids"] == {"plans/IP-1-retry-queue.md": ["IP-1"],
                           "plans/IP-2-other.md": ["IP-2"], "plans/notes-x.md": ["IP-77"]}
    path = repo / "plans" / "notes-x.md"
    path.write_text(path.read_text().replace('id: "IP-77"', 'id: "IP-78"'))
    git(repo, "commit", "-q", "--allow-empty", "-m", "Docs (IP-78 T-1)")
    expected = lint("--no-cache", "plans/IP-1-retry-queue.md")
    assert "IP-78" not in expected[1]  # cited by the id it declares now: no unknown plan
    for _ in range(2):
        reads.clear()
        assert lint("plans/IP-1-retry-queue.md") == expected
        assert "plans/notes-x.md" in reads and "plans/IP-2-other.md" not in reads


def test_changed_since_knows_the_plans_edited_since_head_by_git_status(tmp_path, monkeypatch):
    repo = traced_repo(tmp_path, monkeypatch)
    git(repo, "commit", "-q", "--allow-empty", "-m", "Docs (IP-78 T-1)")
    lint("--changed-since", "HEAD~1")
    path = repo / "plans" / "notes-x.md"
    path.write_text(path.read_text().replace('id: "IP-77"', 'id: "IP-78"'))
    # the plan that carries citations of no plan, linted as it changed
    home = repo / "plans" / "IP-1-retry-queue.md"
    home.write_text(home.read_text() + "\nMore.\n")
    expected = lint("--no-cache", "--changed-since", "HEAD~1")
    assert "plans/IP-1-retry-queue.md" in expected[1] and "IP-78" not in expected[1]
    reads = count_reads(monkeypatch)
    assert lint("--changed-since", "HEAD~1") == expected
    assert "plans/IP-2-other.md" not in reads


def test_a_new_commit_reads_only_the_plans_it_changed(tmp_path, monkeypatch):
    repo = traced_repo(tmp_path, monkeypatch)
    lint("plans/IP-1-retry-queue.md")
    (repo / "plans" / "IP-2-other.md").write_text(plan(title='"Other, renamed"'))
    commit(repo, "Rename (IP-2 T-1)")
    expected = lint("--no-cache", "plans/IP-1-retry-queue.md")
    reads = count_reads(monkeypatch)
    assert lint("plans/IP-1-retry-queue.md") == expected
    assert sorted(set(reads) - {"plans/IP-1-retry-queue.md"}) == ["plans/IP-2-other.md"]
    # the blob the commit replaced is forgotten: the memo holds HEAD's tree, no more
    blobs = json.loads((Path(".planbook_cache") / "trace-ids.json").read_text())["blobs"]
    assert sorted(blobs) == sorted(line.split()[2] for line in
                                   git(repo, "ls-tree", "-r", "HEAD", "plans").splitlines())


def test_plans_git_has_no_commit_of_are_known_by_their_stat_when_many(tmp_path, monkeypatch):
    """Beyond a few, the plans HEAD's tree does not hold are remembered by their stat; one
    written within the last second is read again (a change in the same tick of the clock
    could leave the stat as it was)."""
    repo = traced_repo(tmp_path, monkeypatch)
    monkeypatch.setattr(trace, "FEW_UNKNOWN", 0)
    write(repo, "IP-9-new.md", plan().replace("---\n", '---\nid: "IP-90"\n', 1))
    cold = lint("plans/IP-1-retry-queue.md")
    reads = count_reads(monkeypatch)
    assert lint("plans/IP-1-retry-queue.md") == cold
    assert "plans/IP-9-new.md" in reads
    settle()
    lint("plans/IP-1-retry-queue.md")
    reads.clear()
    assert lint("plans/IP-1-retry-queue.md") == cold
    assert "plans/IP-9-new.md" not in reads
    more = json.loads((Path(".planbook_cache") / "trace-ids.json").read_text())
    assert [ids for _, ids in more["stats"].values()] == [["IP-9", "IP-90"]]


def test_trace_memo_entries_of_another_shape_are_read_again(tmp_path, monkeypatch):
    repo = traced_repo(tmp_path, monkeypatch)
    monkeypatch.setattr(trace, "FEW_UNKNOWN", 0)
    write(repo, "IP-9-new.md", plan())
    settle()
    cold = lint("plans/IP-1-retry-queue.md")
    memo, more = Path(".planbook_cache") / "trace.json", Path(".planbook_cache") / "trace-ids.json"
    data = json.loads(memo.read_text())
    assert len(data["tree"]["ids"]) == 3
    for ids in data["tree"]["ids"].values():
        ids[:] = [77]  # the IDs not text
    data["tree"]["ids"]["plans/IP-2-other.md"] = 5  # nor a list
    memo.write_text(json.dumps(data))
    stats = json.loads(more.read_text())
    [(stamp, ids)] = stats["stats"].values()
    stamp.append(1)  # a stamp too long
    more.write_text(json.dumps(stats))
    reads = count_reads(monkeypatch)
    assert lint("plans/IP-1-retry-queue.md") == cold
    assert len({r for r in reads if r.startswith("plans/")}) == 4


def test_the_history_memo_of_a_few_plans_is_read_from_a_few_files(tmp_path, monkeypatch):
    """A lint of every plan remembers thousands of histories; the hook after it, asking
    about three plans, reads the three small files that hold them, not all of them."""
    from planbook.cache import HistoryMemo

    paths = [f"/repo/plans/IP-{n}-x.md" for n in range(2_000)]
    HistoryMemo(tmp_path).remember("c0ffee", {p: {"created": p} for p in paths})
    assert len(list((tmp_path / "history").glob("*.json"))) > 200  # of 256, by the hashes
    opened = []
    real = Path.read_text

    def reading(self, *args, **kwargs):
        opened.append(self.name)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", reading)
    memo = HistoryMemo(tmp_path)
    assert memo.known(paths[5:8]) == {p: ("c0ffee", {"created": p}) for p in paths[5:8]}
    assert 1 <= len(opened) <= 3
    assert memo.known(paths[:1] + ["/repo/plans/none.md"]) == \
        {paths[0]: ("c0ffee", {"created": paths[0]})}


def test_a_warm_json_lint_runs_no_fixer_to_say_what_fix_would_change(project, monkeypatch):
    cold = lint("plans")
    assert ("plans/IP-9-sync.md", "FM011") in {
        (f["path"], f["code"]) for f in json.loads(cold[1]) if f["fix"]}
    settle()
    lint("plans")  # the plans known by their stat from now on
    calls = []
    real = fix.run

    def counting(paths, *args, **kwargs):
        calls.append(list(paths))
        return real(paths, *args, **kwargs)

    monkeypatch.setattr(fix, "run", counting)
    assert lint("plans") == cold and calls == []
    assert lint("--select", "FM011", "plans") == lint("--no-cache", "--select", "FM011", "plans")
    calls.clear()
    path = project / "plans" / "IP-9-sync.md"
    path.write_text(path.read_text().replace("version: 1.10", "version: 1.20"))
    expected = lint("--no-cache", "plans")
    calls.clear()
    assert lint("plans") == expected
    assert calls == [["plans/IP-9-sync.md"]]  # the edited plan's fixers alone
    for damage in ("", "[", '{"format": 1, "entries": {"x": 3}}'):
        (Path(".planbook_cache") / "fixes.json").write_text(damage)
        assert lint("plans") == expected
