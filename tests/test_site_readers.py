"""The site as its readers meet it, in Chromium at a desktop and a phone width.

Two sites, each built once per session: the khive corpus's implementation plans (real
statuses such as `Completed` and `Implemented`, a plan whose YAML does not load, two plans
with the same ID) in a repository that has nothing but a plans folder, and 300 generated
plans with statuses spelled several ways. Each page is read the way a reader reads it: every
column of the index within reach on a phone, every status on the board by its own name, no
path of the build machine anywhere, IDs in natural order, findings summarised and folded,
diagrams inside the column or in a box that visibly scrolls, nothing fetched from another
host, no console error. Screenshots of the index, the board and a plan page at both widths go
to test-artifacts/.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from browser import search, serve, sh
from conftest import require_corpus

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
WIDTHS = (1440, 390)
PLANS_ONLY = """\
site_name: Khive plans
docs_dir: plans
repo_url: https://git.example.org/khive/plans
edit_uri: edit/main/plans/
theme:
  name: material
  font: false
  features: [content.action.edit]
plugins:
  - search
  - offline
  - planbook:
      plans_dir: plans
"""
GENERATED = """\
site_name: Many plans
theme:
  name: material
  font: false
plugins:
  - search
  - offline
  - planbook:
      git: false
"""


def natural(text: str) -> list:
    """IP-2 before IP-10: digits compared as numbers (the test's own, not the site's)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text.lower())]


def frontmatter_status(path: Path) -> str | None:
    """A plan's status as its file says it, lower case; None when the YAML does not load."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return ""
    try:
        meta = yaml.safe_load(text.split("---", 2)[1]) or {}
    except yaml.YAMLError:
        return None
    value = meta.get("status") if isinstance(meta, dict) else None
    return str(value).strip().lower() if value else ""


def build(root: Path) -> Path:
    sh([sys.executable, "-m", "mkdocs", "build", "--strict"], root)
    return root / "site"


@pytest.fixture(scope="session")
def khive(tmp_path_factory) -> Path:
    """The corpus's IP folder as a repository of plans alone, with history."""
    corpus = require_corpus() / "ip"
    root = tmp_path_factory.mktemp("khive")
    shutil.copytree(corpus, root / "plans")
    (root / "mkdocs.yml").write_text(PLANS_ONLY)
    sh(["git", "init", "-q", "-b", "main"], root)
    sh(["git", "add", "."], root)
    sh(["git", "commit", "-qm", "Import the plans"], root)
    return build(root)


@pytest.fixture(scope="session")
def many(tmp_path_factory) -> Path:
    """300 generated plans; some statuses written another way, one a team maps, one the
    lifecycle lacks, some undated, two plans sharing an ID."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from gen_plans import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    root = tmp_path_factory.mktemp("many")
    paths = generate(300, root, seed=7, size=3000)
    for n, path in enumerate(paths, 1):
        text = path.read_text()
        written = {0: "in_progress", 1: "Completed", 2: "on-hold"}.get(n % 13)
        if written:
            text = re.sub(r"^status: .*$", f"status: {written}", text, count=1, flags=re.M)
        if n % 17 == 3:  # undated (and no git history to fall back on)
            text = re.sub(r"^updated: .*\n", "", text, count=1, flags=re.M)
        path.write_text(text)
    shutil.copy(paths[6], paths[6].with_name("IP-7-second-plan-with-this-id.md"))
    (root / "pyproject.toml").write_text(
        '[tool.planbook]\nstatus-aliases = { completed = "done" }\n')
    (root / "mkdocs.yml").write_text(GENERATED)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Many plans\n\nSee [the plans](plans/index.md).\n")
    return build(root)


@pytest.fixture(scope="session")
def served(khive, many):
    with serve(khive) as khive_url, serve(many) as many_url:
        yield {"khive": khive_url, "many": many_url}


class Watch:
    """What pages did that they must not: console errors and requests to other hosts."""

    def __init__(self, context):
        self.errors: list[str] = []
        self.external: list[str] = []
        self.requests: list[str] = []
        context.route("**/*", self.route)
        context.on("page", self.page)

    def route(self, route):
        url = route.request.url
        self.requests.append(url)
        parsed = urlparse(url)
        if parsed.scheme in ("http", "https", "ws", "wss") and \
                parsed.hostname not in ("127.0.0.1", "localhost"):
            self.external.append(url)
            route.abort()
        else:
            route.continue_()

    def page(self, page):
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def tab(request, browser):
    context = browser.new_context(viewport={"width": request.param, "height": 900},
                                  service_workers="block")
    watch = Watch(context)
    page = context.new_page()
    page.watch = watch
    page.width = request.param
    yield page
    context.close()
    assert watch.external == [], f"requests left localhost: {watch.external}"
    assert watch.errors == [], f"console errors: {watch.errors}"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.width}.png"))


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    page.locator(".pb-controls:visible, article h1").first.wait_for()


def no_sideways_page(page) -> None:
    """The page itself never scrolls sideways: wide things scroll inside their own box."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


