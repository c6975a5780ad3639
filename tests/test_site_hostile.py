"""The hostile matrix in a real browser: nothing a plan says runs anywhere on its site.

One `mkdocs build --strict` (Material with search and offline, the Markdown extensions the
project's own site uses, no `nav` so that every plan and plan folder reaches the navigation;
the generated rule pages, which hold no plan text, are kept out of it)
over the plans of site_hostile.py: every field of a plan holding every payload that fits it,
plus a last commit whose subject and author are hostile too. Chromium then opens every
generated page, plans.json and a plan's text copy, uses the index's filter and sort, and
searches for a payload word. Each payload sets `window.__pwned` to its own number if it
runs; it must stay unset, no element may carry an event-handler attribute or a script URL,
and no page may raise a script error or open a dialog. Like test_site_browser.py, this fails
(never skips) when Chromium or Playwright is missing.
"""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

import site_hostile
from browser import search, serve, sh
from site_hostile import MARK, SET_MARK, WORD, named

MKDOCS = """\
site_name: Hostile plans
theme:
  name: material
  font: false
  features:
    - navigation.tabs
    - navigation.sections
    - navigation.footer
    - navigation.path
    - navigation.top
    - search.highlight
    - search.suggest
    - toc.follow
plugins:
  - search
  - offline
  - planbook
markdown_extensions:
  - toc:
      permalink: true
  - tables
  - admonition
  - attr_list
not_in_nav: |
  /rules/
"""
COMMIT_AUTHOR = f"' onmouseover={SET_MARK}=9001 x=' \" onfocus={SET_MARK}=9002 {WORD}"
COMMIT_SUBJECT = (f"</title><script>{SET_MARK}=9003</script><img src=x "
                  f"onerror={SET_MARK}=9004> \"><svg onload={SET_MARK}=9005> {WORD}")
URL_ATTRIBUTES = ("href", "src", "xlink:href", "action", "formaction", "srcdoc", "data",
                  "poster", "background")
SCRIPT_URL = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
# what every page is asked once it has loaded
INSPECT = """(names) => {
  const found = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\u0000-\\u0020]/g, '');
      if (name.startsWith('on')) found.push(`<${element.localName} ${name}="${attribute.value}">`);
      if (names.includes(name) && /^(javascript|vbscript|data):/i.test(value))
        found.push(`<${element.localName} ${name}="${attribute.value}">`);
    }
  }
  return {marker: window.__pwned, found};
}"""


def report(problems: list[tuple[str, str]]) -> str:
    """The first problems, where each was, and which field and payload got through."""
    lines = [f"{where}: {what}" for where, what in problems[:20]]
    return "\n".join(lines) + "\n" + named(" ".join(what for _, what in problems))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Hostile plans\n\nSee [the plans](plans/index.md).\n")
    (root / "mkdocs.yml").write_text(MKDOCS)
    site_hostile.write(root / "plans")
    sh(["git", "init", "-q", "-b", "main"], root)
    sh(["git", "add", "."], root)
    sh(["git", "-c", f"user.name={COMMIT_AUTHOR}", "-c", "user.email=x@example.com", "commit",
        "-qm", COMMIT_SUBJECT, "--author", f"{COMMIT_AUTHOR} <x@example.com>"], root)
    sh([sys.executable, "-m", "mkdocs", "build", "--strict"], root)
    return root / "site"


@pytest.fixture(scope="module")
def served(hostile_site):
    with serve(hostile_site) as url:
        yield url


class Tab:
    """One browser tab that notes what its pages did: script errors, dialogs and requests to
    other hosts."""

    def __init__(self, chromium):
        self.context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                           service_workers="block")
        self.page = self.context.new_page()
        self.ran: list[str] = []
        self.page.on("pageerror", lambda error: self.ran.append(f"script error: {error}"))
        self.page.on("dialog", lambda dialog: (self.ran.append(f"dialog: {dialog.message}"),
                                               dialog.dismiss()))
        self.page.on("request", self._local_only)

    def _local_only(self, request):
        """Noted, not routed: routing every request through Python doubles a page's time."""
        host = re.match(r"^[a-z]+://([^/:]+)", request.url)
        if host and host.group(1) not in ("127.0.0.1", "localhost"):
            self.ran.append(f"request to another host: {request.url}")

    def inspect(self, where: str) -> list[tuple[str, str]]:
        """What on the open page ran or could run: (where, what) for each."""
        self.page.wait_for_load_state("load")  # after every image, loaded or failed
        seen = self.page.evaluate(INSPECT, list(URL_ATTRIBUTES))
        problems = [(where, item) for item in seen["found"]]
        if seen["marker"] is not None:
            problems.append((where, f"window.{MARK}={seen['marker']}"))
        problems += [(where, item) for item in self.ran]
        self.ran.clear()
        return problems

    def close(self):
        self.context.close()


