"""HTML blocks held out of a plan page's Markdown (`planbook.site.held`): what comes back is
what Python-Markdown would have written, so the page, its anchors, its table of contents and
the search index are those of a build that hands MkDocs the whole page."""

from __future__ import annotations

import re

import markdown
import pytest
from mkdocs.structure.pages import _HTMLHandler

from planbook.site import held as held_module
from planbook.site import plugin as plugin_module
from planbook.site.held import Held, anchor_ids, restore
from test_site_plugin import FIXTURES, build, make_project
from test_site_reuse import mkdocs, no_cache, tree  # noqa: F401 (mkdocs is a fixture)

# a plan whose body Python-Markdown normalises: tabs in code and text, lines of spaces,
# CR and CRLF line ends, the control characters Markdown uses itself, raw HTML and entities
MESSY = (
    "---\ntitle: Messy\nstatus: draft\n---\n\n# Messy\n\n## Tabs\n\n"
    "Some\ttext with\ta tab, an id=\"fake\" and <b id=\"inline\">bold</b>.\n\n"
    "```python\ndef f():\n\treturn 1\n    \n\t\t\n```\n\n"
    "Control \x02 characters \x0212\x03 here.\n\n"
    "<details>\n<summary>Open\tme</summary>\n\nInside\twith a tab.\n\n</details>\n\n"
    "| ID | Task |\n|----|------|\n| T-1 | a\ttab &amp; &copy; &#65; |\n\n"
    "<pre>\nraw\tpre\n</pre>\n\n- item\tone\n\t- nested\n\n"
    "## Line ends\n\nCRLF\r\nline and a\rlone CR.\r\n"
)
BLOCKS = [
    '<div class="pb-body">\n<pre><code>a\tb\n\t\n  \nc</code></pre>\n</div>',
    "<div>one\r\ntwo\rthree</div>",
    "<figure>\x02 1\x03 \x022\x03</figure>",
    "<details open><summary>s</summary>\n<p>&amp; &copy; &#65; &nbsp;</p>\n</details>",
    '<table><tbody><tr id="pb-L3"><td>\ttab</td></tr></tbody></table>',
]
EXTENSIONS = [["toc", "tables", "admonition", "attr_list"],
              ["toc", "md_in_html", "def_list", "footnotes", "pymdownx.details"]]


@pytest.mark.parametrize("extensions", EXTENSIONS)
@pytest.mark.parametrize("block", BLOCKS)
def test_a_held_block_comes_back_as_python_markdown_writes_it(block, extensions):
    page = "# Title\n\n{}\n\n## After\n\nText.\n\n{}\n"
    held = Held()
    with_placeholders = page.format(held.hold(block), held.hold(block))
    assert "<" not in with_placeholders.replace("<!--planbook-html-", "")
    converted = markdown.Markdown(extensions=extensions).convert(with_placeholders)
    whole = markdown.Markdown(extensions=extensions).convert(page.format(block, block))
    assert restore(converted, held.blocks) == whole


def test_a_page_that_lost_a_placeholder_is_refused():
    held = Held()
    text = f"<h1>T</h1>\n{held.hold('<div>a</div>')}\n{held.hold('<div>b</div>')}"
    assert restore(text, held.blocks) == "<h1>T</h1>\n<div>a</div>\n<div>b</div>"
    with pytest.raises(ValueError, match="2 HTML blocks held, 1 placeholders came back"):
        restore(text.replace("<!--planbook-html-1-->", ""), held.blocks)


def test_anchor_ids_are_those_mkdocs_finds_in_the_blocks(tmp_path):
    from planbook.config import Config
    from planbook.site import pages
    from planbook.site.urls import Options

    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "IP-3-messy.md").write_bytes(MESSY.encode())
    (tmp_path / "plans" / "IP-1-retry.md").write_text((FIXTURES / "clean.md").read_text())
    held: dict = {}
    pages.build(tmp_path / "plans", Options(), held=held, config=Config(root=tmp_path),
                git=False)
    assert set(held) == {"plans/IP-1-retry.md", "plans/IP-3-messy.md", "plans/index.md",
                         "plans/board.md"}  # the dependencies page has no drawing here
    for page, blocks in held.items():
        parser = _HTMLHandler()
        parser.feed("\n".join(held_module.as_markdown_reads(b) for b in blocks))
        parser.close()
        assert anchor_ids(blocks) == parser.present_anchor_ids, page
        if "IP-" in page:
            assert any(i.startswith("pb-L") for i in anchor_ids(blocks))
        assert "fake" not in anchor_ids(blocks) and "inline" not in anchor_ids(blocks)


