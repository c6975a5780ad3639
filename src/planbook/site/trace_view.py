"""The site's traceability: a section on each plan page and the index's coverage cell.

A plan's section appears once its team traces it: a commit cites one of its tasks, or the
config names test files, or the plugin names JUnit results.

Both come from the entry's `trace.PlanTrace`, the one `planbook trace` prints: the tasks with
the commits that cite them (linked to the repository when mkdocs.yml sets `repo_url`) and the
matrix of acceptance criteria, the tests they cite and their results. Every value from a plan,
a commit or a test file is escaped on the way out.
"""

from __future__ import annotations

from planbook.site import markup

RESULT = {"passed": ("passed", "pb-lint-clean"), "failed": ("failed", "pb-lint-error"),
          "skipped": ("skipped", "pb-lint-warning"), "missing": ("no result", "pb-lint-warning"),
          None: ("no results given", "pb-muted")}
STATE = {"met": ("met", "pb-lint-clean"), "failing": ("failing", "pb-lint-error"),
         "untested": ("untested", "pb-lint-warning")}


def _shows_tasks(trace) -> bool:
    """Commits cite at least one of its tasks: the team writes citations."""
    return trace.history and any(t.commits for t in trace.tasks)


def _shows_criteria(trace) -> bool:
    """Test files are configured or results given, so a criterion's state means something."""
    return bool(trace.criteria) and (trace.tests_configured or trace.junit)


def _commit(sha: str, subject: str, date: str, repo_url: str) -> str:
    short = f"<code>{markup.escape(sha[:10])}</code>"
    if repo_url:
        short = f'<a href="{markup.escape(repo_url.rstrip("/"))}/commit/{markup.escape(sha)}">' \
                f"{short}</a>"
    return f'{short} {markup.escape(subject)} <span class="pb-muted">{markup.escape(date[:10])}' \
           "</span>"


def section(entry, repo_url: str = "") -> list[str]:
    """The plan page's "Traceability" section, or nothing for a plan whose team does not
    trace it: no commit cites its tasks, and no test files or results are configured."""
    trace = getattr(entry, "trace", None)
    if trace is None or not (_shows_tasks(trace) or _shows_criteria(trace)):
        return []
    out = ["## Traceability", ""]
    if _shows_tasks(trace):
        rows = []
        for task in trace.tasks:
            done = {True: "done", False: "open", None: "—"}[task.done]
            commits = "<br>".join(_commit(c.sha, c.subject, c.date, repo_url)
                                  for c in task.commits) or '<span class="pb-muted">none</span>'
            rows.append(f"<tr><td>{markup.escape(task.id)}</td><td>{done}</td>"
                        f"<td>{commits}</td></tr>")
        cited = sum(1 for t in trace.tasks if t.commits)
        out += [f"{cited} of {len(trace.tasks)} tasks cited by commits "
                f"(write <code>{markup.escape(trace.id)} T-1</code> in a commit message).", "",
                markup.Html('<table class="pb-table pb-trace-tasks"><thead><tr>'
                            '<th scope="col">Task</th><th scope="col">State</th>'
                            '<th scope="col">Commits</th></tr></thead><tbody>'
                            + "".join(rows) + "</tbody></table>"), ""]
    if _shows_criteria(trace):
        results = {t.id: t for t in trace.tests}
        rows = []
        for criterion in trace.criteria:
            cells = []
            for test_id in criterion.tests:
                test = results.get(test_id)
                said, css = RESULT[test.result] if test else ("not a test of this plan",
                                                              "pb-lint-warning")
                where = ", ".join(f"{i.path}:{i.line}" for i in test.implemented_by) \
                    if test else ""
                cells.append(f"{markup.escape(test_id)} <span class=\"{css}\">{said}</span>"
                             + (f' <small class="pb-muted">{markup.escape(where)}</small>'
                                if where else ""))
            state, css = STATE[criterion.state]
            rows.append(f"<tr><td>{markup.escape(criterion.id)}</td>"
                        f"<td>{'<br>'.join(cells) or '<span class=pb-muted>cites no test</span>'}"
                        f'</td><td class="{css}">{state}</td></tr>')
        met, total = trace.coverage()
        out += [f"{met} of {total} acceptance criteria met"
                + ("" if trace.junit else " (no test results given)") + ".", "",
                markup.Html('<table class="pb-table pb-trace-criteria"><thead><tr>'
                            '<th scope="col">Criterion</th><th scope="col">Tests and results</th>'
                            '<th scope="col">State</th></tr></thead><tbody>' + "".join(rows)
                            + "</tbody></table>"), ""]
    return out


def has_coverage(entry) -> bool:
    """Whether the plan has criteria and the site was given test results for them."""
    trace = getattr(entry, "trace", None)
    return trace is not None and bool(trace.junit) and bool(trace.criteria)


def coverage_cell(entry) -> str:
    """The index's coverage cell: criteria met of criteria, once results are given."""
    trace = getattr(entry, "trace", None)
    if trace is None or not trace.junit or not trace.criteria:
        return '<td data-sort="-1" class="pb-muted">—</td>'
    met, total = trace.coverage()
    css = "pb-lint-clean" if met == total else "pb-lint-warning"
    return f'<td data-sort="{met / total:.4f}" class="{css}">{met}/{total} met</td>'