@pytest.fixture
def tab(browser):
    opened = Tab(browser)
    yield opened
    opened.close()


def generated(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in (site / "plans").rglob("*.html"))


def test_the_matrix_covers_every_field_and_payload():
    site_hostile.plans()
    covered = {field for field, _ in site_hostile.CODES.values()}
    assert covered == set(site_hostile.fields())
    per_field = {field: {p for f, p in site_hostile.CODES.values() if f == field}
                 for field in covered}
    for field in site_hostile.FRONTMATTER_FIELDS:
        assert per_field[field] == set(site_hostile.PAYLOADS), field
    assert len(site_hostile.CODES) > 300


def test_no_plan_text_runs_on_any_page(tab, served, hostile_site):
    pages = generated(hostile_site)
    plans = [rel for rel in site_hostile.plans() if rel.endswith(".md")]
    assert len(pages) == len(plans) + 3  # every plan, the index, the board and the graph
    problems = []
    for path in [*pages, "index.html", "plans/plans.json", "plans/IP-2-title.md.txt"]:
        tab.page.goto(f"{served}/{quote(path)}")
        problems += tab.inspect(path)
    assert not problems, report(problems)


def test_search_filter_sort_and_highlight_run_nothing(tab, served):
    page = tab.page
    page.goto(f"{served}/plans/index.html")
    page.fill(".pb-filter", WORD)
    page.locator(".pb-index th", has_text="Title").locator("button").click()
    page.locator(".pb-index th", has_text="Author").locator("button").click()
    problems = tab.inspect("index with filter and sort")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    for query in (WORD, "onerror"):
        result = search(page, query)
        assert result.is_visible(), f"search found nothing for {query!r}"
        page.wait_for_timeout(200)  # the last key press's results replace the first ones
        page.evaluate("document.querySelectorAll('details.md-search-result__more')"
                      ".forEach(more => { more.open = true; })")  # every result shown
        problems += tab.inspect(f"search for {query!r}")
    page.goto(f"{served}/plans/IP-2-title.html?h={WORD}+onerror+script")
    problems += tab.inspect("a plan page with search terms highlighted")
    assert not problems, report(problems)


def test_hostile_values_are_shown_as_typed(tab, served, hostile_site):
    """Safe is not enough: the text must still read as the plan wrote it."""
    page = tab.page
    title = site_hostile.meta("IP-2-title.md")["title"]
    page.goto(f"{served}/plans/IP-2-title.html")
    assert page.locator("article h1").first.inner_text().rstrip("¶") == title
    assert page.title() == f"{title} - Hostile plans"
    assert COMMIT_SUBJECT in page.locator(".pb-card").inner_text()
    # the nav's section for the hostile folder shows the folder's name as text
    folder = next(p.parent.name for p in (hostile_site / "plans").rglob("IP-*-nested.html"))
    labels = " ".join(page.locator("nav.md-nav label.md-nav__link").all_inner_texts())
    assert " ".join(folder.replace("_", " ").split()) in " ".join(labels.split())


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag):
        self._in_script = False


def test_built_html_carries_no_handler_and_no_plan_text_in_scripts(hostile_site):
    """Every built page read as HTML, the rule pages and the home page too: no handler
    attribute, no script URL, and no plan text inside a script or a meta tag."""
    problems = []
    for path in sorted(hostile_site.rglob("*.html")):
        parser = Elements()
        parser.feed(path.read_text(encoding="utf-8"))
        where = path.relative_to(hostile_site).as_posix()
        for tag, attrs in parser.found:
            for name, value in attrs.items():
                if name.startswith("on") or (name in URL_ATTRIBUTES and SCRIPT_URL.match(
                        re.sub(r"[\x00-\x20]", "", value))):
                    problems.append((where, f"<{tag} {name}={value!r}>"))
            if tag == "meta" and any(WORD in v or "pwned" in v for v in attrs.values()):
                problems.append((where, f"plan text in <meta {attrs}>"))
        for script in parser.scripts:
            if WORD in script or "pwned" in script:
                problems.append((where, f"plan text inside a <script>: {script[:120]!r}"))
    assert not problems, report(problems)


def test_search_index_holds_plan_text_as_text(hostile_site):
    """Material shows search results as HTML: the index may carry its few formatting tags,
    never a tag or attribute from a plan."""
    docs = json.loads((hostile_site / "search" / "search_index.json").read_text())["docs"]
    hostile = [d for d in docs if WORD in d["title"] or WORD in d["text"]]
    assert len(hostile) > 30
    for doc in hostile:
        for key in ("title", "text"):
            tags = set(re.findall(r"<\s*/?\s*([a-zA-Z][\w:-]*)", doc[key]))
            assert tags <= {"p", "code", "pre", "ul", "ol", "li", "table", "tr", "th", "td",
                            "strong", "em"}, (doc["location"], key, tags)
