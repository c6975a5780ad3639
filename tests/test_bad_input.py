"""Bad input gets a clear finding with a code and a line, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planbook.cli import cli

PLANBOOK = str(Path(sys.executable).with_name("planbook"))


def lint(path: Path, *args: str):
    result = CliRunner().invoke(cli, ["lint", "-q", *args, str(path)], catch_exceptions=False)
    return result.exit_code, result.output


def codes_at(output: str) -> list[tuple[str, int]]:
    """(code, line) for each finding line."""
    out = []
    for line in output.splitlines():
        where, _, rest = line.partition(": ")
        out.append((rest.split()[0], int(where.split(":")[-2])))
    return out


@pytest.mark.parametrize(
    ("content", "code", "line", "words"),
    [
        (b"", "FM001", 1, "no frontmatter"),
        (b"# A plan\n\ntext\n", "FM001", 1, "no frontmatter"),
        (b"\n\n---\ntitle: x\n---\n", "FM001", 3, "must start on the first line"),
        (b"---\ntitle: x\n# A plan\n", "FM002", 1, "not closed"),
        (b"---\ntitle: x\nby: [a, b\n---\n", "FM003", 4, "YAML syntax error"),
        (b"---\n---\n", "FM004", 1, "empty"),
        (b"---\n- a\n- b\n---\n", "FM004", 2, "not a list"),
        (b"\x00\x01\x02\x03", "IO002", 1, "binary"),
        (b"---\ntitle: caf\xe9\n---\n", "IO002", 2, "not valid UTF-8"),
    ],
)
def test_broken_files(tmp_path, content, code, line, words):
    path = tmp_path / "p.md"
    path.write_bytes(content)
    exit_code, output = lint(path)
    assert exit_code == 1
    assert (code, line) in codes_at(output)
    assert words in output


def test_alias_bomb_is_refused_quickly(tmp_path):
    rows = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev, name = chr(96 + i), chr(97 + i)
        rows.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    (tmp_path / "bomb.md").write_text("---\n" + "\n".join(rows) + "\n---\n")
    # Nine levels of nine expand to 387 million values; the guard answers at once.
    proc = subprocess.run([PLANBOOK, "lint", "-q", "bomb.md"], cwd=tmp_path, timeout=10,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout.startswith("bomb.md:2:1: FM014 [yaml-alias-bomb]")
    assert proc.stderr == ""


def test_bom_and_crlf_read_like_plain_files(tmp_path):
    text = '---\ntitle: "x"\nversion: 1.10\n---\n\n## 1. Overview\n'
    (tmp_path / "plain.md").write_bytes(text.encode())
    (tmp_path / "bom-crlf.md").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    plain = lint(tmp_path / "plain.md")[1].replace("plain.md", "X")
    other = lint(tmp_path / "bom-crlf.md")[1].replace("bom-crlf.md", "X")
    assert plain == other
    assert ("FM011", 3) in codes_at(plain)


def test_five_megabyte_file(tmp_path):
    head = '---\ntitle: "big"\n---\n\n## 1. Overview\n\n'
    paragraph = "A plan that goes on and on about its ranking service and its caches.\n\n"
    text = head + paragraph * (5 * 1024 * 1024 // len(paragraph))
    path = tmp_path / "big.md"
    path.write_text(text)
    assert path.stat().st_size > 5_000_000
    exit_code, output = lint(path, "--select", "FM,ST001")
    assert exit_code == 1
    assert ("FM006", 1) in codes_at(output)


def test_directory_named_like_a_plan(tmp_path):
    (tmp_path / "x.md").mkdir()
    exit_code, output = lint(tmp_path / "x.md")
    assert exit_code == 1
    assert output.endswith("x.md:1:1: IO001 [unreadable-file] is a directory, not a plan file\n")


def test_symlink_loop(tmp_path):
    os.symlink(tmp_path / "b.md", tmp_path / "a.md")
    os.symlink(tmp_path / "a.md", tmp_path / "b.md")
    exit_code, output = lint(tmp_path)
    assert exit_code == 1
    assert codes_at(output) == [("IO001", 1), ("IO001", 1)]
    assert "symbolic link loop" in output


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "secret.md"
    path.write_text("---\ntitle: x\n---\n")
    path.chmod(0)
    if os.access(path, os.R_OK):  # running as root: make the read itself fail
        real_open = open

        def deny(file, *args, **kwargs):
            if str(file) == str(path):
                raise PermissionError(13, "Permission denied")
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr("builtins.open", deny)
    exit_code, output = lint(path)
    assert exit_code == 1
    assert "IO001 [unreadable-file] cannot read file: Permission denied" in output


def test_bad_config_exits_two_without_traceback(tmp_path):
    (tmp_path / "planbook.toml").write_text("paths = 3\n")
    proc = subprocess.run([PLANBOOK, "lint"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "paths: expected a list" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_fifo_or_device_is_reported_not_read(tmp_path, kind):
    if kind == "fifo":
        os.mkfifo(tmp_path / "pipe.md")
        target, shown = ".", "pipe.md"  # found by walking the folder
    else:
        target = shown = "/dev/zero"
    proc = subprocess.run([PLANBOOK, "lint", "-q", target], cwd=tmp_path, timeout=30,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout == f"{shown}:1:1: IO001 [unreadable-file] is not a regular file\n"


def test_a_fifo_swapped_in_after_the_check_is_caught_on_the_open_file(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    # the check before opening is told nothing is wrong, as if the FIFO arrived just after it
    script = ("import planbook.reading as p\n"
              "p._read_problem = lambda path: ''\n"
              "try:\n    p.read_file('pipe.md')\nexcept p.Unreadable as exc:\n    print(exc)\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, timeout=30,
                          capture_output=True, text=True)
    assert proc.stdout == "is not a regular file\n", proc.stderr
