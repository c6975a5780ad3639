"""`planbook new`: a new plan from a template, with its frontmatter filled in.

A template is Markdown with `{{name}}` fields. In the frontmatter a field that is a key's whole
value becomes a quoted YAML string, so a title holding `: ` or `#` stays whole; a line whose
field is empty is left out. The options a command asks for are exactly the fields the template
and the file name pattern use, so a team's template decides what a new plan needs.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from planbook.doctypes import DocType
from planbook.parse import Unreadable, read_file
from planbook.records import record

if TYPE_CHECKING:
    from planbook.config import Config

FIELD = re.compile(r"\{\{\s*(\w+)\s*\}\}")
WHOLE_VALUE = re.compile(r"^(\s*[\w-]+:\s*)\{\{\s*(\w+)\s*\}\}\s*$")
PATTERN_FIELD = re.compile(r"\{(\w+)\}")
SAFE_ISSUE = re.compile(r"^[\w.-]+$")

# What a person types, in the order they are asked for; the rest planbook knows itself.
INPUTS = {
    "title": "Title",
    "component": "Component",
    "prd": "PRD section",
    "scope": "Scope",
    "by": "Author",
    "issue": "Issue",
}
KNOWN = {*INPUTS, "today", "status", "doc_type", "slug"}


class NewError(ValueError):
    """A plan that cannot be written as asked: the message says why and what to change."""


class PlanExists(NewError):
    """The file is already there; `new` never overwrites."""


@record
class Template:
    """A new plan's template text and where it came from."""

    text: str
    source: str  # where it came from, for messages: a path or "built-in IP template"


def interactive() -> bool:
    """Whether a person can be asked for what is missing."""
    import sys

    return sys.stdin.isatty()


def slugify(title: str, limit: int = 60) -> str:
    """`Search index (v2)` → `search-index-v2`; letters of any script are kept."""
    slug = re.sub(r"[\W_]+", "-", title.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug


def find_template(doctype: DocType, root: Path, explicit: str | None = None,
                  configured: str | None = None) -> Template:
    """The template for this type: --template, the type's own, the config's (default type
    only; the caller decides), the built-in one, or a skeleton from the declaration."""
    for candidate in (explicit, doctype.template_file, configured):
        if candidate:
            path = Path(candidate)
            if not path.is_absolute() and candidate is not explicit:
                path = root / path
            try:
                return Template(read_file(str(path)).decode("utf-8"), str(candidate))
            except Unreadable as exc:  # a FIFO or a device is refused, never read
                raise NewError(f"cannot read template {candidate}: {exc}") from None
            except UnicodeDecodeError:
                raise NewError(f"template {candidate} is not UTF-8 text") from None
    shipped = resources.files("planbook") / "templates" / f"{doctype.name.lower()}.md"
    if shipped.is_file():
        return Template(shipped.read_text(encoding="utf-8"), f"built-in {doctype.name} template")
    return Template(skeleton(doctype), f"skeleton of the {doctype.name} declaration")


def start(doctype: DocType, config: Config, explicit: str | None = None
          ) -> tuple[Template, str, list[str]]:
    """What a new document of `doctype` is made from under `config`: its template, its file
    name pattern (the config's `template` and `filename` apply to the default type only) and
    the fields the two use. `planbook new` and the agents' scaffold share it."""
    is_default = doctype.name.lower() == config.default_type.lower()
    pattern = config.filename if is_default and config.filename else doctype.filename
    template = find_template(doctype, config.root, explicit,
                             config.template if is_default else None)
    return template, pattern, fields_used(template.text, pattern)


def _field(name: str) -> str:
    return "{{" + name + "}}"


def skeleton(doctype: DocType) -> str:
    """A template built from a declaration that ships none: its required fields, sections and
    checklist items, each waiting for text."""
    lines = ["---"]
    life = doctype.lifecycle
    for key, spec in doctype.fields.items():
        if key in ("title", "by", "doc_type", "issue") or key == life.field:
            value = "{{status}}" if key == life.field else _field(key)
        elif key in ("created", "updated"):
            value = "{{today}}"
        elif not spec.required:
            continue
        elif spec.values:
            value = json.dumps(spec.values[0], ensure_ascii=False)
        else:
            value = {"date": "{{today}}", "version": '"0.1"', "list": "[]", "integer": "0",
                     "boolean": "false", "mapping": "{}"}.get(spec.type, '"[TODO]"')
        if key == "title" or spec.required or value.startswith("{{"):
            lines.append(f"{key}: {value}")
    if "title" not in doctype.fields:
        lines.insert(1, "title: {{title}}")
    lines += ["---", "", "# {{title}}", ""]

    def section(spec, level: int) -> None:
        number = f"{spec.number}. " if spec.number and "." not in spec.number else (
            f"{spec.number} " if spec.number else "")
        lines.extend([f"{'#' * level} {number}{spec.title}", "", "_[TODO] Write this part._", ""])
        for item in (c for c in doctype.checklists if c.section.lower() == spec.title.lower()):
            lines.extend([f"- [ ] {text}" for text in item.items] + [""])
        for child in spec.children:
            section(child, level + 1)

    for spec in doctype.sections:
        section(spec, 2)
    return "\n".join(lines).rstrip("\n") + "\n"


def fields_used(template: str, pattern: str) -> list[str]:
    """The inputs a person must give: fields of the template and the file name pattern."""
    used = set(FIELD.findall(template)) | set(PATTERN_FIELD.findall(pattern))
    unknown = sorted(used - KNOWN - {"type", "date"})
    if unknown:
        raise NewError(f"unknown template field{'s' if len(unknown) > 1 else ''} "
                       + ", ".join(_field(u) for u in unknown)
                       + f"; known: {', '.join(sorted(KNOWN))}")
    optional = {"issue"} - set(PATTERN_FIELD.findall(pattern))
    return [name for name in INPUTS if name in used and name not in optional]


def file_name(pattern: str, values: dict[str, str]) -> str:
    """Fill a file name pattern such as `IP-{issue}-{slug}.md`."""
    def fill(match: re.Match) -> str:
        key = match.group(1)
        value = values.get(key, "")
        if not value:
            raise NewError(f"the file name pattern {pattern!r} needs --{key}")
        if key == "issue" and not SAFE_ISSUE.match(value):
            raise NewError(f"--issue {value!r} cannot be part of a file name; use letters, "
                           "digits, '.', '-' or '_'")
        return value

    if not pattern.endswith(".md"):
        raise NewError(f"the file name pattern {pattern!r} must end in .md")
    unknown = set(PATTERN_FIELD.findall(pattern)) - {"slug", "issue", "type", "date"}
    if unknown:
        raise NewError(f"the file name pattern {pattern!r} uses unknown field "
                       f"{{{sorted(unknown)[0]}}}; use slug, issue, type or date")
    return PATTERN_FIELD.sub(fill, pattern)


def render(template: str, values: dict[str, str]) -> str:
    """Fill every `{{field}}`; quote the frontmatter's whole values, drop its empty lines."""
    lines = template.splitlines(keepends=True)
    out: list[str] = []
    closing = _frontmatter_end(lines)
    for index, line in enumerate(lines):
        if 0 < index < closing:
            whole = WHOLE_VALUE.match(line.rstrip("\r\n"))
            if whole:
                value = values.get(whole.group(2), "")
                if value == "":
                    continue
                ending = line[len(line.rstrip("\r\n")):]
                out.append(f"{whole.group(1)}{json.dumps(value, ensure_ascii=False)}{ending}")
                continue
        out.append(FIELD.sub(lambda m: values.get(m.group(1), ""), line))
    return "".join(out)


def _frontmatter_end(lines: list[str]) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    return next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)


