"""The published plan site: plans in, site files out, and a thin MkDocs plugin over them.

`load` gathers what is shown about each plan, `urls` places the pages, `view`, `overview` and
`plan_page` render them, and `pages` puts it all together; the `plugin` hands the result to
MkDocs and `export` writes it to a folder. Nothing here is imported by `planbook lint`; the
sanitiser and MkDocs load only for the site.
"""
