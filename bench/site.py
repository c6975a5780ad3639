"""Time the site built with the planbook plugin against plain MkDocs, and its rebuilds.

    python bench/site.py [--only plans own serve] [--plans N] [--runs R] [--keep DIR]

Every build is a fresh `mkdocs build -q` process unless said otherwise; the two commands of
a scenario run interleaved (A, B, A, B, …), and each reports its median with min–max and
its peak resident memory (`wait4`'s max RSS of the process). planbook's modules are compiled
to bytecode first, as those of MkDocs and the theme are when installed.

  plans  N generated plans (default 500, from gen_plans.py, committed to git) under the same
         mkdocs.yml (Material, search, offline) and the same docs/ (a home page and the rule
         reference, as a project that publishes plans keeps it): the plans published by the
         plugin, against the same plan files copied into docs/plans/ and built by MkDocs
         alone. Targets at 2,000 plans: time ≤ 1.2×, peak memory ≤ 1.5×.
  own    this repository's own site (a clone of it, so that history is there) against the
         same docs/ built without the plugin, once with planbook's cache folder emptied before
         each plugin build (cold) and once with it left from the build before (warm).
         Target ≤ 1.5×.
  serve  what `mkdocs serve` does after one plan is edited: in one process, a build, an edit
         to one plan's body, the rebuild; the rebuild's time against a full `mkdocs build`
         process of the same project. Target ≤ 0.5×. The rebuild runs as MkDocs runs it: a
         new config, the same plugin.
Always exits 0: it is a report, not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from gen_plans import generate
from run import BENCH_ENV, SITE_MKDOCS
from scale import measure

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGETS = {"plans": 1.2, "plans memory": 1.5, "own": 1.5, "serve": 0.5}
MKDOCS = SITE_MKDOCS
ENV = BENCH_ENV
os.environ.update(ENV)  # for every process this starts
BUILD = [sys.executable, "-m", "mkdocs", "build", "-q"]
# one process: a build, one plan edited, the rebuild `mkdocs serve` would run; prints seconds
SERVE = """
import sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
site, plan = sys.argv[1], Path(sys.argv[2])
config = load_config("mkdocs.yml", site_dir=site)
config.plugins.on_startup(command="serve", dirty=False)
build(config)
text = plan.read_text()
plan.write_text(text.replace("\\n## ", "\\nOne more line.\\n\\n## ", 1))
start = time.perf_counter()
build(load_config("mkdocs.yml", site_dir=site))
print(time.perf_counter() - start)
plan.write_text(text)
"""


def make_projects(base: Path, count: int) -> tuple[Path, Path]:
    plugin, plain = base / "plugin", base / "plain"
    generate(count, plugin, seed=1)
    from planbook.docs import write_rule_docs

    for project, extra in ((plugin, "  - planbook\n"), (plain, "")):
        (project / "docs").mkdir(parents=True, exist_ok=True)
        write_rule_docs(project / "docs" / "rules")
        (project / "docs" / "index.md").write_text("# Plans benchmark\n")
        (project / "mkdocs.yml").write_text(MKDOCS.format(plugin=extra))
    shutil.copytree(plugin / "plans", plain / "docs" / "plans")
    if shutil.which("git"):
        for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "Plans"]):
            subprocess.run(["git", *args], cwd=plugin, check=True, capture_output=True)
    return plugin, plain


def own_project(base: Path) -> tuple[Path, Path]:
    """A clone of this repository (with its history), and mkdocs.yml without the plugin."""
    clone = base / "own"
    subprocess.run(["git", "clone", "-q", "--local", str(REPO), str(clone)], check=True)
    text = (clone / "mkdocs.yml").read_text()
    plain = re.sub(r"\n  - planbook:\n(?:      .*\n)*", "\n", text)
    (clone / "mkdocs-plain.yml").write_text(plain)
    return clone, clone / "mkdocs-plain.yml"


def empty_cache(project: Path) -> None:
    shutil.rmtree(project / ".planbook_cache", ignore_errors=True)


def show(name: str, a: list, b: list, label_a: str, label_b: str) -> None:
    ta, tb = [t for t, _ in a], [t for t, _ in b]
    for label, times, runs in ((label_a, ta, a), (label_b, tb, b)):
        peak = max(m for _, m in runs)
        print(f"  {label:<34} median {statistics.median(times):7.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f})"
              + (f"  peak {peak / 1024:6.1f} MiB" if peak else ""))
    ratio = statistics.median(ta) / statistics.median(tb)
    print(f"  time ratio {ratio:.2f}× (target ≤ {TARGETS[name]}×)  "
          f"{'PASS' if ratio <= TARGETS[name] else 'OVER'}")
    if name == "plans":
        memory = max(m for _, m in a) / max(m for _, m in b)
        target = TARGETS["plans memory"]
        print(f"  memory ratio {memory:.2f}× (target ≤ {target}×)  "
              f"{'PASS' if memory <= target else 'OVER'}")
    print(flush=True)


def plans(base: Path, count: int, runs: int) -> None:
    plugin, plain = make_projects(base, count)
    a, b = [], []
    for _ in range(runs):
        b.append(measure(BUILD, plain))
        empty_cache(plugin)  # every plugin build renders every page, as a first build does
        a.append(measure(BUILD, plugin))
    print(f"plans: {count} generated plans, {runs} builds each")
    show("plans", a, b, "plugin (cache emptied)", "plain MkDocs")


def own(base: Path, runs: int) -> None:
    clone, plain_yml = own_project(base)
    plain = [*BUILD, "-f", str(plain_yml)]
    cold, warm, bare = [], [], []
    measure(BUILD, clone)  # fills the cache the first warm build finds
    for _ in range(runs):
        bare.append(measure(plain, clone))
        empty_cache(clone)
        cold.append(measure(BUILD, clone))
        warm.append(measure(BUILD, clone))
    print(f"own: this repository's site, {runs} builds each")
    show("own", cold, bare, "plugin, cache emptied", "plain MkDocs, same docs/")
    show("own", warm, bare, "plugin, cache from the last build", "plain MkDocs, same docs/")


def serve(base: Path, runs: int) -> None:
    clone, _ = own_project(base)
    plan = sorted((clone / "plans").glob("*.md"))[0]
    site = base / "serve-site"
    rebuilds, full = [], []
    for _ in range(runs):
        full.append(measure(BUILD, clone))
        proc = subprocess.run([sys.executable, "-c", SERVE, str(site), str(plan)], cwd=clone,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"serve rebuild failed:\n{proc.stderr[-2000:]}")
        rebuilds.append((float(proc.stdout.split()[-1]), 0))
    print(f"serve: this repository's site, {plan.name} edited, {runs} runs each "
          "(no memory for the rebuild: it shares its process)")
    show("serve", rebuilds, full, "rebuild after one plan edit", "full mkdocs build")


def compile_planbook() -> None:
    """planbook's modules compiled to bytecode once, as an installed package's are: where no
    bytecode is written (PYTHONDONTWRITEBYTECODE, an editable install), every plugin build
    would otherwise compile planbook from source, which MkDocs and the theme, installed with
    their bytecode, never pay."""
    import compileall

    import planbook

    compileall.compile_dir(Path(planbook.__file__).parent, quiet=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", choices=["plans", "own", "serve"],
                    default=["plans", "own", "serve"])
    ap.add_argument("--plans", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build the projects here and keep them")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="planbook-site-bench-"))
    print(f"{os.cpu_count()} CPUs\n")
    compile_planbook()
    try:
        if "plans" in args.only:
            plans(base / "plans", args.plans, args.runs)
        if "own" in args.only:
            own(base / "own-site", args.runs)
        if "serve" in args.only:
            serve(base / "serve", args.runs)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
