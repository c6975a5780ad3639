"""Generate realistic, clean implementation plans for benchmarking `planbook lint`.

    python bench/gen_plans.py N OUTDIR [--seed S] [--size BYTES]

Writes OUTDIR/plans/IP-<n>-<slug>.md. The same seed gives the same files.
"""

from __future__ import annotations

import argparse
import random
import re
from datetime import date, timedelta
from pathlib import Path

AREAS = [
    "Billing", "Search", "Notification", "Inventory", "Audit Log", "Session", "Export",
    "Import", "Reporting", "Scheduler", "Webhook", "Identity", "Rate Limiter", "Cache",
    "Ledger", "Catalog", "Upload", "Metrics", "Feature Flag", "Permissions", "Archive",
    "Checkout", "Payroll", "Onboarding", "Geocoding", "Pricing", "Shipping", "Messaging",
    "Document Store", "Workflow", "Tenant", "Analytics", "Backup", "Config", "Queue",
]
PARTS = [
    "Service", "Gateway", "Worker", "Pipeline", "Adapter", "API", "Engine", "Store",
    "Dispatcher", "Client", "Indexer", "Resolver", "Collector", "Sync Job", "Validator",
]
GOALS = [
    "Rewrite", "Retry Handling", "Batch Mode", "Pagination", "Schema Migration",
    "Multi-Region Support", "Observability", "Backfill", "Soft Deletes", "Bulk Updates",
    "Streaming Output", "Access Control", "Deduplication", "Versioned Records",
    "Graceful Shutdown", "Partial Failure Recovery", "Caching Layer", "Async Processing",
]
FIRST = ["Ana", "Bram", "Chen", "Dalia", "Emeka", "Freya", "Goran", "Hana", "Ivo", "Jun",
         "Kalinda", "Luis", "Mira", "Nils", "Oona", "Pavel", "Quinn", "Rosa", "Sami", "Tove"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Brennan", "Ivanova", "Castillo", "Haddad",
        "Novak", "Achterberg", "Mensah", "Park", "Rossi", "Varga", "Whitlock", "Zhou"]
STATUSES = ["draft", "review", "approved", "in-progress", "done"]
LEVELS = ["High", "Medium", "Low"]
PHASES = ["Foundations", "Core Logic", "Storage Layer", "Public Interface", "Hardening",
          "Migration", "Rollout", "Observability", "Integration", "Cleanup"]
LIBS = [
    ("pydantic", "2.7", "Validation of request and record models"),
    ("httpx", "0.27", "Outbound HTTP calls with timeouts"),
    ("SQLAlchemy", "2.0", "Database access and transactions"),
    ("alembic", "1.13", "Schema migrations"),
    ("structlog", "24.1", "Structured logging"),
    ("tenacity", "8.3", "Retry policies with backoff"),
    ("redis", "5.0", "Client for the shared cache"),
    ("pytest", "8.2", "Test runner"),
    ("pytest-asyncio", "0.23", "Async test support"),
    ("respx", "0.21", "Mocking of httpx traffic"),
    ("freezegun", "1.5", "Control of the clock in tests"),
    ("prometheus-client", "0.20", "Metrics export"),
    ("orjson", "3.10", "Fast JSON encoding"),
]
LINKS = [
    ("Python logging cookbook", "https://docs.python.org/3/howto/logging-cookbook.html"),
    ("pytest fixtures", "https://docs.pytest.org/en/stable/how-to/fixtures.html"),
    ("unittest.mock reference", "https://docs.python.org/3/library/unittest.mock.html"),
    ("Pydantic models", "https://docs.pydantic.dev/latest/concepts/models/"),
    ("SQLAlchemy ORM quick start", "https://docs.sqlalchemy.org/en/20/orm/quickstart.html"),
    ("Mermaid Gantt syntax", "https://mermaid.js.org/syntax/gantt.html"),
    ("Twelve-Factor config", "https://12factor.net/config"),
    ("Semantic Versioning", "https://semver.org/"),
    ("OpenTelemetry Python", "https://opentelemetry.io/docs/languages/python/"),
    ("httpx timeouts", "https://www.python-httpx.org/advanced/timeouts/"),
]
VERBS = ["Define", "Implement", "Add", "Wire", "Write", "Refactor", "Document", "Extend",
         "Harden", "Measure"]
OBJECTS = ["data models", "repository layer", "request handlers", "retry policy",
           "configuration loader", "error mapping", "metrics hooks", "migration script",
           "input validation", "batch runner", "health check", "cleanup job", "CLI entry point",
           "audit events", "serialization", "feature flag guard", "rate limits",
           "integration fixtures"]
