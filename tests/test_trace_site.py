"""The traceability section in a real MkDocs build, opened in Chromium: commit subjects and
test file names holding every hostile payload run nothing and read as typed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import site_hostile
from browser import serve, sh
from gitrepo import make_repo, write
from test_trace import PLAN, tracked_plan

BIN = Path(sys.executable).parent
JS = f"{site_hostile.SET_MARK}=1"


def subjects() -> list[str]:
    return [payload.replace("{js}", JS) for payload in site_hostile.PAYLOADS.values()]


def file_names() -> list[str]:
    return [site_hostile.PAYLOADS[name].replace("{js}", JS) + ".test.js"
            for name in site_hostile.fitting("/\\")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_repo(tmp_path_factory.mktemp("trace-site") / "repo")
    (root / "pyproject.toml").write_text('[tool.planbook]\ntests = ["web/*.js"]\n',
                                         encoding="utf-8")
    write(root, PLAN, tracked_plan())
    (root / "web").mkdir()
    for name in file_names():
        (root / "web" / name).write_text('// IP-1:IT-1\ntest("saves", () => {});\n',
                                         encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "results.xml").write_text('<testsuite><testcase name="saves"/></testsuite>',
                                      encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Plans\nrepo_url: https://example.org/team/relay\nplugins:\n"
        "  - planbook:\n      junit: [results.xml]\n", encoding="utf-8")
    sh(["git", "add", "-A"], root)
    for number, subject in enumerate(subjects()):
        sh(["git", "commit", "-q", "--allow-empty", "-m", f"{subject} (IP-1 T-1)"], root,
           date=f"2026-03-{number + 2:02d}T10:00:00+00:00")
    sh([str(BIN / "mkdocs"), "build", "-q", "-d", "site"], root)
    return root / "site"


def test_trace_section_runs_nothing_and_reads_as_typed(browser, built):
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        with serve(built) as url:
            for path in ("plans/IP-1-retry-queue/", "plans/"):
                page.goto(f"{url}/{path}", wait_until="load")
                page.mouse.move(200, 300)
                assert page.evaluate("window.__pwned") is None, path
            page.goto(f"{url}/plans/IP-1-retry-queue/", wait_until="load")
            tasks = page.inner_text(".pb-trace-tasks")
            criteria = page.inner_text(".pb-trace-criteria")
            links = page.eval_on_selector_all(".pb-trace-tasks a", "els => els.map(e => e.href)")
    finally:
        context.close()
    assert dialogs == []
    for subject in subjects():
        assert f"{subject} (IP-1 T-1)" in tasks
    for name in file_names():
        assert f"web/{name}:1" in criteria
    assert len(links) == len(subjects())
    assert all(link.startswith("https://example.org/team/relay/commit/") for link in links)
