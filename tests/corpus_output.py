"""What planbook says about the real-document corpus, as one recorded text per command.

`lint` (text and JSON), `status` (JSON), `fix --diff` and `site export` run over a copy of
each corpus family, outside git, with today fixed. test_corpus_output.py compares a fresh run
with the recording in tests/golden/corpus-output.json, so a change meant to keep behaviour
(moving code, sharing a model) is shown to change nothing. When a change is meant to change
what planbook says about the corpus, record again and review the diff of the recording:

    python tests/corpus_output.py --record
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared" / "corpus"
RECORDING = HERE / "golden" / "corpus-output.json"
TODAY = "2026-12-01"  # after the newest corpus document, so no real date is "future"
TEAM = ("doctypes/planbook.toml", "doctypes/tds.yaml", "doctypes/crr.toml", "doctypes/ti.toml",
        "doctypes/rr.toml")
# family → (corpus folder, files of tests/fixtures copied beside it: the config that says
# which doc type each file is, and the team's own declarations)
FAMILIES = {
    "khive-ip": ("khive/ip", ()),
    "khive-other": ("khive/other", TEAM),
    "madr": ("madr", ("corpus/madr/planbook.toml",)),
    "backlog": ("backlog", ("corpus/backlog/planbook.toml",)),
}
COMMANDS = {
    "lint-text": ["lint", "--statistics", "docs"],
    "lint-json": ["lint", "--format", "json", "docs"],
    "status-json": ["status", "--format", "json", "docs"],
    "fix-diff": ["fix", "--diff", "docs"],
}


def copy_family(name: str, work: Path) -> Path:
    """A family's documents in `work/NAME/docs`, with its config beside them; the root."""
    folder, declared = FAMILIES[name]
    root = work / name
    shutil.copytree(SHARED / folder, root / "docs",
                    ignore=shutil.ignore_patterns("LICENSE", "SOURCES.tsv"))
    for file in declared:
        shutil.copy(HERE / "fixtures" / file, root / Path(file).name)
    return root


def lint_family(name: str, work: Path) -> list[dict]:
    """`planbook lint --format json` over one family, as its config types it."""
    from planbook.cli import cli

    root = copy_family(name, work)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(cli, COMMANDS["lint-json"], catch_exceptions=False)
    finally:
        os.chdir(cwd)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def run_family(name: str, work: Path) -> dict[str, str]:
    """Every command's exit code and output for one family, copied into `work`."""
    from planbook.cli import cli

    root = copy_family(name, work)
    out: dict[str, str] = {}
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        for key, args in COMMANDS.items():
            result = runner.invoke(cli, args, catch_exceptions=False)
            out[key] = f"exit {result.exit_code}\n{result.stdout}"
        result = runner.invoke(cli, ["site", "export", "site", "--plans-dir", "docs",
                                     "--no-git"], catch_exceptions=False)
        files = sorted(p for p in (root / "site").rglob("*") if p.is_file())
        out["site-export"] = f"exit {result.exit_code}\n" + "".join(
            f"{p.relative_to(root / 'site').as_posix()} {_digest(p, work)}\n" for p in files)
    finally:
        os.chdir(cwd)
    return out


def _digest(path: Path, work: Path) -> str:
    """A short hash of a file, with the temporary folder's path taken out of its text."""
    from planbook.site.markup import md_escape

    data = path.read_bytes()
    for folder in {str(work), str(work.resolve())}:
        for written in (md_escape(folder), folder):
            data = data.replace(written.encode(), b"<work>")
    return hashlib.sha256(data).hexdigest()[:16]


def run_all() -> dict[str, dict[str, str]]:
    os.environ["PLANBOOK_TODAY"] = TODAY
    with tempfile.TemporaryDirectory() as work:
        return {name: run_family(name, Path(work)) for name in FAMILIES}


def main(argv: list[str]) -> int:
    found = run_all()
    if "--record" in argv:
        RECORDING.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n",
                             encoding="utf-8")
        print(f"recorded {RECORDING}")
        return 0
    recorded = json.loads(RECORDING.read_text(encoding="utf-8"))
    return 0 if recorded == found else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
