"""Time a site of generated plans built with the planbook plugin against plain MkDocs.

    python bench/site.py [--plans N] [--runs R] [--keep DIR]

Two projects with the same mkdocs.yml (Material, search, offline), the same docs/ (a home
page and the rule reference, as a project that publishes plans keeps it) and the same N
plans (default 500, from gen_plans.py, committed to a git repository):
  plugin  the plans in plans/, published by the planbook plugin
  plain   the same plan files copied into docs/plans/, built by MkDocs alone
Each build is a fresh `mkdocs build` process. Prints min and median of each, the ratio of the
medians (target: at most 1.3) and how long the plugin's own work (lint, git, render) takes.
Always exits 0: it is a report, not a test.
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

TARGET = 1.3
MKDOCS = """\
site_name: Plans benchmark
theme:
  name: material
  font: false
plugins:
  - search
  - offline
{plugin}"""
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
       "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
       "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
       "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}


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
            subprocess.run(["git", *args], cwd=plugin, env=ENV, check=True,
                           capture_output=True)
    return plugin, plain


def time_build(project: Path) -> float | None:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project,
                          env=ENV, capture_output=True, text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        print(f"build failed in {project}:\n{proc.stderr[-3000:]}", file=sys.stderr)
        return None
    return took


def plugin_work(project: Path) -> float:
    """The plugin's own share, in this process: lint, git and render of every plan."""
    from planbook.site import pages

    start = time.perf_counter()
    pages.build(project / "plans", pages.Options(directory_urls=False), root=project)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build the projects here and keep them")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="planbook-site-bench-"))
    try:
        plugin, plain = make_projects(base, args.plans)
        times: dict[str, list[float]] = {"plugin": [], "plain": []}
        for _ in range(args.runs):  # alternate, so drift in the machine hits both alike
            for name, project in (("plain", plain), ("plugin", plugin)):
                took = time_build(project)
                if took is None:
                    return
                times[name].append(took)
        own = plugin_work(plugin)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print(f"{args.plans} plans, {args.runs} runs each, {os.cpu_count()} CPUs")
    print(f"{'build':<8}{'min s':>8}{'median s':>10}")
    for name, values in times.items():
        print(f"{name:<8}{min(values):>8.2f}{statistics.median(values):>10.2f}")
    ratio = statistics.median(times["plugin"]) / statistics.median(times["plain"])
    verdict = "ok" if ratio <= TARGET else "OVER TARGET"
    print(f"ratio plugin/plain (medians): {ratio:.2f} (target <= {TARGET}): {verdict}")
    print(f"plugin's own work (lint, git, render), outside MkDocs: {own:.2f} s")


if __name__ == "__main__":
    main()
