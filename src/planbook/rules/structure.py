"""Structure rules: the doc type's sections, in order, numbered, filled in, and not template."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from planbook.model import Section, normalize, title_key
from planbook.rules.registry import Context, parser_rule, rule

parser_rule("ST007", "broken-code-fence", doc="""
    A code fence is never closed, or a fence inside another closes it early.

    An unclosed fence turns the rest of the document into code: its sections, tables and
    checklists disappear. A fence with a language inside a fence of the same length (a
    Markdown example holding a Python block) is closed by the inner block's closing line, so
    the example's own headings leak into the document's outline. Close the fence, or make the
    outer fence longer than the one inside.

    **Bad**
    ````markdown
    ```markdown
    ## Example section
    ```python
    print("hi")
    ```
    ```
    ````

    **Good**
    `````markdown
    ````markdown
    ## Example section
    ```python
    print("hi")
    ```
    ````
    `````
""")


def _label(spec) -> str:
    return f"{spec.number}. {spec.title}" if spec.number else spec.title


@rule("ST001", "missing-section", reads=("sections", "options"))
def missing_section(plan, ctx: Context):
    """A section the doc type requires is missing, or one of its required subsections is.

    An Implementation Plan has ten numbered sections, from Overview to Additional Resources,
    and subsections 1.1–1.3, 3.1–3.3 and 9.1–9.2. A document that lacks most of its type's
    sections gets one finding that says so, not one per section: it follows another template,
    or is of another type. A heading swallowed by a code fence (ST007) is named in the message.

    **Bad**
    ```markdown
    ## 1. Overview
    ### 1.1 Component Purpose
    ### 1.3 Implementation Approach
    ```

    **Good**
    ```markdown
    ## 1. Overview
    ### 1.1 Component Purpose
    ### 1.2 Design Reference
    ### 1.3 Implementation Approach
    ```
    """
    if not plan.lines or (not plan.sections and plan.parse_findings):
        return
    facts, doctype = ctx.facts, ctx.doctype
    where = plan.body_line
    required = [spec for spec, _ in facts.top_sections if spec.required]
    missing = [spec for spec, section in facts.top_sections
               if section is None and spec.required]
    if doctype.options.summarize_missing and len(required) >= 3 and \
            len(missing) * 2 > len(required):
        names = ", ".join(_label(spec) for spec in missing)
        name = doctype.name
        kind = f"{'an' if _vowel_sound(name) else 'a'} {name}"
        if len(missing) == len(required):
            message = (f"none of the {len(required)} {name} sections found ({names}): is this "
                       f"{kind}? Lint it as the type it is, or give it its sections")
        else:
            message = (f"{len(missing)} of the {len(required)} {name} sections are missing "
                       f"({names}): is this {kind}, or does it follow another template?")
        swallowed = [note for note in (_swallowed(plan, spec) for spec in missing) if note]
        if swallowed:
            message = (f"{len(missing)} of the {len(required)} {name} sections are missing "
                       f"({names}){swallowed[0]}")
        yield where, 1, message
        return
    for spec, section in facts.top_sections:
        if section is None:
            if spec.required:
                yield where, 1, f"missing section '{_label(spec)}'" + \
                    _swallowed(plan, spec)
            continue
        lacking = [child for child in spec.children
                   if child.required and facts.find_section(child, section) is None]
        if len(lacking) > 1 and len(lacking) == sum(c.required for c in spec.children):
            names = ", ".join(f"'{c.number} {c.title}'".replace("' ", "'") for c in lacking)
            yield section.line, 1, (f"section '{section.heading}' has none of its "
                                    f"subsections {names}")
            continue
        for child in lacking:
            yield section.line, 1, (f"section '{section.heading}' lacks its subsection "
                                    f"'{child.number} {child.title}'".replace("  ", " ")
                                    + _swallowed(plan, child))


def _vowel_sound(name: str) -> bool:
    """Whether a type's name is said with a vowel first: an IP, an RFC, a TDS, an ADR."""
    first = name[:1].upper()
    return first in "AEIOU" or (name.isupper() and len(name) > 1 and first in "FHLNRSX")


HEADING_LINE = re.compile(r"^\s{0,3}#{1,6}\s+(?:\d+(?:\.\d+)*\.?\s+)?(.*?)\s*#*\s*$")


