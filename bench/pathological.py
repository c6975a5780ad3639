"""Time `planbook lint FILE` on inputs built to be slow: one long line, deep nesting, many
headings, and a real-looking plan of 5 MB.

    python bench/pathological.py [--runs R] [--only NAME ...] [--keep DIR] [--list]
    python bench/pathological.py --against OTHER/src    # before/after, run by run

Each input is generated (none is committed), then linted as a fresh process, start-up
included. With --against, every timed run of this checkout is paired with one of the planbook
whose package is under OTHER/src, taken in turn, so both see the same load. Prints a table and
always exits 0: it is a report, not a test.
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

from run import TIMEOUT, planbook_command

TARGET = 1.0  # seconds, median, for any single file up to 5 MB
HERE = Path(__file__).resolve().parent
CLEAN = HERE.parent / "tests" / "fixtures" / "clean.md"
HEAD = '---\ntitle: "Pathological input"\nstatus: "draft"\n---\n\n# Implementation Plan\n\n' \
       "## 1. Overview\n\n"


def links() -> str:
    """`[a](` 10,000 times on one 40 KB line: every '[' opens a link that never closes."""
    return HEAD + "[a](" * 10_000 + "\n"


def plan_5mb() -> str:
    """tests/fixtures/clean.md with its body repeated to 5 MB: a real plan, only long."""
    text = CLEAN.read_text(encoding="utf-8")
    end = text.index("\n---\n", 3) + len("\n---\n")
    head, body = text[:end], text[end:]
    return head + body * ((5 * 1024 * 1024 - len(head)) // len(body))


def list_2000() -> str:
    """A list nested 2,000 deep, one item a line, each two spaces further in (4 MB)."""
    return HEAD + "".join("  " * depth + f"- item {depth}\n" for depth in range(2_000))


def list_10000() -> str:
    """A list nested 10,000 deep on one line (`- - - … item`); one item a line it would be
    100 MB, which planbook refuses to read at all."""
    return HEAD + "- " * 10_000 + "item\n"


def headings_20000() -> str:
    """20,000 numbered headings, each with a line of text."""
    return HEAD + "".join(f"### 1.{n} Part {n}\n\nText of part {n}.\n\n"
                          for n in range(1, 20_001))


def quotes_2000() -> str:
    """Block quotes nested 2,000 deep, one more '>' a line (2 MB)."""
    return HEAD + "".join(">" * depth + f" quote {depth}\n" for depth in range(1, 2_001))


def table_spaces() -> str:
    """A table header, then a paragraph line of 40,000 spaces: the delimiter-row pattern
    tried every way of splitting the spaces."""
    return HEAD + "a | b\n" + " " * 40_000 + "x\n"


def code_spans() -> str:
    """A link, then backtick runs of falling length (280 down to 1) on one line: the code-span
    pattern retried every width at every backtick."""
    return HEAD + "[a](b) " + " ".join("`" * k for k in range(280, 0, -1)) + "\n"


def enables() -> str:
    """5,000 `planbook-disable` comments, then 5,000 `planbook-enable` comments for other
    codes: each enable used to look at every suppression before it."""
    return HEAD + "".join(f"<!-- planbook-disable A{n} -->\n" for n in range(5_000)) + \
        "".join(f"<!-- planbook-enable B{n} -->\n\n" for n in range(5_000))


def paragraph_lines() -> str:
    """A paragraph continued by 100,000 indented lines: each was added to the paragraph's
    text by copying all of it."""
    return HEAD + "A paragraph\n" + "    that goes on\n" * 100_000


def long_version() -> str:
    """A frontmatter version of 20,000 dotted numbers and one bad character (40 KB): the
    version pattern tried every way of splitting the dots."""
    return HEAD.replace("---\n\n", 'version: "1' + ".1" * 20_000 + '!"\n---\n\n', 1)


INPUTS = {
    "links-40k": links,
    "plan-5mb": plan_5mb,
    "list-2000": list_2000,
    "list-10000": list_10000,
    "headings-20000": headings_20000,
    "quotes-2000": quotes_2000,
    "table-spaces": table_spaces,
    "code-spans": code_spans,
    "enables": enables,
    "paragraph-lines": paragraph_lines,
    "version-40k": long_version,
}


def time_lint(cmd: list[str], path: Path, runs: int, cwd: Path,
              env: dict | None = None) -> list[float] | None:
    """Wall-clock seconds of each `lint --quiet` run, or None when planbook failed (an exit
    code other than 0 or 1, a traceback, or no answer within the timeout)."""
    args = [*cmd, "lint", "--quiet", "--no-cache", str(path)]  # cold: every run parses
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True,
                                  timeout=TIMEOUT, env=env)
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"benchmark failed: {' '.join(args)}\n  {exc}", file=sys.stderr)
            return None
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1) or "Traceback (most recent call last)" in proc.stderr:
            print(f"benchmark failed: {' '.join(args)} exited {proc.returncode}",
                  file=sys.stderr)
            print(proc.stderr.strip()[-3000:] or "(no stderr)", file=sys.stderr)
            return None
    return times


def time_against(cmd: list[str], path: Path, runs: int, cwd: Path,
                 other_src: Path) -> tuple[list[float], list[float]] | None:
    """Seconds of each run of this planbook and of the one under `other_src`, in turns."""
    env = {**os.environ, "PYTHONPATH": str(other_src.resolve())}
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        mine, other = time_lint(cmd, path, 1, cwd), time_lint(cmd, path, 1, cwd, env)
        if not mine or not other:
            return None
        ours += mine
        theirs += other
    return ours, theirs


def main() -> int:
    ap = argparse.ArgumentParser(description="Time `planbook lint` on pathological inputs.")
    ap.add_argument("--runs", type=int, default=5, metavar="R",
                    help="timed runs per input (default 5)")
    ap.add_argument("--only", nargs="+", choices=sorted(INPUTS), metavar="NAME",
                    help="time only these inputs")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="generate into DIR and keep it (default: a temp dir, removed)")
    ap.add_argument("--list", action="store_true", help="list the inputs and exit")
    ap.add_argument("--against", type=Path, metavar="SRC",
                    help="also time the planbook package under SRC (another checkout's src), "
                         "alternating runs")
    ap.add_argument("--no-compile", action="store_true",
                    help="do not byte-compile planbook first (measures a cold source import)")
    args = ap.parse_args()
    if args.list:
        for name, make in INPUTS.items():
            print(f"{name:<16}{' '.join(make.__doc__.split())}")
        return 0
    if not args.no_compile:
        import compileall

        import planbook

        compileall.compile_dir(Path(planbook.__file__).parent, quiet=1)
        if args.against:
            compileall.compile_dir(args.against / "planbook", quiet=1)
    runs = max(1, args.runs)
    names = args.only or list(INPUTS)

    root = args.keep or Path(tempfile.mkdtemp(prefix="planbook-patho-"))
    root.mkdir(parents=True, exist_ok=True)
    cmd = planbook_command()
    print(f"planbook: {' '.join(cmd)}")
    if args.against:
        print(f"against:  the same, with PYTHONPATH={args.against.resolve()}")
    print(f"inputs:   {root}\n", flush=True)
    rows = []
    try:
        for name in names:
            path = root / f"{name}.md"
            path.write_text(INPUTS[name](), encoding="utf-8")
            # the first run is reported on its own (cold-ish caches), then `runs` timed runs
            first = time_lint(cmd, path, 1, root)
            if args.against:
                pairs = time_against(cmd, path, runs, root, args.against) if first else None
                times, other = pairs if pairs else (None, None)
            else:
                times, other = time_lint(cmd, path, runs, root) if first else None, None
            rows.append((name, path.stat().st_size / 1024, first, times, other))
            print(f"  {name}: done", file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    head = ["input", "KB", "runs", "first s", "min s", "median s"]
    if args.against:
        head += ["against s", "x faster"]
    print(("{:<16}{:>7}{:>6}{:>9}{:>9}{:>10}" + "{:>11}{:>10}" * bool(args.against)
           + "{:>8}  {}").format(*head, "target", ""))
    for name, kb, first, times, other in rows:
        if times:
            med = statistics.median(times)
            verdict = "PASS" if med <= TARGET else "OVER"
            cells = [len(times), f"{first[0]:.3f}", f"{min(times):.3f}", f"{med:.3f}"]
            if other:
                cells += [f"{statistics.median(other):.3f}",
                          f"{statistics.median(other) / med:.1f}"]
        else:
            verdict = "FAILED"
            cells = [0, "-", "-", "-"] + ["-", "-"] * bool(args.against)
        print(("{:<16}{:>7.0f}{:>6}{:>9}{:>9}{:>10}" + "{:>11}{:>10}" * bool(args.against)
               + "{:>8}  {}").format(name, kb, *cells, f"{TARGET:.3f}", verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
