"""End to end: a temporary repository of plans, `mkdocs build`, and a real headless Chromium.

Chromium comes from the Debian package `chromium` (`.ci/run` installs it) and is driven by
Playwright through `executable_path`, so no browser is downloaded. When either is missing the
tests fail with a message saying what to install: a silent skip would let CI pass without
ever opening a page. Screenshots of the index and a plan page go to test-artifacts/.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from browser import search, serve, sh

FIXTURES = Path(__file__).parent / "fixtures"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
XSS = "</title><script>window.pwned = 1</script><img src=x onerror=alert(1)>"
MKDOCS = """\
site_name: Team plans
theme:
  name: material
  font: false
plugins:
  - search
  - offline
  - planbook
nav:
  - Plans: plans/index.md
  - Board: plans/board.md
"""

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A built site of three plans: a clean one, a draft with findings, and a hostile one."""
    root = tmp_path_factory.mktemp("repo")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Team plans\n\nSee [all plans](plans/index.md).\n")
    (root / "plans").mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS)
    clean = (FIXTURES / "clean.md").read_text().replace("(notes.md)", "(../docs/index.md)")
    clean = clean.replace("Relay posts signed webhooks", "Relay posts zephyrine-signed webhooks")
    (root / "plans" / "IP-1-retry-queue.md").write_text(clean)
    sh(["git", "init", "-q", "-b", "main"], root)
    sh(["git", "add", "."], root)
    sh(["git", "commit", "-qm", "Retry queue plan"], root)
    draft = clean.replace('title: "Webhook Retry Queue"', 'title: "Export Service"').replace(
        'status: "in-progress"', 'status: "draft"').replace("zephyrine-", "").replace(
        'version: "1.0"', "version: 1.10").replace('doc_type: "IP"', 'doc_type: "IP"\n'
                                                    'depends_on: ["IP-1"]').replace(
        ":t4, after t2 t3,", ":t4, after t2,")  # the sequence forgets that T-4 needs T-3
    (root / "plans" / "IP-2-export.md").write_text(draft)
    hostile = clean.replace('title: "Webhook Retry Queue"', f'title: "{XSS}"').replace(
        'status: "in-progress"', 'status: "review"').replace("zephyrine-", "").replace(
        "## 2. Implementation Phases",
        "<script>alert('body')</script>\n<img src=x onerror=alert(2)>\n"
        "[click](javascript:alert(3))\n\n## 2. Implementation Phases")
    (root / "plans" / "IP-3-hostile.md").write_text(hostile)
    sh(["git", "add", "."], root)
    sh(["git", "commit", "-qm", "Two more plans"], root, date="2026-03-05T10:00:00+00:00")
    sh([sys.executable, "-m", "mkdocs", "build", "--strict"], root)
    return root / "site"


@pytest.fixture(scope="module")
def server(site):
    with serve(site) as url:
        yield url


class Watch:
    """What pages did that they must not: console errors, dialogs, requests to other hosts."""

    def __init__(self):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.external: list[str] = []

    def attach(self, context):
        def route(request_route):
            url = request_route.request.url
            host = urlparse(url).hostname
            if urlparse(url).scheme in ("http", "https", "ws", "wss") and \
                    host not in ("127.0.0.1", "localhost"):
                self.external.append(url)
                request_route.abort()
            else:
                request_route.continue_()

        context.route("**/*", route)

        def page(new):
            new.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
            new.on("pageerror", lambda e: self.errors.append(str(e)))
            new.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

        context.on("page", page)


@pytest.fixture
def page(browser):
    watch = Watch()
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  service_workers="block")
    watch.attach(context)
    tab = context.new_page()
    tab.watch = watch
    yield tab
    context.close()
    assert watch.external == [], f"requests left localhost: {watch.external}"
    assert watch.dialogs == [], f"a plan ran script: {watch.dialogs}"
    assert watch.errors == [], f"console errors: {watch.errors}"


def rows(page):
    return page.locator(".pb-index tbody tr")