def _swallowed(plan, spec) -> str:
    """Where a missing section's heading stands inside a code block, said for its message."""
    for block in plan.code_blocks:
        for offset, text in enumerate(block.text.split("\n")):
            match = HEADING_LINE.match(text)
            if match and spec.matches(Section(2, match.group(1), "", 0)):
                line = block.line + 1 + offset
                return (f"; its heading on line {line} is inside the code block that starts on "
                        f"line {block.line} (see ST007)")
    return ""


@rule("ST002", "section-out-of-order", reads=("sections",))
def section_out_of_order(plan, ctx: Context):
    """Sections appear in a different order than the doc type gives.

    Readers and tools expect the same order in every plan: Overview first, Additional
    Resources last.

    **Bad**
    ```markdown
    ## 1. Implementation Tasks
    ## 2. Overview
    ```

    **Good**
    ```markdown
    ## 1. Overview
    ## 2. Implementation Tasks
    ```
    """
    found = [(spec, s) for spec, s in ctx.facts.top_sections if s is not None]
    for i, (spec, section) in enumerate(found):
        later = [(other, s) for other, s in found[i + 1:] if s.line < section.line]
        if later:
            other, first = min(later, key=lambda pair: pair[1].line)
            yield section.line, 1, (f"section '{spec.title}' should come before "
                                    f"'{other.title}' (line {first.line})")


def _has_content(section: Section) -> bool:
    return section.has_content or any(_has_content(child) for child in section.children)


@rule("ST003", "empty-section", reads=("sections",))
def empty_section(plan, ctx: Context):
    """A required section has a heading but nothing under it.

    Write at least a sentence; if the section does not apply, say so and why.

    **Bad**
    ```markdown
    ## 8. Implementation Risks and Mitigations

    ## 9. Dependencies and Environment
    ```

    **Good**
    ```markdown
    ## 8. Implementation Risks and Mitigations

    No external services are involved; the only risk is a slow parser (see 3.1).
    ```
    """
    for spec, section in ctx.facts.top_sections:
        if section is None:
            continue
        if not _has_content(section):
            yield section.line, 1, f"section '{section.heading}' is empty"
            continue
        for child in spec.children:
            sub = plan.find_section(child.title, section)
            if sub is not None and not _has_content(sub):
                yield sub.line, 1, f"section '{sub.heading}' is empty"


@rule("ST004", "section-numbering", reads=("options",))
def section_numbering(plan, ctx: Context):
    """Section numbers have a gap, a duplicate, or do not match their parent.

    Numbers run 1, 2, 3 at the top and 4.1, 4.2 under section 4.

    **Bad**
    ```markdown
    ## 1. Overview
    ## 3. Test Strategy
    ### 2.1 Unit Tests
    ```

    **Good**
    ```markdown
    ## 1. Overview
    ## 2. Test Strategy
    ### 2.1 Unit Tests
    ```
    """
    for line, message in ctx.facts.numbering.problems:
        yield line, 1, message


@rule("ST005", "leftover-template", "warning", reads=("template", "roles", "options"))
def leftover_template(plan, ctx: Context):
    """Text from the blank template is still in the plan.

    The template's Guidance block, its bracketed placeholders such as `[Component Name]`, a
    line of the type's own template that still holds a placeholder (`{title of option 1}`,
    `[FEATURE NAME]`), an instruction the template writes for the author, example rows such
    as "Deliverable 1", and the template's own dates all mean a part of the plan was never
    written. Italic text of the plan's own is not a leftover: only what matches the template.

    **Bad**
    ```markdown
    ### 1.1 Component Purpose

    [TODO] What the component is for, who uses it, and what changes for them.
    ```

    **Good**
    ```markdown
    ### 1.1 Component Purpose

    The search service answers full-text queries over every plan in the repository.
    ```
    """
    doctype = ctx.doctype
    template = doctype.template
    if template.guidance:
        guidance = title_key(template.guidance)
        for section in plan.root.children:
            if section.titled(guidance):
                yield section.line, 1, (f"the template's '{section.heading}' block is still "
                                        "here; delete it")
    created, updated = ctx.facts.field("created"), ctx.facts.field("updated")
    if created and updated and str(created.value) == str(updated.value) in template.dates:
        # Both dates still the template's: a real plan written that day would be rare luck.
        yield (created.value_line, created.value_column,
               f"'{created.key}' and '{updated.key}' are {created.value}, the template's own "
               "date; set the real dates")
    for field in plan.fields.values():
        if isinstance(field.value, str):
            for phrase in template.phrases:
                if phrase.lower() in field.value.lower():
                    yield (field.value_line, field.value_column,
                           f"'{field.key}' still holds the template's text ('{phrase}…')")
            for pattern in doctype.placeholder_res:
                match = pattern.search(field.value)
                if match:
                    yield (field.value_line, field.value_column,
                           f"placeholder '{match.group(0)}' in '{field.key}'")
    markers = template_markers(_template_of(doctype)) \
        if doctype.options.template_placeholders else Markers(frozenset(), ())
    could = _could_hold(tuple(p.pattern for p in doctype.placeholder_res),
                        tuple(doctype.template.example_rows), markers.tokens)
    # a long plan is read block by block: a block with nothing of the template in it is not
    # read line by line
    holding = _holding(plan, could)
    for index, block in enumerate(plan.blocks):
        if block.type == "block_code":
            continue
        if holding is None or index in holding:
            for number in range(block.line, block.end_line + 1):
                yield from _leftovers_on(plan.lines[number - 1], number, doctype, markers)
        if block.type == "paragraph" and doctype.instruction_res:
            text = " ".join(block.text.split())
            if any(p.search(text) for p in doctype.instruction_res):
                yield block.line, 1, f"the template's instruction is still here: {text[:60]}"


