"""Structure rules: the doc type's sections, in order, numbered, filled in, and not template."""

from __future__ import annotations

import re

from planbook.model import Section, normalize, title_key
from planbook.rules.registry import Context, rule

ITALIC_LINE = re.compile(r"^\s*(?:_[^_\n].*_|\*[^*\n].*\*)\s*$")

def _label(spec) -> str:
    return f"{spec.number}. {spec.title}" if spec.number else spec.title


@rule("ST001", "missing-section", reads=("sections",))
def missing_section(plan, ctx: Context):
    """A section the doc type requires is missing, or one of its required subsections is.

    An Implementation Plan has ten numbered sections, from Overview to Additional Resources,
    and subsections 1.1–1.3, 3.1–3.3 and 9.1–9.2.

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
    where = min(plan.body_start, len(plan.lines))  # no body: the frontmatter's last line
    for spec, section in ctx.facts.top_sections:
        if section is None:
            if spec.required:
                yield where, 1, f"missing section '{_label(spec)}'"
            continue
        for child in spec.children:
            if child.required and plan.find_section(child.title, section) is None:
                yield section.line, 1, (f"section '{section.heading}' lacks its subsection "
                                        f"'{child.number} {child.title}'".replace("  ", " "))


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


@rule("ST004", "section-numbering")
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


@rule("ST005", "leftover-template", "warning", reads=("template",))
def leftover_template(plan, ctx: Context):
    """Text from the blank template is still in the plan.

    The template's Guidance block, bracketed placeholders such as `[Component Name]`, italic
    instructions, example rows such as "Deliverable 1", and the template's own dates all mean a
    part of the plan was never written.

    **Bad**
    ```markdown
    ### 1.1 Component Purpose

    _Brief summary of what the component does._
    ```

    **Good**
    ```markdown
    ### 1.1 Component Purpose

    The search service answers full-text queries over every plan in the repository.
    ```
    """
    template = ctx.doctype.template
    if template.guidance:
        guidance = title_key(template.guidance)
        for section in plan.root.children:
            if section.titled(guidance):
                yield section.line, 1, (f"the template's '{section.heading}' block is still "
                                        "here; delete it")
    created, updated = plan.fields.get("created"), plan.fields.get("updated")
    if created and updated and str(created.value) == str(updated.value) in template.dates:
        # Both dates still the template's: a real plan written that day would be rare luck.
        yield (created.value_line, created.value_column,
               f"'created' and 'updated' are {created.value}, the template's own date; "
               "set the real dates")
    for field in plan.fields.values():
        if isinstance(field.value, str):
            for phrase in template.phrases:
                if phrase.lower() in field.value.lower():
                    yield (field.value_line, field.value_column,
                           f"'{field.key}' still holds the template's text ('{phrase}…')")
            for pattern in ctx.doctype.placeholder_res:
                match = pattern.search(field.value)
                if match:
                    yield (field.value_line, field.value_column,
                           f"placeholder '{match.group(0)}' in '{field.key}'")
    for block in plan.blocks:
        if block.type == "block_code":
            continue
        for number in range(block.line, block.end_line + 1):
            text = plan.lines[number - 1]
            for pattern in ctx.doctype.placeholder_res:
                for match in pattern.finditer(text):
                    yield number, match.start() + 1, (f"placeholder '{match.group(0)}' "
                                                      "was never filled in")
            stripped = text.strip().lstrip("-*+ ").strip()
            for pattern in ctx.doctype.example_row_res:
                if pattern.match(stripped):
                    yield number, 1, f"example text '{stripped}' from the template"
        if block.type == "paragraph" and ITALIC_LINE.match(block.text.strip()):
            if "\n" not in block.text.strip():
                yield block.line, 1, ("italic instruction from the template: "
                                      f"{block.text.strip()[:60]}")


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
