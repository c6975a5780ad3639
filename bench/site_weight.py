"""What a reader downloads from a site of generated plans: the weight of the first page.

    python bench/site_weight.py [--plans N] [--keep DIR]

Builds one project (Material, search, offline, planbook; N plans from gen_plans.py, default
300, committed to git) and reports the size of the index, the board and a plan page, of the
stylesheets and scripts a page loads, and of the search index. The planbook plugin holds the
search index back until a reader first searches (search-on-demand.js), so the first load of
a page is its HTML and assets only; the line "with the index" is what it would be otherwise.
Sizes are bytes on disk, before any compression the server adds. Always exits 0: it is a
report, not a test.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlparse

from gen_plans import generate
from run import BENCH_ENV, SITE_MKDOCS

MKDOCS = SITE_MKDOCS.format(plugin="  - planbook\n")
ENV = {**os.environ, **BENCH_ENV}

ASSET = re.compile(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"#?]+)[^"]*"[^>]*>')


def build(base: Path, count: int) -> Path:
    generate(count, base, seed=1)
    (base / "docs").mkdir(parents=True, exist_ok=True)
    (base / "docs" / "index.md").write_text("# Plans benchmark\n")
    (base / "mkdocs.yml").write_text(MKDOCS)
    if shutil.which("git"):
        for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "Plans"]):
            subprocess.run(["git", *args], cwd=base, env=ENV, check=True, capture_output=True)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=base, env=ENV,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{proc.stderr[-3000:]}")
    return base / "site"


def assets(site: Path, page: str) -> list[Path]:
    """The stylesheets and scripts a page loads from the site itself."""
    html = (site / page).read_text()
    found = []
    for href in ASSET.findall(html):
        if urlparse(href).scheme or href.startswith("//"):
            continue
        path = urlparse(urljoin("http://site/" + page, href)).path.lstrip("/")
        if (site / path).is_file() and (href.endswith((".css", ".js"))):
            found.append(site / path)
    return sorted(set(found))


def size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, 6))


def kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=int, default=300)
    ap.add_argument("--keep", type=Path, help="build the project here and keep it")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="planbook-site-weight-"))
    try:
        site = build(base, args.plans)
        plan = sorted((site / "plans").glob("IP-1-*.html"))[0].relative_to(site).as_posix()
        index = site / "search" / "search_index.json"
        on_demand = (site / "plans" / "index.html").read_text().count("search-on-demand.js")
        print(f"{args.plans} plans; search index loaded "
              f"{'on demand' if on_demand else 'with every page'}")
        print(f"{'file':<34}{'bytes':>12}{'gzip':>12}")
        for name in ("plans/index.html", "plans/board.html", plan):
            raw, packed = size(site / name)
            print(f"{name[:33]:<34}{kb(raw):>12}{kb(packed):>12}")
        raw, packed = size(index)
        print(f"{'search/search_index.json':<34}{kb(raw):>12}{kb(packed):>12}")
        for name in ("plans/index.html", "plans/board.html", plan):
            files = [site / name, *assets(site, name)]
            raw = sum(size(f)[0] for f in files)
            packed = sum(size(f)[1] for f in files)
            print(f"first load of {name[:26]:<27} {kb(raw)} ({kb(packed)} gzip) in "
                  f"{len(files)} files; with the index {kb(raw + size(index)[0])}")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