RUN = 4096  # characters of neighbouring blocks `_holding` asks about at once


def _holding(plan, could: _Either | None) -> set[int] | None:
    """The indices of the blocks (code aside) in which `could` finds something; None when
    every block must be read. Neighbouring blocks are asked together, a run of them at a
    time, and one by one only when the run's text holds something: the patterns find in a
    run whatever they find in one of its blocks (`_Either.in_runs`)."""
    if could is None:
        return None
    lines, blocks = plan.lines, plan.blocks
    found: set[int] = set()

    def ask(run: list[int]) -> None:
        first, last = blocks[run[0]], blocks[run[-1]]
        if len(run) > 1 and not could.search("\n".join(lines[first.line - 1:last.end_line])):
            return
        for index in run:
            block = blocks[index]
            if could.search(lines[block.line - 1] if block.line == block.end_line
                            else "\n".join(lines[block.line - 1:block.end_line])):
                found.add(index)

    run: list[int] = []
    size = 0
    for index, block in enumerate(blocks):
        if block.type == "block_code":
            continue
        if run and (not could.in_runs or size > RUN):
            ask(run)
            run, size = [], 0
        run.append(index)
        size += sum(map(len, lines[block.line - 1:block.end_line])) + block.end_line - block.line
    if run:
        ask(run)
    return found


@functools.lru_cache(maxsize=32)
def _could_hold(placeholders: tuple[str, ...], example_rows: tuple[str, ...],
                tokens: tuple[str, ...]) -> _Either | None:
    """What finds, in a whole block, everything `_leftovers_on` could report on one of its
    lines (and more): a long plan is read block by block, not line by line. None when an
    example row is not an anchored `^…$` expression to widen that way."""
    parts = [_scoped(p) for p in placeholders] + [re.escape(t) for t in tokens]
    rows = []
    for row in example_rows:
        if not (row.startswith("^") and row.endswith("$") and not row.endswith("\\$")):
            return None
        rows.append(_scoped(row[1:-1]))
    # the rows under one line start, so a line start is tried once, not once per row
    anchored = rf"\n[ \t>*+-]*(?:{'|'.join(rows)})" if rows else ""
    # what matches in a block matches in a text around it too, unless a pattern looks at
    # where the text starts or ends, looks behind itself, or holds on to what it took (an
    # atomic group or a possessive repeat may take the text after the block, then fail)
    in_runs = not any(mark in source for source in (*placeholders, *rows)
                      for mark in ("^", "$", "\\A", "\\Z", "(?!", "(?<", "(?>", "*+", "++",
                                   "?+", "}+"))
    try:
        re.compile("|".join([*parts, anchored] if anchored else parts), re.IGNORECASE)
        return _Either(*(re.compile(p, re.IGNORECASE) if p else None
                         for p in ("|".join(parts), anchored)), in_runs)
    except re.error:  # a team's expression that does not combine: read every line
        return None


