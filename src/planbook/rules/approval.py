"""Approval rules: a plan's status moves as its doc type's lifecycle allows, approval is
recorded, work waits for it, and `done` means the work is done.

AP001, AP002 and AP004 judge a change: they compare the plan with its previous version,
`ctx.history.base`: the version at
the merge base with `--changed-since REF` (a pull request), otherwise the last commit when the
plan has uncommitted or staged changes. Without a previous version (outside git, a plan not
changed since the last commit, a new plan) they have nothing to compare and stay silent.
"""

from __future__ import annotations

from planbook.facts import status_of
from planbook.rules.registry import Context, rule


def _where(plan, field: str) -> tuple[int, int]:
    found = plan.fields.get(field)
    return (found.value_line, found.value_column) if found else (plan.frontmatter_start, 1)


def _before(ctx: Context) -> tuple[str, str] | None:
    """(previous status, what it was read from), or None without a previous version."""
    history = ctx.history
    base = getattr(history, "base", None)
    if base is None:
        return None
    return status_of(base, ctx.doctype.lifecycle.field), getattr(history, "against", "HEAD")


@rule("AP001", "status-transition", needs_history=True, reads=("lifecycle", "fields"))
def status_transition(plan, ctx: Context):
    """The status changed in a way the doc type's lifecycle does not allow.

    An implementation plan goes draft → review → approved → in-progress → done; review may go
    back to draft, approved to review, in-progress to approved or review, and any status may go
    to abandoned. The change is judged against the previous version of the plan: against the last
    commit, one step at a time; with `--changed-since REF` (a pull request), against the merge
    base, where several allowed steps in a row are fine. A done or abandoned plan stays so.
    Reaching in-progress or done without approval is AP004's to report.

    **Bad**
    ```yaml
    # the last commit had: status: done
    status: in-progress
    ```

    **Good**
    ```yaml
    # the last commit had: status: approved
    status: in-progress
    ```
    """
    life = ctx.doctype.lifecycle
    before = _before(ctx)
    if before is None:
        return
    old, against = before
    new = ctx.facts.status
    known = life.known()
    if not old or not new or old == new or old not in known or new not in known:
        return
    if life.is_work(new) and not life.is_approved(old):
        return  # AP004
    in_pr = against != "HEAD"
    if life.allows(old, new) or (in_pr and life.reachable(old, new)):
        return
    targets = [*{k.lower(): v for k, v in life.transitions.items()}.get(old, ()), *life.from_any]
    allowed = ", ".join(dict.fromkeys(targets)) or "nothing (it is final)"
    yield (*_where(plan, life.field),
           f"status went from {old} ({against}) to {new}; from {old} it may go to {allowed}")


@rule("AP002", "approval-not-recorded", needs_history=True, reads=("lifecycle", "fields"))
def approval_not_recorded(plan, ctx: Context):
    """A plan moved to approved or beyond without recording who approved it and when.

    Whoever approves a plan, and when, is part of the plan. The doc type's
    `lifecycle.requires` says which fields each status needs; for an implementation plan that
    is `approved_by` and `approved` (a date) for approved, in-progress and done. The rule judges
    the change, like AP001: a plan whose status changed since its previous version, a plan a
    pull request adds, or a record that was removed. A plan nobody touched is left alone.

    **Bad**
    ```yaml
    # the last commit had: status: review
    status: approved
    ```

    **Good**
    ```yaml
    # the last commit had: status: review
    status: approved
    approved_by: "Kim Lee"
    approved: 2026-05-04
    ```
    """
    life = ctx.doctype.lifecycle
    status = ctx.facts.status
    needs = life.required_for(status)
    missing = [key for key in needs if _empty(plan, key)]
    if not missing:
        return
    base = getattr(ctx.history, "base", None)
    against = getattr(ctx.history, "against", "HEAD")
    if base is None:
        judged = ctx.history is not None and against != "HEAD"  # added by a pull request
    else:
        judged = (status_of(base, life.field) != status
                  or any(not _empty(base, key) for key in missing))
    if judged:
        names = " and ".join(f"'{m}'" for m in missing)
        yield (*_where(plan, life.field),
               f"status is {status} but {names} {'are' if len(missing) > 1 else 'is'} not "
               "filled in; record who approved the plan and when")


def _empty(plan, key: str) -> bool:
    value = plan.meta.get(key)
    return value is None or str(value).strip() == ""


@rule("AP003", "done-with-open-work", reads=("lifecycle", "fields", "tables", "report"))
def done_with_open_work(plan, ctx: Context):
    """The plan is done, but a task is not, or a task counts as done before its dependencies.

    A task is done when a checked checklist item names its ID (`- [x] T-3 …`) or its row's
    Status column says done. A done plan has every task done. A plan that records task
    progress in neither way is not judged on its tasks. Unchecked checklist items on a done
    plan, whatever its lifecycle calls done, are CK002's.

    **Bad**
    ```markdown
    status: done
    …
    | T-1 | Parser | … | None | … |
    | T-2 | Rules  | … | T-1  | … |
    …
    - [x] T-2 Rules
    ```

    **Good**
    ```markdown
    status: done
    …
    - [x] T-1 Parser
    - [x] T-2 Rules
    ```
    """
    status = ctx.facts.status
    if not ctx.doctype.lifecycle.is_done(status):
        return
    undone, early = ctx.facts.open_tasks()
    for task in undone:
        yield task.line, 1, f"status is {status} but task {task.id} is not done"
    for task, deps in early:
        yield task.line, 1, (f"task {task.id} counts as done but its dependenc"
                             f"{'ies' if len(deps) > 1 else 'y'} {', '.join(deps)} "
                             f"{'are' if len(deps) > 1 else 'is'} not")


@rule("AP004", "work-before-approval", needs_history=True, reads=("lifecycle", "fields"))
def work_before_approval(plan, ctx: Context):
    """Work started on a plan that was not approved: the status reached in-progress or done
    from draft or review.

    A plan waits for approval before work starts. Move it to approved first (with
    `approved_by` and `approved`), in its own commit or pull request, then start.

    **Bad**
    ```yaml
    # the last commit had: status: review
    status: in-progress
    ```

    **Good**
    ```yaml
    # the last commit had: status: approved
    status: in-progress
    ```
    """
    life = ctx.doctype.lifecycle
    before = _before(ctx)
    if before is None:
        return
    old, against = before
    new = ctx.facts.status
    if life.is_work(new) and old and not life.is_approved(old) and old != new:
        yield (*_where(plan, life.field),
               f"status is {new}, but the plan was {old} at {against} and was never approved; "
               "approve it before work starts")
