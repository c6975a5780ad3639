"""Lint at every scale, each against what it should be compared with, as ratios in one run.

    python bench/scale.py [--plans N] [--runs R] [--only NAME ...] [--keep DIR]

Scenarios (all by default), each a pair of commands run interleaved (A, B, A, B, …) as fresh
processes, so both see the same load; medians with min–max, and peak memory (max RSS):

  warm    `lint` of N unchanged plans (default 10,000) with the cache filled,
          against the same lint with `--no-cache`            target ≤ 0.05×
  cold    `lint --no-cache` of N plans, against bench/lower_bound.py (read, YAML with the
          C loader, mistune) on the same files                target ≤ 1.1×, peak < 100 MB
  one     `lint` of one plan, against `python -c "import click, yaml, mistune"`
                                                              target ≤ 1.3×
  one-repo  the same in the repository below (2,000 plans, 500 commits), where the git and
          traceability rules read history too                target ≤ 1.3×
  staged  `lint --staged` with 3 staged plans in a repository of 2,000 plans and 500 commits
          (`--repo-plans`, `--commits`), against the import floor  target ≤ 2×
          with `--no-cache`: the staged plans' histories read as for the first time;
          git's own walk of those histories (the `git log` alone) is timed beside it
  staged-memo  the same without `--no-cache`, after a run that remembered those histories
          (the next commit's hook, for plans seen before)              target ≤ 2×
  staged-filters  as staged, in a copy of that repository whose commit-graph has changed-path
          filters (`git commit-graph write --reachable --changed-paths`)  target ≤ 2×
  staged-recent  as staged, for 3 plans added near the end of the history (the 20th commit
          from the end) rather than in its first commit: git is ended once their trails
          have, so the walk is of the commits since they were added      target ≤ 2×
  staged-new  in a copy of that repository after one `lint` of every plan (which remembers
          their histories), the 3 staged plans edited and staged afresh before each run, so
          their text is new to the cache (the next commit's hook, after new edits)  target ≤ 2×

`--instructions` also counts, once each, the instructions of A's and B's main process under
valgrind's callgrind (git's own processes not counted): a ratio that does not move with the
machine's load, for the rows near their target. Slow (some fifty times a run's time): use it
with `--only` and the small rows.

A report, not a test: always exits 0. The machine should be otherwise idle.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gen_plans import generate
from run import planbook_command

HERE = Path(__file__).resolve().parent
FLOOR = [sys.executable, "-c", "import click, yaml, mistune"]
FLOOR_LABEL = "python -c 'import click, yaml, mistune'"
TARGETS = {"warm": 0.05, "cold": 1.1, "one": 1.3, "one-repo": 1.3, "staged": 2.0,
           "staged-memo": 2.0, "staged-recent": 2.0,
           "staged-filters": 2.0, "staged-new": 2.0}


def measure(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Seconds and peak resident memory (KiB) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode not in (0, 1) or "Traceback" in err:
        raise SystemExit(f"failed: {' '.join(cmd)} exited {proc.returncode}\n{err[-2000:]}")
    return seconds, usage.ru_maxrss


COUNTS: list[tuple[int, int]] = []  # instructions of the last pair's A and B, when counted
COUNTING = False  # set by --instructions


def instructions(cmd: list[str], cwd: Path) -> int:
    """Instructions one fresh process runs, its own only (callgrind; children run as they
    are)."""
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           *cmd], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, errors="replace")
    for line in proc.stderr.splitlines():
        if "I   refs:" in line:
            return int(line.rsplit(None, 1)[-1].replace(",", ""))
    raise SystemExit(f"callgrind counted nothing for {' '.join(cmd)}\n{proc.stderr[-2000:]}")


def pair(a: list[str], b: list[str], cwd: Path, runs: int, before=None) -> tuple[list, list]:
    """`runs` runs of each, interleaved; `before` runs before each run of `a`."""
    first, second = [], []
    for _ in range(runs):
        if before:
            before()
        first.append(measure(a, cwd))
        second.append(measure(b, cwd))
    if COUNTING:
        if before:
            before()
        COUNTS[:] = [(instructions(a, cwd), instructions(b, cwd))]
    return first, second


def show(name: str, a: list, b: list, label_a: str, label_b: str) -> None:
    ta, tb = [t for t, _ in a], [t for t, _ in b]
    ratio = statistics.median(ta) / statistics.median(tb)
    target = TARGETS[name]
    verdict = "PASS" if ratio <= target else "OVER"
    for label, times, runs in ((label_a, ta, a), (label_b, tb, b)):
        print(f"  {label:<46} median {statistics.median(times):7.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f})  peak "
              f"{max(m for _, m in runs) / 1024:6.1f} MiB")
    print(f"  ratio {ratio:.3f}× (target ≤ {target}×)  {verdict}", flush=True)
    if COUNTS:
        (ia, ib), COUNTS[:] = COUNTS[0], []
        print(f"  instructions {ia / 1e6:.0f} M against {ib / 1e6:.0f} M: {ia / ib:.3f}× "
              "(main processes, callgrind)", flush=True)
    print(flush=True)


def walk_alone(repo: Path, runs: int) -> None:
    """What git's own history walk of the staged plans costs, against the import floor: the
    `git log` planbook starts when nothing is remembered, with nothing else around it."""
    staged = subprocess.run(["git", "diff", "--cached", "--name-only", "-z"], cwd=repo,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    walk = ["git", "--literal-pathspecs", "log", "-z", "--relative",
            "--format=%x1e%H%x1f%aI%x1f%an%x1f%s", "--name-status", "-M", "--",
            *filter(None, staged)]
    a, b = pair(walk, FLOOR, repo, runs)
    ta, tb = [t for t, _ in a], [t for t, _ in b]
    label = f"git log of the {len(walk) - 9} staged paths alone"
    print(f"  {label:<46} median {statistics.median(ta):7.3f} s "
          f"(min {min(ta):.3f}, max {max(ta):.3f})\n"
          f"  {statistics.median(ta) / statistics.median(tb):.3f}× the import floor, for "
          "git's walk alone\n", flush=True)


def add_recent(repo: Path, recent: Path, plans: int) -> None:
    """A copy of `repo` with 3 more plans (the next the generator makes) committed, then 19
    commits editing other plans, then edits of the 3 staged."""
    import random

    shutil.copytree(repo, recent, symlinks=True)
    git(recent, "reset", "-q", "--hard")  # the copy's own staged edits are dropped
    more = Path(tempfile.mkdtemp(prefix="planbook-more-"))
    try:
        new = generate(plans + 3, more, seed=0)[plans:]  # the same first plans, then 3 more
        for path in new:
            shutil.copy(path, recent / "plans" / path.name)
    finally:
        shutil.rmtree(more, ignore_errors=True)
    git(recent, "add", "plans")
    git(recent, "commit", "-qm", "Add three plans", date="2026-01-01T10:00:00+00:00")
    added = {path.name for path in new}
    others = [p for p in sorted((recent / "plans").glob("*.md")) if p.name not in added]
    rng = random.Random(1)
    for n in range(19):
        for path in rng.sample(others, 3):
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(f"\nA later edit {n}.\n")
        git(recent, "commit", "-qam", f"Later edit {n}",
            date=f"2026-01-{2 + n:02d}T10:00:00+00:00")
    for path in new:
        with open(recent / "plans" / path.name, "a", encoding="utf-8") as handle:
            handle.write("\nA staged edit.\n")
    git(recent, "add", *[f"plans/{path.name}" for path in new])
    git(recent, "gc", "-q")


def git(root: Path, *args: str, date: str = "2025-01-01T10:00:00+00:00") -> None:
    from git import git as bench_git

    bench_git(root, *args, date=date)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=int, default=10_000)
    ap.add_argument("--repo-plans", type=int, default=2_000)
    ap.add_argument("--commits", type=int, default=500)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", nargs="+", choices=sorted(TARGETS), default=sorted(TARGETS))
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--instructions", action="store_true",
                    help="also count each command's instructions once (valgrind)")
    args = ap.parse_args()
    global COUNTING
    COUNTING = args.instructions
    if COUNTING and shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
    import compileall

    import planbook

    compileall.compile_dir(Path(planbook.__file__).parent, quiet=1)  # as an install does
    root = args.keep or Path(tempfile.mkdtemp(prefix="planbook-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    cmd = planbook_command()
    runs = max(1, args.runs)
    try:
        if {"warm", "cold", "one"} & set(args.only):
            started = time.perf_counter()
            plans = root / "many"
            if not (plans / "plans").is_dir():
                generate(args.plans, plans, seed=0)
            files = sorted((plans / "plans").glob("*.md"))
            print(f"{len(files)} plans of about 11 KB, generated in "
                  f"{time.perf_counter() - started:.1f} s\n", flush=True)
            cold = [*cmd, "lint", "--quiet", "--no-cache", "plans"]
            if "warm" in args.only:
                print("warm: unchanged plans, cache filled, against no cache")
                measure([*cmd, "lint", "--quiet", "plans"], plans)  # fill the cache
                a, b = pair([*cmd, "lint", "--quiet", "plans"], cold, plans, runs)
                show("warm", a, b, "lint (cache)", "lint --no-cache")
            if "cold" in args.only:
                print("cold: no cache, against the lower bound")
                bound = [sys.executable, str(HERE / "lower_bound.py"), "plans"]
                a, b = pair(cold, bound, plans, runs)
                show("cold", a, b, "lint --no-cache", "lower_bound.py")
            if "one" in args.only:
                print("one: a single plan, against the import floor")
                one = [*cmd, "lint", "--quiet", str(files[0].relative_to(plans))]
                a, b = pair(one, FLOOR, plans, runs * 4)
                show("one", a, b, "lint FILE", FLOOR_LABEL)
        if {"one-repo", "staged", "staged-memo", "staged-filters", "staged-new",
                "staged-recent"} & set(args.only):
            from git import build

            repo = root / "repo"
            if not (repo / ".git").is_dir():
                started = time.perf_counter()
                repo.mkdir(parents=True, exist_ok=True)
                paths = build(repo, args.repo_plans, args.commits, 0)
                for path in paths[5:8]:
                    with open(path, "a", encoding="utf-8") as handle:
                        handle.write("\nA staged edit.\n")
                git(repo, "add", *[str(p.relative_to(repo)) for p in paths[5:8]])
                print(f"repository: {args.repo_plans} plans, {args.commits} commits, built in "
                      f"{time.perf_counter() - started:.1f} s")
            staged = [*cmd, "lint", "--quiet", "--staged"]
            if "one-repo" in args.only:
                print("one-repo: a single committed plan in the repository, cache warm")
                first = sorted((repo / "plans").glob("*.md"))[0]
                one = [*cmd, "lint", "--quiet", str(first.relative_to(repo))]
                measure(one, repo)  # fill the cache
                time.sleep(1.1)  # and once more, settled: known by its stat
                measure(one, repo)
                a, b = pair(one, FLOOR, repo, runs * 4)
                show("one-repo", a, b, "lint FILE (in the repository)", FLOOR_LABEL)
            if "staged" in args.only:
                print("staged: 3 staged plans, histories read afresh, against the import floor")
                a, b = pair([*staged, "--no-cache"], FLOOR, repo, runs * 2)
                show("staged", a, b, "lint --staged --no-cache", FLOOR_LABEL)
                walk_alone(repo, runs * 2)
            if "staged-memo" in args.only:
                print("staged-memo: the same, the histories remembered by a run before")
                measure(staged, repo)
                a, b = pair(staged, FLOOR, repo, runs * 2)
                show("staged-memo", a, b, "lint --staged", FLOOR_LABEL)
            if "staged-filters" in args.only:
                filtered = root / "repo-filters"
                if not filtered.is_dir():
                    shutil.copytree(repo, filtered, symlinks=True)
                    git(filtered, "commit-graph", "write", "--reachable", "--changed-paths")
                print("staged-filters: the same, the commit-graph with changed-path filters")
                a, b = pair([*staged, "--no-cache"], FLOOR, filtered, runs * 2)
                show("staged-filters", a, b, "lint --staged --no-cache", FLOOR_LABEL)
            if "staged-recent" in args.only:
                recent = root / "repo-recent"
                if not recent.is_dir():
                    add_recent(repo, recent, args.repo_plans)
                print("staged-recent: 3 staged plans added 20 commits before HEAD, histories "
                      "read afresh")
                a, b = pair([*staged, "--no-cache"], FLOOR, recent, runs * 2)
                show("staged-recent", a, b, "lint --staged --no-cache", FLOOR_LABEL)
            if "staged-new" in args.only:
                edited = root / "repo-new"
                if not edited.is_dir():
                    shutil.copytree(repo, edited, symlinks=True)
                measure([*cmd, "lint", "--quiet", "plans"], edited)  # remembers every history
                changed = subprocess.run(["git", "diff", "--cached", "--name-only"], cwd=edited,
                                         capture_output=True, text=True, check=True
                                         ).stdout.split()
                # each run's text is the committed one with one new edit: the plans do not
                # grow from run to run, nor from one use of a kept repository to the next
                committed = {name: subprocess.run(["git", "show", f"HEAD:{name}"], cwd=edited,
                                                  capture_output=True, check=True).stdout
                             for name in changed}
                edits = iter(range(1_000_000))
                token = time.time_ns()  # new to the cache of a repository kept from before

                def edit() -> None:
                    number = next(edits)
                    for name in changed:
                        (edited / name).write_bytes(committed[name]
                                                    + f"\nEdit {token}-{number}.\n".encode())
                    git(edited, "add", *changed)

                print(f"staged-new: {len(changed)} plans edited afresh before each run, the "
                      "histories remembered by a lint of every plan")
                a, b = pair(staged, FLOOR, edited, runs * 2, before=edit)
                show("staged-new", a, b, "lint --staged (new text)", FLOOR_LABEL)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
