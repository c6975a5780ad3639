"""The published plan site: plans in, pages out (`pages`), and a thin MkDocs plugin (`plugin`).

Nothing here is imported by `planbook lint`; the sanitiser and MkDocs load only for the site.
"""
