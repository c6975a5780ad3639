"""planbook's pytest plugin: the `plan` marker, written into the JUnit XML.

`@pytest.mark.plan("IP-7", "UT-1")` says which plan tests a test implements. The plugin
registers the marker (so `--strict-markers` accepts it) and records it on each marked test as
the user property `plan` = "IP-7 UT-1", which `pytest --junitxml` writes as
`<property name="plan" value="IP-7 UT-1"/>`; `planbook trace --junit` reads it back. pytest
loads it through the `pytest11` entry point. It imports nothing, prints nothing and does
nothing to a test without the marker.
"""

from __future__ import annotations

MARKER = "plan"


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(plan_id, *test_ids): the plan tests this test implements, "
                   "for planbook trace (IP-7 UT-1)")


def pytest_itemcollected(item) -> None:
    """Record each `plan` marker of the test as a `plan` property, plan ID first."""
    for mark in item.iter_markers(name=MARKER):
        ids = [str(arg).strip() for arg in mark.args if isinstance(arg, str) and arg.strip()]
        if len(ids) >= 2:
            item.user_properties.append((MARKER, " ".join(ids)))
