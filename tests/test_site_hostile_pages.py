"""The hostile matrix without a browser: the plans of site_hostile.py rendered by planbook alone.

Each generated page is turned into HTML with Python-Markdown and the extensions the project's
site uses, then read tag by tag (`problems`, from test_site_sanitise.py); every SVG is read as
XML; plans.json and the headings must give back each value exactly as the plan wrote it. A
second of work, so a hole shows here before the browser test runs.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET

import markdown
import pytest

import site_hostile
from planbook.config import Config
from planbook.site import markup, pages
from planbook.site.urls import Options
from site_hostile import WORD
from test_site_sanitise import problems

EXTENSIONS = ["toc", "tables", "attr_list", "admonition", "meta"]
SVG = re.compile(r"<svg .*?</svg>", re.DOTALL)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    site_hostile.write(root / "plans")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLANBOOK_TODAY", "2026-06-01")
        site, out = pages.build(root / "plans", Options(docs_dir="../docs"),
                                config=Config(root=root), git=False)
    return site, out


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_no_generated_page_can_run_anything(rendered):
    _, out = rendered
    found = []
    for path, text in out.items():
        if path.endswith(".md"):
            page = markdown.markdown(text, extensions=EXTENSIONS)
            found += [f"{path}: {p}" for p in problems(page, path.endswith("/index.md"))]
    assert not found, "\n".join(found[:20]) + "\n" + site_hostile.named(" ".join(found))
    assert sum(path.endswith(".md") for path in out) == len(
        [rel for rel in site_hostile.plans() if rel.endswith(".md")]) + 3


def test_every_diagram_is_well_formed_inert_svg(rendered):
    """SVG is XML: a value that escaped its text would break it or add to it."""
    _, out = rendered
    drawn = 0
    for path, text in out.items():
        for svg in SVG.findall(text):
            root = ET.fromstring(svg)
            drawn += 1
            for element in root.iter():
                tag = element.tag.rsplit("}", 1)[-1]
                assert tag in {"svg", "defs", "marker", "path", "g", "title", "rect", "text",
                               "line", "a"}, (path, tag)
                for name, value in element.attrib.items():
                    assert not name.lower().startswith("on"), (path, tag, name)
                    if name == "href":
                        assert not re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I), (path, value)
    assert drawn > 40


def test_diagram_labels_read_as_written(rendered):
    """Task names and IDs in the task graph, gantt bars and sections, as the plan wrote them."""
    _, out = rendered

    def texts(suffix: str) -> set[str]:
        page = next(text for path, text in out.items() if path.endswith(suffix))
        return {t for svg in SVG.findall(page) for e in ET.fromstring(svg).iter()
                for t in [e.text] if t}

    name = site_hostile.marked("task names", "close-title")
    assert f"T-1: {name} {WORD}" in texts("-task-names.md")  # the task graph's tooltip
    task_id = site_hostile.marked("task ids", "attr-double")
    assert f"{task_id}: Task {WORD}" in texts("-task-ids.md")
    label = site_hostile.marked("gantt labels", "img-onerror")
    assert any(t.startswith(f"{label} {WORD}: day") for t in texts("-gantt-labels.md"))
    section = site_hostile.marked("gantt sections", "close-script")
    assert any(section.startswith(t.rstrip("…")) for t in texts("-gantt-sections.md"))


def test_values_come_out_exactly_as_written(rendered):
    """Escaped for where they land, and given back unchanged by the HTML or JSON reader."""
    _, out = rendered
    rows = {row["path"]: row for row in json.loads(out["plans/plans.json"])["plans"]}
    for field in ("title", "component", "version", "created", "updated"):
        rel = next(r for r in rows if r.endswith(f"-{field}.md"))
        assert rows[rel][field] == site_hostile.meta(rel)[field], field
    status = next(r for r in rows if r.endswith("-status.md"))
    assert rows[status]["status"] == site_hostile.meta(status)["status"].strip().lower()
    by = next(r for r in rows if r.endswith("-by.md"))
    author = next(r for r in rows if r.endswith("-author.md"))
    assert rows[by]["author"] == site_hostile.meta(by)["by"]
    assert rows[author]["author"] == site_hostile.meta(author)["author"]
    deps = next(r for r in rows if r.endswith("-depends-on.md"))
    assert rows[deps]["depends_on"] == site_hostile.meta(deps)["depends_on"]
    for rel in rows:
        page = markdown.markdown(out[f"plans/{rel}"], extensions=EXTENSIONS)
        heading = text_of(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL).group(1))
        assert heading == (rows[rel]["title"] if rows[rel]["title"].strip() else rel), rel
    card = markdown.markdown(out["plans/IP-5-description.md"], extensions=EXTENSIONS)
    lead = re.search(r'<p class="pb-lead">(.*?)</p>', card, re.DOTALL).group(1)
    assert html.unescape(lead) == site_hostile.meta("IP-5-description.md")["description"]


def test_a_blank_title_leaves_the_heading_to_the_file_name(rendered):
    """MkDocs titles a page with an empty H1 after its file name and themes print that title
    as HTML: a blank title must never leave the heading empty."""
    site, out = rendered
    entry = next(e for e in site.entries if not str(e.plan.meta.get("title", "")).strip())
    assert "onerror" in entry.rel
    assert out[f"plans/{entry.rel}"].startswith(f"# {markup.md_escape(entry.rel)}\n")


def test_plan_folder_names_reach_the_nav_escaped(tmp_path):
    """Without a `nav`, MkDocs titles a section after its folder and themes print it as HTML:
    the plugin escapes the sections made of its own pages, and nothing else."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files
    from mkdocs.structure.nav import get_navigation

    folder = "<img src=x onerror=alert(1)>"
    (tmp_path / "docs" / "<i>mine").mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "docs" / "<i>mine" / "page.md").write_text("# Mine\n")
    site_hostile.write(tmp_path / "plans" / folder)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - planbook:\n"
                                         "      git: false\n")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    plugin = config.plugins["planbook"]
    config = plugin.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    nav = plugin.on_nav(get_navigation(files, config), config=config, files=files)

    def sections(items):
        for item in items:
            if item.is_section:
                yield item
                yield from sections(item.children)

    titles = {s.title for s in sections(nav.items)}
    assert html.escape(folder) in titles and folder not in titles
    assert "<i>mine" in titles  # a docs folder is the site's own, left as MkDocs made it
    assert all(WORD not in t and "<img" not in t for t in titles)