class _Either(NamedTuple):
    """The placeholders anywhere, and the example rows at a line's start, asked in turn: a
    text matches when one of them does. Apart, because together no first character rules a
    place out and the search tries every pattern at every character of a long plan; the rows
    are asked of the text after a newline, for `\n` is a literal the search can skip to."""

    anywhere: re.Pattern | None
    line_start: re.Pattern | None  # matched after a newline put before the text
    in_runs: bool = False  # whether what one block holds is found in a run of blocks

    def search(self, text: str) -> bool:
        return bool(self.anywhere and self.anywhere.search(text)
                    or self.line_start and self.line_start.search("\n" + text))


def _scoped(pattern: str) -> str:
    """`pattern` as a group that can stand beside others: leading flags ("(?i)") scoped."""
    flags = re.match(r"\(\?([aiLmsux]+)\)", pattern)
    if flags:
        return f"(?{flags.group(1)}:{pattern[flags.end():]})"
    return f"(?:{pattern})"


def _template_of(doctype) -> str:
    """The text `planbook new` starts a document of this type from: its template, or the
    skeleton built from its declaration when it has none."""
    if doctype.template_text:
        return doctype.template_text
    from planbook.new import skeleton

    return skeleton(doctype)


def _leftovers_on(text: str, number: int, doctype, markers: Markers):
    """What one line of the body still holds of the template."""
    found = False
    for pattern in doctype.placeholder_res:
        for match in pattern.finditer(text):
            found = True
            yield number, match.start() + 1, (f"placeholder '{match.group(0)}' "
                                              "was never filled in")
    stripped = text.strip().lstrip("-*+ ").strip()
    for pattern in doctype.example_row_res:
        if pattern.match(stripped):
            found = True
            yield number, 1, f"example text '{stripped}' from the template"
    if found or not markers.tokens:
        return
    plain = CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
    key = _line_key(plain)
    if key and markers.holds(key):
        yield number, 1, f"this line is the template's, never written: {text.strip()[:60]}"
        return
    for token in markers.tokens:
        at = plain.find(token)
        if at >= 0:
            yield number, at + 1, f"placeholder '{token}' was never filled in"


class Markers(NamedTuple):
    """What a type's template holds that a written document would not: its lines that hold a
    placeholder (compared as `_line_key` has them) and the placeholders themselves."""

    lines: frozenset[str]  # lines compared as they are
    tokens: tuple[str, ...]
    line: re.Pattern | None = None  # the lines with a `{{field}}` in them, in one pattern

    def holds(self, key: str) -> bool:
        return key in self.lines or (self.line is not None and bool(self.line.fullmatch(key)))


PLACEHOLDER = re.compile(r"(?<!\{)\{(?!\{)[^{}\n]+\}(?!\})|\[[^\[\]\n]+\](?![(\[:])")
FILLED = re.compile(r"\\\{\\\{\s*\w+\s*\\\}\\\}")  # an escaped {{field}}, filled by `new`
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
FENCE_LINE = re.compile(r"^\s*(?:`{3,}|~{3,})")


def _is_placeholder(token: str) -> bool:
    """A bracketed or braced span the author must replace: words to write ("{title of option
    1}", "[Brief Title]") or a capitalised marker ("[DATE]", "[TODO]"); not a checkbox, a
    one-word tag ("[P]", "[US1]") or a link."""
    inner = token[1:-1].strip()
    if not inner or inner.lower() in ("x", " ") or inner.startswith(("{", "!")):
        return False
    words = inner.split()
    return len(words) >= 2 or (inner.isupper() and sum(c.isalpha() for c in inner) >= 3)


def _line_key(text: str) -> str:
    """A line as templates are compared: without list and quote marks, spacing or case."""
    return " ".join(text.strip().lstrip(">-*+0123456789.) ").split()).lower()


@functools.lru_cache(maxsize=32)
def template_markers(template: str) -> Markers:
    """The placeholder lines and placeholders of a template's body (code and comments
    aside); a `{{field}}` that `planbook new` fills stands for any text."""
    exact: set[str] = set()
    filled: list[str] = []  # patterns, one per line with a {{field}}, compiled as one
    tokens: dict[str, None] = {}
    body = template.split("\n")
    if body and body[0].strip() == "---":
        end = next((i for i in range(1, len(body)) if body[i].strip() == "---"), 0)
        body = body[end + 1:]
    in_code = in_comment = False
    for text in body:
        if FENCE_LINE.match(text):
            in_code = not in_code
            continue
        if in_code:
            continue
        if "<!--" in text and "-->" not in text.split("<!--", 1)[1]:
            in_comment = True
        if in_comment:
            in_comment = "-->" not in text
            continue
        plain = CODE_SPAN.sub("", re.sub(r"<!--.*?-->", "", text))
        kept = [t for t in PLACEHOLDER.findall(plain) if _is_placeholder(t)]
        if not kept:
            continue
        tokens.update(dict.fromkeys(kept))
        key = _line_key(plain)
        escaped = re.escape(key)
        pattern = FILLED.sub(".*?", escaped)
        if pattern == escaped:
            exact.add(key)
        else:
            filled.append(pattern)
    either = re.compile("|".join(f"(?:{p})" for p in filled)) if filled else None
    return Markers(frozenset(exact), tuple(tokens), either)


