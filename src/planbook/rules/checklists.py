"""Checklist rules: the items a doc type requires, and no open items on a finished plan."""

from __future__ import annotations

from planbook.model import normalize
from planbook.rules.registry import Context, rule


@rule("CK001", "missing-checklist-item", reads=("checklists", "sections"))
def missing_checklist_item(plan, ctx: Context):
    """A checklist the doc type requires is missing, or lacks one of its required items.

    Items match loosely: case, spacing and markup are ignored.

    **Bad**
    ```markdown
    ## Checklist

    - [x] Tests written
    ```

    **Good**
    ```markdown
    ## Checklist

    - [x] Tests written
    - [ ] Technical debt documented
    ```
    """
    for spec in ctx.doctype.checklists:
        section, items = ctx.facts.items_in(spec.section)
        if section is None:
            if spec.required:
                # no body: the frontmatter's last line, never a line past the end
                yield (plan.body_line, 1,
                       f"missing checklist section '{spec.section}'")
            continue
        if spec.required and not items:
            yield section.line, 1, f"section '{section.heading}' has no checklist items"
            continue
        present = {normalize(i.text) for i in items}
        for wanted in spec.items:
            if normalize(wanted) not in present:
                yield section.line, 1, f"checklist lacks the item '{wanted}'"


def _short(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


@rule("CK002", "unchecked-when-done", reads=("lifecycle", "fields", "options"))
def unchecked_when_done(plan, ctx: Context):
    """The plan's status says it is done, yet checklist items are still unchecked.

    Either finish and tick the items, or the plan is not done yet. An item that states its own
    condition ("passes when TypeScript touched", "(if applicable)") may stay open: its
    condition did not hold. A doc type says which wording marks such items
    (`options.conditional-items`); "done" is whatever its lifecycle calls done.

    **Bad**
    ```markdown
    status: done
    …
    - [x] Parser written
    - [ ] Docs written
    ```

    **Good**
    ```markdown
    status: done
    …
    - [x] Parser written
    - [x] Docs written
    - [ ] Schema migrated (if the format changed)
    ```
    """
    life = ctx.doctype.lifecycle
    if not life.is_done(ctx.facts.status):
        return
    conditional = ctx.doctype.options.conditional_res
    open_items = [i for i in plan.checklist if not i.checked
                  and not any(p.search(i.text) for p in conditional)]
    if not open_items:
        return
    field = plan.fields[life.field]
    listed = "; ".join(f"line {i.line}: {_short(i.text)}" for i in open_items[:10])
    more = f"; and {len(open_items) - 10} more" if len(open_items) > 10 else ""
    yield (field.value_line, field.value_column,
           f"status is {ctx.facts.status} but {len(open_items)} checklist item"
           f"{'s are' if len(open_items) != 1 else ' is'} unchecked: {listed}{more}")
