"""Each corpus family, linted with its own type, says only what its authors would agree with.

The families are copied and typed exactly as tests/corpus_output.py records them: the khive
plans as IP, khive's other documents with the team's declared types, the MADR records and the
Backlog.md tasks with the shipped presets. tests/corpus-judgement.md holds every finding, read
and judged; these tests fail when lint says something that is not in it, or stops saying
something that is. The false classes that were fixed on the way are asserted absent by name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import corpus_output
from conftest import require_corpus

JUDGEMENT = Path(__file__).parent / "corpus-judgement.md"
ROW = re.compile(r"^\| (?P<file>[^|]+?) \| (?P<line>\d+) \| (?P<code>[A-Z]{2}\d{3}) \| "
                 r"(?P<verdict>\w+) \| (?P<why>[^|]+) \|$")


def judged() -> dict[str, set[tuple[str, int, str, str]]]:
    """Family → (file, line, code, verdict) of every judged finding."""
    out: dict[str, set] = {}
    family = ""
    for text in JUDGEMENT.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## ([\w-]+): ", text)
        if heading:
            family = heading.group(1)
            continue
        row = ROW.match(text)
        if row and family:
            out.setdefault(family, set()).add(
                (row["file"], int(row["line"]), row["code"], row["verdict"]))
    return out


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    require_corpus()
    import os

    before = os.environ.get("PLANBOOK_TODAY")
    os.environ["PLANBOOK_TODAY"] = corpus_output.TODAY
    try:
        work = tmp_path_factory.mktemp("families")
        return {name: corpus_output.lint_family(name, work) for name in corpus_output.FAMILIES}
    finally:
        if before is None:
            del os.environ["PLANBOOK_TODAY"]
        else:
            os.environ["PLANBOOK_TODAY"] = before


def found(findings, family: str, code: str | None = None) -> list[dict]:
    return [f for f in findings[family] if code is None or f["code"] == code]


def at(findings, family: str, name: str, code: str) -> list[tuple[int, str]]:
    return [(f["line"], f["message"]) for f in found(findings, family, code)
            if f["path"] == f"docs/{name}"]


@pytest.mark.parametrize("family", sorted(corpus_output.FAMILIES))
def test_every_finding_is_judged_true(findings, family):
    table = judged()[family]
    assert {verdict for *_, verdict in table} <= {"true", "excerpt"}
    now = {(f["path"].removeprefix("docs/"), f["line"], f["code"]) for f in findings[family]}
    listed = {(file, line, code) for file, line, code, _ in table}
    assert now - listed == set(), "findings nobody has judged: add them to corpus-judgement.md"
    assert listed - now == set(), "judged findings that are gone: update corpus-judgement.md"
    # the same finding twice on one line (several RF004 on line 230) is counted once above
    assert len(findings[family]) >= len(table)


# -- the classes that were false, asserted absent -------------------------------------------


def test_no_false_class_appears_anywhere(findings):
    everything = [f for family in findings for f in findings[family]]
    messages = [f"{f['code']} {f['message']}" for f in everything]
    assert not [m for m in messages if m.startswith("ST004") and "used twice" in m]
    assert not [m for m in messages if m.startswith("ST005") and "italic" in m]
    assert not [m for m in messages if m.startswith("SQ001") and "matches no task" in m]
    assert not [m for m in messages if m.startswith("TB002")]
    assert not [m for m in messages if m.startswith("CK002") and "touched" in m]
    for family in findings:
        per_file: dict[str, int] = {}
        for f in found(findings, family, "ST001"):
            if "missing section" in f["message"]:
                per_file[f["path"]] = per_file.get(f["path"], 0) + 1
        assert max(per_file.values(), default=0) <= 4, per_file


def test_madr_and_backlog_are_not_held_to_the_ip_type(findings):
    for family in ("madr", "backlog"):
        for f in findings[family]:
            assert "IP" not in f["message"], f
            assert f["code"] not in ("FM006", "FM013", "FM010"), f


# -- the true findings, read in each document ---------------------------------------------


def test_khive_ip_true_findings(findings):
    assert [line for line, _ in at(findings, "khive-ip", "IP-28.md", "FM012")] == [2]
    assert [line for line, _ in at(findings, "khive-ip", "IP-26.md", "FM003")] == [11]
    assert at(findings, "khive-ip", "IP-103.md", "ST004") == [
        (144, "section 3.3 follows 3.1; expected 3.2")]
    # the bars of IP-103 cite T-1…T-6 and "T-7 to T-11": every task is scheduled
    assert at(findings, "khive-ip", "IP-103.md", "SQ001") == []
    # a sequence without task IDs is not held to the table bar by bar
    assert at(findings, "khive-ip", "IP-24-test-coverage.md", "SQ001") == []
    # "T-1 to T-9" in the Dependencies, and the gantt forgets T-5 and T-8
    assert (232, "T-10 can start before T-5, T-8 ends: the sequence does not put it after "
                 "them, but its Dependencies list them") in at(findings, "khive-ip", "IP-84.md",
                                                               "SQ001")
    none = at(findings, "khive-ip", "IP-152-test-fixes.md", "ST001")
    assert len(none) == 1 and none[0][1].startswith("none of the 10 IP sections found")
    assert (38, "the template's instruction is still here: _Brief summary of the component's "
                "purpose and functionality.") in at(findings, "khive-ip", "IP-26.md", "ST005")


def test_khive_other_true_findings(findings):
    assert [line for line, _ in at(findings, "khive-other", "TI-81.md", "FM011")] == [6]
    assert [line for line, _ in at(findings, "khive-other", "CRR-81.md", "FM012")] == [9]
    tds = at(findings, "khive-other", "TDS-80.md", "ST001")
    assert len(tds) == 1 and tds[0][1].startswith("7 of the 11 TDS sections are missing")
    assert [line for line, _ in at(findings, "khive-other", "TDS-100.md", "ST005")] == [13]


def test_madr_true_findings(findings):
    assert at(findings, "madr", "0008-support-generic-llm-request-settings.md", "FM007") == [
        (5, "'date' should be a date (YYYY-MM-DD), not '2023-9-15'")]
    assert at(findings, "madr", "0021-json-serializable-custom-types.md", "ST003") == [
        (124, "section 'Decision Outcome' is empty")]
    assert at(findings, "madr", "0068-structured-data-connector.md", "ST001") == [
        (7, "missing section 'Considered Options'")]
    assert [line for line, _ in at(findings, "madr", "0072-context-based-function-selection.md",
                                   "ST008")] == [10]


def test_backlog_true_findings(findings):
    name = "back-245 - Fix-case-insensitive-priority-filtering.md"
    assert at(findings, "backlog", name, "ST003") == [(13, "section 'Description' is empty")]
    assert [line for line, _ in at(
        findings, "backlog", "back-4.11 - docs-add-definition-of-done-to-agent-guidelines.md",
        "FM003")] == [6]
    assert [line for line, _ in at(
        findings, "backlog",
        "back-91 - Fix-Windows-issues-empty-task-list-and-weird-Q-character.md", "FM003")] == [5]
    done = at(findings, "backlog",
              "back-467 - Build-win32-arm64-release-binary-on-a-Linux-runner.md", "CK002")
    assert len(done) == 1 and "1 checklist item is unchecked: line 36: #3 Release" in done[0][1]
