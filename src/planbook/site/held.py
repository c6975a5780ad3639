"""HTML blocks held out of a page's Markdown, and put back once MkDocs has made it HTML.

Most of a generated page is HTML that planbook wrote, or rendered from a plan and cleaned
itself (`markup.Html` marks each such block). Python-Markdown passes a block like that
through untouched, but reads it twice on the way (MkDocs looks for its ids, Markdown for
where it ends). For the MkDocs plugin, each block stands in the page's Markdown as a short
comment (`Held.hold`), and `restore` puts the block back into the page's HTML, as
Python-Markdown would have written it: it normalises whitespace in every line it reads
(`as_markdown_reads`). The ids in the blocks (`anchor_ids`) are the page's anchors MkDocs
would have found there.

The blocks the search index leaves out anyway (`markup.Unindexed`: the diagrams, the list of
findings) may stay out until the search plugin has read the page: its parser then skips a
comment instead of walking every element of a drawing.

A placeholder cannot come from a plan: every plan value outside a block is escaped, so no
`<` of a plan reaches the Markdown, and the cleaner strips comments from plan bodies.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection, Sequence

from planbook.site.markup import Html

PLACEHOLDER = "<!--planbook-html-{}-->"
FOUND = re.compile(r"<!--planbook-html-(\d+)-->")
TAB_LENGTH = 4  # Python-Markdown's; MkDocs does not change it
SPACES_LINE = re.compile(r"(?<=\n) +\n")
# an id on one of our own tags, which write it so (see `anchor_ids`)
ID = re.compile(r"\sid=\"([^\"]*)\"")


class Held:
    """The blocks one page holds out of its Markdown, by number."""

    def __init__(self) -> None:
        self.blocks: list[str] = []

    def hold(self, block: str) -> str:
        """What the page's Markdown carries instead of `block`."""
        self.blocks.append(block)
        return PLACEHOLDER.format(len(self.blocks) - 1)


def page_text(parts: Sequence[str], hold: Callable[[str], str] | None = None) -> str:
    """A page's Markdown from its parts (lines, and blocks on lines of their own), each
    `Html` block given to `hold`, when there is one, for what the page holds instead."""
    if hold is not None:
        parts = [hold(part) if isinstance(part, Html) else part for part in parts]
    return "\n".join(parts)


def as_markdown_reads(block: str) -> str:
    """A block as Python-Markdown's first step leaves it (control characters it uses itself
    dropped, line ends made `\\n`, tabs expanded, lines of spaces emptied). The block starts a
    line of its page, so its tabs expand to the same columns."""
    block = block.replace("\x02", "").replace("\x03", "")
    block = block.replace("\r\n", "\n").replace("\r", "\n").expandtabs(TAB_LENGTH)
    return SPACES_LINE.sub("\n", block)


def restore(content: str, blocks: Sequence[str], keep: Collection[int] = ()) -> str:
    """The page's HTML with each placeholder replaced by its block, but for the blocks
    numbered in `keep`, whose placeholders stay; a ValueError when a placeholder to replace
    is missing or doubled (something changed the page on the way), so no block is lost."""
    wanted = set(range(len(blocks))).difference(keep)
    found = sorted(n for n in map(int, FOUND.findall(content)) if n in wanted)
    if found != sorted(wanted):
        raise ValueError(f"{len(wanted)} HTML blocks held, {len(found)} placeholders came back")
    return FOUND.sub(lambda m: as_markdown_reads(blocks[int(m.group(1))])
                     if int(m.group(1)) in wanted else m.group(0), content)


def anchor_ids(blocks: Sequence[str]) -> set[str]:
    """The ids of the elements in the blocks: what MkDocs counts as anchors of the page.

    An `id="…"` is an attribute when it is inside a tag: after the last `<` before it, with
    no `>` in between (text content never holds a `<`, it is escaped, and our own tags hold
    no `>` before their id). The cleaner lets no id, nor an `<a name>`, through from a plan.
    """
    found = set()
    for block in blocks:
        block = as_markdown_reads(block)
        for match in ID.finditer(block):
            at = match.start()
            if block.rfind("<", 0, at) > block.rfind(">", 0, at):
                found.add(html.unescape(match.group(1)))
    return found