# -- the index ------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["khive", "many"])
def test_every_index_column_is_within_reach(tab, served, which):
    open_page(tab, f"{served[which]}/plans/index.html")
    no_sideways_page(tab)
    box = tab.locator(".pb-index .pb-scroll")
    headers = box.locator("thead th")
    names = [h.strip() for h in headers.all_inner_texts()]
    assert names == ["ID", "Title", "Status", "Author", "Component", "Updated", "Checklist",
                     "Tasks", "Lint"]
    overflows = box.evaluate("el => el.scrollWidth > el.clientWidth")
    if tab.width == 390:
        assert overflows, "the table is wider than a phone: it must scroll in its box"
    if overflows:  # then the box says so, and its scrollbar is styled to stay visible
        assert tab.locator(".pb-index .pb-scroll-hint").is_visible()
        assert box.evaluate("el => getComputedStyle(el).overflowX") in ("auto", "scroll")
    for index in range(len(names)):
        box.evaluate("(el, i) => { const th = el.querySelectorAll('thead th')[i];"
                     " el.scrollLeft = th.offsetLeft - 8; }", index)
        cell = headers.nth(index).bounding_box()
        assert cell and 0 <= cell["x"] and cell["x"] + min(cell["width"], 60) <= tab.width, \
            f"column {names[index]} cannot be brought into view"
    box.evaluate("el => { el.scrollLeft = 0; }")
    shot(tab, f"site-{which}-index")


@pytest.mark.parametrize("which", ["khive", "many"])
def test_index_lists_ids_in_natural_order(tab, served, which):
    open_page(tab, f"{served[which]}/plans/index.html")
    rows = tab.locator(".pb-index tbody tr")
    paths = [t.strip() for t in rows.locator("td:nth-child(2) small").all_inner_texts()]
    assert paths == sorted(paths, key=natural)
    ids = [t.split()[0] for t in rows.locator("td:first-child").all_inner_texts()]
    assert ids == sorted(ids, key=natural)
    if which == "many":
        assert ids[:3] == ["IP-1", "IP-2", "IP-3"] and ids.index("IP-10") == 10


def test_duplicate_ids_are_marked(tab, served):
    open_page(tab, f"{served['many']}/plans/index.html")
    marked = tab.locator(".pb-index tbody tr", has=tab.locator(".pb-duplicate-id"))
    assert sorted(t.split()[0] for t in marked.locator("td:first-child").all_inner_texts()) \
        == ["IP-7", "IP-7"]
    open_page(tab, f"{served['khive']}/plans/index.html")  # IP-24 names two khive plans
    marked = tab.locator(".pb-index tbody tr", has=tab.locator(".pb-duplicate-id"))
    assert marked.count() == 2
    assert all(t.startswith("IP-24") for t in marked.locator("td:first-child").all_inner_texts())


def test_status_filter_names_every_status_and_stays_in_the_address(tab, served):
    url = f"{served['many']}/plans/index.html"
    open_page(tab, url)
    options = tab.locator(".pb-status-filter option").all_inner_texts()
    names = [o.rsplit(" (", 1)[0] for o in options]
    # in_progress is the lifecycle's in-progress respelled; completed is mapped to done by
    # the configuration; on-hold is no status of the lifecycle and keeps its name
    assert names == ["All", "Draft", "Review", "Approved", "In progress", "Done", "On hold"]
    tab.select_option(".pb-status-filter", "on-hold")
    shown = tab.locator(".pb-index tbody tr:visible")
    assert shown.count() == sum(1 for n in range(1, 301) if n % 13 == 2)
    tab.fill(".pb-filter", "IP-2")
    kept = tab.evaluate("location.href")
    assert "status=on-hold" in kept and "filter=IP-2" in kept
    filtered = [t.split()[0] for t in shown.locator("td:first-child").all_inner_texts()]
    paths = shown.locator("td:nth-child(2) small").all_inner_texts()
    assert filtered and all("ip-2" in p.lower() for p in paths)
    open_page(tab, kept)  # a shared link opens the same view
    assert tab.locator(".pb-filter").input_value() == "IP-2"
    assert tab.locator(".pb-status-filter").input_value() == "on-hold"
    assert [t.split()[0] for t in shown.locator("td:first-child").all_inner_texts()] == filtered