@rule("ST006", "phase-incomplete", reads=("phases",))
def phase_incomplete(plan, ctx: Context):
    """A phase does not give its key deliverables, dependencies and estimated complexity.

    Each "Phase N: Name" subsection of Implementation Phases states what it delivers, what it
    needs first, and how hard it is.

    **Bad**
    ```markdown
    ### 2.1 Phase 1: Parser

    Read the files.
    ```

    **Good**
    ```markdown
    ### 2.1 Phase 1: Parser

    Read the files into one model.

    **Key Deliverables:**
    - `parse.py` with exact line numbers

    **Dependencies:**
    - None

    **Estimated Complexity:** Medium
    ```
    """
    spec = ctx.doctype.phases
    if spec is None:
        return
    section = plan.find_section(spec.section)
    if section is None:
        return
    heading = re.compile(spec.heading, re.IGNORECASE)
    phases = [c for c in section.children if heading.search(c.title)]
    if not phases:
        if _has_content(section) and section.children:
            yield section.line, 1, "no subsection is named 'Phase N: Name'"
        return
    for phase in phases:
        text = normalize(" ".join(plan.lines[phase.line:phase.end_line]))
        missing = [label for label in spec.requires if normalize(label) not in text]
        if missing:
            yield phase.line, 1, (f"phase '{phase.title}' does not give: "
                                  f"{', '.join(missing)}")


@rule("ST008", "missing-title", needs_doctype=False, reads=("name", "roles", "options", "template"))
def missing_title(plan, ctx: Context):
    """The document has no title: no title field and no `# Title` heading.

    Readers, the plan index and links to the document all need its title. A `# Title` line
    pasted inside the frontmatter is a YAML comment, not a title; the message points at it.
    A doc type may require the heading even when the field is there (`options.require-h1`).

    **Bad**
    ```markdown
    ---
    # Retry queue for webhooks
    status: draft
    ---

    ## Context
    ```

    **Good**
    ```markdown
    ---
    status: draft
    ---

    # Retry queue for webhooks

    ## Context
    ```
    """
    if not plan.lines or any(code.startswith(("IO", "FM003")) for code, *_ in
                             plan.parse_findings):
        return
    if ctx.facts.title:
        if ctx.doctype is not None and ctx.doctype.options.require_h1 and \
                not any(section.level == 1 for section in plan.root.children):
            yield plan.body_line, 1, (f"no '# Title' heading; a {ctx.doctype.name} document "
                                       "starts with one")
        return
    name = ctx.doctype.roles.title if ctx.doctype else "title"
    message = f"the document has no title: no '{name}' field and no '# Title' heading"
    pasted = _commented_title(plan, ctx.doctype.template_text if ctx.doctype else "")
    if pasted:
        line, text = pasted
        yield line, 1, (f"{message}; line {line} holds '# {text}' inside the frontmatter, "
                        f"where YAML reads it as a comment: write it as '{name}: \"{text}\"' "
                        "or as a heading below the frontmatter")
    else:
        yield plan.body_line, 1, message


def _commented_title(plan, template: str) -> tuple[int, str] | None:
    """A frontmatter comment line that reads like a title: not one the type's template
    writes there itself, not a suppression, not a note to the author."""
    known = {_line_key(t.lstrip("# ")) for t in template.split("\n") if t.startswith("#")}
    for number in range(plan.frontmatter_start + 1, plan.frontmatter_end):
        text = plan.lines[number - 1].strip()
        if not text.startswith("#") or "planbook-" in text:
            continue
        words = text.lstrip("#").strip()
        if not words or _line_key(words) in known or words.endswith((".", ":")) or \
                len(words.split()) > 15:
            continue
        return number, words
    return None

