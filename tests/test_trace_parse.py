"""What counts as a citation, a test's mark and a JUnit result, read without git."""

from __future__ import annotations

import pytest

from planbook import trace
from planbook.git import Commit


def is_plan(word: str) -> bool:
    return word.startswith("IP-")


@pytest.mark.parametrize("message, expected", [
    ("Add the store (IP-7 T-3)", [("IP-7", ["T-3"])]),
    ("Backoff\n\nPlan: IP-7 T-3\nPlan: IP-8 T-1", [("IP-7", ["T-3"]), ("IP-8", ["T-1"])]),
    ("IP-7 T-3, T-4 and T-5", [("IP-7", ["T-3", "T-4", "T-5"])]),
    ("IP-7 T-3 T-4", [("IP-7", ["T-3", "T-4"])]),
    ("IP-7 T-3, IP-8 T-1", [("IP-7", ["T-3"]), ("IP-8", ["T-1"])]),
    ("IP-7 T-API-2", [("IP-7", ["T-API-2"])]),
    ("Finish IP-7 T-3.", [("IP-7", ["T-3"])]),
])
def test_citations_are_read(message, expected):
    assert trace.citations(message, is_plan) == expected


@pytest.mark.parametrize("message", [
    "T-3 done",  # a task without a plan
    "see IP-7 for the design",  # a plan without a task
    "XIP-7 T-3",  # inside another word
    "IP-70 is not IP-7; IP-7-search T-3",  # a longer ID, a file stem
    "plans/IP-7 T-3",  # a path
    "IP-7.1 T-3",  # a version
    "IP-7\nT-3",  # the task on another line
    "IP-7: T-3",  # not the citation's form
    "IP-7 T-3x",  # not an ID
])
def test_non_citations_are_not_read(message):
    assert trace.citations(message, is_plan) == []


def test_read_commits_splits_known_tasks_from_unknown_plans():
    index = trace.Index()
    commits = [Commit("b" * 40, "2026-03-03T10:00:00+00:00", "Two", "Two\n\nIP-9 T-1, UT-1"),
               Commit("a" * 40, "2026-03-02T10:00:00+00:00", "One", "One IP-7 T-1, UT-2"),
               Commit("c" * 40, "2026-03-01T10:00:00+00:00", "UTF-8", "UTF-8 T-1 SHA-1 T-2")]
    trace.read_commits(index, commits, {"IP-7"}, ("T",))
    assert index.cites == {"IP-7": {"T-1": [trace.CommitRef("a" * 40, commits[1].date, "One")],
                                    "UT-2": [trace.CommitRef("a" * 40, commits[1].date, "One")]}}
    # IP-9 has a known plan's prefix but no plan; only task-shaped IDs after it count
    assert index.unknown_plans == [trace.Unknown("b" * 40, commits[0].date, "Two", "IP-9", "T-1",
                                                 "no such plan")]


def scan(text: str, path: str = "t.py"):
    return [(plan, test, where.line, where.name) for plan, test, where in
            trace.scan_test_file(text, path, trace.test_pattern(None))]


def test_marker_and_pattern_in_test_files():
    python = ('import pytest\n\n@pytest.mark.plan("IP-7", "UT-1", \'UT-2\')\n'
              '@pytest.mark.slow\ndef test_one():\n    """IP-7:IT-1 also."""\n')
    assert scan(python) == [("IP-7", "UT-1", 5, "test_one"), ("IP-7", "UT-2", 5, "test_one"),
                            ("IP-7", "IT-1", 6, "test_one")]
    go = "package x\n\n// IP-7:UT-3 parses\nfunc TestParse(t *testing.T) {}\n"
    assert scan(go, "x_test.go") == [("IP-7", "UT-3", 3, "TestParse")]
    assert scan("// see wIP-7:UT-3, IP-7:UT-3x and IP-7-UT-3\n") == []


def test_a_custom_pattern_needs_its_groups():
    with pytest.raises(trace.TraceError, match="name two groups"):
        trace.test_pattern(r"(\w+)")
    with pytest.raises(trace.TraceError, match="not a regular expression"):
        trace.test_pattern(r"(?P<plan>")
    custom = trace.test_pattern(r"@covers (?P<plan>IP-\d+)/(?P<test>UT-\d+)")
    assert [(p, t) for p, t, _ in trace.scan_test_file("# @covers IP-7/UT-4\n", "t", custom)] \
        == [("IP-7", "UT-4")]