RISKS = [
    ("Upstream API changes its contract", "High", "Low",
     "Pin the client version and keep contract tests in CI"),
    ("Migration locks a large table", "High", "Medium",
     "Run the migration in batches during a quiet window"),
    ("Retry storms under partial outage", "Medium", "Medium",
     "Cap retries and add jitter to the backoff"),
    ("Test fixtures drift from production data", "Medium", "High",
     "Refresh anonymized samples each release"),
    ("Cache returns stale entries", "Low", "Medium",
     "Use short expiry and explicit invalidation on writes"),
    ("Throughput lower than expected", "Medium", "Low",
     "Benchmark early and keep a profiling step in the plan"),
    ("Key engineer unavailable mid-project", "Medium", "Low",
     "Pair on each phase and keep notes in the repository"),
    ("Ambiguous ownership of shared tables", "Low", "Medium",
     "Agree on an owner before phase two starts"),
]
FILLER = [
    "The {c} keeps its public surface small so that callers only see what they need.",
    "Every change to the {c} is behind a flag until the rollout review signs it off.",
    "Errors are reported with enough context to trace them back to a single request.",
    "We prefer plain functions over deep class hierarchies where the behaviour allows it.",
    "Configuration comes from the environment and is validated once at start-up.",
    "The existing {c} stays in place until the new path has run in shadow mode for a week.",
    "Each step can be reverted on its own without touching the data written before it.",
    "Timeouts are explicit on every outbound call and logged when they fire.",
    "The team reviews the {c} design notes before the first merge request lands.",
    "Work is split so that two engineers can proceed in parallel without blocking.",
    "Metrics for latency, error rate and queue depth are exported from the first release.",
    "Backwards compatibility with current clients is kept for at least two releases.",
    "Data written by the {c} is idempotent, so a replay after a crash is harmless.",
    "Load tests run against a staging copy with realistic record counts.",
    "Logs avoid personal data and keep identifiers hashed where they must appear.",
    "Open questions are tracked in the issue tracker rather than in this document.",
    "The {c} owns its tables and no other service writes to them directly.",
    "Documentation for operators is written alongside the code, not after it.",
]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def snake(text: str) -> str:
    return slugify(text).replace("-", "_")


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


class Deck:
    """Draw items in shuffled order, reshuffling when used up, so repeats stay far apart."""

    def __init__(self, rng: random.Random, items: list):
        self.rng, self.items, self.left = rng, items, []

    def draw(self):
        if not self.left:
            self.left = self.rng.sample(self.items, len(self.items))
        return self.left.pop()


class Para:
    """A paragraph that can grow by whole sentences to pad the file."""

    def __init__(self, text: str):
        self.sentences = [text]

    def __str__(self) -> str:
        return " ".join(self.sentences)


