"""Every rule, on a failing and a passing variant of one clean Implementation Plan.

Each case edits the clean plan twice: the bad edit must make the rule report at an exact line,
the good edit (a near miss wherever one exists) must leave the plan with no findings at all.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import CLEAN, CORPUS, codes_at, describe, require_corpus
from planbook import parse
from planbook.rules import REGISTRY, all_rules

IP_TOML = Path(parse.__file__).parent / "doctypes" / "ip.toml"

Edit = Callable[[str], "str | bytes"]


# -- edits ---------------------------------------------------------------------------------


def sub(old: str, new: str) -> Edit:
    """Replace text that occurs exactly once."""

    def edit(text: str) -> str:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        return text.replace(old, new)

    return edit


def delete(old: str) -> Edit:
    return sub(old, "")


def after(anchor: str, new: str) -> Edit:
    """Insert lines after the one line that contains `anchor`."""

    def edit(text: str) -> str:
        lines = text.split("\n")
        hits = [i for i, line in enumerate(lines) if anchor in line]
        assert len(hits) == 1, f"{anchor!r} is on {len(hits)} lines"
        lines[hits[0] + 1:hits[0] + 1] = new.split("\n")
        return "\n".join(lines)

    return edit


def before(anchor: str, new: str) -> Edit:
    def edit(text: str) -> str:
        return sub(anchor, new + "\n" + anchor)(text)

    return edit


def chain(*edits: Edit) -> Edit:
    def edit(text: str) -> str:
        for step in edits:
            text = step(text)
        return text

    return edit


def section(text: str, heading: str) -> str:
    """The text of a `## ` section from its heading to the next `## ` heading."""
    start = text.index(heading + "\n")
    end = text.find("\n## ", start + 1)
    return text[start:end + 1] if end != -1 else text[start:]


def swap_sections(first: str, second: str, renumbered: dict[str, str]) -> Edit:
    """Move the section `second` before `first` and renumber their headings."""

    def edit(text: str) -> str:
        a, b = section(text, first), section(text, second)
        text = text.replace(a + b, b + a)
        for old, new in renumbered.items():
            text = sub(old, new)(text)
        return text

    return edit


def latin1(old: str, new: str) -> Edit:
    """Replace text, then save the whole file as Latin-1 instead of UTF-8."""

    def edit(text: str) -> bytes:
        return sub(old, new)(text).encode("latin-1")

    return edit


def utf8_with_bom(old: str, new: str) -> Edit:
    def edit(text: str) -> bytes:
        return b"\xef\xbb\xbf" + sub(old, new)(text).encode("utf-8")

    return edit


def frontmatter(yaml_text: str) -> Edit:
    """Replace the whole frontmatter block (between the fences) with `yaml_text`."""

    def edit(text: str) -> str:
        end = text.index("\n---\n", 4)
        return "---\n" + yaml_text + text[end + 1:]

    return edit


def same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Setup:
    """A bad or good input that is a path on disk rather than an edited text."""

    make: Callable[[Path, str], Path]


def a_directory(folder: Path, text: str) -> Path:
    path = folder / "IP-8-folder.md"
    path.mkdir()
    return path


def a_symlink_loop(folder: Path, text: str) -> Path:
    os.symlink(folder / "IP-9-b.md", folder / "IP-9-a.md")
    os.symlink(folder / "IP-9-a.md", folder / "IP-9-b.md")
    return folder / "IP-9-a.md"


def a_symlink_to_a_plan(folder: Path, text: str) -> Path:
    (folder / "real").mkdir()
    (folder / "real" / "IP-10.md").write_text(text, encoding="utf-8")
    (folder / "real" / "notes.md").write_text("notes\n", encoding="utf-8")
    os.symlink(folder / "real" / "IP-10.md", folder / "IP-10.md")
    return folder / "IP-10.md"


# -- patches the bad variant needs -----------------------------------------------------------


def rule_raises(code: str):
    def patch(monkeypatch):
        def boom(plan, ctx):
            raise RuntimeError("boom")

        monkeypatch.setitem(REGISTRY, code, dataclasses.replace(REGISTRY[code], check=boom))

    return patch


def markdown_too_deep(monkeypatch):
    # mistune 3.4 stops nesting containers at 20 levels, so no real input recurses without
    # bound any more; the parser still has to turn a RecursionError into IO003.
    def recurse(state, rules=None):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(parse._PARSER, "parse", recurse)


def ip_with_checklist(items: list[str]) -> dict:
    data = tomllib.loads(IP_TOML.read_text(encoding="utf-8"))
    data.pop("name")
    data["checklists"] = [{"section": "Test Implementation Plan", "items": items}]
    return {"types": {"IP": data}}


CHECKLIST_CONFIG = ip_with_checklist(["Restart test with a killed loop (IT-2)"])
UNKNOWN_TYPE_OK = {"per_file_ignores": {"*.md": ("FM010",)}}  # a type planbook does not know
UNKNOWN_KEYS_OK = {"per_file_ignores": {"*.md": ("FM013",)}}


def ip_with_optional(*keys: str) -> dict:
    """The IP type with these fields no longer required."""
    data = tomllib.loads(IP_TOML.read_text(encoding="utf-8"))
    data.pop("name")
    for key in keys:
        data["fields"][key]["required"] = False
    return {"types": {"IP": data}}


NO_TITLE_NEEDED = ip_with_optional("title")
MADR = (CLEAN.parent / "madr.md").read_text(encoding="utf-8")  # a clean MADR 3 record
BACKLOG = (CLEAN.parent / "backlog.md").read_text(encoding="utf-8")  # a clean Backlog.md task
AS_MADR = {"doc_types": {"*.md": "MADR"}}
AS_BACKLOG = {"doc_types": {"*.md": "Backlog"}}
MADR_OPTIONS = ("## Considered Options\n\n1. SQLite beside the relay\n2. A Redis list\n"
                "3. Keep them in memory and accept the loss\n")


def on(document: str, *edits: Edit) -> Edit:
    """Edits of another document than the clean plan: they start from `document`."""

    def edit(_clean: str) -> str:
        return chain(*edits)(document) if edits else document

    return edit


def options_per_question(second: str) -> Edit:
    """A decision record weighing two questions, options numbered under each."""
    return sub(MADR_OPTIONS, "## Considered Options - Storage\n\n### 1. SQLite\n\nOne file.\n\n"
                             "### 2. Redis\n\nA service.\n\n## Considered Options - Schedule\n\n"
                             f"### 1. Doubling\n\nFast.\n\n### {second}. Fixed\n\nSimple.\n")


def PERFORMANCE_TABLE(prefix: str) -> str:  # noqa: N802
    """A second table of acceptance criteria, with its own ID prefix."""
    return ("\n### 6.1 Performance\n\n"
            "| ID   | Criterion                  | Validation Method |\n"
            "| ---- | -------------------------- | ----------------- |\n"
            f"| {prefix}-1 | A batch of 100 in 1 s      | IT-1              |\n"
            f"| {prefix}-2 | Replay of 1000 in 10 s     | IT-3              |")


def ID_LESS_GANTT(text: str) -> str:  # noqa: N802 - an edit, named like the others' constants
    """The clean plan with a sequence written in its own words: no bar cites a task ID."""
    start = text.index("```mermaid\ngantt")
    end = text.index("```", start + 10)
    return text[:start] + (
        "```mermaid\ngantt\n    title Webhook retry queue\n    dateFormat YYYY-MM-DD\n"
        "    Write the store :a1, 2026-03-10, 3d\n    Backoff maths :a2, 2026-03-10, 1d\n"
        "    The loop itself :a3, after a1 a2, 3d\n    Dead letters :a4, after a3, 1d\n"
        "    Parking :a5, after a4, 2d\n") + text[end:]

# -- the table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class At:
    """The line of the bad plan that contains `text` (which must be on exactly one line)."""

    text: str

    def resolve(self, plan: str) -> int:
        lines = plan.splitlines()
        hits = [i + 1 for i, line in enumerate(lines) if self.text in line]
        assert len(hits) == 1, f"{self.text!r} is on lines {hits}"
        return hits[0]


@dataclass(frozen=True)
class Case:
    code: str
    bad: Edit | Setup
    line: int | At
    good: Edit | Setup = same
    id: str = ""
    config: dict | None = None
    patch: Callable | None = None  # applied to the bad variant only


CASES = [
    # -- reading files
    Case("IO001", Setup(a_directory), 1, Setup(a_symlink_to_a_plan), "directory"),
    Case("IO001", Setup(a_symlink_loop), 1, Setup(a_symlink_to_a_plan), "symlink-loop"),
    Case("IO002", latin1("learns about it from", "learns about it from the café"),
         At("the café"),
         utf8_with_bom("learns about it from", "learns about it from the café"), "latin-1"),
    Case("IO002", lambda t: sub("Relay posts", "Relay\x00posts")(t).encode(), 1, id="nul-bytes"),
    Case("IO003", same, 13, after("- The HTTP status codes", "> - " * 400 + "deep"),
         patch=markdown_too_deep),
    # -- frontmatter
    Case("FM001", lambda t: "\n\n" + t, 3, lambda t: "\ufeff" + t, "blank-lines-before"),
    Case("FM001", lambda t: "Draft, not final.\n" + t, 1, id="text-before"),
    Case("FM001", lambda t: t[t.index("\n---\n") + 5:], 1, id="none"),
    Case("FM002", delete('tags: ["webhooks", "reliability", "queue"]\n---\n'), 1,
         sub('"queue"]\n---\n', '"queue"]\n-----   \n')),
    Case("FM003", sub('by: "mara.lindqvist"', "by: @mara"), 3,
         sub('by: "mara.lindqvist"', 'by: "@mara"')),
    Case("FM003", sub('description: "Persist failed', 'description: Persist: failed'), 8,
         id="colon-in-value"),
    Case("FM004", frontmatter("- title\n- by\n"), 2, id="list"),
    Case("FM004", frontmatter("# nothing yet\n"), 1, id="empty"),
    Case("FM005", after("tags:", 'status: "review"'), 12,
         sub('"reliability", "queue"]', '"queue", "queue"]')),
    Case("FM006", delete('by: "mara.lindqvist"\n'), 1,
         chain(delete('by: "mara.lindqvist"\n'), after("tags:", 'by: "mara.lindqvist"'))),
    Case("FM007", sub('status: "in-progress"', 'status: "finished"'), 9,
         sub('status: "in-progress"', "status: In-Progress"), "status"),
    Case("FM007", sub('created: "2026-03-02"', 'created: "02/03/2026"'), 4,
         sub('created: "2026-03-02"', "created: 2026-03-02"), "date-format"),
    Case("FM007", sub('created: "2026-03-02"', 'created: "2026-02-30"'), 4, id="not-a-day"),
    Case("FM007", sub('tags: ["webhooks", "reliability", "queue"]', "tags: webhooks"), 11,
         sub('tags: ["webhooks", "reliability", "queue"]', "tags:\n  - webhooks"), "list"),
    Case("FM007", sub('by: "mara.lindqvist"', "by:"), 3, id="empty-required"),
    Case("FM008", sub('updated: "2026-03-09"', 'updated: "2026-02-27"'), 5,
         sub('updated: "2026-03-09"', 'updated: "2026-03-02"')),
    Case("FM009", sub('updated: "2026-03-09"', 'updated: "2026-06-02"'), 5,
         sub('updated: "2026-03-09"', 'updated: "2026-06-01"')),
    Case("FM010", sub('doc_type: "IP"', 'doc_type: "IPP"'), 7,
         sub('doc_type: "IP"', "doc_type: ip")),
    Case("FM010", sub('doc_type: "IP"', 'doc_type: "RB"'), 7, id="config-assigns",
         config={"doc_types": {"*.md": "IP"}}),
    Case("FM011", sub('version: "1.0"', "version: 1.10"), 6,
         sub('version: "1.0"', "version: '1.10'")),
    Case("FM011", sub('component: "relay-retry"', "component: yes"), 10,
         sub('component: "relay-retry"', "component: yes-please"), "boolean"),
    Case("FM012", sub('title: "Webhook Retry Queue"', "title: Webhook Retry Queue (Issue #41)"),
         2, sub('title: "Webhook Retry Queue"', "title: Webhook Retry Queue (Issue#41)")),
    Case("FM013", sub("updated:", "updatd:"), 5, after("tags:", "issue: 41")),
    Case("FM011", chain(sub('doc_type: "IP"', 'doc_type: "TI"'), sub('version: "1.0"',
                                                                       "version: 1.0")), 6,
         sub('doc_type: "IP"', 'doc_type: "TI"'), "any-type", config=UNKNOWN_TYPE_OK),
    Case("FM011", after("tags:", "schema_version: 1.10"), At("schema_version"),
         after("tags:", "schema_version: 2"), "undeclared-field", config=UNKNOWN_KEYS_OK),
    Case("FM012", chain(sub('doc_type: "IP"', 'doc_type: "TI"'),
                        sub('title: "Webhook Retry Queue"', "title: Retry Queue (Issue #41)")), 2,
         chain(sub('doc_type: "IP"', 'doc_type: "TI"'),
               sub('title: "Webhook Retry Queue"', "title: Retry Queue (Issue 41)")),
         "any-type", config=UNKNOWN_TYPE_OK),
    Case("FM014", after("tags:", 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]\n'
                        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                        "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]"), 2,
         sub("tags: [", "tags: &labels [")),
    # -- structure
    Case("ST001", delete("### 1.2 Design Reference\n\nThe decisions this plan builds on are "
                         "written up in the\n[retry queue design notes](notes.md): stored "
                         "attempts, doubling backoff capped at\none hour, and a dead-letter "
                         "table with an operator command.\n\n"), At("## 1. Overview"),
         sub("## 8. Implementation Risks and Mitigations",
             "## 8. Implementation Risks & Mitigations"), "subsection"),
    Case("ST001", lambda t: t[:t.index("## 10. Additional Resources")], 13, id="section"),
    Case("ST002", swap_sections("## 5. Implementation Sequence", "## 6. Acceptance Criteria",
                                {"## 6. Acceptance Criteria": "## 5. Acceptance Criteria",
                                 "## 5. Implementation Sequence": "## 6. Implementation Sequence"}),
         At("## 6. Implementation Sequence"),
         lambda t: t + "\n## 11. Glossary\n\nA dead letter is an attempt that gave up.\n"),
    Case("ST003", lambda t: t[:t.index("## 10. Additional Resources")]
         + "## 10. Additional Resources\n",
         At("## 10. Additional Resources"),
         delete("Unit tests cover each piece against fakes; integration tests run the scheduler\n"
                "against a real SQLite file and a local HTTP receiver that fails on demand.\n")),
    Case("ST003", delete('```bash\npython -m venv .venv && . .venv/bin/activate\n'
                         'pip install -e ".[dev]"\npytest tests/retry\n```\n'),
         At("### 9.2 Environment Setup"), id="subsection"),
    Case("ST004", sub("### 3.3 Mock", "### 3.4 Mock"), At("### 3.4 Mock"),
         sub("### 3.3 Mock", "### 3.3. Mock"), "gap"),
    Case("ST004", sub("### 2.3 Phase 3", "### 2.2 Phase 3"), At("### 2.2 Phase 3"), id="twice"),
    Case("ST004", sub("### 9.2 Environment", "### 8.2 Environment"), At("### 8.2 Environment"),
         id="wrong-parent"),
    Case("ST004", chain(after("- Migration `0007_retry_attempts.sql`",
                              "\n#### 1. Schema\n\nOne table.\n\n#### 3. Interface\n\nOne class."),
                        after("or pushes them back by the next backoff step.",
                              "\n#### 1. Claiming\n\nBatches.\n\n#### 2. Sending\n\nPosts.")),
         At("#### 3. Interface"),
         chain(after("- Migration `0007_retry_attempts.sql`",
                     "\n#### 1. Schema\n\nOne table.\n\n#### 2. Interface\n\nOne class."),
               after("or pushes them back by the next backoff step.",
                     "\n#### 1. Claiming\n\nBatches.\n\n#### 2. Sending\n\nPosts.")),
         "restarts-under-each-parent"),
    Case("ST005", sub("The retry queue keeps", "The [Component Name] keeps"),
         At("[Component Name]"),
         sub("pytest tests/retry", "pytest tests/retry  # [Name]"), "placeholder"),
    Case("ST005", after("### 1.3 Implementation Approach", "\n_Summary of how the work runs._"),
         At("_Summary of"),
         chain(after("### 1.3 Implementation Approach",
                     "\n_As an operator I want to replay a dead letter, so that a fixed endpoint "
                     "gets its events._"),
               after("| T-6 | Operator command", "\n_Complexity is for one developer._")),
         "instruction-not-italic-prose"),
    Case("ST005", before("# Implementation Plan: Webhook", "# Guidance\n\nDelete me.\n"),
         At("# Guidance"), before("# Implementation Plan: Webhook",
                                  "# Guidance for reviewers\n\nRead 3.1 first.\n"),
         "guidance-block"),
    Case("ST005", chain(sub('created: "2026-03-02"', 'created: "2025-04-12"'),
                        sub('updated: "2026-03-09"', 'updated: "2025-04-12"')), 4,
         sub('created: "2026-03-02"', 'created: "2025-04-12"'), "template-dates"),
    Case("ST005", after("- Phase 2 scheduler", "- Dependency 2"), At("- Dependency 2"),
         after("- Phase 2 scheduler", "- Dependency tracking from phase 2"), "example-row"),
    Case("ST001", lambda t: t[:t.index("## 2. Implementation Phases")], 13,
         sub("## 8. Implementation Risks and Mitigations",
             "## 8. Implementation Risks & Mitigations"), "most-sections-missing"),
    Case("ST007", sub("## 10. Additional Resources", "```text\n## 10. Additional Resources"),
         At("```text"), sub("## 10. Additional Resources",
                            "```text\nan example\n```\n\n## 10. Additional Resources"),
         "unclosed"),
    Case("ST007", after("- [Retry queue design notes](notes.md)",
                        "\n```markdown\n## Example\n```python\nx = 1\n```\n```"),
         At("```python"),
         after("- [Retry queue design notes](notes.md)",
               "\n````markdown\n## Example\n```python\nx = 1\n```\n````"),
         "closed-early"),
    Case("ST008", chain(sub('title: "Webhook Retry Queue"', "# Webhook Retry Queue"),
                        delete("# Implementation Plan: Webhook Retry Queue\n\n")), 2,
         delete("# Implementation Plan: Webhook Retry Queue\n\n"), config=NO_TITLE_NEEDED),
    Case("ST006", delete("**Estimated Complexity:** High\n\n"), At("### 2.2 Phase 2"),
         sub("**Estimated Complexity:** High", "**Estimated complexity:** high")),
    # -- tables
    Case("TB001", sub("| Key Behaviors to Mock                          |",
                      "| Behaviour                                      |"),
         At("| Dependency  | Mock/Stub Type"),
         sub("| Key Behaviors to Mock                          |",
             "| **Key behaviors to mock**                      |")),
    Case("TB002", sub("| UT-4 |", "| UT4  |"), At("| UT4  |"),
         chain(sub("| UT-4 |", "| UT-SCHED-4 |"), sub("UT-2, UT-4", "UT-2, UT-SCHED-4"))),
    Case("TB002", sub("| UT-4 |", "| UT-Q |"), At("| UT-Q |"),
         chain(sub("| UT-4 |", "| UT-Q4 |"), sub("UT-2, UT-4", "UT-2, UT-Q4")), "group-letter"),
    Case("TB002", after("| AC-4 | Dead letters can be replayed", PERFORMANCE_TABLE("QC")),
         At("| ID   | Criterion                  |"),
         after("| AC-4 | Dead letters can be replayed", PERFORMANCE_TABLE("PC")),
         "second-prefix-one-per-table"),
    Case("TB003", sub("| IT-3 | Replay", "| IT-2 | Replay"), At("| IT-2 | Replay"),
         sub("| IT-3 | Replay from the operator command re-queues",
             "| IT-3 | Replay, unlike IT-2, re-queues at once     ")),
    Case("TB004", sub("| T-2, T-3     | High     | High       |",
                      "| T-2, T-3     | Hihg     | High       |"), At("| Hihg "),
         sub("| T-2, T-3     | High     | High       |",
             "| T-2, T-3     | high     | HIGH       |")),
    Case("TB005", sub("| UT-5 and IT-3          |", "|                        |"),
         At("| AC-4 |"), sub("| UT-5 and IT-3          |", "| Manual replay, staging |")),
    # -- references
    Case("RF001", sub("| T-5          | Low ", "| T-9          | Low "), At("| T-6 |"),
         chain(sub("| T-5          | Low ", "| n/a          | Low "),
               sub(":t6, after t5,", ":t6, 2026-03-16,"))),
    Case("RF002", sub("| None         | High     | Low        |",
                      "| T-2          | High     | Low        |"), At("| T-1 |"),
         chain(sub("| None         | Medium   | Low        |",
                   "| T-1          | Medium   | Low        |"),
               sub(":t3, 2026-03-10,", ":t3, after t1,"))),
    # -- the implementation sequence
    Case("SQ001", sub(":t4, after t2 t3,", ":t4, after t2,"), At(":t4, after t2,"),
         sub(":t4, after t2 t3,", ":t4, after t3 t2,")),
    Case("SQ001", sub("    Operator command    :t6, after t5, 2d\n", ""), At("| T-6 |"),
         id="unscheduled-task"),
    Case("SQ001", sub("    Dead-letter move    :t5, after t4, 1d\n    Operator command    :t6, "
                      "after t5, 2d\n", "    Dead letters (T-5, T-7) :dl, after t4, 3d\n"),
         At("Dead letters (T-5, T-7)"),
         sub("    Dead-letter move    :t5, after t4, 1d\n    Operator command    :t6, after t5, "
             "2d\n", "    Dead letters (T-5, T-6) :dl, after t4, 3d\n"), "bar-groups-tasks"),
    Case("SQ001", after("    Operator command    :t6, after t5, 2d",
                        "    section Release\n    Open the pull request :pr, after t9, 1d"),
         At(":pr, after t9"),
         after("    Operator command    :t6, after t5, 2d",
               "    section Release\n    Open the pull request :pr, after t6, 1d\n"
               "    Run the test suite  :ci, after pr, 1d"), "process-steps"),
    Case("SQ001", lambda t: ID_LESS_GANTT(t).replace("Parking :a5, after a4", "Parking T-9 :a5, "
                                                                           "after a4"),
         At("Parking T-9"), lambda t: ID_LESS_GANTT(t), "sequence-without-task-ids"),
    Case("SQ002", chain(sub("    Backoff function    :t3, 2026-03-10, 1d",
                            "    Store review        :rv, after t1, 1d\n"
                            "    Backoff function    :t3, after rv, 1d")),
         At(":t3, after rv"),
         sub("    Scheduler loop      :t4, after t2 t3, 3d",
             "    Store review        :rv, after t2, 1d\n"
             "    Scheduler loop      :t4, after rv t3, 3d"), "wait-through-a-step"),
    Case("SQ002", sub(":t3, 2026-03-10,", ":t3, after t1,"), At(":t3, after t1,"),
         chain(sub(":t3, 2026-03-10,", ":t3, after t1,"),
               sub("| None         | Medium   | Low        |",
                   "| T-1          | Medium   | Low        |"))),
    Case("RF003", sub("| IT-1                   |", "| IT-7                   |"),
         At("| AC-1 |"), sub("| IT-1                   |", "| IT-1 (see RFC-9110)    |")),
    Case("RF004", sub("[retry queue design notes](notes.md)",
                      "[retry queue design notes](note.md)"),
         At("[retry queue design notes]"),
         sub("[retry queue design notes](notes.md)",
             "[retry queue design notes](./notes.md#decisions)")),
    # -- checklists
    Case("CK001", delete("- [ ] Restart test with a killed loop (IT-2)\n"),
         At("## 7. Test Implementation Plan"),
         sub("- [ ] Restart test with a killed loop (IT-2)",
             "- [ ] **Restart test** with a  killed loop (IT-2)"), config=CHECKLIST_CONFIG),
    Case("CK001", lambda t: t.replace("- [x] ", "- ").replace("- [ ] ", "- "),
         At("## 7. Test Implementation Plan"), id="no-items", config=CHECKLIST_CONFIG),
    Case("CK001", delete(section(CLEAN.read_text(encoding="utf-8"),
                                 "## 7. Test Implementation Plan")),
         13, id="no-section", config=CHECKLIST_CONFIG),
    Case("CK002", sub('status: "in-progress"', 'status: "done"'), 9,
         chain(sub('status: "in-progress"', 'status: "done"'),
               lambda t: t.replace("- [ ] ", "- [x] "))),
    Case("CK002", chain(sub('status: "in-progress"', 'status: "done"'),
                        lambda t: t.replace("- [ ] ", "- [x] "),
                        after("- [x] Replay test", "- [ ] Load test of 10 000 attempts")), 9,
         chain(sub('status: "in-progress"', 'status: "done"'),
               lambda t: t.replace("- [ ] ", "- [x] "),
               after("- [x] Replay test", "- [ ] Docs rebuilt when the CLI help touched\n"
                                          "- [ ] Migration rehearsed (if the schema changed)")),
         "conditional-items"),
    # -- the presets: a MADR record and a Backlog.md task, each with its own shipped type
    Case("FM001", on(MADR, lambda t: "\n\n" + t), 3,
         on(MADR, lambda t: t[t.index("# Store"):]), "frontmatter-optional", config=AS_MADR),
    Case("FM007", on(MADR, sub("status: accepted", "status: obsolete")), 2,
         on(MADR, sub("status: accepted", "status: superseded by [ADR-0012](0012-queue.md)")),
         "open-status-pattern", config=AS_MADR),
    Case("FM007", on(MADR, sub("deciders: ana, bo", "deciders: {ana: lead}")), 4,
         on(MADR, sub("deciders: ana, bo", "deciders: [ana, bo]")), "text-or-list",
         config=AS_MADR),
    Case("FM007", on(BACKLOG, sub("'2026-03-04 17:40'", "'2026-03-04 25:40'")), 8,
         on(BACKLOG, sub("'2026-03-04 17:40'", "'2026-03-04'")), "date-time",
         config=AS_BACKLOG),
    Case("FM008", on(BACKLOG, sub("'2026-03-04 17:40'", "'2026-03-01 17:40'")), 8,
         on(BACKLOG, sub("'2026-03-04 17:40'", "'2026-03-02 08:00'")), "field-roles",
         config=AS_BACKLOG),
    Case("FM009", on(BACKLOG, sub("'2026-03-04 17:40'", "'2026-06-02 08:00'")), 8,
         on(BACKLOG, sub("'2026-03-04 17:40'", "'2026-06-01 23:59'")), "date-time-role",
         config=AS_BACKLOG),
    Case("ST001", on(MADR, sub("## Decision Outcome", "## Outcome")), 7,
         on(MADR, sub("## Context and Problem Statement", "## Context"),
            sub("## Considered Options", "## Considered Options - Storage")),
         "aliases-and-prefix", config=AS_MADR),
    Case("ST004", on(MADR, options_per_question("1")), At("### 1. Fixed"),
         on(MADR, options_per_question("2")), "options-under-each-question", config=AS_MADR),
    Case("ST005", on(MADR, sub("- Good, because a restart resumes where it stopped.",
                               "- Good, because {what becomes easier}")),
         At("{what becomes easier}"),
         on(MADR, after("Where should pending attempts",
                        "\n_As an operator I want a restart to lose nothing._"),
            after("- Bad, because two relays cannot share the file.",
                  "\n_Measured on the staging relay._")),
         "from-the-type-template", config=AS_MADR),
    Case("ST008", on(MADR, sub("status: accepted", "# Store webhook attempts in SQLite\n"
                                                   "status: accepted"),
                     delete("# Store webhook attempts in SQLite\n\n## Context")),
         At("# Store webhook attempts"),
         on(MADR, sub("status: accepted", "# These are optional elements. Remove any of them.\n"
                                          "status: accepted")), "title-in-a-comment",
         config=AS_MADR),
    Case("CK002", on(BACKLOG, sub("- [x] #1 Tests pass", "- [ ] #1 Tests pass")), 4,
         on(BACKLOG), "backlog-definition-of-done", config=AS_BACKLOG),
    # -- planbook itself
    Case("PB001", before("| ID  | Task ", "<!-- planbook-disable-next-line TB004 -->"),
         At("planbook-disable-next-line"),
         chain(sub("](notes.md): stored", "](missing.md): stored"),
               before("[retry queue design notes]", "<!-- planbook-disable-next-line RF004 -->"))),
    Case("PB002", same, 1, patch=rule_raises("TB004")),
]


def case_id(case: Case) -> str:
    return f"{case.code}-{case.id}" if case.id else case.code


def lint_variant(variant, clean: str, plan_dir: Path, lint_text, lint_file, config):
    if isinstance(variant, Setup):
        return lint_file(variant.make(plan_dir, clean), config=config)
    return lint_text(variant(clean), config=config)


def test_every_rule_has_a_case():
    # GT, AP and TR rules need a repository with history (and TR test files and results);
    # tests/test_git_rules.py, tests/test_approval.py and tests/test_trace_rules.py give each
    # its cases
    assert {c for c in all_rules() if not c.startswith(("GT", "AP", "TR"))} <= {
        case.code for case in CASES}


def test_clean_plan_has_no_findings(clean, lint_text):
    findings = lint_text(clean)
    assert findings == [], describe(findings)


def test_clean_fixture_itself_has_no_findings(lint_file):
    findings = lint_file(Path(__file__).parent / "fixtures" / "clean.md")
    assert findings == [], describe(findings)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_bad_variant_reports_at_the_exact_line(case, clean, plan_dir, lint_text, lint_file,
                                               monkeypatch):
    if case.patch:
        case.patch(monkeypatch)
    findings = lint_variant(case.bad, clean, plan_dir, lint_text, lint_file, case.config)
    line = case.line if isinstance(case.line, int) else case.line.resolve(_text_of(case.bad, clean))
    assert (case.code, line) in codes_at(findings), describe(findings)
    if case.code != "PB002":
        assert "PB002" not in {f.code for f in findings}, describe(findings)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_good_variant_does_not_report(case, clean, plan_dir, lint_text, lint_file):
    findings = lint_variant(case.good, clean, plan_dir, lint_text, lint_file, case.config)
    assert case.code not in {f.code for f in findings}, describe(findings)
    assert findings == [], describe(findings)


def _text_of(edit, clean: str) -> str:
    result = edit(clean)
    return result.decode("latin-1") if isinstance(result, bytes) else result


# -- messages ------------------------------------------------------------------------------


def only(findings, code: str):
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, describe(findings)
    return found[0]


def test_fm012_names_the_dropped_text(clean, lint_text):
    text = sub('title: "Webhook Retry Queue"', "title: Webhook Retry Queue (Issue #41)")(clean)
    finding = only(lint_text(text), "FM012")
    assert "'Webhook Retry Queue (Issue'" in finding.message
    assert "drops '#41)'" in finding.message


def test_fm011_says_what_the_number_loads_as(clean, lint_text):
    findings = lint_text(sub('version: "1.0"', "version: 1.10")(clean))
    finding = only(findings, "FM011")
    assert (finding.line, finding.column) == (6, 10)
    assert "'version: 1.10' loads as the number 1.1" in finding.message
    assert 'version: "1.10"' in finding.message


def test_fm011_alone_reports_a_number_in_a_text_field(clean, lint_text):
    findings = lint_text(sub('component: "relay-retry"', "component: 2026")(clean))
    assert [(f.code, f.line) for f in findings] == [("FM011", 10)], describe(findings)


def test_rf002_prints_the_cycle(clean, lint_text):
    text = sub("| None         | High     | Low        |",
               "| T-2          | High     | Low        |")(clean)
    assert only(lint_text(text), "RF002").message == "dependency cycle: T-1 → T-2 → T-1"


def test_rf002_reports_a_cycle_once(clean, lint_text):
    text = sub("| T-2, T-3     | High", "| T-2, T-3, T-6 | High")(clean)
    finding = only(lint_text(text), "RF002")
    assert finding.line == At("| T-4 |").resolve(text)
    assert finding.message == "dependency cycle: T-4 → T-6 → T-5 → T-4"


def test_tb004_suggests_the_value_meant(clean, lint_text):
    text = sub("| T-2, T-3     | High     | High       |",
               "| T-2, T-3     | Hihg     | High       |")(clean)
    finding = only(lint_text(text), "TB004")
    assert finding.message == ("Priority 'Hihg' is not one of High, Medium, Low; "
                               "did you mean 'High'?")


def test_fm013_suggests_the_known_key(clean, lint_text):
    finding = only(lint_text(sub("updated:", "updatd:")(clean)), "FM013")
    assert finding.severity == "warning"
    assert finding.message == "unknown key 'updatd'; did you mean 'updated'?"


def test_ck002_lists_the_unchecked_items_with_their_lines(clean, lint_text):
    text = sub('status: "in-progress"', 'status: "done"')(clean)
    finding = only(lint_text(text), "CK002")
    lines = [At(item).resolve(text) for item in
             ("- [ ] Scheduler tests", "- [ ] Restart test", "- [ ] Replay test")]
    assert "3 checklist items are unchecked" in finding.message
    assert f"line {lines[1]}: Restart test with a killed loop (IT-2)" in finding.message
    assert f"line {lines[2]}: Replay test through the operator command (IT-3)" in finding.message
    assert f"line {lines[0]}: Scheduler tests" in finding.message
    assert f"line {At('- [x] Contract suite').resolve(text)}" not in finding.message


def test_st004_duplicate_names_the_first_line(clean, lint_text):
    text = sub("### 2.3 Phase 3", "### 2.2 Phase 3")(clean)
    finding = only(lint_text(text), "ST004")
    assert finding.message.endswith(f"(first on line {At('### 2.2 Phase 2').resolve(text)})")


def test_fm005_names_the_first_line(clean, lint_text):
    finding = only(lint_text(after("tags:", 'status: "review"')(clean)), "FM005")
    assert finding.message == "duplicate key 'status' (first on line 9); YAML keeps only the last"


def test_rf004_points_at_the_link_column(clean, lint_text):
    text = sub("- [Retry queue design notes](notes.md)", "- [Retry queue design notes](nots.md)")
    finding = only(lint_text(text(clean)), "RF004")
    assert (finding.line, finding.column) == (At("(nots.md)").resolve(text(clean)), 3)


def test_a_remark_in_brackets_after_a_section_title_still_matches(clean, lint_text):
    text = chain(sub("### 9.1 External Libraries", "### 9.1 External Libraries (pinned)"),
                 sub("## 4. Implementation Tasks", "## 4. Implementation Tasks (first release)"))
    assert lint_text(text(clean)) == []  # the sections, and the tasks table in them, are found
    renamed = sub("### 9.1 External Libraries", "### 9.1 External Libraries Used")(clean)
    assert "ST001" in {f.code for f in lint_text(renamed)}


def test_links_in_code_are_not_checked(clean, lint_text):
    text = after("- The HTTP status codes", "- Not a link: `[x](missing.md)`")(clean)
    assert lint_text(text) == []


# -- suppressions --------------------------------------------------------------------------

BROKEN_LINK = sub("](notes.md): stored", "](missing.md): stored")


def test_a_used_suppression_hides_the_finding_and_is_not_reported(clean, lint_text):
    text = chain(BROKEN_LINK, before("[retry queue design notes]",
                                     "<!-- planbook-disable-next-line RF004 -->"))(clean)
    assert lint_text(text) == []


def test_a_suppression_of_another_code_hides_nothing(clean, lint_text):
    text = chain(BROKEN_LINK, before("[retry queue design notes]",
                                     "<!-- planbook-disable-next-line TB004 -->"))(clean)
    comment = At("planbook-disable-next-line").resolve(text)
    assert codes_at(lint_text(text)) == {("RF004", comment + 1), ("PB001", comment)}


def test_a_suppression_without_codes_hides_every_code_on_its_line(clean, lint_text):
    text = chain(BROKEN_LINK, before("[retry queue design notes]",
                                     "<!-- planbook-disable-next-line -->"))(clean)
    assert lint_text(text) == []


def test_a_suppression_covers_only_the_next_line(clean, lint_text):
    text = chain(BROKEN_LINK, before("The decisions this plan builds on",
                                     "<!-- planbook-disable-next-line RF004 -->"))(clean)
    findings = lint_text(text)
    comment = At("planbook-disable-next-line").resolve(text)
    assert codes_at(findings) == {("RF004", comment + 2), ("PB001", comment)}
    assert only(findings, "PB001").message == "suppression of RF004 suppresses nothing"


def test_a_range_suppression_ends_at_enable(clean, lint_text):
    text = chain(
        sub("| T-2, T-3     | High     | High       |", "| T-2, T-3     | Urgent   | High       |"),
        before("| ID  | Task ", "<!-- planbook-disable TB004 -->\n"),
        after("| T-6 | Operator command", "\n<!-- planbook-enable -->"),
        sub("| Medium | Low        | Dead letters", "| Medium | Rare       | Dead letters"),
    )(clean)
    findings = lint_text(text)
    assert codes_at(findings) == {("TB004", At("| Rare ").resolve(text))}, describe(findings)


def test_a_range_suppression_without_enable_runs_to_the_end(clean, lint_text):
    text = chain(
        before("| ID  | Task ", "<!-- planbook-disable TB004 -->\n"),
        sub("| T-2, T-3     | High     | High       |", "| T-2, T-3     | Urgent   | High       |"),
        sub("| Medium | Low        | Dead letters", "| Medium | Rare       | Dead letters"),
    )(clean)
    assert lint_text(text) == []


def test_an_unused_range_suppression_is_reported_at_its_comment(clean, lint_text):
    text = chain(before("| ID  | Task ", "<!-- planbook-disable TB004 RF001 -->\n"),
                 after("| T-6 | Operator command", "\n<!-- planbook-enable -->"))(clean)
    finding = only(lint_text(text), "PB001")
    assert finding.line == At("planbook-disable TB004").resolve(text)
    assert finding.message == "suppression of TB004, RF001 suppresses nothing"


def test_a_frontmatter_comment_suppresses_a_frontmatter_finding(clean, lint_text):
    text = chain(sub('component: "relay-retry"', 'component: "relay-retry"\nowner: "mara"'),
                 before("owner:", "# planbook-disable-next-line FM013"))(clean)
    assert lint_text(text) == []


def test_no_pb001_for_a_suppression_of_a_code_that_is_not_selected(clean, lint_text):
    text = before("| ID  | Task ", "<!-- planbook-disable-next-line TB004 -->")(clean)
    assert lint_text(text, select=["FM", "ST", "PB"]) == []


def test_a_suppression_does_not_hide_internal_errors(clean, lint_text, monkeypatch):
    rule_raises("TB004")(monkeypatch)
    text = before("# Implementation Plan", "<!-- planbook-disable PB002 -->\n")(clean)
    assert "PB002" in {f.code for f in lint_text(text)}


# -- internal errors -----------------------------------------------------------------------


def test_a_failing_rule_becomes_pb002_and_the_others_still_report(clean, plan_dir, monkeypatch,
                                                                  fixed_today):
    from planbook.config import Config
    from planbook.lint import Linter

    rule_raises("TB004")(monkeypatch)
    text = chain(sub("| T-5          | Low ", "| T-9          | Low "),
                 sub("| T-2, T-3     | High     | High       |",
                     "| T-2, T-3     | Urgent   | High       |"))(clean)
    path = plan_dir / "IP-7.md"
    path.write_text(text, encoding="utf-8")
    findings, failures = Linter(Config(root=plan_dir)).lint_path(str(path))
    assert failures == 1
    assert codes_at(findings) == {("PB002", 1), ("RF001", At("| T-6 |").resolve(text)),
                                  ("SQ002", At(":t6, after t5,").resolve(text))}
    assert only(findings, "PB002").message == (
        "rule TB004 [value-not-allowed] failed: RuntimeError: boom")


# -- reading files -------------------------------------------------------------------------


def test_deep_nesting_is_parsed_without_error(clean, lint_text):
    for unit in ("> ", "- ", "> - ", "1. "):
        text = after("- The HTTP status codes", "\n" + unit * 3000 + "deep")(clean)
        assert lint_text(text) == [], unit


def test_an_unreadable_file_gets_only_io_findings(clean, plan_dir, lint_file):
    assert [f.code for f in lint_file(a_directory(plan_dir, clean))] == ["IO001"]


def test_io001_messages(clean, plan_dir, lint_file):
    assert only(lint_file(a_directory(plan_dir, clean)), "IO001").message == (
        "is a directory, not a plan file")
    assert only(lint_file(a_symlink_loop(plan_dir, clean)), "IO001").message == (
        "cannot read file: symbolic link loop")


# -- the real corpus -----------------------------------------------------------------------

@pytest.fixture
def corpus_dir() -> Path:
    return require_corpus()


corpus = pytest.mark.usefixtures("corpus_dir")


@pytest.fixture
def lint_corpus(lint_file):
    def run(name: str):
        return lint_file(CORPUS / "ip" / name)

    return run


@corpus
def test_every_corpus_file_lints_without_internal_error(lint_file):
    paths = sorted(CORPUS.rglob("*.md"))
    assert len(paths) >= 20
    for path in paths:
        findings = lint_file(path)
        assert "PB002" not in {f.code for f in findings}, f"{path}: {describe(findings)}"


@corpus
def test_corpus_ip26_yaml_error(lint_corpus):
    assert ("FM003", 11) in codes_at(lint_corpus("IP-26.md"))


@corpus
def test_corpus_ip28_title_cut_by_comment(lint_corpus):
    finding = only(lint_corpus("IP-28.md"), "FM012")
    assert finding.line == 2
    assert "(Issue" in finding.message and "#28)" in finding.message


@corpus
def test_corpus_ip103_guidance_block(lint_corpus):
    findings = lint_corpus("IP-103.md")
    assert ("ST005", 14) in codes_at(findings)
    assert any(f.code == "ST005" and f.line == 14 and "'Guidance' block" in f.message
               for f in findings)


def test_tb002_reports_a_table_in_another_scheme_once(clean, lint_text):
    text = after("| AC-4 | Dead letters can be replayed", PERFORMANCE_TABLE("QC"))(clean)
    finding = only(lint_text(text), "TB002")
    assert "numbers its 2 rows in its own scheme (QC-1, QC-2), not AC-1 or PC-1" in \
        finding.message


def test_tb002_still_reports_the_odd_row_of_a_table_row_by_row(clean, lint_text):
    text = chain(sub("| UT-4 |", "| UT4  |"), sub("| UT-5 |", "| U-5  |"))(clean)
    lines = {f.line for f in lint_text(text) if f.code == "TB002"}
    assert lines == {At("| UT4  |").resolve(text), At("| U-5  |").resolve(text)}


def test_st001_says_once_that_most_sections_are_missing(clean, lint_text):
    findings = lint_text(clean[:clean.index("## 2. Implementation Phases")])
    finding = only(findings, "ST001")
    assert finding.message.startswith("9 of the 10 IP sections are missing (2. Implementation "
                                      "Phases, 3. Test Strategy")
    assert finding.message.endswith("is this an IP, or does it follow another template?")
    body = clean[clean.index("# Implementation Plan"):clean.index("## 1. Overview")]
    none = only(lint_text(clean[:clean.index("# Implementation Plan")] + body), "ST001")
    assert none.message.startswith("none of the 10 IP sections found")


def test_st001_names_the_fence_that_swallowed_a_section(clean, lint_text):
    text = sub("## 10. Additional Resources", "```text\n## 10. Additional Resources")(clean)
    finding = only(lint_text(text), "ST001")
    fence = At("```text").resolve(text)
    assert finding.message == (f"missing section '10. Additional Resources'; its heading on "
                               f"line {fence + 1} is inside the code block that starts on line "
                               f"{fence} (see ST007)")
    assert "never closed" in only(lint_text(text), "ST007").message


def test_st008_without_a_commented_title_points_at_the_body(clean, lint_text):
    text = chain(delete('title: "Webhook Retry Queue"\n'),
                 delete("# Implementation Plan: Webhook Retry Queue\n\n"))(clean)
    finding = only(lint_text(text, config=NO_TITLE_NEEDED), "ST008")
    assert finding.message == ("the document has no title: no 'title' field and no '# Title' "
                               "heading")


def test_st001_blames_the_fence_when_it_swallowed_most_sections(clean, lint_text):
    text = sub("## 2. Implementation Phases", "~~~text\n## 2. Implementation Phases")(clean)
    findings = lint_text(text)
    finding = only(findings, "ST001")
    fence = At("~~~text").resolve(text)
    assert only(findings, "ST007").line == fence
    assert finding.message.startswith("9 of the 10 IP sections are missing (")
    assert finding.message.endswith(f"; its heading on line {fence + 1} is inside the code "
                                    f"block that starts on line {fence} (see ST007)")


def test_st001_folds_a_section_that_has_none_of_its_subsections(clean, lint_text):
    start, end = clean.index("### 3.1 Unit Tests"), clean.index("## 4. Implementation Tasks")
    finding = only(lint_text(clean[:start] + clean[end:]), "ST001")
    assert finding.message == ("section '3. Test Strategy' has none of its subsections "
                               "'3.1 Unit Tests', '3.2 Integration Tests', "
                               "'3.3 Mock and Stub Requirements'")


def test_a_bar_about_a_scheduled_task_is_a_step_not_a_second_schedule(clean, lint_text):
    text = after("    Operator command    :t6, after t5, 2d",
                 "    Review of T-6 with ops :rv, after t6, 1d")(clean)
    assert lint_text(text) == []


def test_fm011_leaves_undeclared_numbers_alone_unless_yaml_changed_them(clean, lint_text):
    kept = after("tags:", "ratio: 0.50\nordinal: 24000")(clean)
    assert {f.code for f in lint_text(kept, config=UNKNOWN_KEYS_OK)} == set()
    lost = after("tags:", "zip: 007\nwindow: 1:30")(clean)
    found = [f for f in lint_text(lost, config=UNKNOWN_KEYS_OK) if f.code == "FM011"]
    assert [f.message for f in found] == [
        "'zip: 007' loads as the number 7; quote it: zip: \"007\"",
        "'window: 1:30' loads as the number 90; quote it: window: \"1:30\""]


def test_the_rule_codes_table_says_what_the_rules_do():
    # planbook.rules.codes lets a run the cache answers skip importing the rule modules;
    # when a rule changes, `make docs` rewrites it
    from planbook.rules import all_rules, catalog

    assert {code: (r.name, r.severity, r.default, r.needs_history)
            for code, r in all_rules().items()} == \
        {code: (r.name, r.severity, r.default, r.needs_history)
         for code, r in catalog().items()}


# what a run the cache answers has no use for: the parser with YAML and mistune, the plan
# model, and hashlib with OpenSSL (the cache's keys are made without it)
PARSER = ("planbook.parse", "yaml", "mistune")
UNUSED_WHEN_CACHED = (*PARSER, "planbook.model", "hashlib", "_hashlib")


def _imports_of_lint(folder: Path, env: dict | None = None) -> tuple[set[str], set[str]]:
    """The modules `planbook lint plans` in `folder` has imported when it ends: on its first
    run, and on a run the cache answers by the plans' stat (the third: the second records
    the stat of plans that were fresh at the first)."""
    code = ("import json, sys, planbook.cli as c; sys.argv = ['planbook', 'lint', 'plans']\n"
            "try: c.main()\nexcept SystemExit: pass\n"
            "print(json.dumps(sorted(sys.modules)))")
    run = [sys.executable, "-c", code]
    cold = subprocess.run(run, cwd=folder, env=env, capture_output=True, text=True, timeout=60)
    time.sleep(1.1)  # settled: the cache may know the plan by its stat
    subprocess.run(run, cwd=folder, env=env, capture_output=True, text=True, timeout=60)
    warm = subprocess.run(run, cwd=folder, env=env, capture_output=True, text=True, timeout=60)
    assert cold.stdout and warm.stdout, cold.stderr + warm.stderr
    return (set(json.loads(cold.stdout.splitlines()[-1])),
            set(json.loads(warm.stdout.splitlines()[-1])))


def _unused(modules: set[str], unused: tuple[str, ...] = UNUSED_WHEN_CACHED) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in unused or m in unused)


def test_a_lint_the_cache_answers_imports_no_rule_module(tmp_path, clean):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "IP-1-a.md").write_text(clean, encoding="utf-8")
    cold, warm = _imports_of_lint(tmp_path)
    assert "planbook.rules.structure" in cold and _unused(cold) != []
    assert sorted(m for m in warm if m.startswith(
        ("planbook.rules.", "planbook.facts", "planbook.doctypes"))) == \
        ["planbook.rules.codes", "planbook.rules.registry"]
    assert _unused(warm) == []
    assert "tomllib" not in warm  # no config file to read


def test_a_lint_the_cache_answers_reads_its_config_without_the_parser(tmp_path, clean):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.planbook]\npaths = ["plans"]\n', encoding="utf-8")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "IP-1-a.md").write_text(clean, encoding="utf-8")
    cold, warm = _imports_of_lint(tmp_path)
    assert "planbook.rules.structure" in cold
    assert "tomllib" in warm  # the config was read, through the checked reader
    assert _unused(warm) == []


def test_a_lint_the_cache_answers_in_a_repository_parses_no_earlier_version(tmp_path):
    from gitrepo import commit, env, make_repo, plan, write

    repo = make_repo(tmp_path)
    write(repo, "IP-1-a.md", plan())
    commit(repo, "Add IP-1")
    cold, warm = _imports_of_lint(repo, env())
    assert "planbook.gitmeta" in warm  # the history rules had git asked
    assert _unused(cold, PARSER) != [] and _unused(warm, PARSER) == []
    # digests made without OpenSSL, the cache written without tempfile (nor random, shutil),
    # git started without the subprocess module (nor selectors with it)
    assert {"hashlib", "_hashlib", "tempfile", "subprocess", "selectors"} & (cold | warm) \
        == set()
    # the traceability index: IDs and commits remembered, the doc type never asked for
    assert {"planbook.doctypes", "planbook.facts", "planbook.model"} & warm == set()
