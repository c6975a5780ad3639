"""Behaviour of every report format, checked on small hand-made findings."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest

from planbook.model import Finding
from planbook.report import FORMATS, ReportContext, render


def rule(code, name, severity="error", summary="", doc_path=""):
    return SimpleNamespace(
        code=code,
        name=name,
        severity=severity,
        summary=summary or f"{name} summary",
        doc_path=doc_path or f"docs/rules/{code}.md",
    )


RULES = {
    "FM003": rule("FM003", "yaml-syntax-error", "error", "Frontmatter YAML must parse."),
    "ST001": rule("ST001", "missing-section", "warning", "Required sections are present."),
    "CK002": rule("CK002", "unchecked-item", "info", "Checklist items are done."),
}


def finding(path="plans/a.md", line=1, column=1, code="FM003", severity="error", message="bad"):
    return Finding(
        path=path,
        line=line,
        column=column,
        code=code,
        name=RULES[code].name if code in RULES else code.lower(),
        severity=severity,
        message=message,
    )


def ctx(**kwargs):
    return ReportContext(rules=kwargs.pop("rules", RULES), files_checked=5, **kwargs)


SAMPLE = [
    finding("plans/b.md", 7, 3, "ST001", "warning", "missing section 'Risks'"),
    finding("plans/a.md", 2, 1, "FM003", "error", "mapping values are not allowed here"),
    finding("plans/a.md", 9, 5, "FM003", "error", "could not find expected ':'"),
]


# --- dispatch -------------------------------------------------------------------------


def test_render_rejects_unknown_format():
    with pytest.raises(ValueError, match="unknown report format 'xml'"):
        render("xml", [], ctx())


def test_render_imports_only_the_chosen_reporter():
    for fmt in FORMATS:
        sys.modules.pop(f"planbook.report.{fmt}", None)
    render("text", SAMPLE, ctx())
    assert "planbook.report.text" in sys.modules
    for fmt in ("json", "github", "sarif", "junit"):
        assert f"planbook.report.{fmt}" not in sys.modules


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_deterministic_and_ends_with_newline(fmt):
    out = render(fmt, SAMPLE, ctx())
    assert out.endswith("\n")
    assert out == render(fmt, list(reversed(SAMPLE)), ctx())


# --- text -----------------------------------------------------------------------------


def test_text_lines_and_summary():
    assert render("text", SAMPLE, ctx()).splitlines() == [
        "plans/a.md:2:1: FM003 [yaml-syntax-error] mapping values are not allowed here",
        "plans/a.md:9:5: FM003 [yaml-syntax-error] could not find expected ':'",
        "plans/b.md:7:3: ST001 [missing-section] missing section 'Risks'",
        "Found 3 problems (2 errors, 1 warning) in 2 files; 5 files checked.",
    ]


def test_text_summary_singular_and_info():
    out = render("text", [finding(code="CK002", severity="info", message="open")], ctx())
    assert out.splitlines()[-1] == "Found 1 problem (1 info) in 1 file; 5 files checked."


def test_text_no_findings():
    assert render("text", [], ctx()) == "All checked: 5 files, no problems.\n"


def test_text_statistics_table_before_summary():
    findings = [*SAMPLE, finding("plans/c.md", 1, 1, "ST001", "warning", "x")]
    findings.append(finding("plans/c.md", 2, 1, "CK002", "info", "y"))
    lines = render("text", findings, ctx(statistics=True)).splitlines()
    assert lines[-4:] == [
        "   2  FM003  [yaml-syntax-error]",
        "   2  ST001  [missing-section]",
        "   1  CK002  [unchecked-item]",
        "Found 5 problems (2 errors, 2 warnings, 1 info) in 3 files; 5 files checked.",
    ]


def test_text_quiet_prints_only_findings():
    out = render("text", SAMPLE, ctx(quiet=True, statistics=True))
    assert out.splitlines() == render("text", SAMPLE, ctx()).splitlines()[:3]
    assert render("text", [], ctx(quiet=True)) == ""


# --- json -----------------------------------------------------------------------------


def test_json_round_trip_sorted():
    data = json.loads(render("json", SAMPLE, ctx()))
    expected = sorted(SAMPLE, key=Finding.sort_key)
    assert data == [{**f.to_dict(), "fix": None} for f in expected]
    assert [Finding(**{k: v for k, v in d.items() if k != "fix"}).to_dict() for d in data] \
        == [f.to_dict() for f in expected]


def test_json_says_how_to_fix_and_links_the_rule_when_docs_url_is_set():
    given = [finding("plans/a b.md", code="FM003"), finding("plans/b.md", code="ST001")]
    data = json.loads(render("json", given, ctx(fixes=frozenset({("plans/a b.md", "FM003", 1)}),
                                                docs_url="https://example.org/rules")))
    assert data[0]["fix"] == {"command": "planbook fix --select FM003 'plans/a b.md'"}
    assert data[0]["url"] == "https://example.org/rules/FM003/"
    assert data[1]["fix"] is None and data[1]["url"] == "https://example.org/rules/ST001/"
    assert all("url" not in d for d in json.loads(render("json", given, ctx())))


def test_json_empty_is_empty_array():
    assert json.loads(render("json", [], ctx())) == []


# --- github ---------------------------------------------------------------------------


def test_github_annotation_levels():
    findings = [
        finding(line=1, code="FM003", severity="error", message="e"),
        finding(line=2, code="ST001", severity="warning", message="w"),
        finding(line=3, code="CK002", severity="info", message="i"),
    ]
    lines = render("github", findings, ctx()).splitlines()
    assert lines == [
        "::error file=plans/a.md,line=1,col=1,endLine=1,title=FM003 [yaml-syntax-error]::e",
        "::warning file=plans/a.md,line=2,col=1,endLine=2,title=ST001 [missing-section]::w",
        "::notice file=plans/a.md,line=3,col=1,endLine=3,title=CK002 [unchecked-item]::i",
        "Found 3 problems (1 error, 1 warning, 1 info) in 1 file; 5 files checked.",
    ]


def test_github_escapes_properties_and_message():
    f = finding(path="plans/a,b:c%.md", line=4, message="50% done\r\nnext: a, b")
    f.end_line = 6
    first = render("github", [f], ctx()).splitlines()[0]
    assert first == (
        "::error file=plans/a%2Cb%3Ac%25.md,line=4,col=1,endLine=6,"
        "title=FM003 [yaml-syntax-error]::50%25 done%0D%0Anext: a, b"
    )


def test_github_caps_annotations_per_level():
    errors = [finding(line=n, message=f"e{n}") for n in range(1, 14)]
    warnings = [finding(line=n, code="ST001", severity="warning", message="w") for n in (1, 2)]
    lines = render("github", errors + warnings, ctx()).splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert sum(line.startswith("::warning ") for line in lines) == 2
    assert lines[12:] == [
        "plans/a.md:11:1: FM003 [yaml-syntax-error] e11",
        "plans/a.md:12:1: FM003 [yaml-syntax-error] e12",
        "plans/a.md:13:1: FM003 [yaml-syntax-error] e13",
        "planbook: 3 more findings not shown as annotations (GitHub shows 10 per level); "
        "see the log above.",
        "Found 15 problems (13 errors, 2 warnings) in 1 file; 5 files checked.",
    ]


def test_github_overflow_log_line_cannot_start_a_command():
    findings = [finding(line=n, message="x\n::error::injected") for n in range(1, 12)]
    lines = render("github", findings, ctx()).splitlines()
    assert not any(line.startswith("::error::") for line in lines)
    assert "plans/a.md:11:1: FM003 [yaml-syntax-error] x ::error::injected" in lines


def test_github_no_findings():
    assert render("github", [], ctx()) == "All checked: 5 files, no problems.\n"


# --- sarif ----------------------------------------------------------------------------


def sarif(findings, **kwargs):
    return json.loads(render("sarif", findings, ctx(**kwargs)))


def test_sarif_structure_and_rules():
    log = sarif(SAMPLE, docs_url="https://example.org/planbook/", version="1.2.3")
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "planbook"
    assert driver["version"] == "1.2.3"
    assert driver["informationUri"] == "https://example.org/planbook/"
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == set(RULES)
    fm = rules["FM003"]
    assert fm["name"] == "yaml-syntax-error"
    assert fm["shortDescription"]["text"] == "Frontmatter YAML must parse."
    assert fm["fullDescription"]["text"]
    assert fm["helpUri"] == "https://example.org/planbook/FM003/"
    assert fm["help"] == {"text": "Frontmatter YAML must parse.",
                          "markdown": "Frontmatter YAML must parse."}
    assert fm["defaultConfiguration"]["level"] == "error"
    assert rules["ST001"]["defaultConfiguration"]["level"] == "warning"
    assert rules["CK002"]["defaultConfiguration"]["level"] == "note"
    assert "planbook" in fm["properties"]["tags"]
    assert len(run["results"]) == 3
    for res in run["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]


def test_sarif_without_docs_url_has_no_links():
    driver = sarif(SAMPLE)["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver
    assert all("helpUri" not in r for r in driver["rules"])


def test_sarif_result_location_and_levels():
    findings = [
        finding("plans\\sub\\a.md", 0, 0, "CK002", "info", "open item"),
        finding("plans/b.md", 3, 2, "ST001", "warning", "w"),
    ]
    findings[1].end_line = 5
    results = sarif(findings)["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    info = by_rule["CK002"]
    assert info["level"] == "note"
    assert info["message"]["text"] == "open item"
    loc = info["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "plans/sub/a.md", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 1, "startColumn": 1, "endLine": 1}
    warning = by_rule["ST001"]
    assert warning["level"] == "warning"
    region = warning["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 3, "startColumn": 2, "endLine": 5}


def test_sarif_fingerprint_ignores_line():
    def fp(f):
        return sarif([f])["runs"][0]["results"][0]["partialFingerprints"]

    a, b = fp(finding(line=3)), fp(finding(line=30, column=7))
    assert a == b
    assert len(a["primaryLocationLineHash"]) == 64
    assert fp(finding(line=3, message="other")) != a
    given = finding(line=3)
    given.fingerprint = "abc123"
    assert fp(given) == {"primaryLocationLineHash": "abc123",
                         "planbookFingerprint/v1": "abc123"}


def test_sarif_finding_with_unknown_rule_gets_a_descriptor():
    log = sarif([finding(code="FM003"), finding(code="XX999", severity="warning")])
    run = log["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "XX999" in ids
    for res in run["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]


# --- junit ----------------------------------------------------------------------------


def test_junit_has_a_case_per_linted_file_and_one_failure_per_failing_file():
    findings = [*SAMPLE, finding("plans/c.md", 4, 1, "CK002", "info", "open <item> & more")]
    linted = ("plans/a.md", "plans/b.md", "plans/c.md", "plans/d.md", "plans/e.md")
    suite = ET.fromstring(render("junit", findings, ctx(files=linted)))
    assert suite.tag == "testsuite"
    assert suite.get("name") == "planbook"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == list(linted)  # passing files too
    assert suite.get("tests") == str(len(cases)) == "5"
    assert suite.get("failures") == str(sum(1 for c in cases if c.find("failure") is not None))
    assert suite.get("failures") == "2"
    (a_failure,) = cases[0].findall("failure")
    assert a_failure.get("type") == "FM003"
    assert a_failure.get("message") == (
        "FM003 mapping values are not allowed here (and 1 more problem)")
    assert a_failure.text.splitlines() == [
        "plans/a.md:2:1: FM003 [yaml-syntax-error] mapping values are not allowed here",
        "plans/a.md:9:5: FM003 [yaml-syntax-error] could not find expected ':'",
    ]
    assert cases[1].find("failure").get("message") == "ST001 missing section 'Risks'"
    assert cases[2].findall("failure") == []
    assert "open <item> & more" in cases[2].find("system-out").text
    assert list(cases[3]) == [] and list(cases[4]) == []


def test_junit_lists_a_file_with_findings_even_when_not_among_the_linted():
    suite = ET.fromstring(render("junit", [finding("plans/z.md")], ctx(files=("plans/a.md",))))
    assert [c.get("name") for c in suite.findall("testcase")] == ["plans/a.md", "plans/z.md"]
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")


def test_junit_no_findings_and_control_characters():
    suite = ET.fromstring(render("junit", [], ctx()))
    assert (suite.get("tests"), suite.get("failures"), len(suite)) == ("0", "0", 0)
    suite = ET.fromstring(render("junit", [finding(message="bell\x07here")], ctx()))
    assert suite.find("testcase/failure").get("message") == "FM003 bell\ufffdhere"


def test_sarif_help_is_the_rules_documentation_and_links_follow_docs_url():
    documented = {"FM003": SimpleNamespace(
        code="FM003", name="yaml-syntax-error", severity="error",
        summary="Frontmatter YAML must parse.",
        doc="Frontmatter YAML must parse.\n\nIt stops every other check.\n\n**Bad**\n```yaml\n"
            "a: [\n```")}
    log = sarif([], rules=documented,
                docs_url="https://example.org/plans/blob/main/docs/rules/{code}.md")
    (rule_,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule_["help"]["markdown"] == documented["FM003"].doc
    assert rule_["help"]["text"] == documented["FM003"].doc
    assert rule_["fullDescription"]["text"] == "Frontmatter YAML must parse."
    assert rule_["helpUri"] == "https://example.org/plans/blob/main/docs/rules/FM003.md"
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://example.org/plans/blob/main/docs/rules/"


def test_sarif_uris_are_relative_to_the_root_however_the_path_was_given(tmp_path,
                                                                       monkeypatch):
    (tmp_path / "plans").mkdir()
    monkeypatch.chdir(tmp_path / "plans")
    given = [finding(str(tmp_path / "plans" / "a b.md")), finding("c.md", code="ST001"),
             finding("/elsewhere/d.md", code="CK002")]
    run = sarif(given, root=str(tmp_path))["runs"][0]
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"]
                 for r in run["results"]]
    assert {"uri": "plans/a%20b.md", "uriBaseId": "%SRCROOT%"} in locations
    assert {"uri": "plans/c.md", "uriBaseId": "%SRCROOT%"} in locations
    assert {"uri": "file:///elsewhere/d.md"} in locations  # outside the root: absolute
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == tmp_path.resolve().as_uri() + "/"
