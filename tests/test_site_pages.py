"""Page generation: plans and findings in, Markdown pages out, with no MkDocs involved."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import markdown
import pytest

from planbook.config import Config
from planbook.lint import Linter, discover, lint_paths, plan_names
from planbook.sequence import parse_gantt
from planbook.site import diagrams, pages
from planbook.site.load import Site, load
from planbook.site.urls import Options, href

FIXTURES = Path(__file__).parent / "fixtures"


def clean_plan(**changes: str) -> str:
    """The clean example plan with frontmatter values replaced (as written)."""
    text = (FIXTURES / "clean.md").read_text(encoding="utf-8")
    for key, value in changes.items():
        text, count = re.subn(rf"(?m)^{key}: .*$", f"{key}: {value}", text, count=1)
        if not count:
            text = text.replace("\n---\n", f"\n{key}: {value}\n---\n", 1)
    return text


@pytest.fixture
def plans(tmp_path, monkeypatch):
    """A project folder with a plans/ folder; returns a function that writes one plan."""
    monkeypatch.setenv("PLANBOOK_TODAY", "2026-06-01")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "notes.md.keep").write_text("")
    (tmp_path / "notes.md").write_text((FIXTURES / "notes.md").read_text())

    def write(name: str, text: str) -> Path:
        path = tmp_path / "plans" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("(notes.md)", "(../notes.md)"), encoding="utf-8")
        return path

    write.root = tmp_path
    return write


def build(root: Path, **options) -> tuple[Site, dict[str, str]]:
    site = load(root / "plans", config=Config(root=root), git=False)
    return site, pages.render(site, Options(**options))


def html_of(page: str) -> str:
    """The page as MkDocs would turn it into HTML (its default Markdown extensions)."""
    return markdown.markdown(page, extensions=["toc", "tables"])


def test_every_page_is_generated(plans):
    plans("IP-1-retry.md", clean_plan())
    plans("IP-2-export.md", clean_plan(title='"Export"', status="draft"))
    _, out = build(plans.root)
    assert set(out) == {
        "plans/index.md", "plans/board.md", "plans/dependencies.md", "plans/plans.json",
        "plans/IP-1-retry.md", "plans/IP-1-retry.md.txt",
        "plans/IP-2-export.md", "plans/IP-2-export.md.txt",
    }
    assert out["plans/IP-1-retry.md.txt"] == (plans.root / "plans" / "IP-1-retry.md").read_text()


def test_findings_are_the_linters(plans):
    plans("IP-1-retry.md", clean_plan(status="shipped", updated='"2026-01-01"'))
    plans("IP-2-export.md", clean_plan(title='"Export"'))
    config = Config(root=plans.root)
    files = discover([str(plans.root / "plans")], config)
    expected = lint_paths(files, Linter(config, plan_names=plan_names(files)), jobs=1).findings
    site, out = build(plans.root)
    shown = [(f.code, f.line, f.message) for e in site.entries for f in e.findings]
    assert sorted(shown) == sorted((f.code, f.line, f.message) for f in expected)
    assert expected, "the plan was meant to have findings"
    page = out["plans/IP-1-retry.md"]
    rows = re.findall(r'<tr class="pb-sev-\w+"><td>(?:<a href="#pb-L\d+">)?(\d+)(?:</a>)?</td>'
                      r'<td><a href="\.\./\.\./rules/(\w+)/">', page)
    assert sorted((int(line), code) for line, code in rows) == sorted(
        (f.line, f.code) for f in expected if f.path.endswith("IP-1-retry.md"))
    index = out["plans/index.md"]
    errors = sum(1 for f in expected if f.path.endswith("IP-1-retry.md")
                 and f.severity == "error")
    assert f"{errors} error" in index


def test_index_rows_carry_what_is_sorted_and_filtered(plans):
    plans("IP-1-retry.md", clean_plan())
    plans("IP-2-export.md", clean_plan(title='"Export"', status="draft", by="grace"))
    _, out = build(plans.root)
    index = out["plans/index.md"]
    rows = re.findall(r'<tr data-status="([^"]+)" data-search="([^"]*)">', index)
    assert [status for status, _ in rows] == ["in-progress", "draft"]
    assert "grace" in rows[1][1] and "export" in rows[1][1]
    assert '<a href="IP-1-retry/">Webhook Retry Queue</a>' in index
    assert '<option value="draft">Draft (1)</option>' in index
    # the checklist of the clean plan: two of five ticked
    assert 'value="2" max="5"' in index
    # six tasks in the tasks table
    assert '<td data-sort="6">6</td>' in index


def test_plan_page_card_progress_and_body(plans):
    plans("IP-1-retry.md", clean_plan())
    _, out = build(plans.root)
    page = out["plans/IP-1-retry.md"]
    html = html_of(page)
    assert page.startswith("# Webhook Retry Queue\n")
    assert '<span class="pb-badge pb-status-in-progress">in-progress</span>' in html
    assert "<dt>Version</dt><dd>1.0</dd>" in html
    assert "<dt>Author</dt><dd>mara.lindqvist</dd>" in html
    assert '<progress class="pb-progress" value="2" max="5"' in html
    # the body: headings as Markdown (so they reach the table of contents), tables rendered
    assert '<h2 id="1-overview">1. Overview</h2>' in html
    assert "<td>Claim, send, delete or reschedule</td>" in html
    assert 'class="task-list-item-checkbox" type="checkbox" checked' in html
    # the leading H1 repeats the title and is dropped
    assert "Implementation Plan: Webhook Retry Queue" not in html


def test_tasks_done_from_checklist_mentions(plans):
    text = clean_plan().replace("- [x] Contract suite for `AttemptStore` (UT-1)",
                                "- [x] T-1 and T-2 are merged")
    plans("IP-1-retry.md", text)
    site, out = build(plans.root)
    entry = site.entries[0]
    assert entry.task_progress() == (2, 6)
    assert entry.progress() == (2 + 2, 5 + 6)
    assert "2/6 done" in out["plans/index.md"]


def test_gantt_checked_against_the_tasks_table(plans):
    # T-4 depends on T-2 and T-3; this gantt waits for t2 only
    plans("IP-1-retry.md", clean_plan().replace(":t4, after t2 t3,", ":t4, after t2,"))
    broken = clean_plan().replace("    Operator command    :t6, after t5, 2d\n", "").replace(
        "Dead-letter move    :t5, after t4, 1d", "Dead-letter move    :t5, after t1, 1d\n"
        "    Celebrate           :party, after t5, 1d")
    plans("IP-2-broken.md", broken)
    _, out = build(plans.root)
    one = out["plans/IP-1-retry.md"]
    assert ("T-4 can start before T-3 ends: the sequence does not put it after it, but its "
            "Dependencies list it") in one
    two = out["plans/IP-2-broken.md"]
    assert "T-6 is in the tasks table but not in the sequence" in two
    assert ("T-5 can start before T-4 ends: the sequence does not put it after it, but its "
            "Dependencies list it") in two
    assert "T-5 starts after T-1" not in two  # T-1 is a dependency through T-4 and T-2
    # a bar that names no task is a step of the work, not a task the table lacks
    assert "Celebrate" not in "".join(line for line in two.splitlines() if "<li>" in line)
    # the disagreeing bars are marked in the drawing
    assert two.count('class="pb-bar pb-bad"') == 1  # T-5


def test_a_consistent_gantt_is_said_to_be_so(plans):
    plans("IP-1-retry.md", clean_plan())
    _, out = build(plans.root)
    page = out["plans/IP-1-retry.md"]
    assert "Every task is scheduled" in page
    assert "disagree" not in page


def test_diagrams_are_inline_svg(plans):
    plans("IP-1-retry.md", clean_plan())
    _, out = build(plans.root)
    page = out["plans/IP-1-retry.md"]
    svgs = re.findall(r"<svg .*?</svg>", page)
    assert len(svgs) == 2  # task graph and gantt
    graph, gantt = svgs
    for task in ("T-1", "T-2", "T-3", "T-4", "T-5", "T-6"):
        assert f">{task}</text>" in graph
    assert graph.count('class="pb-edge"') == 5  # 1→2, 2→4, 3→4, 4→5, 5→6
    assert gantt.count("<rect class=\"pb-bar") == 6
    assert "03-10" in gantt  # the axis starts at the first date
    _, plain = build(plans.root, diagrams=False)
    assert "<svg" not in plain["plans/IP-1-retry.md"]


def test_depends_on_graph_board_and_blocked_plans(plans):
    plans("IP-1-base.md", clean_plan(title='"Base"', status="done"))
    plans("IP-2-api.md", clean_plan(title='"API"', status="review", depends_on='["IP-1"]'))
    plans("IP-3-ui.md", clean_plan(title='"UI"', status="approved",
                                   depends_on='["IP-2-api", "IP-9"]'))
    _, out = build(plans.root)
    deps = out["plans/dependencies.md"]
    assert deps.count('class="pb-edge"') == 2
    assert '<a href="../IP-1-base/">' in deps
    assert "IP-9" in deps  # named but not found
    board = out["plans/board.md"]
    done = board.split('data-status="done"')[1].split("</details>")[0]
    assert ">Base</a>" in done
    approved = board.split('data-status="approved"')[1].split("</details>")[0]
    assert "pb-blocked" in approved and "waits on IP-2-api (review), IP-9 (not found)" in approved
    review = board.split('data-status="review"')[1].split("</details>")[0]
    assert "pb-blocked" not in review  # IP-1 is done
    page = out["plans/IP-2-api.md"]
    assert "<dt>Depends on</dt>" in page and "<dt>Needed by</dt>" in page
    assert "### Related plans" in page


def test_links_in_plan_bodies_work_on_the_site(plans):
    text = clean_plan() + (
        "\nSee [the base plan](IP-1-base.md#2-implementation-phases), "
        "[a picture](diagram.png), [the notes](../notes.md), [the docs](../docs/guide.md), "
        "[gone](missing.png) "
        "and [elsewhere](https://example.org/x).\n")
    plans("IP-1-base.md", clean_plan(title='"Base"'))
    plans("IP-2-links.md", text)
    (plans.root / "plans" / "diagram.png").write_bytes(b"\x89PNG")
    site, out = build(plans.root, docs_dir="../docs")
    assert site.attachments == ["diagram.png", "notes.md.keep"]
    html = out["plans/IP-2-links.md"]
    assert 'href="../IP-1-base/#2-implementation-phases"' in html
    assert 'href="../diagram.png"' in html
    assert 'href="../../guide/"' in html  # a docs page, by its site URL
    assert 'href="https://example.org/x"' in html
    # outside the site, and no source URL to send it to: the text stays, the link goes
    assert '<a rel="noopener noreferrer">the notes</a>' in html
    assert '<a rel="noopener noreferrer">gone</a>' in html  # nothing there to publish
    _, flat = build(plans.root, directory_urls=False, source_url="https://example.org/repo/blob/main")
    html = flat["plans/IP-2-links.md"]
    assert 'href="IP-1-base.html#2-implementation-phases"' in html
    assert 'href="https://example.org/repo/blob/main/notes.md"' in html


def test_plans_json_is_a_machine_readable_index(plans):
    plans("IP-1-retry.md", clean_plan(depends_on='["IP-2"]'))
    _, out = build(plans.root)
    data = json.loads(out["plans/plans.json"])
    (row,) = data["plans"]
    assert row["path"] == "IP-1-retry.md" and row["page"] == "plans/IP-1-retry/"
    assert row["title"] == "Webhook Retry Queue" and row["status"] == "in-progress"
    assert row["checklist"] == {"done": 2, "total": 5}
    assert row["tasks"]["total"] == 6
    assert row["depends_on"] == ["IP-2"]
    assert row["git"] is None and row["uncommitted"] is False


def test_reserved_and_nested_names(plans):
    plans("index.md", clean_plan(title='"Named index"'))
    plans("team/IP-7-deep.md", clean_plan(title='"Deep"'))
    _, out = build(plans.root)
    assert "plans/plan-index.md" in out and "plans/team/IP-7-deep.md" in out
    assert '<a href="plan-index/">Named index</a>' in out["plans/index.md"]
    assert '<a href="team/IP-7-deep/">Deep</a>' in out["plans/index.md"]
    assert "[FM" not in out["plans/team/IP-7-deep.md"] or "](../../rules/" in \
        out["plans/team/IP-7-deep.md"]


def test_empty_and_missing_plan_folders(tmp_path):
    empty = tmp_path / "plans"
    empty.mkdir()
    for folder in (empty, tmp_path / "missing"):
        out = pages.render(load(folder, config=Config(root=tmp_path), git=False))
        assert "No plans yet" in out["plans/index.md"]
        assert set(out) == {"plans/index.md", "plans/board.md", "plans/dependencies.md",
                            "plans/plans.json"}
        assert json.loads(out["plans/plans.json"]) == {"plans": []}


def test_output_dir_and_rules_dir_move_links(plans):
    plans("IP-1-retry.md", clean_plan(status="shipped"))
    _, out = build(plans.root, output_dir="work/plans", rules_dir="reference/rules")
    page = out["work/plans/IP-1-retry.md"]
    assert 'href="../../../reference/rules/FM' in page


@pytest.mark.parametrize(("source", "target", "directory_urls", "expected"), [
    ("plans/index.md", "plans/IP-1.md", True, "IP-1/"),
    ("plans/IP-1.md", "plans/IP-2.md", True, "../IP-2/"),
    ("plans/IP-1.md", "plans/index.md", True, "../"),
    ("plans/IP-1.md", "plans/IP-1.md.txt", True, "../IP-1.md.txt"),
    ("plans/IP-1.md", "rules/FM001.md", True, "../../rules/FM001/"),
    ("plans/index.md", "plans/IP-1.md", False, "IP-1.html"),
    ("plans/IP-1.md", "plans/index.md", False, "index.html"),
    ("plans/a/IP-1.md", "plans/IP-2.md", False, "../IP-2.html"),
    ("plans/IP-1.md", "plans/IP 2.md", True, "../IP%202/"),
])
def test_href(source, target, directory_urls, expected):
    assert href(source, target, directory_urls) == expected


def test_layers_survive_cycles():
    columns = diagrams.layers(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")])
    assert sorted(n for column in columns for n in column) == ["a", "b", "c"]
    assert diagrams.layers([], []) == []
    assert diagrams.layers(["x", "y"], [("x", "y")]) == [["x"], ["y"]]


def test_gantt_parser_reads_mermaid_forms():
    gantt = parse_gantt(
        "gantt\n  title T\n  dateFormat YYYY-MM-DD\n  excludes weekends\n  section S\n"
        "  A task :done, a1, 2026-01-05, 3d\n  Next :after a1, 1w\n  Last : 2026-01-20, "
        "2026-01-22\n  Milestone :milestone, m1, after a1, 0d\n  this is not a task\n", 10)
    assert [b.name for b in gantt.bars] == ["A task", "Next", "Last", "Milestone"]
    a, nxt, last, ms = gantt.bars
    assert a.tags == ("done",) and a.id == "a1" and a.days == 3 and a.line == 15
    assert nxt.after == ["a1"] and nxt.start is None and nxt.days == 7
    assert last.end.isoformat() == "2026-01-22"
    assert ms.after == ["a1"] and ms.days == 0
    assert gantt.notes == ["line 19: not a task line: this is not a task"]
    origin, spans = diagrams.schedule(gantt)
    assert origin.isoformat() == "2026-01-05"
    assert spans[0] == (0, 3) and spans[1] == (3, 10) and spans[3] == (3, 3)
    assert spans[2] == (15, 18)  # an end date counts its own day
    assert parse_gantt("flowchart LR\n a-->b\n", 1) is None


def test_tasks_done_from_a_status_column(plans):
    lines = []
    for line in clean_plan().split("\n"):
        if line.startswith("| ID  | Task "):
            line += " Status |"
        elif line.startswith("| --- | ----"):
            line += " --- |"
        elif line.startswith("| T-"):
            line += " Done |" if line.startswith(("| T-1 ", "| T-2 ")) else " open |"
        lines.append(line)
    plans("IP-1-retry.md", "\n".join(lines))
    site, _ = build(plans.root)
    assert [t.done for t in site.entries[0].tasks] == [True, True, False, False, False, False]
    assert site.entries[0].task_progress() == (2, 6)


@pytest.mark.parametrize(("heading", "text"), [
    ("4. Use `code` and **bold**", "4. Use code and bold"),
    ("[Link](x.md) and _it_ in snake_case_name", "Link and it in snake_case_name"),
    ("Tags <b>go</b> &amp; entities stay", "Tags go & entities stay"),
])
def test_heading_text_is_plain(heading, text):
    from planbook.site.markup import inline_text

    assert inline_text(heading) == text


def test_parallel_build_renders_exactly_what_a_plain_render_does(plans):
    for n in range(1, 51):  # enough plans for worker processes
        plans(f"IP-{n}-plan.md", clean_plan(title=f'"Plan {n}"', depends_on=f'["IP-{n + 1}"]'))
    options = Options(source_url="https://example.org/r/blob/main")
    site, built = pages.build(plans.root / "plans", options, config=Config(root=plans.root),
                              git=False, jobs=2)
    assert all(e.prepared == options for e in site.entries)  # bodies came from the workers
    assert [e.rel for e in site.entries] == sorted(e.rel for e in site.entries)
    plain = pages.render(load(plans.root / "plans", config=Config(root=plans.root),
                                    git=False, jobs=1), options)
    assert built == plain


def test_a_rebuild_prepares_again_only_the_plans_that_changed(plans):
    for n in range(1, 51):  # enough plans for worker processes
        plans(f"IP-{n}-plan.md", clean_plan(title=f'"Plan {n}"', depends_on=f'["IP-{n + 1}"]'))
    options, config = Options(), Config(root=plans.root)
    prepared: dict = {}
    pages.build(plans.root / "plans", options, config=config, git=False, jobs=2,
                prepared=prepared)
    first = set(prepared)
    assert len(first) == 50
    plans("IP-7-plan.md", clean_plan(title='"Plan 7, edited"', depends_on='["IP-8"]'))
    _, built = pages.build(plans.root / "plans", options, config=config, git=False, jobs=2,
                           prepared=prepared)
    assert len(set(prepared) - first) == 1
    assert built == pages.render(load(plans.root / "plans", config=config, git=False, jobs=1),
                                 options)


def test_task_progress_agrees_with_planbook_status(plans):
    from planbook import doctypes, status
    from planbook.parse import read_plan

    text = clean_plan().replace("- [x] Contract suite for `AttemptStore` (UT-1)",
                                "- [x] T-1, T-2 and T-3 are merged")
    path = plans("IP-1-retry.md", text)
    site, _ = build(plans.root)
    reported = status.plan_status(read_plan(str(path)), doctypes.builtin("IP"))
    assert site.entries[0].task_progress() == (reported.tasks_done, reported.tasks) == (3, 6)


def _tagged(prefix: str, item: int) -> str:
    return f"{prefix}{item}:{os.getpid()}"


def test_worker_pool_returns_results_in_item_order():
    """The pool lint and the site loader share: results come back in the order of the items,
    whether or not workers ran."""
    from planbook.workers import PARALLEL_FROM, map_items

    items = list(range(PARALLEL_FROM * 2 + 7))
    parallel = map_items(_tagged, "n", items, jobs=2)
    assert [r.split(":")[0] for r in parallel] == [f"n{i}" for i in items]
    assert {r.split(":")[1] for r in parallel} != {str(os.getpid())}  # workers ran them
    serial = map_items(_tagged, "n", items[:PARALLEL_FROM - 1], jobs=2)
    assert {r.split(":")[1] for r in serial} == {str(os.getpid())}  # too few: no workers


def test_parallel_lint_reports_what_a_serial_lint_does(plans):
    for n in range(1, 51):
        plans(f"IP-{n}-plan.md", clean_plan(status="shipped" if n % 3 else "draft",
                                            depends_on=f'["IP-{n + 7}"]'))
    config = Config(root=plans.root)
    files = discover([str(plans.root / "plans")], config)
    serial = lint_paths(files, Linter(config, plan_names=plan_names(files)), jobs=1)
    parallel = lint_paths(files, Linter(config, plan_names=plan_names(files)), jobs=2)
    assert serial.findings and serial.findings == parallel.findings
    assert (serial.files, serial.internal_errors) == (parallel.files, parallel.internal_errors)


def test_a_plan_without_a_title_field_is_titled_by_its_h1_then_its_path(tmp_path):
    """Titles come from the title field, else the first H1, else the path inside the plans
    folder: never the build machine's absolute path, also when the YAML does not load."""
    folder = tmp_path / "plans"
    (folder / "sub").mkdir(parents=True)
    (folder / "IP-1-broken.md").write_text("---\nby: @ana\n---\n\n# Search API\n\nText.\n",
                                           encoding="utf-8")
    (folder / "sub" / "IP-2-bare.md").write_text("---\nstatus: draft\n---\n\nText.\n",
                                                 encoding="utf-8")
    site = load(folder, config=Config(root=tmp_path), git=False)
    titles = {e.rel: e.title for e in site.entries}
    assert titles == {"IP-1-broken.md": "Search API", "sub/IP-2-bare.md": "sub/IP-2-bare.md"}
    out = pages.render(site)
    assert out["plans/IP-1-broken.md"].startswith("# Search API\n")
    assert str(tmp_path) not in out["plans/index.md"] + out["plans/plans.json"]


