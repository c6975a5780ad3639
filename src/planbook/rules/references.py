"""Reference rules: task dependencies, the tests acceptance criteria cite, and relative links."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from planbook.facts import cell
from planbook.ids import ids_in
from planbook.rules.registry import Context, rule

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _task_graph(ctx) -> dict[str, tuple[int, list[str]]]:
    """Task ID → (line of its first row, every ID its rows depend on)."""
    graph: dict[str, tuple[int, list[str]]] = {}
    for task in ctx.facts.dependency_rows:
        first_line, known = graph.get(task.id, (task.line, []))
        graph[task.id] = (first_line, known + [d for d in task.depends if d not in known])
    return graph


@rule("RF001", "unknown-task-dependency", reads=("tables",))
def unknown_task_dependency(plan, ctx: Context):
    """A task's Dependencies cell names a task ID that no task row defines.

    **Bad**
    ```markdown
    | T-2 | Lint plans | Run the rules | T-9 | High | Medium |
    ```

    **Good**
    ```markdown
    | T-2 | Lint plans | Run the rules | T-1 | High | Medium |
    ```
    """
    rows = ctx.facts.dependency_rows
    known = {task.id for task in rows}
    for task in rows:
        for dep in task.depends:
            if dep not in known:
                yield task.line, 1, f"task {task.id} depends on {dep}, which no task defines"


@rule("RF002", "dependency-cycle", reads=("tables",))
def dependency_cycle(plan, ctx: Context):
    """Tasks depend on each other in a circle, so none of them can start.

    **Bad**
    ```markdown
    | T-1 | Parse | … | T-2 | …
    | T-2 | Lint  | … | T-1 | …
    ```

    **Good**
    ```markdown
    | T-1 | Parse | … | None | …
    | T-2 | Lint  | … | T-1  | …
    ```
    """
    graph = _task_graph(ctx)
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    reported: set[frozenset] = set()
    # depth first, with its own stack rather than Python's: a chain of thousands of tasks
    # would otherwise end in RecursionError
    for root in graph:
        if root in state:
            continue
        state[root] = 1
        path, pending = [root], [iter(graph[root][1])]
        while pending:
            dep = next(pending[-1], None)
            if dep is None:  # every dependency of path[-1] seen
                pending.pop()
                state[path.pop()] = 2
            elif dep not in graph:
                continue
            elif state.get(dep) == 1:
                cycle = path[path.index(dep):] + [dep]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    yield graph[dep][0], 1, f"dependency cycle: {' → '.join(cycle)}"
            elif dep not in state:
                state[dep] = 1
                path.append(dep)
                pending.append(iter(graph[dep][1]))


@rule("RF003", "unknown-test-reference", reads=("tables",))
def unknown_test_reference(plan, ctx: Context):
    """An acceptance criterion's validation method cites a test ID defined nowhere in the plan.

    **Bad**
    ```markdown
    | AC-1 | Plans lint clean | Integration test IT-7 |
    ```

    **Good**
    ```markdown
    | AC-1 | Plans lint clean | Integration test IT-1 |
    ```
    """
    defined = ctx.facts.defined_ids
    for table, spec in ctx.facts.tables:
        if not spec.cites:
            continue
        index = table.column_index(spec.cites)
        if index is None:
            continue
        prefixes = tuple(f"{p}-" for p in spec.cite_ids)
        for row in table.rows:
            for cited in ids_in(cell(row, index)):
                if prefixes and not cited.startswith(prefixes):
                    continue
                if cited not in defined:
                    yield row.line, 1, f"{spec.cites} cites {cited}, which the plan never defines"


@rule("RF004", "broken-link", needs_doctype=False)
def broken_link(plan, ctx: Context):
    """A relative link points at a file that does not exist.

    Links are resolved from the plan's own folder, the way a Markdown viewer resolves them.

    **Bad**
    ```markdown
    See the [design](../design/serch.md).
    ```

    **Good**
    ```markdown
    See the [design](../design/search.md).
    ```
    """
    for link in plan.links:
        url = link.url.strip()
        if not url or url.startswith(("#", "/", "//")) or SCHEME.match(url):
            continue
        target = unquote(url.split("#", 1)[0].split("?", 1)[0])
        if not target:
            continue
        if not ctx.exists(posixpath.normpath(target)):
            yield link.line, link.column, f"link target '{target}' does not exist"
