"""The least any linter on this stack must do per plan: read it, load its frontmatter with
PyYAML's C loader and run mistune over its body. `bench/scale.py` compares a cold lint with it.

    python bench/lower_bound.py DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import mistune
import yaml


def main(folder: str) -> int:
    markdown = mistune.create_markdown(renderer=None, plugins=["table"])
    count = 0
    for path in sorted(Path(folder).rglob("*.md")):
        text = path.read_bytes().decode("utf-8")
        body = text
        if text.startswith("---\n"):
            end = text.find("\n---\n", 4)
            if end > 0:
                yaml.load(text[4:end], Loader=yaml.CSafeLoader)
                body = text[end + 5:]
        markdown(body)
        count += 1
    print(f"{count} files", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
