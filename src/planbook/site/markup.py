"""Plan text made safe to publish: escaping for what we write, sanitised HTML for plan bodies.

Everything a plan contains is someone else's text. Frontmatter values are escaped wherever they
are shown. A plan body is rendered to HTML with mistune (raw HTML allowed, so `<details>` and
suppression comments behave) and then cleaned by nh3, a maintained binding of the ammonia
sanitiser: only the tags and attributes that tables, task lists and code blocks need survive,
scripts go with their content, event handlers and `style` are dropped, and only http, https
and mailto URLs (or relative ones) are kept. Images must be relative: a remote image would make
the site fetch from the network when viewed.
"""

from __future__ import annotations

import contextvars
import html
import re
from collections.abc import Callable

import mistune
import nh3

# tags: nh3's defaults plus the checkbox of a task list item
TAGS = set(nh3.ALLOWED_TAGS) | {"input"}
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},
    "li": {"class"},
    "ul": {"class"},
    "input": {"class", "checked"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "td": {"style", "colspan", "rowspan"},
    "ol": {"start"},
    "time": {"datetime"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "details": {"open"},
}
CLASSES = {
    "li": re.compile(r"^task-list-item$"),
    "ul": re.compile(r"^contains-task-list$"),
    "input": re.compile(r"^task-list-item-checkbox$"),
    "code": re.compile(r"^language-[A-Za-z0-9_+#.-]{1,40}$"),
}
URL_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|])")  # what Python-Markdown lets a backslash escape
LIST_START = re.compile(r"^(\s*)(?:([-+])|(\d+)([.)]))")
TAG = re.compile(r"<[^>]*>")
INLINE = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](url) and ![alt](src)
    (re.compile(r"(`+)(.+?)\1"), r"\2"),  # code spans
    (TAG, ""),
    (re.compile(r"(\*\*|~~|\*)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # emphasis
    (re.compile(r"(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\1(?!\w)"), r"\2"),  # not inside words
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~])"), r"\1"),  # backslash escapes
]

# the link rewriter of the plan being cleaned; the sanitiser itself is built once
Rewrite = Callable[[str, str], "str | None"]  # (tag, url) → url to use, or None to drop
_rewrite: contextvars.ContextVar[Rewrite | None] = contextvars.ContextVar("rewrite", default=None)


def _filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "class":
        pattern = CLASSES.get(tag)
        kept = [c for c in value.split() if pattern and pattern.match(c)]
        return " ".join(kept) or None
    if attr in ("href", "src"):
        url = value.strip()
        if tag == "img" and (url.startswith("//") or SCHEME.match(url)):
            return None  # a remote image would load from the network
        rewrite = _rewrite.get()
        return rewrite(tag, url) if rewrite else url
    return value


_CLEANER = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags={"script", "style"},
    attributes=ATTRIBUTES,
    tag_attribute_values={"input": {"type": {"checkbox"}}},
    set_tag_attribute_values={"input": {"disabled": "disabled"}},
    attribute_filter=_filter,
    url_schemes=URL_SCHEMES,
    filter_style_properties={"text-align"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)

_MARKDOWN = mistune.create_markdown(
    escape=False, plugins=["table", "task_lists", "strikethrough", "url"]
)


class Html(str):
    """A whole block of HTML on lines of its own in a page's Markdown, written by planbook
    (every plan value in it escaped or cleaned): Python-Markdown passes it through as it is,
    so the plugin may hold it out of the Markdown (`held`). Losing the mark is harmless."""

    __slots__ = ()


class Unindexed(Html):
    """An `Html` block whose element carries `data-search-exclude` (a diagram, the list of
    findings), and whose text is all escaped (no `"` in it): the search index leaves it out,
    so the plugin may also hold it out of the page the search plugin reads."""

    __slots__ = ()


def escape(value: object) -> str:
    """Text for HTML content or a quoted attribute."""
    return html.escape(text(value), quote=True)


def md_escape(value: object) -> str:
    """Text for a Markdown line (a heading, a table cell) that must come out as typed."""
    escaped = MD_SPECIAL.sub(r"\\\1", html.escape(text(value), quote=False))
    escaped = " ".join(escaped.splitlines())
    return LIST_START.sub(lambda m: m.group(1) + (
        "\\" + m.group(2) if m.group(2) else m.group(3) + "\\" + m.group(4)), escaped)


def text(value: object) -> str:
    """A frontmatter value as one line of text: lists joined, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return ", ".join(text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{text(k)}: {text(v)}" for k, v in value.items())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def clean(fragment: str, rewrite: Rewrite | None = None) -> str:
    """Sanitise an HTML fragment; `rewrite` may change or drop each link and image URL."""
    token = _rewrite.set(rewrite)
    try:
        return _CLEANER.clean(fragment)
    finally:
        _rewrite.reset(token)


def render(markdown: str, rewrite: Rewrite | None = None) -> str:
    """Markdown from a plan → safe HTML."""
    try:
        raw = _MARKDOWN(markdown)
    except RecursionError:
        raw = f"<pre>{html.escape(markdown)}</pre>"
    return clean(raw, rewrite)


def inline_text(markdown: str) -> str:
    """The plain text of one line of inline Markdown, such as a heading: links and images
    keep their text, code spans their content, emphasis and tags go."""
    for pattern, keep in INLINE:
        markdown = pattern.sub(keep, markdown)
    return " ".join(html.unescape(markdown).split())


def safe_title_element(page_html: str, title: str) -> str:
    """The page with its `<title>` element holding `title` as text.

    Themes write `{{ page.title | striptags }}` there, and `striptags` turns the escaped
    title back into markup: a plan titled `</title><script>…` would close the element and run
    the script. The theme's `<title>` is found where it begins with what the filter made of
    the title, and that text is escaped again; a safe title leaves the page as it was.
    """
    from markupsafe import Markup  # Jinja's own filter, so the text found is exactly it

    shown = Markup(title).striptags()
    if html.escape(shown, quote=False) == shown:
        return page_html
    start = page_html.find(f"<title>{shown}")
    if start < 0:
        return page_html
    at = start + len("<title>")
    return page_html[:at] + html.escape(shown, quote=False) + page_html[at + len(shown):]

