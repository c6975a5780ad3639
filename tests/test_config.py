"""Configuration: where it is found, what each key does, and errors that name the key."""

import os
import subprocess
from pathlib import Path

import pytest

from gitrepo import PLANBOOK
from planbook.config import ConfigError, find_config, load_config
from planbook.lint import Linter, discover, lint_paths

BROKEN = """---
title: "Warm-up"
version: 1.0
doc_type: IP
owner: "kim"
---

# Implementation Plan: Warm-up
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def codes(config, paths, **kwargs):
    result = lint_paths(discover([str(p) for p in paths], config), Linter(config, **kwargs))
    return [(Path(f.path).name, f.code, f.severity) for f in result.findings]


def test_pyproject_section_is_found_upwards(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.planbook]\n'
          'paths = ["docs/plans"]\n')
    (tmp_path / "docs" / "plans").mkdir(parents=True)
    assert find_config(tmp_path / "docs" / "plans") == tmp_path / "pyproject.toml"
    config = load_config(start=tmp_path / "docs" / "plans")
    assert config.paths == ("docs/plans",)
    assert config.root == tmp_path


def test_pyproject_without_our_section_is_skipped(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    write(tmp_path / "sub" / "planbook.toml", 'select = ["FM"]\n')
    assert find_config(tmp_path / "sub") == tmp_path / "sub" / "planbook.toml"
    assert find_config(tmp_path) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('selct = ["FM"]\n', "selct: unknown key; did you mean 'select'?"),
        ('select = "FM"\n', "select: expected a list"),
        ('[severity]\nFM013 = "fatal"\n',
         "severity.FM013: must be one of error, warning, info"),
        ("paths = [\n", "Invalid value (at end of document)"),
    ],
)
def test_config_errors_name_the_key(tmp_path, text, words):
    write(tmp_path / "planbook.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(start=tmp_path)
    assert words in str(caught.value)
    assert "planbook.toml" in str(caught.value)


def test_select_ignore_severity_and_per_file_ignores(tmp_path):
    write(tmp_path / "planbook.toml", """
select = ["FM"]
ignore = ["FM006"]
[severity]
FM013 = "error"
[per-file-ignores]
"plans/legacy/*.md" = ["FM011"]
""")
    write(tmp_path / "plans" / "a.md", BROKEN)
    write(tmp_path / "plans" / "legacy" / "b.md", BROKEN)
    config = load_config(start=tmp_path)
    found = codes(config, [tmp_path / "plans"])
    assert found == [
        ("a.md", "FM011", "error"),
        ("a.md", "FM013", "error"),
        ("b.md", "FM013", "error"),
    ]


def test_exclude_skips_walked_files_but_not_explicit_ones(tmp_path):
    write(tmp_path / "planbook.toml", 'exclude = ["plans/drafts/*"]\n')
    write(tmp_path / "plans" / "a.md", BROKEN)
    draft = write(tmp_path / "plans" / "drafts" / "b.md", BROKEN)
    config = load_config(start=tmp_path)
    assert [Path(p).name for p in discover([str(tmp_path / "plans")], config)] == ["a.md"]
    assert discover([str(draft)], config) == [str(draft)]


def test_doc_type_globs_and_inline_types(tmp_path):
    write(tmp_path / "planbook.toml", """
[doc-types]
"adr/*.md" = "ADR"

