"""A stopped `planbook fix` leaves every plan whole, as it was or fixed, and no temporary file.

The fix runs as a real process with PLANBOOK_TEST_PAUSE set: at each step it names (a file
read, a fixed file about to replace the original) it says so on stderr and waits for a byte on
stdin. The test sends the signal at one exact step, then lets the process go on, so every step
of the run is tried without guessing at timing.
"""

from __future__ import annotations

import signal
import subprocess

import pytest

from gitrepo import PLANBOOK, env

PLAN = '---\ntitle: "Plan {n}"\nversion: 1.10\n---\n\n# Plan {n}\n'
FILES = 2


def make_plans(folder) -> list:
    (folder / "plans").mkdir()
    paths = []
    for n in range(1, FILES + 1):
        path = folder / "plans" / f"IP-{n}.md"
        path.write_text(PLAN.format(n=n), encoding="utf-8")
        paths.append(path)
    return paths


def fixed(n: int) -> str:
    return PLAN.format(n=n).replace("version: 1.10", 'version: "1.10"')


def run(folder, stop_at: int | None = None, signum: int = signal.SIGTERM):
    """Run fix over the plans, sending `signum` at the `stop_at`-th pause (1-based)."""
    # as from a terminal: a shell starting a command in the background without job control
    # has it ignore SIGINT, and a test run started so would pass that on to the fix
    proc = subprocess.Popen([PLANBOOK, "fix", "plans", "--select", "FM011"], cwd=folder,
                            env=env(PLANBOOK_TEST_PAUSE="1"), stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    pauses, other = [], []
    for raw in proc.stderr:
        line = raw.decode()
        if not line.startswith("planbook-test: pause "):
            other.append(line)
            continue
        pauses.append(tuple(line.split()[2:]))
        if len(pauses) == stop_at:
            proc.send_signal(signum)
        try:
            proc.stdin.write(b"x")
            proc.stdin.flush()
        except BrokenPipeError:  # it has stopped already
            pass
    proc.stdin.close()
    return proc.wait(timeout=60), pauses, "".join(other)


def test_the_pauses_are_the_steps_of_the_run(tmp_path):
    make_plans(tmp_path)
    code, pauses, stderr = run(tmp_path)
    assert code == 0, stderr
    assert pauses == [(step, f"plans/IP-{n}.md") for n in range(1, FILES + 1)
                      for step in ("read", "write")]
    assert [p.read_text() for p in sorted((tmp_path / "plans").iterdir())] == \
        [fixed(n) for n in range(1, FILES + 1)]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("stop_at", range(1, 2 * FILES + 1))
def test_a_stop_at_any_step_leaves_every_file_whole(tmp_path, signum, stop_at):
    paths = make_plans(tmp_path)
    code, pauses, stderr = run(tmp_path, stop_at, signum)
    assert code == 128 + signum, stderr
    assert len(pauses) == stop_at  # it stopped where it was told to, and went no further
    assert "Traceback" not in stderr and "internal error" not in stderr
    step, _ = pauses[-1]
    # files before the stopped one are fixed; the stopped one is fixed if it was being
    # written (the signal waits for the rename), and as it was if it was being read
    done = (stop_at - 1) // 2 + (1 if step == "write" else 0)
    for n, path in enumerate(paths, 1):
        assert path.read_text() == (fixed(n) if n <= done else PLAN.format(n=n)), path.name
    assert sorted(p.name for p in (tmp_path / "plans").iterdir()) == \
        [f"IP-{n}.md" for n in range(1, FILES + 1)]  # no temporary file left