def visible_titles(page) -> list[str]:
    return [t.strip() for t in page.locator(".pb-index tbody tr:visible td:nth-child(2) a")
            .all_inner_texts()]


def test_index_lists_plans_and_filters_by_status(page, server):
    page.goto(f"{server}/plans/index.html")
    assert rows(page).count() == 3
    assert sorted(visible_titles(page)) == sorted(["Webhook Retry Queue", "Export Service", XSS])
    controls = page.locator(".pb-controls")
    assert controls.is_visible()  # the script ran and showed the controls
    page.select_option(".pb-status-filter", "draft")
    assert visible_titles(page) == ["Export Service"]
    assert page.locator(".pb-count").inner_text() == "1 of 3 plans"
    page.select_option(".pb-status-filter", "")
    page.fill(".pb-filter", "export")
    assert visible_titles(page) == ["Export Service"]
    page.fill(".pb-filter", "review")  # statuses are searchable words too
    assert visible_titles(page) == [XSS]
    page.fill(".pb-filter", "")
    page.locator(".pb-index th", has_text="Title").locator("button").click()
    assert visible_titles(page) == sorted(visible_titles(page), key=str.lower)
    page.locator(".pb-index th", has_text="Title").locator("button").click()
    assert visible_titles(page) == sorted(visible_titles(page), key=str.lower, reverse=True)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site-index.png"), full_page=True)


def test_plan_page_shows_progress_findings_and_diagrams(page, server):
    page.goto(f"{server}/plans/IP-2-export.html")
    assert page.locator("h1").first.inner_text() == "Export Service"
    progress = page.locator(".pb-card progress")
    assert progress.get_attribute("value") == "2" and progress.get_attribute("max") == "5"
    assert progress.is_visible()
    findings = page.locator("article .pb-findings tbody tr")
    texts = " ".join(findings.all_inner_texts())
    assert "FM011" in texts  # version: 1.10 loads as the number 1.1
    assert "SQ001" in texts  # the gantt lets T-4 start before T-3 ends
    diagrams = page.locator("figure.pb-diagram svg")
    assert diagrams.count() == 3  # tasks, sequence, related plans
    for index in range(3):
        box = diagrams.nth(index).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 30
    assert page.locator("figure.pb-diagram svg .pb-node").count() >= 6
    assert page.locator(".pb-mismatch").is_visible()  # the same mismatch, on the drawing
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site-plan.png"), full_page=True)
    page.locator("a[href$='rules/FM011.html']").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text().startswith("FM011")


def test_search_finds_a_plan_by_a_word_from_its_body(page, server):
    page.goto(f"{server}/plans/index.html")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    result = search(page, "zephyrine")
    assert result.is_visible(), "search found nothing for a word in a plan's body"
    assert "Webhook Retry Queue" in result.inner_text()
    assert "IP-1-retry-queue" in result.get_attribute("href")


def test_hostile_plan_is_harmless_text(page, server):
    page.goto(f"{server}/plans/IP-3-hostile.html")
    page.wait_for_load_state("load")
    assert page.locator("article h1").first.inner_text() == XSS
    assert page.locator("article script").count() == 0
    assert page.locator("article [onerror], article [onclick]").count() == 0
    assert page.locator("article a[href^='javascript']").count() == 0
    assert page.title().startswith(XSS)  # the title element holds the whole title as text
    assert page.evaluate("window.pwned") is None
    assert page.locator("head script:not([src])").filter(has_text="pwned").count() == 0
    # the index and the board show the same title as text too
    page.goto(f"{server}/plans/board.html")
    assert page.locator(".pb-board a", has_text=XSS).count() == 1


def test_committed_plans_are_not_marked_and_the_site_is_static(site, tmp_path):
    """Every plan was committed before the build, so none is marked uncommitted; and the site
    is plain files, search index included, that can be copied anywhere."""
    index = (site / "plans" / "index.html").read_text()
    assert "uncommitted" not in index
    shutil.copytree(site, tmp_path / "copy")  # the site is static: it reads as files too
    assert (tmp_path / "copy" / "search" / "search_index.js").is_file()