def build(rng: random.Random, title: str, comp: str, scale: float, status: str) -> tuple:
    """Return (parts, paras, filler): parts are str/Para lines rendered in order, paras the
    paragraphs that may grow, filler a function giving one more sentence."""

    def n(lo: int, hi: int, least: int = 2) -> int:
        return max(least, round(rng.randint(lo, hi) * scale))

    sentences = Deck(rng, FILLER)
    objects = Deck(rng, OBJECTS)

    def filler() -> str:
        return sentences.draw().format(c=comp)

    paras: list[Para] = []

    def para(text: str) -> Para:
        p = Para(text)
        paras.append(p)
        return p

    module = snake(comp)
    cls = comp.replace(" ", "").replace("-", "")
    out: list = [f"# Implementation Plan: {title}", ""]

    out += ["## 1. Overview", "", "### 1.1 Component Purpose", "",
            para(f"The {comp} handles {rng.choice(OBJECTS)} for the platform."), "",
            "### 1.2 Design Reference", "",
            para(f"This plan follows the approved design for the {comp} and the team's "
                 "conventions for service layout."), "",
            "### 1.3 Implementation Approach", "",
            para("We build the change in small phases, each ending in a deployable state."), ""]

    # one group of tasks per phase; the first task of a phase depends on earlier work only
    groups = rng.sample(PHASES, rng.randint(2, 4 if scale > 0.7 else 2))
    per_group = 3 if len(groups) < 4 else 2
    tasks: list[tuple[int, str, str, list[int], int]] = []  # id, name, desc, deps, group
    for g in range(len(groups)):
        for _ in range(n(per_group, per_group + 1, 1)):
            tid = len(tasks) + 1
            deps = sorted(rng.sample(range(1, tid), min(tid - 1, rng.randint(0, 2))))
            name = f"{rng.choice(VERBS)} {objects.draw()}"
            desc = f"{name} for the {comp} and cover it with tests"
            tasks.append((tid, name, desc, deps, g))

    out += ["## 2. Implementation Phases", ""]
    for k, pname in enumerate(groups, 1):
        out += [f"### 2.{k} Phase {k}: {pname}", "",
                para(f"This phase covers the {pname.lower()} work for the {comp}."), "",
                "**Key Deliverables:**", ""]
        out += [f"- T-{t[0]}: {t[1]}" for t in tasks if t[4] == k - 1]
        out += ["", "**Dependencies:**", ""]
        dep = f"Phase {k - 1} complete" if k > 1 else "Design review approved"
        out += [f"- {dep}", f"- Access to the {rng.choice(AREAS).lower()} staging environment"]
        out += ["", "**Estimated Complexity:** Medium", ""]

    ut = []
    for i in range(1, n(4, 7) + 1):
        obj = objects.draw()
        ut.append([f"UT-{i}", f"Check {obj} in the {comp}", f"`{module}_factory`, fake clock",
                   f"Returns the expected result for {obj}"])
    it = []
    for i in range(1, n(2, 4) + 1):
        it.append([f"IT-{i}", f"End-to-end flow through {objects.draw()}",
                   "Local database and stubbed upstream", "Records stored and events emitted"])
    mocks = [[lib, rng.choice(["Mock", "Stub", "Fake"]), f"Responses for {objects.draw()}"]
             for lib, _, _ in rng.sample(LIBS, 3)]
    out += ["## 3. Test Strategy", "",
            para(f"Tests target the {comp} at two levels."), "",
            "### 3.1 Unit Tests", "",
            table(["ID", "Description", "Fixtures/Mocks", "Assertions"], ut), "",
            "### 3.2 Integration Tests", "",
            table(["ID", "Description", "Setup", "Assertions"], it), "",
            "### 3.3 Mock and Stub Requirements", "",
            table(["Dependency", "Mock/Stub Type", "Key Behaviors to Mock"], mocks), ""]

    out += ["## 4. Implementation Tasks", ""]
    for g, gname in enumerate(groups):
        rows = []
        for tid, name, desc, deps, tg in tasks:
            if tg == g:
                dep = ", ".join(f"T-{d}" for d in deps) or "None"
                rows.append([f"T-{tid}", name, desc, dep, rng.choice(LEVELS), rng.choice(LEVELS)])
        out += [f"### 4.{g + 1} Phase {g + 1} Tasks: {gname}", "",
                table(["ID", "Task", "Description", "Dependencies", "Priority", "Complexity"],
                      rows), ""]

    start = date(2025, rng.randint(1, 9), rng.randint(1, 28))
    gantt = ["```mermaid", "gantt", f"    title {title}", "    dateFormat YYYY-MM-DD"]
    for g, gname in enumerate(groups):
        gantt.append(f"    section {gname}")
        for tid, name, _, deps, tg in tasks:
            if tg != g:
                continue
            when = "after " + " ".join(f"t{d}" for d in deps) if deps else start.isoformat()
            gantt.append(f"    T-{tid} {name} :t{tid}, {when}, {rng.randint(1, 5)}d")
    gantt.append("```")
    out += ["## 5. Implementation Sequence", "",
            para("Tasks run in the order below; the chart shows the dependencies."), "",
            "\n".join(gantt), ""]

    ac = []
    for i in range(1, n(3, 5) + 1):
        cites = sorted(rng.sample(range(1, len(ut) + 1), 2))
        cites = [f"UT-{c}" for c in cites] + [rng.choice(it)[0]]
        ac.append([f"AC-{i}", f"The {comp} meets requirement {i} of the design",
                   "Covered by " + ", ".join(cites)])
    out += ["## 6. Acceptance Criteria", "",
            table(["ID", "Criterion", "Validation Method"], ac), ""]

    steps = [f"Write fixtures for `{module}` first.", "Add unit tests UT-1 and up.",
             "Add integration tests against the local stack.", "Run the suite in CI on every push."]
    checks = ["Fixtures reviewed", "Unit tests merged", "Integration tests merged",
              "Coverage report published"]
    if status == "done":
        done = len(checks)
    elif status == "draft":
        done = 0
    else:
        done = rng.randint(1, len(checks) - 1)
    fn = snake(objects.draw())
    code = [
        "```python",
        "import pytest",
        "",
        f"from {module}.core import {cls}",
        "",
        "",
        "@pytest.fixture",
        f"def {module}():",
        f"    return {cls}(timeout=5)",
        "",
        "",
        f"def test_{fn}_returns_result({module}):",
        f"    result = {module}.run({{'id': {rng.randint(1, 999)}}})",
        "    assert result.ok",
        "```",
    ]
    out += ["## 7. Test Implementation Plan", "",
            para("Tests are written before or alongside each task."), ""]
    out += [f"{i}. {s}" for i, s in enumerate(steps, 1)]
    out += ["", "Progress:", ""]
    out += [f"- [{'x' if i < done else ' '}] {c}" for i, c in enumerate(checks)]
    out += ["", "\n".join(code), ""]

    risks = [list(r) for r in rng.sample(RISKS, min(n(3, 5), len(RISKS)))]
    out += ["## 8. Implementation Risks and Mitigations", "",
            table(["Risk", "Impact", "Likelihood", "Mitigation"], risks), ""]

    libs = [list(r) for r in rng.sample(LIBS, min(n(3, 6), len(LIBS)))]
    bash = ["```bash", "python -m venv .venv", ". .venv/bin/activate",
            'pip install -e ".[dev]"', f"export {module.upper()}_ENV=local",
            f"pytest tests/{module}", "```"]
    out += ["## 9. Dependencies and Environment", "", "### 9.1 External Libraries", "",
            table(["Library", "Version", "Purpose"], libs), "", "### 9.2 Environment Setup", "",
            para("A local setup needs Python 3.11 and Docker."), "",
            "\n".join(bash), ""]

    out += ["## 10. Additional Resources", ""]
    out += [f"- [{t}]({u})" for t, u in rng.sample(LINKS, rng.randint(3, 5))]
    out.append("")
    return out, paras, filler


