"""Time planbook's git paths in a repository of generated plans with a real history.

    python bench/git.py [--plans N] [--commits C] [--runs R] [--keep DIR]

Builds a repository of N plans (default 1000) committed over C commits (default 300, with
renames), then reports:
  processes  git processes (and seconds) to gather history for every plan, per mode
  staged     `planbook lint --staged` with 3 staged plans: the plain git hook; target 0.300 s
  files      `planbook lint F1 F2 F3`: what the pre-commit framework runs; target 0.300 s
  since      `planbook lint --changed-since main` on a branch changing 3 plans
Each timed run is a fresh process. A report, not a test: always exits 0.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gen_plans import generate
from run import BENCH_ENV, planbook_command

TARGETS = {"staged": 0.300, "files": 0.300}
ENV = {**os.environ, **BENCH_ENV}


def git(repo: Path, *args: str, date: str = "2025-01-01T10:00:00+00:00") -> None:
    env = {**ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def build(root: Path, plans: int, commits: int, seed: int) -> list[Path]:
    """Plans added in batches, then edited a few at a time, some renamed on the way."""
    rng = random.Random(seed)
    git(root, "init", "-q", "-b", "main")
    paths = generate(plans, root, seed=seed)
    batch = max(1, plans // 10)
    day = 0
    for start in range(0, plans, batch):
        git(root, "add", *[str(p.relative_to(root)) for p in paths[start:start + batch]])
        git(root, "commit", "-qm", f"Add plans {start + 1}-{start + batch}",
            date=f"2025-01-{1 + day % 28:02d}T10:00:00+00:00")
        day += 1
    for n in range(max(0, commits - day)):
        chosen = rng.sample(range(len(paths)), 3)
        for i in chosen:
            if n % 25 == 0 and i == chosen[0]:
                new = paths[i].with_name(paths[i].stem + "-renamed.md")
                git(root, "mv", str(paths[i].relative_to(root)), str(new.relative_to(root)))
                paths[i] = new
            with open(paths[i], "a", encoding="utf-8") as handle:
                handle.write(f"\nEdit {n}.\n")
        git(root, "commit", "-qam", f"Edit {n}",
            date=f"2025-{2 + n // 28 % 10:02d}-{1 + n % 28:02d}T10:00:00+00:00")
    git(root, "gc", "-q")  # packed, as a clone is; loose objects would time the disk instead
    return paths


def count_processes(root: Path, paths: list[Path]) -> list[tuple[str, int, float]]:
    """Git processes and seconds for history of every plan, in each selection mode."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from planbook import changes
    from planbook.parse import parse_bytes

    rel = [str(p.relative_to(root)) for p in paths]
    from planbook import git as gitmodule

    real = gitmodule._process  # every git process starts here
    calls: list[str] = []

    def spy(args, *rest, **kwargs):
        calls.append(args[3])
        return real(args, *rest, **kwargs)

    out = []
    cwd = os.getcwd()
    os.chdir(root)
    gitmodule._process = spy
    try:
        for mode, kwargs in (("history", {}), ("staged", {"staged": True}),
                             ("since main", {"since": "main"})):
            calls.clear()
            start = time.perf_counter()
            changes.select(rel, history=True, parse=parse_bytes, **kwargs)
            out.append((f"{mode}: {' '.join(calls)}", len(calls), time.perf_counter() - start))
    finally:
        gitmodule._process = real
        os.chdir(cwd)
    return out


def timed(cmd: list[str], cwd: Path, runs: int) -> list[float] | None:
    times = []
    for _ in range(runs + 1):  # the first run warms the caches and is not counted
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=ENV)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1) or "Traceback" in proc.stderr:
            print(f"FAILED: {' '.join(cmd)} exited {proc.returncode}\n{proc.stderr[-2000:]}",
                  file=sys.stderr)
            return None
    return times[1:]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--commits", type=int, default=300)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", type=Path, help="build in DIR and keep it")
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="planbook-git-bench-"))
    if args.keep and root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        paths = build(root, args.plans, args.commits, args.seed)
        print(f"repository: {args.plans} plans, {args.commits} commits, built in "
              f"{time.perf_counter() - start:.1f} s\n")
        three = paths[5:8]
        for path in three:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write("\nA staged edit.\n")
        git(root, "add", *[str(p.relative_to(root)) for p in three])

        print(f"{'git processes for history of every plan':<58}{'count':>6}{'seconds':>9}")
        for label, count, seconds in count_processes(root, paths):
            print(f"  {label:<56}{count:>6}{seconds:>9.3f}")
        print()

        cmd = planbook_command()
        names = [str(p.relative_to(root)) for p in three]
        scenarios = [("staged", [*cmd, "lint", "--staged", "--quiet"]),  # never cached
                     ("files", [*cmd, "lint", "--quiet", "--no-cache", *names])]
        rows = [(name, timed(c, root, args.runs)) for name, c in scenarios]
        git(root, "stash", "-q")
        git(root, "switch", "-q", "-c", "feature")
        git(root, "stash", "pop", "-q")
        git(root, "commit", "-qam", "Feature edits", date="2025-12-01T10:00:00+00:00")
        rows.append(("since", timed([*cmd, "lint", "--changed-since", "main", "--quiet"],
                                    root, args.runs)))
        print(f"{'scenario':<10}{'runs':>5}{'min s':>9}{'median s':>10}{'target':>8}")
        for name, times in rows:
            target = TARGETS.get(name)
            if not times:
                print(f"{name:<10}{'FAILED':>5}")
                continue
            med = statistics.median(times)
            verdict = "" if target is None else ("PASS" if med <= target else "OVER")
            shown = f"{target:.3f}" if target else "-"
            print(f"{name:<10}{len(times):>5}{min(times):>9.3f}{med:>10.3f}{shown:>8}  "
                  f"{verdict}")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
