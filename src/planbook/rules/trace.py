"""Traceability rules: tasks held to the commits that cite them, plan tests to the tests that
implement them, acceptance criteria to the results of those tests.

They read `ctx.trace` (a `trace.PlanTrace`), which lint fills when one of them is on: the
commits from one git walk (none outside a repository or in a shallow clone, where the rules
that need them say nothing), the test files the config's `tests` globs name, and the JUnit
files given with `--junit`.
"""

from __future__ import annotations

from planbook.rules.registry import Context, rule


def _tasks_line(ctx: Context) -> int:
    """The line of the tasks table's header, else 1."""
    report = ctx.doctype.report if ctx.doctype else None
    tables = ctx.facts.tables_of(report.tasks) if report and report.tasks else []
    return tables[0][0].line if tables else 1


@rule("TR001", "done-task-without-commit", "warning", needs_history=True,
      reads=("tables", "report"), default=False)
def done_task_without_commit(plan, ctx: Context):
    """A task is marked done, but no commit cites it.

    For teams that cite a plan's tasks in their commit messages (`IP-7 T-3` in the subject or
    body, or a `Plan: IP-7 T-3` trailer), a task marked done that no commit names was either
    built under another name or not built. Off by default: turn it on with
    `extend-select = ["TR001"]` once the team writes citations. Skipped in a shallow clone,
    whose older commits are missing.

    **Bad**
    ```markdown
    | T-3 | Backoff function | … | Done |     <!-- no commit says "IP-7 T-3" -->
    ```

    **Good**
    ```text
    Add the backoff function

    Plan: IP-7 T-3
    ```
    """
    trace = ctx.trace
    if trace is None or not trace.history or not trace.id:
        return
    for task in trace.tasks:
        if task.done and not task.commits:
            yield (task.line, 1, f"{task.id} is marked done, but no commit cites it; name it "
                                 f"as '{trace.id} {task.id}' in the message of the commit "
                                 "that did it")


@rule("TR002", "unknown-citation", needs_history=True, reads=("tables", "report"))
def unknown_citation(plan, ctx: Context):
    """A commit cites a task the plan does not have, or a plan that does not exist.

    A citation is a plan's ID followed by task IDs: `IP-7 T-3`. One that names no real task is
    a typo that leaves the real task without its evidence. The finding sits on the cited plan's
    tasks table; a citation of a plan that does not exist (an ID like the others' with no file
    or `id` behind it) is reported on the first plan, in path order. With `--changed-since REF`
    only the commits after REF are judged, the ones a pull request can still reword; an old
    commit that cites a plan since deleted or a task since renumbered is history, best kept
    in a baseline. Skipped in a shallow clone.

    **Bad**
    ```text
    Add the backoff function (IP-7 T-33)
    ```

    **Good**
    ```text
    Add the backoff function (IP-7 T-3)
    ```
    """
    trace = ctx.trace
    if trace is None or not trace.history:
        return
    line = _tasks_line(ctx)
    for cited in trace.unknown_tasks:
        yield (line, 1, f"commit {cited.sha[:10]} ({cited.subject!r}) cites {cited.plan} "
                        f"{cited.task}, but the plan has no task {cited.task}")
    for cited in trace.unknown_plans:
        yield (1, 1, f"commit {cited.sha[:10]} ({cited.subject!r}) cites {cited.plan} "
                     f"{cited.task}, but there is no plan {cited.plan}")


@rule("TR003", "test-not-implemented", "warning", reads=("tables", "lifecycle", "fields"))
def test_not_implemented(plan, ctx: Context):
    """A test the plan promises is implemented by no test file, once work has started.

    Checked only when the config names the test files (`tests = ["tests/**/*.py"]`) and
    the plan's status says work has started. A test implements a plan test with the pytest
    marker `@pytest.mark.plan("IP-7", "UT-1")`, or with `IP-7:UT-1` in a comment, a name or a
    docstring (`test-pattern` in the config); a JUnit result that carries the ID counts too.

    **Bad**
    ```markdown
    | UT-2 | Backoff doubles from 30 s and caps at one hour | … |   <!-- no test names UT-2 -->
    ```

    **Good**
    ```python
    @pytest.mark.plan("IP-7", "UT-2")
    def test_backoff_doubles_and_caps(): ...
    ```
    """
    trace = ctx.trace
    life = ctx.doctype.lifecycle if ctx.doctype else None
    if trace is None or not trace.tests_configured or not trace.id or life is None \
            or not life.is_work(ctx.facts.status):
        return
    for test in trace.tests:
        if not test.implemented_by and test.result in (None, "missing"):
            yield (test.line, 1, f"no test implements {test.id}; mark one with "
                                 f"@pytest.mark.plan(\"{trace.id}\", \"{test.id}\") or write "
                                 f"{trace.id}:{test.id} in it")


@rule("TR004", "criterion-not-met", reads=("tables", "lifecycle", "fields"))
def criterion_not_met(plan, ctx: Context):
    """A plan marked done has an acceptance criterion whose tests did not all pass.

    Checked only when test results are given (`--junit FILE`, from `pytest --junitxml`,
    Jest, Go or Maven). A criterion is met when every test its validation method cites passed;
    a failed, skipped or missing result leaves it unmet, and a done plan should not claim it.
    Criteria that cite no test are left alone.

    **Bad**
    ```markdown
    | AC-2 | No attempt is lost across a restart | IT-2 |   <!-- IT-2 failed -->
    ```

    **Good**
    ```markdown
    | AC-2 | No attempt is lost across a restart | IT-2 |   <!-- IT-2 passed -->
    ```
    """
    trace = ctx.trace
    life = ctx.doctype.lifecycle if ctx.doctype else None
    if trace is None or not trace.junit or life is None or not life.is_done(ctx.facts.status):
        return
    results = {t.id: t.result for t in trace.tests}
    for criterion in trace.criteria:
        if not criterion.tests or criterion.state == "met":
            continue
        why = ", ".join(f"{test} {_said(results.get(test))}" for test in criterion.tests
                        if results.get(test) != "passed")
        yield criterion.line, 1, f"{criterion.id} is not met: {why}"


def _said(result: str | None) -> str:
    return {"failed": "failed", "skipped": "was skipped", "missing": "has no result",
            None: "is not a test of this plan"}[result]