# -- what readers need: statuses, IDs, findings, diagrams ------------------------------------


def test_statuses_are_shown_by_their_own_name_respelled_or_mapped(plans):
    plans("IP-1-a.md", clean_plan(status="in_progress"))
    plans("IP-2-b.md", clean_plan(status='"Completed"'))
    plans("IP-3-c.md", clean_plan(status="active"))
    plans("IP-4-d.md", clean_plan(status='""'))
    site = load(plans.root / "plans", git=False,
                config=Config(root=plans.root, status_aliases={"completed": "done"}))
    assert [(e.written_status, e.status) for e in site.entries] == [
        ("in_progress", "in-progress"), ("completed", "done"), ("active", "active"), ("", "")]
    done = site.entries[1]
    assert done.done and done.finished  # the lifecycle reads the mapped status
    out = pages.render(site, Options())
    board = out["plans/board.md"]
    columns = re.findall(r'<details class="pb-column [^"]*" data-status="([^"]+)"', board)
    assert columns == ["draft", "review", "approved", "in-progress", "done", "abandoned",
                       "active", "~none"]
    count = {s: int(n) for s, n in re.findall(
        r'data-status="([^"]+)"(?: open)?><summary class="pb-column-title">[^<]*'
        r'<span class="pb-column-count">(\d+)</span>', board)}
    assert count == {"draft": 0, "review": 0, "approved": 0, "in-progress": 1, "done": 1,
                     "abandoned": 0, "active": 1, "~none": 1}
    active = board.split('data-status="active"')[1].split("</details>")[0]
    assert "Not a status of the lifecycle" in active
    assert "written completed" in board and "written in_progress" in board
    index = out["plans/index.md"]
    assert re.findall(r'<option value="([^"]*)">', index) == [
        "", "in-progress", "done", "active", "~none"]
    assert "1 active*" in index and "status-aliases" in index
    data = json.loads(out["plans/plans.json"])["plans"]
    assert [(p["status"], p["shown_as"]) for p in data] == [
        ("in_progress", "in-progress"), ("completed", "done"), ("active", "active"), ("", "")]