def make_plan(rng: random.Random, title: str, comp: str, size: int) -> str:
    status = rng.choice(STATUSES)
    created = date(2025, 1, 1) + timedelta(days=rng.randint(0, 250))
    updated = created + timedelta(days=rng.randint(0, 60))
    author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    tags = rng.sample(["backend", "api", "storage", "testing", "infra", "performance",
                       "security", "data", "ops", comp.split()[0].lower()], 3)
    front = [
        "---",
        f'title: "{title}"',
        f"by: {author}",
        f'created: "{created.isoformat()}"',
        f'updated: "{updated.isoformat()}"',
        f'version: "1.{rng.randint(0, 9)}"',
        "doc_type: IP",
        f"description: Plan for the {comp.lower()} work, phased with tests and rollout steps",
        f"status: {status}",
        f"component: {comp}",
        "tags:",
        *[f"  - {t}" for t in dict.fromkeys(tags)],
        "---",
        "",
        "",
    ]
    scale = max(0.3, size / 11000)
    parts, paras, filler = build(rng, title, comp, scale, status)

    def render() -> str:
        return "\n".join(front) + "\n".join(str(p) for p in parts)

    deficit = size - len(render().encode())
    i = 0
    while deficit > 40:
        sentence = filler()
        paras[i % len(paras)].sentences.append(sentence)
        deficit -= len(sentence) + 1
        i += 1
    return render()


def make_title(rng: random.Random, used: set[str]) -> tuple[str, str]:
    """A unique title and the component it is about."""
    for _ in range(100):
        comp = f"{rng.choice(AREAS)} {rng.choice(PARTS)}"
        title = f"{comp} {rng.choice(GOALS)}"
        if title not in used:
            break
    else:
        title = f"{title} {len(used) + 1}"
    used.add(title)
    return title, comp


def generate(n: int, outdir: Path, seed: int = 0, size: int = 11000) -> list[Path]:
    rng = random.Random(seed)
    plans = Path(outdir) / "plans"
    plans.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    paths = []
    for i in range(1, n + 1):
        title, comp = make_title(rng, used)
        path = plans / f"IP-{i}-{slugify(title)}.md"
        path.write_text(make_plan(rng, title, comp, size), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of plans")
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--size", type=int, default=11000, help="approximate bytes per plan")
    args = ap.parse_args()
    paths = generate(args.n, args.outdir, args.seed, args.size)
    total = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} plans, {total / 1024:.0f} KB, to {args.outdir / 'plans'}")


if __name__ == "__main__":
    main()
