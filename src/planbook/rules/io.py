"""Reading rules: what stops a path from being read as a plan at all.

The parser makes these findings itself (see `parse.read_plan` and `parse.parse_bytes`); a file
with one of them gets no other finding, because nothing else about it can be known.
"""

from planbook.rules.registry import parser_rule

parser_rule("IO001", "unreadable-file", doc="""
    The path cannot be read as a plan: it is a directory, a symbolic-link loop, a special file,
    unreadable, or too large.

    **Bad**
    ```text
    plans/x.md/   (a directory named like a plan)
    ```

    **Good**
    ```text
    plans/x.md    (a regular, readable file)
    ```
""")

parser_rule("IO002", "not-text", doc="""
    The file is binary or not valid UTF-8, so it cannot be a Markdown plan.

    Save the file as UTF-8 (a UTF-8 byte-order mark is fine).

    **Bad**
    ```text
    a file saved as Latin-1: caf\\xe9
    ```

    **Good**
    ```text
    the same file saved as UTF-8: café
    ```
""")

parser_rule("IO003", "markdown-too-deep", doc="""
    The Markdown nests lists or quotes so deeply that it cannot be parsed.

    **Bad**
    ```markdown
    > > > > > > > > (hundreds of levels)
    ```

    **Good**
    ```markdown
    > one level of quote
    ```
""")