@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_holding_the_html_changes_no_byte_of_the_site(tmp_path, mkdocs, monkeypatch,  # noqa: F811
                                                      theme):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")  # the build date the theme prints
    project = make_project(tmp_path / "p", git=False, offline=theme == "material")
    no_cache(project)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("name: material", f"name: {theme}"))
    (project / "plans" / "IP-3-messy.md").write_bytes(MESSY.encode())
    restored = []
    real_restore = held_module.restore
    monkeypatch.setattr(held_module, "restore",
                        lambda html, blocks, keep=(): restored.append(len(keep)) or
                        real_restore(html, blocks, keep))
    mkdocs(project, tmp_path / "held")
    # the index, the board and three plan pages held blocks; with Material's search, each
    # plan page's diagrams waited until the page was indexed, and came back in a second step
    if theme == "material":
        assert len(restored) == 2 + 3 * 2 and restored.count(0) == 2
    else:  # MkDocs' own search indexes them: they are back before it reads the page
        assert restored == [0] * 5
    monkeypatch.setattr(plugin_module, "_holds_html", lambda config: False)
    calls = len(restored)
    mkdocs(project, tmp_path / "whole")
    assert len(restored) == calls
    built = tree(tmp_path / "held")
    assert built == tree(tmp_path / "whole")
    suffix = ".html" if theme == "material" else "/index.html"
    page = built[f"plans/IP-3-messy{suffix}"].decode()
    assert "planbook-html" not in page and "raw pre" in page  # the tab, as Markdown expands it
    assert "IP-3-messy" in built["search/search_index.json"].decode()


def test_links_to_a_plan_pages_anchors_are_checked_as_before(tmp_path):
    project = make_project(tmp_path / "p", git=False)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "validation:\n  anchors: warn\n")
    result = build(project)
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "plans" / "IP-1-retry.html").read_text()
    ids = sorted(set(re.findall(r'id="(pb-L\d+)"', page)))
    assert len(ids) > 10
    links = "".join(f"[{i}](plans/IP-1-retry.md#{i}) " for i in ids)
    (project / "docs" / "index.md").write_text(f"# Home\n\n{links}\n")
    result = build(project)
    assert result.returncode == 0, result.stderr  # every anchor in the plan's blocks is known
    gone = "[gone](plans/IP-1-retry.md#pb-L9999)"
    (project / "docs" / "index.md").write_text(f"# Home\n\n{links}{gone}\n")
    result = build(project)
    assert result.returncode != 0 and "pb-L9999" in result.stderr


def test_a_code_block_that_shows_fences_keeps_them(tmp_path, mkdocs, monkeypatch):  # noqa: F811
    """The one change holding makes: MkDocs always loads `fenced_code`, which used to read
    fence lines inside a plan's code block, in the HTML, as a code block of their own."""
    project = make_project(tmp_path / "p", git=False)
    no_cache(project)
    (project / "plans" / "IP-3-fences.md").write_text(
        "---\ntitle: Fences\nstatus: draft\n---\n\n# Fences\n\n## How to write one\n\n"
        "````md\nA block:\n\n```python\nprint(1)\n```\n````\n")
    mkdocs(project, tmp_path / "site")
    page = (tmp_path / "site" / "plans" / "IP-3-fences.html").read_text()
    assert ('<pre><code class="language-md">A block:\n\n```python\nprint(1)\n```\n'
            "</code></pre>") in page
    monkeypatch.setattr(plugin_module, "_holds_html", lambda config: False)
    mkdocs(project, tmp_path / "whole")
    assert "```python" not in (tmp_path / "whole" / "plans" / "IP-3-fences.html").read_text()


def test_an_extension_that_rewrites_raw_html_gets_the_whole_page(tmp_path):
    project = make_project(tmp_path / "p", git=False)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "markdown_extensions:\n  - pymdownx.striphtml\n")
    result = build(project)  # it strips comments: the placeholders would be lost
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "plans" / "IP-1-retry.html").read_text()
    assert "planbook-html" not in page and 'class="pb-body"' in page
    assert "Persist failed webhook deliveries" in page