[types.ADR]
description = "Architecture decision record"
finished = ["accepted", "superseded"]
[types.ADR.fields.title]
type = "string"
required = true
[types.ADR.fields.status]
values = ["proposed", "accepted", "superseded"]
[[types.ADR.sections]]
title = "Context"
[[types.ADR.sections]]
title = "Decision"
""")
    write(tmp_path / "adr" / "1.md", '---\ntitle: "Use TOML"\nstatus: accpted\n---\n\n'
          "## Decision\n\nTOML.\n")
    config = load_config(start=tmp_path)
    result = lint_paths([str(tmp_path / "adr" / "1.md")], Linter(config))
    got = [(f.line, f.code, f.message) for f in result.findings]
    assert got == [
        (3, "FM007", "'status' is 'accpted', which is not one of proposed, accepted, "
                     "superseded; did you mean 'accepted'?"),
        (5, "ST001", "missing section 'Context'"),
    ]


def test_invalid_inline_type_is_a_usage_problem(tmp_path):
    write(tmp_path / "planbook.toml", '[types.ADR]\nsections = [{ name = "Context" }]\n')
    config = load_config(start=tmp_path)
    with pytest.raises(ValueError) as caught:
        Linter(config)
    assert "types.ADR" in str(caught.value)
    assert "sections[0].name: unknown key" in str(caught.value)


@pytest.mark.parametrize("where", ["type-files", "--config"])
def test_a_fifo_as_config_or_doc_type_file_is_refused_unread(tmp_path, where):
    write(tmp_path / "plans" / "a.md", BROKEN)
    os.mkfifo(tmp_path / "pipe.toml")
    if where == "type-files":
        write(tmp_path / "planbook.toml", 'type-files = ["pipe.toml"]\n')
        args = ["lint"]
    else:
        args = ["lint", "--config", "pipe.toml", "plans"]
    proc = subprocess.run([PLANBOOK, *args], cwd=tmp_path, capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 2
    assert "pipe.toml: is not a regular file" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("text", [
    '[project]\nname = "x"\n\n[tool.planbook]\npaths = ["plans"\nselect = ["FM"]\n',
    '[project]\nname = "x"\n\n[tool.planbook\npaths = ["plans"]\n',
    '[project\nname = "x"\n\n[tool.planbook.severity]\nFM013 = "error"\n',
    'tool.planbook.paths = ["plans"]\n[project]\nname = = "x"\n',
])
def test_a_broken_pyproject_that_configures_planbook_is_an_error(tmp_path, text):
    write(tmp_path / "pyproject.toml", text)
    write(tmp_path / "plans" / "a.md", BROKEN)
    assert find_config(tmp_path / "plans") == tmp_path / "pyproject.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(start=tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'pyproject.toml'}: invalid TOML: ")
    assert "(at line " in str(caught.value)
    proc = subprocess.run([PLANBOOK, "lint"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 2 and "pyproject.toml: invalid TOML" in proc.stderr, proc.stderr


def test_a_broken_pyproject_that_never_names_planbook_is_passed_over(tmp_path):
    write(tmp_path / "planbook.toml", 'select = ["FM"]\n')
    write(tmp_path / "sub" / "pyproject.toml",
          '[project\nname = "x"\n# see [tool.planbook] in planbook.toml\n'
          '[tool.planbook-helper]\nx = 1\n')
    assert find_config(tmp_path / "sub") == tmp_path / "planbook.toml"


def test_a_pyproject_that_configures_planbook_must_be_utf8(tmp_path):
    write(tmp_path / "pyproject.toml", "")
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.planbook]\n# caf\xe9\npaths = ["p"]\n')
    with pytest.raises(ConfigError) as caught:
        load_config(start=tmp_path)
    assert "pyproject.toml: not valid UTF-8" in str(caught.value)


def test_a_file_named_twice_is_linted_once_as_first_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "plans" / "a.md", BROKEN)
    (tmp_path / "plans" / "alias.md").symlink_to("a.md")
    (tmp_path / "elsewhere").symlink_to("plans")
    config = load_config(start=tmp_path)
    named = ["plans/a.md", str(tmp_path / "plans" / "a.md"), "elsewhere/a.md", "plans"]
    assert discover(named, config) == ["plans/a.md"]
    assert discover([str(tmp_path / "plans" / "a.md"), "plans"], config) == \
        [str(tmp_path / "plans" / "a.md")]
    (tmp_path / "plans" / ".hidden").mkdir()
    write(tmp_path / "plans" / ".hidden" / "b.md", BROKEN)
    write(tmp_path / "plans" / "sub" / "c.md", BROKEN)
    spellings: list[str] = []
    assert discover(["."], config, spellings) == ["plans/a.md", "plans/sub/c.md"]
    # a linked folder is not walked into, a linked file is a spelling of its target
    assert spellings == ["plans/a.md", "plans/alias.md", "plans/sub/c.md"]
    proc = subprocess.run([PLANBOOK, "lint", "--select", "FM011", str(tmp_path / "plans/a.md"),
                           "plans/a.md"], capture_output=True, text=True, timeout=30)
    assert proc.stdout.count("FM011") == 1, proc.stdout
    assert "1 file checked" in proc.stdout


@pytest.mark.parametrize(("text", "words"), [
    ('[doc-types]\n"adr/*.md" = "ADRR"\n',
     "doc-types: 'adr/*.md' asks for doc type 'ADRR', which is not declared "
     "(known: ADR, Backlog, IP, MADR, playbook, speckit-plan, speckit-spec, speckit-tasks)"),
    ('default-type = "RFC"\n', "default-type: 'RFC' is not a declared doc type"),
])
def test_config_naming_an_undeclared_doc_type_says_which(tmp_path, text, words):
    write(tmp_path / "planbook.toml", text)
    write(tmp_path / "adr" / "1.md", '---\ntitle: "Use TOML"\ndoc_type: IP\n---\n')
    with pytest.raises(ConfigError) as caught:
        Linter(load_config(start=tmp_path))
    assert str(caught.value).startswith(f"{tmp_path / 'planbook.toml'}: {words}")
    proc = subprocess.run([PLANBOOK, "lint", "adr"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 2 and words in proc.stderr, proc.stderr
    assert "unknown doc type 'IP'" not in proc.stdout + proc.stderr


def test_globs_match_like_gitignore_so_a_folder_pattern_listed_first_keeps_its_folder(
        tmp_path):
    """`*` stays in one folder: "plans/*.md" = "IP", listed first, does not take the ADRs
    that "plans/adr/*.md" names (with fnmatch, whose `*` crosses `/`, it did)."""
    write(tmp_path / "planbook.toml", '[doc-types]\n"plans/*.md" = "IP"\n'
          '"plans/adr/*.md" = "ADR"\n"**/madr/*.md" = "MADR"\n')
    config = load_config(start=tmp_path)
    assert config.type_for(str(tmp_path / "plans" / "IP-1-x.md")) == "IP"
    assert config.type_for(str(tmp_path / "plans" / "adr" / "0001-x.md")) == "ADR"
    assert config.type_for(str(tmp_path / "plans" / "adr" / "old" / "0002-x.md")) is None
    assert config.type_for(str(tmp_path / "deep" / "er" / "madr" / "0003.md")) == "MADR"
    assert config.type_for(str(tmp_path / "other" / "plans" / "IP-2.md")) is None  # anchored


def test_the_order_trap_on_disk_lints_an_adr_as_an_adr(tmp_path):
    write(tmp_path / "planbook.toml", '[doc-types]\n"plans/*.md" = "IP"\n'
          '"plans/adr/*.md" = "ADR"\n')
    adr = write(tmp_path / "plans" / "adr" / "0001-use-x.md", "# 1. Use X\n")
    config = load_config(start=tmp_path)
    linter = Linter(config)
    from planbook.parse import read_plan

    assert linter.doctype_for(read_plan(str(adr))).name == "ADR"


def test_exclude_and_per_file_ignores_use_the_same_globs(tmp_path):
    write(tmp_path / "planbook.toml", 'exclude = ["plans/archive/", "*.draft.md"]\n'
          '[per-file-ignores]\n"plans/legacy/*.md" = ["FM013"]\n')
    write(tmp_path / "plans" / "a.md", BROKEN)
    write(tmp_path / "plans" / "archive" / "deep" / "old.md", BROKEN)
    write(tmp_path / "plans" / "sub" / "b.draft.md", BROKEN)
    write(tmp_path / "plans" / "legacy" / "c.md", BROKEN)
    write(tmp_path / "plans" / "legacy" / "deeper" / "d.md", BROKEN)
    config = load_config(start=tmp_path)
    found = [Path(p).relative_to(tmp_path).as_posix()
             for p in discover([str(tmp_path / "plans")], config)]
    assert found == ["plans/a.md", "plans/legacy/c.md", "plans/legacy/deeper/d.md"]
    assert config.ignored_for(str(tmp_path / "plans" / "legacy" / "c.md")) == {"FM013"}
    assert config.ignored_for(str(tmp_path / "plans" / "legacy" / "deeper" / "d.md")) == set()


def test_a_glob_that_cannot_be_read_is_a_config_error_naming_its_key(tmp_path):
    write(tmp_path / "planbook.toml", 'exclude = ["plans/a\\\\"]\n')
    with pytest.raises(ConfigError, match=r"exclude: bad pattern 'plans/a\\\\'"):
        load_config(start=tmp_path)