def test_ids_in_natural_order_and_a_shared_id_marked(plans):
    for name in ("IP-10-x.md", "IP-2-y.md", "IP-1-z.md", "IP-2-again.md"):
        plans(name, clean_plan(title=f'"{name[:-3]}"'))
    _, out = build(plans.root)
    index = out["plans/index.md"]
    rows = re.findall(r'<td data-sort="[^"]*" class="pb-nowrap">(IP-\d+)(.*?)</td>', index)
    assert [i for i, _ in rows] == ["IP-1", "IP-2", "IP-2", "IP-10"]
    assert ["duplicate ID" in mark for _, mark in rows] == [False, True, True, False]
    assert "also the ID of IP-2-y.md" in out["plans/IP-2-again.md"]
    board = out["plans/board.md"]
    tiles = re.findall(r'<span class="pb-tile-id">(IP-\d+)</span>', board)
    assert tiles == ["IP-1", "IP-2", "IP-2", "IP-10"]


def test_findings_are_summarised_folded_beyond_a_few_and_linked_to_their_lines(plans):
    body = clean_plan(version="1.10")
    many = body + "".join(f"\n## Extra {n}\n\nSee [gone](missing-{n}.md).\n" for n in range(8))
    plans("IP-1-many.md", many)
    plans("IP-2-few.md", body)
    site, out = build(plans.root)
    page = out["plans/IP-1-many.md"]
    entry = next(e for e in site.entries if e.rel == "IP-1-many.md")
    assert len(entry.findings) > 5
    assert '<details class="pb-findings-list" data-search-exclude>' in page  # folded
    summary = page.split('<div class="pb-findings-summary">')[1].split("</div>")[0]
    counts = dict(re.findall(r'<a href="[^"]+">(\w+)</a> [\w-]+ <span class="pb-muted">× (\d+)',
                             summary))
    assert sum(map(int, counts.values())) == len(entry.findings)
    assert set(counts) == {f.code for f in entry.findings}
    for target in re.findall(r'<td><a href="#(pb-L\d+)">', page):
        assert f'id="{target}"' in page
    lines = {int(n) for n in re.findall(r'<td><a href="#pb-L(\d+)">', page)}
    assert {f.line for f in entry.findings if f.code == "RF004"} <= lines
    few = out["plans/IP-2-few.md"]
    assert '<details class="pb-findings-list" data-search-exclude open>' in few


