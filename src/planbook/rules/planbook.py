"""Findings about planbook's own comments and its own failures."""

from planbook.rules.registry import parser_rule

parser_rule("PB001", "unused-suppression", "warning", doc="""
    A `planbook-disable` comment suppresses nothing, so it only hides future problems.

    Remove the comment, or name the code it was meant for.

    **Bad**
    ```markdown
    <!-- planbook-disable-next-line TB004 -->
    | T-1 | Parse plans | Build the parser | None | High | Medium |
    ```

    **Good**
    ```markdown
    | T-1 | Parse plans | Build the parser | None | High | Medium |
    ```
""")

parser_rule("PB002", "internal-error", doc="""
    planbook itself failed on this file. This is a bug in planbook, not in the plan.

    The run exits with code 2. Please report it with the file that caused it.

    **Bad**
    ```text
    PB002 rule TB001 failed: …
    ```

    **Good**
    ```text
    (no output: every rule ran)
    ```
""")
