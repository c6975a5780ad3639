"""Sequence rules: the Implementation Sequence gantt agrees with the tasks table.

Both rules read one check (`PlanFacts.sequence_problems`, from planbook.sequence), the same one
the plan site draws, so the site never shows a mismatch that lint does not report.
"""

from __future__ import annotations

from planbook.rules.registry import Context, rule


@rule("SQ001", "sequence-mismatch", reads=("tables", "report", "options"))
def sequence_mismatch(plan, ctx: Context):
    """The Implementation Sequence gantt does not schedule the tasks table faithfully.

    Every task is scheduled once in the mermaid gantt (its bar's id is the task ID without the
    dash, such as `t1` for T-1, or the bar's name holds the ID), no bar stands for a task that
    does not exist, and each bar waits (`after`) for every task its Dependencies list, directly
    or through other tasks. Otherwise the sequence lets work start before what it needs.

    **Bad**
    ```markdown
    | T-2 | Lint plans | Run the rules | T-1 | High | Medium |

        Lint plans :t2, 2026-03-02, 2d
    ```

    **Good**
    ```markdown
    | T-2 | Lint plans | Run the rules | T-1 | High | Medium |

        Lint plans :t2, after t1, 2d
    ```
    """
    for _, line, message, code in ctx.facts.sequence_problems:
        if code == "SQ001":
            yield line, 1, message


@rule("SQ002", "sequence-extra-wait", "warning", reads=("tables", "report", "options"))
def sequence_extra_wait(plan, ctx: Context):
    """A gantt bar waits (`after`) for a task its Dependencies do not lead to.

    The sequence then says more than the tasks table: either the table lacks a dependency, or
    the wait is a staffing choice worth a word in the plan. Add the dependency to the table, or
    start the bar on its own.

    **Bad**
    ```markdown
    | T-2 | Lint plans | Run the rules | None | High | Medium |

        Lint plans :t2, after t1, 2d
    ```

    **Good**
    ```markdown
    | T-2 | Lint plans | Run the rules | T-1 | High | Medium |

        Lint plans :t2, after t1, 2d
    ```
    """
    for _, line, message, code in ctx.facts.sequence_problems:
        if code == "SQ002":
            yield line, 1, message
