"""A project of hostile plans: every field a plan sets, each holding every payload that fits.

test_site_hostile.py builds it with the real plugin and opens every page in Chromium;
test_site_hostile_pages.py renders the same plans without MkDocs and reads the pages tag by
tag. Each (field, payload) pair has its own number, and a payload that runs sets
`window.__pwned` to that number, so a failure names what got through (`named`).

One plan per field keeps the site to one build: a frontmatter field holds all the payloads
at once (a list field one per item); body fields (headings, tasks, the gantt, links, the
checklist) hold one payload per row or line; file names, folder names and attachments take
the payloads a file name can hold.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
WORD = "xyzzy"  # in every hostile value, so that a search for it lists them all
MARK = "__pwned"
# sets window.__pwned; the escapes survive MkDocs turning "_" into " " in folder names
SET_MARK = "window['\\x5f\\x5fpwned']"

# {js} is where the payload runs its marker
PAYLOADS = {
    "close-title": "</title><script>{js}</script>",
    "close-script": "</script><script>{js}</script>",
    "close-textarea": "</textarea><img src=x onerror={js}>",
    "close-comment": "--><img src=x onerror={js}>",
    "attr-double": '"><svg onload={js}>',
    "attr-single": "' onmouseover={js} autofocus onfocus={js} x='",
    "javascript-url": "javascript:{js}",
    "data-url": "data:text/html,<script>{js}</script>",
    "svg-onload": "<svg/onload={js}>",
    "img-onerror": "<img src=x onerror={js}>",
    # written as is inside double-quoted YAML, which turns \u003c into "<"
    "unicode-escape": "\\u003cscript\\u003e{js}\\u003c/script\\u003e",
    # the same text kept as backslashes: YAML reads \\ as one backslash
    "unicode-literal": "\\\\u003cimg src=x onerror={js}\\\\u003e",
    "entity": "&lt;img src=x onerror={js}&gt;",
    "cdata": "<![CDATA[><img src=x onerror={js}>]]>",
    "attr-list": '{: onclick="{js}" autofocus onfocus="{js}" tabindex=1 }',
    "markdown-link": "[link](javascript:{js})",
}

FRONTMATTER_FIELDS = ("title", "by", "author", "description", "status", "component",
                      "version", "created", "updated", "doc_type", "tags", "depends_on",
                      "keys", "structured values")
BODY_FIELDS = ("headings", "task ids", "task names", "gantt title", "gantt sections",
               "gantt labels", "gantt notes", "link targets", "checklist")
NAME_FIELDS = ("file names", "blank title", "folder name", "attachment names")

_numbers = itertools.count(1)
CODES: dict[int, tuple[str, str]] = {}  # number → (field, payload name)


def payload(field: str, name: str) -> str:
    """The payload `name` for `field`, marked with its own number."""
    code = next(_numbers)
    CODES[code] = (field, name)
    return PAYLOADS[name].replace("{js}", f"{SET_MARK}={code}")


def marked(field: str, name: str) -> str:
    """The payload `name` exactly as the last `plans()` wrote it into `field`."""
    code = next(n for n, pair in CODES.items() if pair == (field, name))
    return PAYLOADS[name].replace("{js}", f"{SET_MARK}={code}")


def named(text: str) -> str:
    """The fields and payloads whose numbers appear in `text`."""
    codes = sorted({int(n) for n in re.findall(r"pwned'?\]?=(\d+)", text)})
    return "; ".join(f"{n}: {' / '.join(CODES.get(n, ('commit', 'subject or author')))}"
                     for n in codes)


def meta(rel: str) -> dict:
    """The frontmatter of a hostile plan as planbook reads it."""
    from planbook.parse import parse_text

    return parse_text(plans()[rel], rel).meta


def fitting(without: str) -> list[str]:
    """The payloads with none of these characters (a file name holds no "/")."""
    return [p for p in PAYLOADS if not any(c in PAYLOADS[p] for c in without)]


def _quoted(value: str) -> str:
    """A double-quoted YAML string; backslashes stay YAML escapes (see unicode-escape)."""
    return '"' + value.replace('"', '\\"') + '"'


def _plan(replace: dict[str, str] | None = None, drop: tuple[str, ...] = (),
          extra: list[str] = (), body: str = "", title: str = "") -> str:
    """The clean example plan with frontmatter lines replaced, dropped or added, and a body
    section added before the tasks."""
    lines = (FIXTURES / "clean.md").read_text(encoding="utf-8").split("\n")
    end = lines.index("---", 1)
    head, rest = lines[1:end], lines[end + 1:]
    out = []
    for line in head:
        key = line.split(":", 1)[0]
        if key in drop:
            continue
        out.append(f"{key}: {replace[key]}" if replace and key in replace else line)
    if title:
        out = [f"title: {_quoted(title)}" if line.startswith("title:") else line for line in out]
    out += [f"{k}: {v}" for k, v in (replace or {}).items() if not any(
        line.startswith(f"{k}:") for line in head)]
    out += list(extra)
    text = "\n".join(["---", *out, "---", *rest])
    text = text.replace("(notes.md)", "(IP-1-base.md)")
    if body:
        text = text.replace("## 4. Implementation Tasks", body + "\n\n## 4. Implementation Tasks")
    return text


def plans() -> dict[str, str]:
    """Every hostile plan by its path in the plans folder (attachments map to bytes-as-text)."""
    global _numbers
    _numbers = itertools.count(1)
    CODES.clear()
    out = {"IP-1-base.md": _plan(title="Base plan")}
    base = '["IP-1"]'
    n = 2
    for field in FRONTMATTER_FIELDS:
        rel = f"IP-{n}-{field.replace('_', '-').replace(' ', '-')}.md"
        n += 1
        if field == "structured values":  # lists, mappings and block text, not strings
            items = [_quoted(payload(field, p)) for p in PAYLOADS]
            mapping = ", ".join(f"{k}: {v}" for k, v in zip(items[::2], items[1::2], strict=True))
            extra = ["description: |", *(f"  {payload(field, p)} {WORD}" for p in PAYLOADS)]
            out[rel] = _plan({"title": f"[{items[0]}, {{{items[1]}: {items[2]}}}, {WORD}]",
                              "component": "{" + mapping + "}",
                              "tags": f"[[{items[3]}, {items[4]}], {WORD}]",
                              "depends_on": base},
                             drop=("description",), extra=extra)
            continue
        if field == "keys":
            keys = [f"{_quoted(payload(field, p))}: x" for p in PAYLOADS]
            out[rel] = _plan({"depends_on": base}, extra=keys, title=f"Hostile keys {WORD}")
            continue
        if field in ("tags", "depends_on"):
            items = [_quoted(payload(field, p)) for p in PAYLOADS] + [_quoted(WORD)]
            if field == "depends_on":
                items.insert(0, '"IP-1"')
            out[rel] = _plan({field: "[" + ", ".join(items) + "]",
                              **({} if field == "depends_on" else {"depends_on": base})},
                             title=f"Hostile {field} {WORD}")
            continue
        value = _quoted(" ".join(payload(field, p) for p in PAYLOADS) + f" {WORD}")
        replace = {field: value, "depends_on": base}
        drop = ("by",) if field == "author" else ()
        out[rel] = _plan(replace, drop=drop,
                         title="" if field == "title" else f"Hostile {field} {WORD}")
    for field in BODY_FIELDS:
        rel = f"IP-{n}-{field.replace(' ', '-')}.md"
        n += 1
        out[rel] = _body_plan(field, base)
    for p in fitting("/"):
        name = payload("file names", p)
        out[f"{name}.md"] = _plan({"depends_on": base}, title=f"Named hostile {WORD}")
    # a title with no text: MkDocs would title the page after its file name
    # a blank title and no H1: the page is titled by its (hostile) file name
    out[f"{payload('blank title', 'img-onerror')}.md"] = _plan(
        {"depends_on": base}, title="   ").replace(
        "# Implementation Plan: Webhook Retry Queue\n", "", 1)
    folder = payload("folder name", "img-onerror")
    out[f"{folder}/IP-{n}-nested.md"] = _plan({"depends_on": base},
                                              title=f"In a hostile folder {WORD}")
    n += 1
    pictures = [payload("attachment names", p) + ".png" for p in fitting("/")]
    for picture in pictures:
        out[picture] = "\x89PNG\r\n"
    links = "\n".join(f"![picture {WORD}](<{picture}>) [file](<{picture}>)" for picture in pictures)
    out[f"IP-{n}-attachments.md"] = _plan({"depends_on": base}, title=f"Attachments {WORD}",
                                          body="## Pictures\n\n" + links)
    return out


def _body_plan(field: str, base: str) -> str:
    title = f"Hostile {field} {WORD}"
    if field == "headings":
        body = "\n\n".join(f"### {WORD} {payload(field, p)}" for p in PAYLOADS)
        return _plan({"depends_on": base}, title=title, body=body)
    if field == "checklist":
        body = "\n".join(f"- [ ] {payload(field, p)} {WORD}" for p in PAYLOADS)
        return _plan({"depends_on": base}, title=title, body="## Checks\n\n" + body)
    if field == "link targets":
        lines = []
        for p in PAYLOADS:
            target = payload(field, p)
            lines.append(f"[{WORD} link](<{target}>) ![{WORD} image](<{target}>) "
                         f'<a href="{target}">raw</a>')
        return _plan({"depends_on": base}, title=title, body="## Links\n\n" + "\n\n".join(lines))
    text = _plan({"depends_on": base}, title=title)
    if field in ("task ids", "task names"):
        rows = [f"| T-0 | Start {WORD} | x | None | High | Low |"]  # so the graph has arrows
        for i, p in enumerate(fitting("|")):
            value = payload(field, p)
            task_id, name = (value, f"Task {WORD}") if field == "task ids" else \
                (f"T-{i + 1}", f"{value} {WORD}")
            rows.append(f"| {task_id} | {name} | x | {'T-0' if field == 'task ids' else f'T-{i}'} "
                        "| High | Low |")
        start = text.index("| T-1 |")
        end = text.index("\n\n", start)
        return text[:start] + "\n".join(rows) + text[end:]
    gantt = ["gantt", "    dateFormat YYYY-MM-DD"]
    if field == "gantt title":
        gantt.append("    title " + " ".join(payload(field, p) for p in PAYLOADS) + f" {WORD}")
        gantt.append("    Store interface :t1, 2026-03-10, 1d")
    elif field == "gantt sections":
        for i, p in enumerate(PAYLOADS):
            gantt += [f"    section {payload(field, p)} {WORD}",
                      f"    Bar {i} :b{i}, 2026-03-10, 1d"]
    elif field == "gantt labels":
        for i, p in enumerate(fitting(":")):
            gantt.append(f"    {payload(field, p)} {WORD} :b{i}, 2026-03-10, 1d")
    else:  # notes: lines that cannot be read, starts that are no dates, unknown `after`
        for i, p in enumerate(fitting(":,")):
            gantt.append(f"    {payload(field, p)} {WORD}")
            gantt.append(f"    Store interface :t{i}, {payload(field, p)}, 1d")
        gantt.append(f"    SQLite store :t2, after {payload(field, 'img-onerror')}, 2d")
    start = text.index("```mermaid\ngantt")
    end = text.index("```", start + 10)
    return text[:start] + "```mermaid\n" + "\n".join(gantt) + "\n" + text[end:]


def write(folder: Path) -> list[str]:
    """Write the hostile plans (and their attachments) into `folder`; return their paths."""
    written = []
    for rel, text in plans().items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".png"):
            path.write_bytes(text.encode("latin-1"))
        else:
            path.write_text(text, encoding="utf-8")
        written.append(rel)
    return written


def fields() -> list[str]:
    return [*FRONTMATTER_FIELDS, *BODY_FIELDS, *NAME_FIELDS]
