"""Time `planbook lint` as a whole process, start-up included.

    python bench/run.py [--many] [--one] [--plans N] [--runs R] [--keep DIR]

Scenarios (all by default):
  many  lint a directory of N generated plans (default 1000); target 2.0 s
  one   lint a single plan, as a pre-commit hook does; target 0.150 s
Each run is a fresh process. Prints a table and always exits 0: it is a report, not a test.
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

TARGETS = {"many": 2.0, "one": 0.150}
TIMEOUT = 300  # seconds for one lint run


# what every benchmark that commits or builds a site gives its processes: git without the
# user's configuration, a fixed author, MkDocs without its 2.0 notice
BENCH_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull,
             "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
             "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
             "NO_MKDOCS_2_WARNING": "1"}
# the site the site benchmarks build: Material, search, offline, and {plugin} (planbook's)
SITE_MKDOCS = """\
site_name: Plans benchmark
theme:
  name: material
  font: false
plugins:
  - search
  - offline
{plugin}"""


def planbook_command() -> list[str]:
    """The `planbook` script next to this interpreter, else `python -m planbook`."""
    bindir = Path(sys.executable).parent
    for name in ("planbook", "planbook.exe"):
        exe = bindir / name
        if exe.is_file():
            return [str(exe)]
    return [sys.executable, "-m", "planbook"]


def time_lint(cmd: list[str], target: Path, runs: int, cwd: Path) -> list[float] | None:
    """Wall-clock seconds of each run, or None when planbook failed (exit code other than
    0 or 1, or a Python traceback)."""
    args = [*cmd, "lint", "--quiet", "--no-cache", str(target)]  # cold: every run reads all
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True,
                                  timeout=TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"benchmark failed: {' '.join(args)}\n  {exc}", file=sys.stderr)
            return None
        times.append(time.perf_counter() - start)
        # 1 means findings, but Python also exits 1 on an uncaught exception
        crashed = "Traceback (most recent call last)" in proc.stderr
        if proc.returncode not in (0, 1) or crashed:
            print(f"benchmark failed: {' '.join(args)} exited {proc.returncode}",
                  file=sys.stderr)
            print(proc.stderr.strip()[-3000:] or "(no stderr)", file=sys.stderr)
            return None
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description="Time `planbook lint` end to end.")
    ap.add_argument("--many", action="store_true", help="lint a directory of plans")
    ap.add_argument("--one", action="store_true", help="lint a single plan")
    ap.add_argument("--plans", type=int, default=1000, metavar="N",
                    help="plans to generate for `many` (default 1000)")
    ap.add_argument("--runs", type=int, default=5, metavar="R",
                    help="timed runs per scenario (default 5)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="generate into DIR and keep it (default: a temp dir, removed)")
    ap.add_argument("--no-compile", action="store_true",
                    help="do not byte-compile planbook first (measures a cold source import)")
    args = ap.parse_args()
    scenarios = [s for s in ("many", "one") if getattr(args, s)] or ["many", "one"]
    if not args.no_compile:
        # An installed planbook has its bytecode written at install time; an editable checkout
        # (or PYTHONDONTWRITEBYTECODE=1) would compile every module on every run instead.
        import compileall

        import planbook

        compileall.compile_dir(Path(planbook.__file__).parent, quiet=1)
    runs = max(1, args.runs)

    root = args.keep or Path(tempfile.mkdtemp(prefix="planbook-bench-"))
    if args.keep:
        shutil.rmtree(root / "plans", ignore_errors=True)
    try:
        count = args.plans if "many" in scenarios else 1
        paths = generate(max(1, count), root, seed=args.seed)
        cmd = planbook_command()
        print(f"planbook: {' '.join(cmd)}")
        print(f"plans:    {root / 'plans'}\n", flush=True)

        rows = []
        for name in scenarios:
            files = paths if name == "many" else paths[:1]
            target = root / "plans" if name == "many" else files[0]
            kb = sum(p.stat().st_size for p in files) / 1024
            # the first run is reported on its own (cold-ish caches), then `runs` timed runs
            first = time_lint(cmd, target, 1, root)
            times = time_lint(cmd, target, runs, root) if first else None
            rows.append((name, len(files), kb, first, times))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    head = ("scenario", "files", "KB", "runs", "first s", "min s", "median s", "target", "")
    print("{:<9}{:>6}{:>8}{:>6}{:>9}{:>9}{:>10}{:>8}  {}".format(*head))
    for name, files, kb, first, times in rows:
        target = TARGETS[name]
        if times:
            med = statistics.median(times)
            verdict = "PASS" if med <= target else "OVER"
            cells = (len(times), f"{first[0]:.3f}", f"{min(times):.3f}", f"{med:.3f}")
        else:
            verdict, cells = "FAILED", (0, "-", "-", "-")
        print("{:<9}{:>6}{:>8.0f}{:>6}{:>9}{:>9}{:>10}{:>8}  {}".format(
            name, files, kb, *cells, f"{target:.3f}", verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
