"""Git rules: a plan's frontmatter held to its own history, and `depends_on` to the other plans.

The history rules read `ctx.history`, which lint fills from one batched git walk only when
the plan is in a repository with its full history. When it is None (no repository, a plan not
committed yet, a shallow clone) they say nothing rather than guess.
"""

from __future__ import annotations

import os
from pathlib import Path

from planbook.edits import summary, what_changed
from planbook.names import entries, entry_line, find_cycle, names_of
from planbook.rules.frontmatter import _as_date
from planbook.rules.registry import Context, rule


@rule("GT001", "created-after-first-commit", needs_history=True, reads=("roles",))
def created_after_first_commit(plan, ctx: Context):
    """`created` is later than the day the file first entered git history.

    A plan cannot be written after it was committed. The first commit is found by following
    the file through renames (one staged or in the working tree too), so moving a plan keeps
    its creation day. Skipped in a shallow clone, whose oldest commits are missing. The doc
    type's `roles.created` names the field (`created_date` for a Backlog.md task).

    **Bad**
    ```yaml
    # first committed on 2026-03-02
    created: 2026-04-15
    ```

    **Good**
    ```yaml
    created: 2026-03-02
    ```
    """
    history, field = ctx.history, ctx.facts.field("created")
    if history is None or history.first_day is None or field is None:
        return
    created = _as_date(field.value)
    if created and created > history.first_day:
        yield (field.value_line, field.value_column,
               f"{field.key} is {created}, but the file first entered git history on "
               f"{history.first_day}; {field.key} cannot be later than that")


@rule("GT002", "updated-not-bumped", needs_history=True, reads=("roles",))
def updated_not_bumped(plan, ctx: Context):
    """The plan changed on this branch, but `updated` is older than the change.

    A plan's content changed against the base (the `--changed-since` ref, the last commit for
    staged or uncommitted changes), so `updated` must be at least the day of that change: today
    for a change not committed yet, the commit's day otherwise. `planbook fix` sets it. Only
    what a reader can see counts: re-padded tables, `\\*` for `*`, rewrapped paragraphs and
    trailing spaces are formatting, not a change; the message says what changed. The doc
    type's `roles.updated` names the field (`updated_date` for a Backlog.md task).

    **Bad**
    ```yaml
    # the plan's body was edited today, 2026-06-01
    updated: 2026-03-09
    ```

    **Good**
    ```yaml
    updated: 2026-06-01
    ```
    """
    history, field = ctx.history, ctx.facts.field("updated")
    if history is None or history.last_change is None or field is None:
        return
    updated = _as_date(field.value)
    if not updated or updated >= history.last_change:
        return
    changed = what_changed(history.base, plan) if history.base is not None else ["edited"]
    if changed:
        yield (field.value_line, field.value_column,
               f"the plan changed on {history.last_change} ({summary(changed)}; against "
               f"{history.against}) but {field.key} is still {updated}; set it to "
               f"{history.last_change}")


@rule("GT003", "version-not-bumped", "warning", needs_history=True)
def version_not_bumped(plan, ctx: Context):
    """The plan's body changed on this branch, but `version` did not.

    A change to what the body says (its text, table rows, items, code; not the frontmatter,
    and not formatting such as re-padded tables, escapes, rewrapped lines or trailing spaces)
    is a new version of it; readers and links that cite "1.2" should see "1.3". A warning:
    only the author can tell a typo fix from a new version. `planbook fix --select GT003`
    bumps the version's last number.

    **Bad**
    ```yaml
    # the Acceptance Criteria table gained a row on this branch
    version: "1.2"
    ```

    **Good**
    ```yaml
    version: "1.3"
    ```
    """
    history, field = ctx.history, plan.fields.get("version")
    if history is None or history.base is None or field is None:
        return
    before = history.base.meta.get("version")
    if before is None or str(before) != str(field.value):
        return
    changed = what_changed(history.base, plan, body_only=True)
    if changed:
        yield (field.value_line, field.value_column,
               f"the body changed since {history.against} ({summary(changed)}) but version "
               f"is still '{field.value}'; bump it")