def test_sorting_by_updated_puts_undated_plans_last(tab, served):
    open_page(tab, f"{served['many']}/plans/index.html")
    button = tab.locator(".pb-index th", has_text="Updated").locator("button")
    for _ in range(2):  # ascending, then descending: undated last both times
        button.click()
        dates = [t.strip() for t in tab.locator(".pb-index tbody tr td:nth-child(6)")
                 .all_inner_texts()]
        assert "" in dates and dates[0] != ""
        first_blank = dates.index("")
        assert all(d == "" for d in dates[first_blank:])
        assert len(dates) - first_blank == sum(1 for n in range(1, 301) if n % 17 == 3)


# -- the board ------------------------------------------------------------------------------


def status_columns(page) -> dict[str, int]:
    out = {}
    for summary in page.locator(".pb-board .pb-column > summary").all():
        title = summary.inner_text().strip()
        name, count = title.rsplit(None, 1)
        out[name] = int(count.split("/")[-1])
    return out


def test_board_shows_every_status_by_its_own_name(tab, served, khive):
    open_page(tab, f"{served['khive']}/plans/board.html")
    shot(tab, "site-khive-board")
    no_sideways_page(tab)
    columns = status_columns(tab)
    expected: dict[str, int] = {}
    for path in sorted((khive.parent / "plans").glob("*.md")):
        status = frontmatter_status(path) or ""
        name = status.replace("-", " ").capitalize() if status else "No status"
        expected[name] = expected.get(name, 0) + 1
    for name, count in expected.items():
        assert columns.get(name) == count, f"{name}: {columns}"
    assert columns["Completed"] == 2 and columns["Implemented"] == 1
    assert sum(columns.values()) == 20
    # the lifecycle's own statuses keep their place, small when empty
    assert list(columns)[:6] == ["Draft", "Review", "Approved", "In progress", "Done",
                                 "Abandoned"]
    empty = tab.locator(".pb-column.pb-column-empty").first
    full = tab.locator(".pb-column:not(.pb-column-empty)").first
    assert empty.bounding_box()["width"] < full.bounding_box()["width"]
    note = tab.locator(".pb-column[data-status='completed'] .pb-column-note")
    assert "Not a status of the lifecycle" in note.inner_text()


def test_board_of_300_plans_side_by_side_with_counts_and_a_filter(tab, served):
    open_page(tab, f"{served['many']}/plans/board.html")
    no_sideways_page(tab)
    columns = status_columns(tab)
    assert sum(columns.values()) == 301
    assert columns["On hold"] == sum(1 for n in range(1, 301) if n % 13 == 2)
    shot(tab, "site-many-board")
    done = tab.locator(".pb-column[data-status='done']")
    assert done.locator("li:has-text('written completed')").count() >= 1
    # every column starts at the top of the board, not 5,000 px down
    tops = {round(b["y"]) for b in (c.bounding_box() for c in
                                    tab.locator(".pb-board .pb-column").all()) if b}
    assert len(tops) == 1
    assert done.bounding_box()["y"] < 900
    ids = [t.strip() for t in done.locator(".pb-tile-id").all_inner_texts()]
    assert ids == sorted(ids, key=natural)
    tab.fill(".pb-board-wrap .pb-filter", "IP-7")
    assert "filter=IP-7" in tab.evaluate("location.href")
    visible = tab.locator(".pb-board li.pb-tile:visible .pb-tile-id").all_inner_texts()
    assert visible and all(v.strip().startswith("IP-7") for v in visible)
    tab.fill(".pb-board-wrap .pb-filter", "")
    done.locator("summary").click()  # a column folds away
    assert done.locator("li").first.is_hidden()
    done.locator("summary").click()


# -- plan pages -----------------------------------------------------------------------------


def test_plan_with_broken_yaml_is_titled_by_its_heading_with_a_banner(tab, served):
    open_page(tab, f"{served['khive']}/plans/IP-26.html")
    assert tab.locator("article h1").first.inner_text() == "Implementation Plan: [Component Name]"
    banner = tab.locator("article .pb-yaml-error")
    assert banner.is_visible()
    assert "line 11" in banner.inner_text()
    card = tab.locator("article .pb-card").bounding_box()
    assert banner.bounding_box()["y"] < card["y"]  # the first thing under the title


