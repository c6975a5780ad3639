"""RF002 on plans of any size: thousands of tasks in a chain or a cycle, and the same findings
in the same order as the recursive walk it replaced on every small graph."""

from __future__ import annotations

import random
import re

import pytest

from planbook.rules import references

ROW = re.compile(r"^\| T-\d+ .*\n", re.MULTILINE)


def with_tasks(clean: str, deps: dict[int, list[int]]) -> str:
    """The clean plan with its tasks table holding T-1 … T-n, each depending on `deps[i]`."""
    rows = "".join(
        f"| T-{i} | Task {i} | Step {i} | {', '.join(f'T-{d}' for d in ds) or 'None'} "
        "| High | Low |\n" for i, ds in deps.items())
    first = ROW.search(clean).start()
    return clean[:first] + rows + ROW.sub("", clean[first:])


@pytest.mark.parametrize("closed", [False, True], ids=["chain", "cycle"])
def test_thousands_of_tasks_in_a_chain_or_a_cycle(clean, lint_text, closed):
    n = 3000
    deps = {i: [i + 1] for i in range(1, n)} | {n: [1] if closed else []}
    findings = lint_text(with_tasks(clean, deps), select=["RF", "PB"])
    assert [f.code for f in findings if f.code == "PB002"] == []
    cycles = [f for f in findings if f.code == "RF002"]
    if not closed:
        assert cycles == []
        return
    assert len(cycles) == 1
    assert cycles[0].message == ("dependency cycle: "
                                 + " → ".join(f"T-{i}" for i in [*range(1, n + 1), 1]))


def recursive_cycles(graph: dict[str, tuple[int, list[str]]]):
    """The walk RF002 did before it had its own stack, kept to compare the orders."""
    state: dict[str, int] = {}
    reported: set[frozenset] = set()

    def visit(task, path):
        state[task] = 1
        path.append(task)
        for dep in graph[task][1]:
            if dep not in graph:
                continue
            if state.get(dep) == 1:
                cycle = path[path.index(dep):] + [dep]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    yield graph[dep][0], 1, f"dependency cycle: {' → '.join(cycle)}"
            elif state.get(dep) is None:
                yield from visit(dep, path)
        path.pop()
        state[task] = 2

    for task in graph:
        if state.get(task) is None:
            yield from visit(task, [])


def test_same_findings_in_the_same_order_as_the_recursive_walk(monkeypatch):
    rng = random.Random(20260601)
    compared = with_cycles = 0
    for _ in range(2000):
        size = rng.randint(1, 9)
        names = [f"T-{i}" for i in range(1, size + 1)]
        graph = {name: (line, rng.sample(names + ["T-99"], rng.randint(0, min(4, size))))
                 for line, name in enumerate(names, 10)}
        monkeypatch.setattr(references, "_task_graph", lambda *_, g=graph: g)
        got = list(references.dependency_cycle(None, None))
        assert got == list(recursive_cycles(graph)), graph
        compared += 1
        with_cycles += bool(got)
    assert compared == 2000 and with_cycles > 500  # the sample holds many cycles