def check_values(values: dict[str, str]) -> None:
    for key, value in values.items():
        if "\n" in value or "\r" in value:
            raise NewError(f"--{key} must be a single line")
    if not values.get("title", "").strip():
        raise NewError("--title must not be empty")
    if not slugify(values["title"]):
        raise NewError(f"--title {values['title']!r} has no letters or digits to name the "
                       "file after")


def check_rendered(text: str, source: str) -> None:
    """Refuse to write a plan whose frontmatter the template broke. A template written with
    no frontmatter at all (spec-kit's documents have none) broke nothing."""
    from planbook.parse import parse_text

    plan = parse_text(text, "<new>")
    broken = [(code, line, message) for code, line, _col, message in plan.parse_findings
              if not (code == "FM001" and message.startswith("no frontmatter")
                      and not text.lstrip().startswith("---"))]
    if broken:
        code, line, message = broken[0]
        raise NewError(f"{source} does not produce a readable plan: line {line}: {code} "
                       f"{message}")


def fill(doctype: DocType, template: Template, pattern: str, given: dict[str, str | None],
         day: str) -> tuple[str, str]:
    """A new document's file name and text from the answers `given` (every field the
    template and the file name use); `planbook new` and the agents' scaffold share it."""
    values = {k: (v or "").strip() for k, v in given.items()}
    check_values(values)
    values.update(today=day, status=doctype.lifecycle.initial, doc_type=doctype.name,
                  slug=slugify(values["title"]), type=doctype.name, date=day)
    text = render(template.text, values)
    check_rendered(text, template.source)
    return file_name(pattern, values), text


def write_new(path: Path, text: str) -> None:
    """Create the file; an existing one is never touched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise PlanExists(f"{path} already exists; planbook new never overwrites a file "
                         "(choose another --title, or move the old file)") from None
    except OSError as exc:
        raise NewError(f"cannot write {path}: {exc.strerror}") from None