def test_task_graph_needs_arrows_and_its_labels_are_not_cut_short(plans):
    long_name = "Define the AttemptStore interface and its fake"
    plans("IP-1-deps.md", clean_plan().replace("| Store interface      |", f"| {long_name} |"))
    no_deps = re.sub(r"\| (T-\d(?:, T-\d)*) +\| (High|Medium|Low) ", r"| None | \2 ",
                     clean_plan())
    plans("IP-2-flat.md", no_deps)
    _, out = build(plans.root)
    page = out["plans/IP-1-deps.md"]
    graph = page.split('aria-label="Task dependency graph"')[1].split("</svg>")[0]
    words = " ".join(re.findall(r'<text class="pb-node-sub"[^>]*>([^<]*)</text>', graph))
    assert long_name in words
    assert re.search(r'<a href="#pb-L\d+"><g class="pb-node', graph)
    for target in re.findall(r'<a href="#(pb-L\d+)"><g class="pb-node', graph):
        assert f'<tr id="{target}">' in page
    flat = out["plans/IP-2-flat.md"]
    assert "Task dependency graph" not in flat and "### Task dependencies" not in flat


def test_a_plan_whose_yaml_fails_gets_a_banner_and_a_title_of_its_own(plans):
    broken = clean_plan(author="@someone")
    plans("IP-1-broken.md", broken)
    plans("team/IP-2-bare.md", "---\ntitle: [unclosed\n---\n\nNo heading here.\n")
    site, out = build(plans.root)
    first, second = site.entries
    assert first.title == "Implementation Plan: Webhook Retry Queue"  # its H1
    assert second.title == "team/IP-2-bare.md"  # inside the plans folder, never absolute
    for page in (out["plans/IP-1-broken.md"], out["plans/team/IP-2-bare.md"]):
        banner = page.split('<div class="admonition failure pb-yaml-error" role="alert">')[1]
        assert page.index("pb-yaml-error") < page.index('class="pb-card"')
        assert "YAML" in banner.split("</div>")[0]
    assert str(plans.root) not in "".join(out.values())


def test_the_gantt_source_is_folded_under_its_drawing(plans):
    plans("IP-1-retry.md", clean_plan())
    _, out = build(plans.root)
    page = out["plans/IP-1-retry.md"]
    folded = page.split('<details class="pb-source" data-search-exclude>')[1].split(
        "</details>")[0]
    assert "gantt" in folded and "dateFormat" in folded
    assert page.count("dateFormat") == 1
    _, plain = build(plans.root, diagrams=False)  # nothing drawn: the source stays in view
    assert "pb-source" not in plain["plans/IP-1-retry.md"]


def test_progress_with_nothing_to_count_says_so(plans):
    text = re.sub(r"(?m)^- \[[ x]\] .*\n", "", clean_plan())
    plans("IP-1-none.md", text)
    _, out = build(plans.root)
    card = out["plans/IP-1-none.md"].split('<div class="pb-card-progress">')[1]
    assert "nothing to count: no checklist" in card.split("</div>")[0]
    assert "<progress" not in card.split("</div>")[0]