def test_findings_are_summarised_and_folded(tab, served):
    open_page(tab, f"{served['khive']}/plans/IP-26.html")
    summary = tab.locator("article .pb-findings-summary")
    assert summary.is_visible()
    assert re.search(r"\d+ errors? \d+ warnings?, from \d+ rules", summary.inner_text())
    colours = {li.evaluate("el => getComputedStyle(el.querySelector('.pb-sev'))"
                           ".backgroundColor") for li in summary.locator("li").all()}
    assert len(colours) >= 2  # errors and warnings look different
    shot(tab, "site-khive-plan")
    listing = tab.locator("article details.pb-findings-list")
    assert listing.get_attribute("open") is None
    assert tab.locator("article .pb-findings tbody tr").first.is_hidden()
    listing.locator("summary").click()
    link = tab.locator("article .pb-findings tbody td:first-child a").first
    target = link.get_attribute("href")
    assert re.fullmatch(r"#pb-L\d+", target)
    link.click()
    assert tab.locator(f"article [id='{target[1:]}']").count() == 1
    assert tab.evaluate("location.href").endswith(target)


def test_history_and_edit_link_on_a_plan(tab, served):
    open_page(tab, f"{served['khive']}/plans/IP-43-khive-fmt-command.html")
    card = tab.locator("article .pb-card").inner_text()
    assert re.search(r"created \d{4}-\d\d-\d\d, last changed \d{4}-\d\d-\d\d by Ada Lovelace "
                     r"\(1 commit\)", card)
    edit = tab.locator("a.md-content__button[href*='edit']").first
    assert edit.get_attribute("href") == \
        "https://git.example.org/khive/plans/edit/main/plans/IP-43-khive-fmt-command.md"


def test_diagrams_fit_or_scroll_visibly_and_nodes_lead_to_task_rows(tab, served, khive):
    checked = 0
    for page in sorted((khive / "plans").glob("IP-*.html")):
        open_page(tab, f"{served['khive']}/plans/{page.name}")
        no_sideways_page(tab)
        column = tab.locator("article").bounding_box()
        for figure in tab.locator("article figure.pb-diagram").all():
            box = figure.bounding_box()
            assert box["x"] >= column["x"] - 1
            assert box["x"] + box["width"] <= column["x"] + column["width"] + 1
            if figure.evaluate("el => el.scrollWidth > el.clientWidth + 1"):
                assert figure.evaluate("el => getComputedStyle(el).overflowX") in ("auto",
                                                                                "scroll")
                hint = figure.evaluate_handle("el => el.previousElementSibling")
                assert hint.evaluate("el => el.className") == "pb-scroll-hint"
                assert hint.evaluate("el => !el.hidden && el.offsetHeight > 0")
            checked += 1
        graph = tab.locator("article figure.pb-diagram svg[aria-label='Task dependency graph']")
        if page.name == "IP-81.html":
            graph.scroll_into_view_if_needed()
            shot(tab, "site-khive-diagram")
        if graph.count():
            assert graph.locator("path.pb-edge").count() > 0  # no graph without arrows
            node = graph.locator("a").first
            href = node.get_attribute("href")
            assert re.fullmatch(r"#pb-L\d+", href)
            row = tab.locator(f"article tr[id='{href[1:]}']")
            assert row.count() == 1, f"{page.name}: {href} leads to no task row"
            task_id = node.locator(".pb-node-title").text_content()
            assert row.locator("td").first.inner_text().strip() == task_id
    assert checked > 5


def test_search_index_waits_for_the_first_search(tab, served):
    open_page(tab, f"{served['many']}/plans/index.html")
    tab.wait_for_timeout(300)  # the theme has started by now: it would have asked already
    assert not [u for u in tab.watch.requests if "search_index" in u]
    if tab.width == 390:
        tab.locator("label.md-header__button[for='__search']").click()
    else:
        tab.locator(".md-search__input").click()
    result = search(tab, "geocoding", tries=40)
    assert [u for u in tab.watch.requests if "search_index" in u]
    assert result.is_visible()


# -- the files ------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["khive", "many"])
def test_no_page_names_the_build_machine(request, which):
    site = request.getfixturevalue(which)
    build_root = str(site.parent)
    temp_base = str(site.parent.parent)
    for path in site.rglob("*"):
        if path.suffix in (".html", ".json", ".js", ".xml") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert build_root not in text and temp_base not in text, path


def test_a_plans_only_repository_gets_a_home_page(khive):
    home = (khive / "index.html").read_text()
    assert 'href="plans/index.html"' in home and 'href="plans/board.html"' in home
    assert (khive / "plans" / "index.html").is_file()
    assert not (khive / "IP-26.html").exists()  # the plans are published once, as plan pages