def test_junit_results_pass_fail_skip_and_error():
    data = b"""<testsuites><testsuite name="s">
      <testcase name="a"><properties><property name="plan" value="IP-7 UT-1"/></properties>
      </testcase>
      <testcase name="b"><failure message="no"/></testcase>
      <testcase name="c"><skipped/></testcase>
      <testcase name="IP-7:UT-4 d"><error/></testcase>
    </testsuite></testsuites>"""
    assert trace.junit_cases(data, "r.xml") == [
        ("a", "", ["IP-7 UT-1"], "passed"), ("b", "", [], "failed"), ("c", "", [], "skipped"),
        ("IP-7:UT-4 d", "", [], "failed")]


@pytest.mark.parametrize("data, message", [
    (b"<testsuite><testcase name='a'>", "r.xml:1: not well-formed XML"),
    (b"", "r.xml:1: not well-formed XML"),
    (b"<html><body/></html>", "not JUnit XML (its root element is <html>"),
    (b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
     b"<testsuite/>", "declares XML entities"),
])
def test_bad_junit_is_a_clear_error(data, message):
    with pytest.raises(trace.TraceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        trace.junit_cases(data, "r.xml")


def test_junit_file_that_is_not_a_file(tmp_path):
    index = trace.Index()
    with pytest.raises(trace.TraceError, match="--junit"):
        trace.read_junit(index, [tmp_path], trace.test_pattern(None))
    with pytest.raises(trace.TraceError, match="--junit"):
        trace.read_junit(index, [tmp_path / "missing.xml"], trace.test_pattern(None))


def test_results_combine_worst_first():
    assert trace.result_of(["passed", "failed"]) == "failed"
    assert trace.result_of(["skipped", "passed"]) == "passed"
    assert trace.result_of(["skipped"]) == "skipped"
    assert trace.result_of([]) == "missing"


def test_test_globs(tmp_path):
    for rel in ("tests/test_a.py", "tests/unit/test_b.py", "tests/data.json", "web/a.test.js",
                "web/node_modules/x/b.test.js", "web/.cache/c.test.js", "top_test.go",
                "pkg/x_test.go"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("", encoding="utf-8")
    found = trace.test_files(tmp_path, ["tests/**/*.py", "web/**/*.test.js", "**/*_test.go",
                                        "./tests/test_[!b]*.py"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "pkg/x_test.go", "tests/test_a.py", "tests/unit/test_b.py", "top_test.go",
        "web/a.test.js"]
    for bad in ("/etc/*.py", "../**/*.py", "", "tests/../../x.py"):
        with pytest.raises(trace.TraceError, match="must be a glob relative to the project"):
            trace.test_files(tmp_path, [bad])


def test_junit_plan_properties_of_any_shape(tmp_path):
    junit = tmp_path / "r.xml"
    junit.write_text('<testsuite><testcase name="a"><properties><property name="plan" value=""/>'
                     '<property name="plan" value="IP-7"/><property name="plan" '
                     'value="IP-7, UT-1, UT-2"/><property name="owner" value="IP-7 UT-9"/>'
                     "</properties></testcase></testsuite>", encoding="utf-8")
    index = trace.Index()
    trace.read_junit(index, [junit], trace.test_pattern(None))
    assert index.results == {("IP-7", "UT-1"): ["passed"], ("IP-7", "UT-2"): ["passed"]}


def test_junit_cases_no_test_file_names(tmp_path):
    junit = tmp_path / "r.xml"
    junit.write_text('<testsuite><testcase name="unrelated"/><testcase name="test_x[2]"/>'
                     "</testsuite>", encoding="utf-8")
    index = trace.Index(implemented={("IP-7", "UT-3"): [trace.Implementation("t.py", 3,
                                                                             "test_x")]})
    trace.read_junit(index, [junit], trace.test_pattern(None))
    assert index.results == {("IP-7", "UT-3"): ["passed"]}  # test_x[2] is a run of test_x
