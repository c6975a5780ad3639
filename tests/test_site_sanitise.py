"""A hostile plan must come out of every generated page as harmless text.

Pages are turned into HTML with Python-Markdown, as MkDocs does, and the HTML is then read tag
by tag: what a browser would run is what is checked, not what the Markdown looks like.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from planbook.config import Config
from planbook.site import markup, pages
from planbook.site.load import load

FIXTURES = Path(__file__).parent / "fixtures"
XSS = "<img src=x onerror=alert(1)>"
HOSTILE_FRONTMATTER = f"""\
---
title: "{XSS}"
by: "<script>alert('by')</script>"
created: "2026-03-02"
updated: "2026-03-09"
version: "1.0\\"><svg onload=alert(2)>"
doc_type: "IP"
description: "<a href=\\"javascript:alert(3)\\">description</a>"
status: "<b onmouseover=alert(4)>draft</b>"
component: "<iframe src=https://example.org></iframe>"
depends_on: ["<img src=y onerror=alert(5)>"]
tags: ["<style>body{{display:none}}</style>"]
---
"""
HOSTILE_BODY = """
## Attacks

<script>alert('body')</script>
<img src=x onerror=alert(6)>
<div onclick="alert(7)" style="position:fixed;inset:0">cover</div>
[click me](javascript:alert(8)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==)
<a href="JaVaScRiPt:alert(10)">mixed case</a> <a href="jav&#x09;ascript:alert(11)">tab</a>
<a href=" javascript:alert(12)">space</a> <javascript:alert(13)>
<iframe src="https://example.org/"></iframe><object data="x.swf"></object><embed src="x">
<form action="https://example.org"><input type="text" name="q"><button>go</button></form>
<svg><script>alert(14)</script><circle onload="alert(15)"/></svg>
<math><mtext><table><mglyph><style>
<img src=x onerror=alert(16)></style></mglyph></table></mtext></math>
<style>body { display: none }</style>
<link rel="stylesheet" href="https://example.org/x.css">
<meta http-equiv="refresh" content="0;url=https://example.org">
<base href="https://example.org/">
![remote](https://example.org/track.png)
<details open ontoggle="alert(17)"><summary>more</summary>hidden</details>

```html
<script>alert('inside code is text')</script>
```

## 4. Implementation Tasks

| ID | Task | Description | Dependencies | Priority | Complexity |
| --- | --- | --- | --- | --- | --- |
| T-1 | <img src=z onerror=alert(18)> | x | None | High | Low |
| T-2 | Follow-up | x | T-1 | High | Low |

```mermaid
gantt
    title <script>alert(19)</script>
    dateFormat YYYY-MM-DD
    section <img src=s onerror=alert(20)>
    <b onclick=alert(21)>bar</b> :t1, 2026-03-10, 1d
```

- [x] <span onmouseover="alert(22)">done</span>
"""

RUNNABLE_TAGS = {"script", "iframe", "object", "embed", "form", "style", "link", "meta", "base",
                 "frame", "frameset", "applet", "button", "textarea", "select", "math"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
SAFE_URL = re.compile(r"^(https?:|mailto:|#|/|\.|[A-Za-z0-9_%~-][^:]*$|$)")  # "": this page


class Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def problems(page_html: str, allow_form_controls: bool = False) -> list[str]:
    """What in this HTML a browser could run, or use to load from elsewhere."""
    parser = Tags()
    parser.feed(page_html)
    found = []
    for tag, attrs in parser.tags:
        if tag in RUNNABLE_TAGS and not (allow_form_controls and tag == "select"):
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=…>")
            if name == "style" and not re.fullmatch(r"text-align:\s*\w+;?", value):
                found.append(f"<{tag} style={value!r}>")
            if name in URL_ATTRS:
                url = re.sub(r"[\x00-\x20]", "", html.unescape(value))
                if not SAFE_URL.match(url):
                    found.append(f"<{tag} {name}={value!r}>")
                if tag in ("img", "image") and re.match(r"^(https?:)?//", url):
                    found.append(f"<{tag}> loads {url}")
    return found


def to_html(page: str) -> str:
    return markdown.markdown(page, extensions=["toc", "tables", "meta"])


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANBOOK_TODAY", "2026-06-01")
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "IP-1-hostile.md").write_text(HOSTILE_FRONTMATTER + HOSTILE_BODY, encoding="utf-8")
    friendly = (FIXTURES / "clean.md").read_text(encoding="utf-8").replace(
        'title: "Webhook Retry Queue"', 'title: "Friendly"').replace(
        "---\n\n#", 'depends_on: ["IP-1-hostile"]\n---\n\n#', 1)
    (folder / "IP-2-friendly.md").write_text(friendly, encoding="utf-8")
    site = load(folder, config=Config(root=tmp_path), git=False)
    return site, pages.render(site)


def test_no_generated_page_can_run_anything(hostile):
    _, out = hostile
    checked = 0
    for path, text in out.items():
        if not path.endswith(".md"):
            continue
        found = problems(to_html(text), allow_form_controls=path.endswith("index.md"))
        assert not found, f"{path}: {found}"
        checked += 1
    assert checked == 5  # index, board, dependencies and both plans


def test_the_checker_is_not_blind():
    """The same checks on unsanitised HTML find every kind of attack planted above."""
    raw = to_html(HOSTILE_BODY)
    found = " ".join(problems(raw))
    for needle in ("<script>", "onerror", "onclick", "javascript", "<iframe>", "<form>",
                   "<style>", "style='position", "data:text/html", "loads https://example.org"):
        assert needle in found, needle


def test_hostile_frontmatter_is_shown_as_text(hostile):
    _, out = hostile
    page = to_html(out["plans/IP-1-hostile.md"])
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert XSS in text  # the title, exactly as typed
    assert "<script>alert('by')</script>" in text
    assert '1.0"><svg onload=alert(2)>' in text
    assert page.startswith(f"<h1 id=\"img-srcx-onerroralert1\">{html.escape(XSS, quote=False)}"
                           "</h1>")
    index = to_html(out["plans/index.md"])
    assert f">{html.escape(XSS, quote=False)}</a>" in index
    # an unknown status is shown by its own name, escaped, and only as a harmless class
    assert 'data-status="&lt;b onmouseover' in index
    assert re.search(r'class="pb-badge pb-status-[a-z0-9-]+ pb-role-unknown"', index)


def test_hostile_values_in_diagrams_and_graphs_are_escaped(hostile):
    _, out = hostile
    plan = out["plans/IP-1-hostile.md"]
    svg = "".join(re.findall(r"<svg .*?</svg>", plan))
    assert "T-1: &lt;img src=z onerror=alert(18)&gt;</title>" in svg  # a task in the graph
    assert "&lt;b onclick=alert(21)&gt;bar&lt;/b&gt;" in svg  # the gantt bar's name
    assert "&lt;img src=s onerror=alert(20)&gt;" in svg  # the gantt section
    deps = to_html(out["plans/dependencies.md"])
    assert "&lt;img src=y onerror=alert(5)&gt;" in deps  # a depends_on naming no plan


def test_code_blocks_keep_their_text(hostile):
    _, out = hostile
    page = to_html(out["plans/IP-1-hostile.md"])
    assert "&lt;script&gt;alert('inside code is text')&lt;/script&gt;" in page
    assert 'class="language-html"' in page


def test_findings_quote_hostile_values_safely(hostile):
    site, out = hostile
    entry = next(e for e in site.entries if e.rel == "IP-1-hostile.md")
    assert any("<b onmouseover" in f.message for f in entry.findings)  # FM007 quotes the status
    assert not problems(to_html(out["plans/IP-1-hostile.md"]))


def test_legitimate_markup_survives():
    body = markup.render(
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n- [x] done\n- [ ] open\n\n```python\nx = 1\n```\n\n"
        "[docs](https://example.org/docs) [mail](mailto:team@example.org) [rel](other.md#top) "
        "![diagram](diagram.png)\n\n<details><summary>More</summary>text</details>\n\n"
        "~~gone~~ **bold** *it* `code`\n")
    assert '<th style="text-align:left">a</th>' in body
    checkbox = '<input class="task-list-item-checkbox" type="checkbox" checked="" disabled='
    assert checkbox in body
    assert '<code class="language-python">x = 1' in body
    assert 'href="https://example.org/docs"' in body and 'href="mailto:team@example.org"' in body
    assert 'href="other.md#top"' in body and 'src="diagram.png"' in body
    assert "<details><summary>More</summary>text</details>" in body
    assert "<del>gone</del>" in body and "<strong>bold</strong>" in body


def test_md_escape_round_trips_through_markdown():
    for value in ("*not emphasis* _nor this_", "[not](a link)", "`no code`", "1. not a list",
                  "- not a list", "# not a heading", "a | b", "&amp; stays &amp;", XSS, "C#"):
        rendered = markdown.markdown(f"# {markup.md_escape(value)}", extensions=["tables"])
        assert html.unescape(re.sub(r"<[^>]+>", "", rendered)) == value, rendered


def test_title_element_keeps_a_hostile_title_as_text():
    """Material writes `page.title | striptags` into <title>, which decodes the escaped title:
    the plugin escapes it again there, and leaves safe titles alone."""
    title = "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"
    themed = "<head><title></title><script>alert(1)</script> & more - Site</title></head>"
    fixed = markup.safe_title_element(themed, title)
    assert fixed == ("<head><title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; "
                     "&amp; more - Site</title></head>")
    safe = "<head><title>Search API - Site</title></head>"
    assert markup.safe_title_element(safe, "Search API") == safe