@rule("GT004", "unknown-plan-dependency", reads=("fields",))
def unknown_plan_dependency(plan, ctx: Context):
    """`depends_on`, or another field that names documents, names one that does not exist.

    Entries are file names (with or without `.md`) or their leading ID in any case, such as
    `IP-2`, or a bare number (`345` for `task-345`, as Backlog.md writes it), and are checked
    against every document planbook can see, not only the ones being linted. The doc type
    says which fields name documents (`refers = true`): `depends_on` for a plan,
    `dependencies` and `parent_task_id` for a Backlog.md task.

    **Bad**
    ```yaml
    depends_on: ["IP-9-search"]   # there is no such plan
    ```

    **Good**
    ```yaml
    depends_on: ["IP-2-lint-foundation"]
    ```
    """
    if not ctx.plan_names:
        return
    for key, spec in ctx.doctype.fields.items():
        field = plan.fields.get(key)
        if not spec.refers or field is None:
            continue
        for entry in entries(field.value):
            if entry not in ctx.plan_names:
                yield (entry_line(plan, field, entry), 1,
                       f"{key} names '{entry}', which is not a document here")


@rule("GT005", "plan-dependency-cycle", reads=("fields",))
def document_cycle(plan, ctx: Context):
    """Documents name each other in a circle through one field, so none of them can come first.

    The fields are the ones the doc type marks `refers = true` (`depends_on`, a Backlog.md
    task's `dependencies` and `parent_task_id`), followed across every document planbook can
    see; each document on the circle gets the finding, at the entry that closes it.

    **Bad**
    ```yaml
    # IP-3-sync.md                     # IP-4-export.md
    depends_on: ["IP-4-export"]        depends_on: ["IP-3-sync"]
    ```

    **Good**
    ```yaml
    # IP-3-sync.md                     # IP-4-export.md
    depends_on: []                     depends_on: ["IP-3-sync"]
    ```
    """
    names = ctx.plan_names
    if not names:
        return
    node = names.node_of(plan.path)
    for key, spec in ctx.doctype.fields.items():
        field = plan.fields.get(key)
        if not spec.refers or field is None:
            continue
        own = {names.resolve(entry): entry for entry in entries(field.value)}
        own.pop(None, None)
        if not own:
            continue
        graph = dict(ctx.references().get(key, {}))
        graph[node] = list(own)  # this version of the plan, not the one on disk
        cycle = find_cycle(graph, node)
        if cycle:
            shown = " → ".join(names.shown.get(n, n) for n in cycle)
            yield (entry_line(plan, field, own[cycle[1]]), 1,
                   f"{key} goes round in a circle: {shown}")


@rule("GT006", "duplicate-plan-id", needs_doctype=False)
def duplicate_plan_id(plan, ctx: Context):
    """Another plan's file name starts with the same ID.

    `depends_on: [IP-24]`, a commit citing `IP-24 T-3` and a reader of the site cannot tell
    which of the two is meant. Files are compared by the ID their name starts with, in any
    case; a file and a symbolic link to it are one plan.

    **Bad**
    ```text
    plans/IP-24-search.md
    plans/IP-24-export.md
    ```

    **Good**
    ```text
    plans/IP-24-search.md
    plans/IP-25-export.md
    ```
    """
    others = ctx.plan_names.sharing_id(plan.path) if ctx.plan_names else []
    if others:
        ident = names_of(plan.path)[-1]
        here = os.path.dirname(os.path.abspath(plan.path))
        shown = [Path(os.path.relpath(os.path.abspath(o), here)).as_posix() for o in others]
        yield 1, 1, (f"{ident} is also the ID of {', '.join(shown)}; give each plan an ID "
                     "of its own")
