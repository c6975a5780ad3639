"""planbook.git, the one module that starts git: its answers in real repositories, and a scan
of the source that keeps every other module from starting git or any other process."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import planbook
from gitrepo import commit, git, make_repo, plan, write
from planbook import git as gitmodule
from planbook.digest import blob_name

SOURCE = Path(planbook.__file__).parent
SPAWNING = ("subprocess", "pty", "asyncio.subprocess")
OS_SPAWN = ("system", "popen", "exec", "spawn", "posix_spawn", "fork")


def starts_processes(text: str, name: str) -> list[str]:
    """Where a module's source imports a process-starting module (or names one to import),
    calls os.system and kin, or spells a git command line: a list or tuple starting with
    "git", or shutil.which("git")."""
    found = []
    for node in ast.walk(ast.parse(text, name)):
        where = f"{name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [f"{where}: import {a.name}" for a in node.names
                      if a.name.startswith(SPAWNING)]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = [f"{module}.{a.name}" for a in node.names]
            if module.startswith(SPAWNING) or any(n.startswith(SPAWNING) for n in names) \
                    or module == "os" and any(a.name.startswith(OS_SPAWN) for a in node.names):
                found.append(f"{where}: from {module} import {', '.join(names)}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "os" and node.attr.startswith(OS_SPAWN) or \
                    node.value.id == "asyncio" and node.attr.startswith("create_subprocess"):
                found.append(f"{where}: {node.value.id}.{node.attr}")
        elif isinstance(node, ast.Constant) and node.value in SPAWNING:
            found.append(f"{where}: the name {node.value!r}")
        elif isinstance(node, ast.List | ast.Tuple) and node.elts:
            first = node.elts[0]
            if isinstance(first, ast.Constant) and first.value == "git":
                found.append(f"{where}: a git command line")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "which" and any(
                    isinstance(a, ast.Constant) and a.value == "git" for a in node.args):
            found.append(f"{where}: shutil.which('git')")
    return found


def scan(path: Path) -> list[str]:
    return starts_processes(path.read_text(encoding="utf-8"),
                            path.relative_to(SOURCE.parent).as_posix())


def test_only_the_git_module_starts_git_or_any_other_process():
    modules = sorted(SOURCE.rglob("*.py"))
    assert len(modules) > 20 and SOURCE / "git.py" in modules
    offenders = [hit for path in modules if path != SOURCE / "git.py" for hit in scan(path)]
    assert offenders == [], "start git through planbook.git instead:\n" + "\n".join(offenders)


def test_the_scan_sees_what_it_forbids():
    own = scan(SOURCE / "git.py")  # the one runner is found, so the scan does look
    assert any("import subprocess" in hit for hit in own)
    assert any("git command line" in hit for hit in own)
    probe = ("import os\nimport shutil\nfrom subprocess import run\nimport pty as p\n"
             "os.system('git status')\nshutil.which('git')\nrun(('git', 'log'))\n"
             "os.execvp('git', ['git'])\n__import__('subprocess')\n")
    hits = starts_processes(probe, "probe.py")
    # every line after the two harmless imports, the last-but-one twice (os.execvp, ['git'])
    assert sorted(int(h.split(":")[1]) for h in hits) == [3, 4, 5, 6, 7, 8, 8, 9], hits


# -- the runner --------------------------------------------------------------------------------


def test_run_answers_code_bytes_and_text_with_no_locks_and_the_c_locale(tmp_path):
    code, out, err = gitmodule.run(tmp_path, "-c", "alias.show-env=!env", "show-env")
    assert code == 0 and isinstance(out, bytes) and isinstance(err, str)
    lines = out.decode().splitlines()
    assert "GIT_OPTIONAL_LOCKS=0" in lines and "LC_ALL=C" in lines
    code, out, err = gitmodule.run(tmp_path, "rev-parse", "--show-prefix")
    assert code == 128 and out == b"" and "not a git repository" in err


def test_run_without_git_answers_127_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    answer = gitmodule.run(tmp_path, "status")
    assert answer == (gitmodule.MISSING, b"", answer.err) and answer.code == 127
    assert answer.err  # the reason, for a message
    assert gitmodule.repository(tmp_path) is None


def test_started_questions_run_side_by_side_and_never_read_our_input(tmp_path):
    # the first git waits for a file only the second one writes: answered one after the
    # other, the first would wait out its whole loop
    flag = tmp_path / "flag"
    wait = ("!f() { i=0; while [ ! -e flag ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); "
            "done; [ -e flag ] && echo seen; }; f")
    first = gitmodule.start(tmp_path, "-c", f"alias.wait={wait}", "wait")
    second = gitmodule.start(tmp_path, "-c", "alias.touch=!touch flag", "touch")
    assert second.answer().code == 0 and flag.exists()
    assert first.answer() == (0, b"seen\n", "")
    # a question without input gets none: git never reads the stdin of a language server
    child = ("import sys; from planbook import git; "
             "sys.stdout.write(repr(git.start(sys.argv[1], '-c', 'alias.slurp=!cat', 'slurp')"
             ".answer()))")
    done = subprocess.run([sys.executable, "-c", child, str(tmp_path)], input="for the server",
                          capture_output=True, text=True, timeout=60)
    assert done.stdout == "Answer(code=0, out=b'', err='')", done.stderr
    assert gitmodule.start(tmp_path, "hash-object", "--stdin", input=b"x").answer().out \
        == gitmodule.run(tmp_path, "hash-object", "--stdin", input=b"x").out


def test_output_errors_and_input_larger_than_a_pipe_pass_together(tmp_path):
    # git writes 200 KB to each of its output and errors while it reads 300 KB: were any of
    # the three waited on alone, the pipes would fill and both sides would wait for ever
    script = ("!f() { head -c 300000 > got; i=0; while [ $i -lt 2000 ]; do "
              "printf '%0100d\\n' $i; printf '%0100d\\n' $i >&2; i=$((i+1)); done; }; f")
    code, out, err = gitmodule.run(tmp_path, "-c", f"alias.both={script}", "both",
                                   input=b"x" * 300_000)
    assert code == 0 and len(out) == len(err.encode()) == 2000 * 101
    assert (tmp_path / "got").read_bytes() == b"x" * 300_000


def test_a_git_that_hangs_is_stopped_and_leaves_nothing_open(tmp_path, monkeypatch):
    monkeypatch.setattr(gitmodule, "TIMEOUT", 0.5)
    before = len(os.listdir("/proc/self/fd"))
    hung = gitmodule.start(tmp_path, "-c", "alias.hang=!sleep 30", "hang")
    answer = hung.answer()
    assert answer.code == gitmodule.MISSING and "timed out" in answer.err
    answered = [gitmodule.start(tmp_path, "--version") for _ in range(3)]
    assert [a.answer().code for a in answered] == [0, 0, 0]
    assert len(os.listdir("/proc/self/fd")) == before  # no pipe left open
    for started in (hung, *answered):
        with pytest.raises(ChildProcessError):
            os.waitpid(started.proc.pid, os.WNOHANG)  # and no process left to reap


def test_a_stop_while_git_runs_ends_git_too(tmp_path, monkeypatch):
    started = gitmodule.start(tmp_path, "-c", "alias.hang=!sleep 30", "hang")
    real, calls = started.proc.communicate, []

    def stopped_once(*args, **kwargs):  # as a SIGINT handler raising in the wait would
        calls.append(args)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(started.proc, "communicate", stopped_once)
    with pytest.raises(KeyboardInterrupt):
        started.answer()
    assert started.proc.returncode == -9  # killed, and reaped


def test_enough_output_ends_git_there_and_answers_what_was_read(tmp_path, monkeypatch):
    """A git that would write for ever is ended once `enough` says so: the answer is what
    was read, code 0, and the process is reaped."""
    monkeypatch.setattr(gitmodule, "TIMEOUT", 10)  # not a wait for ever, should it not end
    endless = gitmodule.start(tmp_path, "-c", "alias.endless=!yes planbook", "endless")
    seen = []

    def enough(chunk: bytes) -> bool:
        seen.append(chunk)
        return sum(map(len, seen)) > 200_000

    code, out, _ = endless.answer(enough=enough)
    assert code == 0 and out == b"".join(seen) and len(out) > 200_000
    assert out.startswith(b"planbook\nplanbook\n") and endless.proc.stopped
    with pytest.raises(ChildProcessError):
        os.waitpid(endless.proc.pid, os.WNOHANG)  # ended and reaped
    whole = gitmodule.start(tmp_path, "--version").answer(enough=lambda chunk: False)
    assert whole.code == 0 and whole.out.startswith(b"git version")


def test_a_question_left_unanswered_leaves_no_process_behind(tmp_path):
    import gc

    started = gitmodule.start(tmp_path, "-c", "alias.hang=!sleep 30", "hang")
    pid = started.proc.pid
    del started
    gc.collect()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # killed and reaped when it was let go


def test_without_posix_spawn_git_starts_through_subprocess(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "posix_spawnp")
    named = gitmodule.run(tmp_path, "hash-object", "--stdin", input=b"x").out.strip().decode()
    assert named == blob_name(b"x", named) and len(named) == 40
    monkeypatch.setenv("PATH", str(tmp_path))
    assert gitmodule.run(tmp_path, "status").code == gitmodule.MISSING


# -- repository, paths and pathspecs --------------------------------------------------------


@pytest.fixture
def repo(tmp_path):
    root = make_repo(tmp_path / "repo")
    write(root, "IP-1-retry-queue.md", plan())
    commit(root, "Add a plan", "2026-03-09T10:00:00+00:00")
    return root


def test_repository_says_where_a_folder_is_and_whether_the_clone_is_shallow(repo, tmp_path):
    common = os.path.abspath(repo / ".git")
    head = gitmodule.head(repo)
    assert len(head) == 40
    assert gitmodule.repository(repo) == ("", False, common, head)
    assert gitmodule.repository(repo / "plans") == \
        gitmodule.Repository("plans/", False, common, head)
    empty = tmp_path / "empty"
    subprocess.run(["git", "init", "-q", str(empty)], check=True)
    assert gitmodule.repository(empty) == ("", False, os.path.abspath(empty / ".git"), "")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)],
                   check=True, capture_output=True)
    assert gitmodule.repository(clone).shallow is True
    outside = tmp_path / "outside"
    outside.mkdir()
    assert gitmodule.repository(outside) is None


def test_changed_path_filters_are_read_from_the_commit_graph(repo):
    common = gitmodule.repository(repo).common_dir
    assert gitmodule.changed_path_filters(common) is False
    subprocess.run(["git", "-C", str(repo), "commit-graph", "write", "--reachable"],
                   check=True, capture_output=True)
    assert gitmodule.changed_path_filters(common) is False  # a graph without filters
    subprocess.run(["git", "-C", str(repo), "commit-graph", "write", "--reachable",
                    "--changed-paths"], check=True, capture_output=True)
    assert gitmodule.changed_path_filters(common) is True
    os.unlink(os.path.join(common, "objects", "info", "commit-graph"))
    subprocess.run(["git", "-C", str(repo), "commit-graph", "write", "--reachable",
                    "--changed-paths", "--split"], check=True, capture_output=True)
    assert os.path.exists(os.path.join(common, "objects", "info", "commit-graphs"))
    assert gitmodule.changed_path_filters(common) is True  # in the top layer of a chain
    assert gitmodule.changed_path_filters("") is False


def test_one_pathspec_per_folder_and_a_nested_repository_by_its_own_folder(tmp_path):
    (tmp_path / "plans" / "vendor" / "deep").mkdir(parents=True)
    (tmp_path / "plans" / "vendor" / ".git").write_text("gitdir: ../../.git/modules/x\n")
    rel = ["plans/a.md", "plans/b.md", "plans/vendor/c.md", "plans/vendor/deep/d.md",
           "docs/e.md", "top.md"]
    assert gitmodule.pathspecs(rel, tmp_path) == [".", "docs", "plans", "plans/vendor"]
    assert gitmodule.pathspecs([], tmp_path) == ["."]
    assert gitmodule.own_repository("plans/vendor/deep", tmp_path) == "plans/vendor"
    assert gitmodule.own_repository("plans", tmp_path) == ""
    assert gitmodule.own_repository(str(tmp_path / "plans" / "vendor"), tmp_path) == ""
    assert gitmodule.relative([tmp_path / "plans" / "a.md", "plans/b.md", "/elsewhere/c.md"],
                              tmp_path) == ["plans/a.md", "plans/b.md"]


# -- reading git's answers ------------------------------------------------------------------


def test_parse_raw_reads_renames_additions_and_submodules():
    zero = "0" * 40
    out = (f":100644 100644 {'a' * 40} {'b' * 40} R087\0plans/old.md\0plans/new.md\0"
           f":000000 100644 {zero} {'c' * 40} A\0plans/added.md\0"
           f":160000 160000 {'d' * 40} {zero} M\0plans/vendor\0").encode()
    renamed, added, link = gitmodule.parse_raw(out)
    assert (renamed.status, renamed.old_path, renamed.path) == ("R", "plans/old.md",
                                                                 "plans/new.md")
    assert (added.old_blob, added.new_blob, added.submodule) == ("", "c" * 40, False)
    assert (link.path, link.old_blob, link.new_blob, link.submodule) == (
        "plans/vendor", "d" * 40, "", True)
    assert gitmodule.parse_raw(b":100644 100644 x y R100\0only-one-name") == []


def test_read_blobs_reads_many_from_one_process_and_leaves_out_missing_ones(repo, monkeypatch):
    (repo / "x.txt").write_bytes(b"line one\n\0binary\n")
    second = git(repo, "hash-object", "-w", "x.txt").strip()
    first = git(repo, "rev-parse", "HEAD:plans/IP-1-retry-queue.md").strip()
    calls = []
    real = gitmodule._process

    def spy(args, *rest, **kwargs):
        calls.append(args[3])
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(gitmodule, "_process", spy)
    found = gitmodule.read_blobs(repo, [first, second, "f" * 40, first, ""])
    assert calls == ["cat-file"]
    assert found == {first: (repo / "plans" / "IP-1-retry-queue.md").read_bytes(),
                     second: b"line one\n\0binary\n"}
    assert gitmodule.read_blobs(repo, []) == {} and calls == ["cat-file"]  # no process
    # a reader started before the shas were known reads the same
    reader = gitmodule.start_reader(repo)
    assert gitmodule.read_blobs(repo, [first, second], reader) == found
    idle = gitmodule.start_reader(repo)
    assert gitmodule.read_blobs(repo, [], idle) == {} and idle.proc.returncode == 0


def test_status_codes_by_path_from_the_top(repo):
    write(repo, "IP-1-retry-queue.md", plan(title='"Edited"'))
    write(repo, "IP-2-new.md", plan())
    assert gitmodule.status(repo / "plans", ["."]) == {
        "plans/IP-1-retry-queue.md": " M", "plans/IP-2-new.md": "??"}
    assert gitmodule.changed_paths({"plans/a.md": " M", "docs/b.md": "??"}, "plans/") == {
        "a.md"}
    outside = repo.parent / "outside"
    outside.mkdir()
    assert gitmodule.status(outside, ["."]) is None


# -- the files at a ref ---------------------------------------------------------------------


def test_files_at_reads_where_the_ref_and_head_meet(repo, monkeypatch):
    before = (repo / "plans" / "IP-1-retry-queue.md").read_bytes()
    git(repo, "switch", "-q", "-c", "feature")
    write(repo, "IP-1-retry-queue.md", plan(title='"On the branch"'))
    write(repo, "IP-2-new.md", plan())
    commit(repo, "Branch work", "2026-03-10T10:00:00+00:00")
    git(repo, "switch", "-q", "main")
    write(repo, "IP-1-retry-queue.md", plan(title='"Main moved on"'))
    commit(repo, "Main work", "2026-03-11T10:00:00+00:00")
    git(repo, "switch", "-q", "feature")
    calls = []
    real = gitmodule._process

    def spy(args, *rest, **kwargs):
        calls.append(args[3])
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(gitmodule, "_process", spy)
    monkeypatch.chdir(repo)
    paths = ["plans/IP-1-retry-queue.md", "./plans/IP-2-new.md"]
    # the merge base holds plan 1 as first committed, and no plan 2
    assert gitmodule.files_at("main", paths) == {"plans/IP-1-retry-queue.md": before}
    assert calls == ["rev-parse", "rev-parse", "merge-base", "ls-tree", "cat-file"]


def test_files_at_errors_read_after_the_option_that_asked(repo, tmp_path):
    with pytest.raises(gitmodule.GitError, match=r"^nope: no such commit, branch or tag$"):
        gitmodule.files_at("nope", ["plans/IP-1-retry-queue.md"], root=repo)
    outside = tmp_path / "outside"
    outside.mkdir()
    with pytest.raises(gitmodule.GitError,
                       match=r"^needs a git repository, and this folder is not in one$"):
        gitmodule.files_at("main", ["x.md"], root=outside)


def test_a_lint_outside_any_repository_starts_no_git(tmp_path, clean):
    """With a `git` on the PATH that writes down each call, a lint of a folder no repository
    holds calls it zero times; inside a repository it is called (the history rules ask)."""
    import sys

    from gitrepo import PLANBOOK

    calls = tmp_path / "calls"
    shim = tmp_path / "bin" / "git"
    shim.parent.mkdir()
    real = subprocess.run(["sh", "-c", "command -v git"], capture_output=True,
                          text=True).stdout.strip()
    shim.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {real} "$@"\n')
    shim.chmod(0o755)
    env = {"PATH": f"{shim.parent}:{Path(sys.executable).parent}:/usr/bin:/bin",
           "HOME": str(tmp_path), "GIT_CONFIG_GLOBAL": "/dev/null"}
    outside = tmp_path / "outside" / "plans"
    outside.mkdir(parents=True)
    (outside / "IP-7-retry-queue.md").write_text(clean, encoding="utf-8")
    proc = subprocess.run([PLANBOOK, "lint", "plans"], cwd=outside.parent, env=env,
                          capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    assert not calls.exists()
    repo = make_repo(tmp_path / "repo")
    (repo / "plans" / "IP-7-retry-queue.md").write_text(clean, encoding="utf-8")
    proc = subprocess.run([PLANBOOK, "lint", "plans"], cwd=repo, env=env,
                          capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    assert calls.read_text().strip()
