"""The `planbook` command. Thin on purpose: parse options, call the library, pick the exit code.

Exit codes: 0 clean, 1 findings that fail the run, 2 usage or internal error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from planbook import __version__
from planbook.report import FORMATS

# the parameter types, one of each: click names each type through gettext, which searches the
# disk for a catalog every time it is asked
FILE = click.Path(dir_okay=False)
FOLDER = click.Path(file_okay=False)
PATH = click.Path()


def _codes(values: tuple[str, ...]) -> list[str]:
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


def _load_config(start: Path | None = None):
    """The configuration `--config` names, or the nearest one above `start` (the working
    folder by default), or the defaults."""
    from planbook.config import ConfigError, load_config

    config_path = click.get_current_context().find_root().params.get("config_path")
    try:
        return load_config(Path(config_path) if config_path else None, start=start)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def _require(extra: str, what: str, needs: tuple[str, ...] = ()) -> None:
    """Exit 2 with what to install when the command needs an extra that is missing."""
    from planbook.extras import MissingExtra, require

    try:
        require(extra, what, needs)
    except MissingExtra as exc:
        click.echo(f"planbook: {exc}", err=True)
        sys.exit(2)


def _plans(paths, every: bool = False):
    """For a command over plans: the plans at `paths` (or the configured folders), with
    `every` also every plan of the configuration (cross-plan facts need them), and a Linter
    for the configuration."""
    from planbook import lint as linting

    config = _load_config()
    try:
        files = linting.discover(list(paths), config)
        known = sorted(set(files) | set(linting.discover([], config))) if paths and every \
            else files
        linter = linting.Linter(config)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if not files:
        raise click.UsageError("no plans found: pass PATHS or set paths in [tool.planbook]")
    return files, known, linter


def _check_paths(paths) -> None:
    """A PATH that does not exist is a usage error (exit 2), not a finding: it is a mistake
    in the command, not in a plan."""
    missing = [path for path in paths if not os.path.lexists(path)]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")


def _repository_root(config) -> str:
    """The folder SARIF paths are relative to: the root of the git repository that holds the
    configuration's folder (the working folder without one), else that folder itself."""
    from planbook import git

    base = Path(config.root).resolve()
    found = git.repository(base)
    if found is None:
        return str(base)
    for _ in Path(found.prefix).parts:
        base = base.parent
    return str(base)


class _Group(click.Group):
    """The `planbook` group. Options every command shares are declared here once; they may
    also be written after the command's name (`planbook lint --config x.toml`)."""

    SHARED = ("--config",)

    def parse_args(self, ctx, args):
        args = list(args)
        at = next((i for i, arg in enumerate(args) if arg in self.commands), None)
        if at is not None:
            head, tail, moved = args[:at], [], []
            rest = iter(args[at:])
            for arg in rest:
                if arg == "--":
                    tail += [arg, *rest]
                    break
                name = arg.split("=", 1)[0]
                if name in self.SHARED:
                    moved += [arg] if "=" in arg else [arg, next(rest, "")]
                else:
                    tail.append(arg)
            args = head + moved + tail
        return super().parse_args(ctx, args)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planbook")
@click.option("--config", "config_path", type=FILE,
              help="Use this planbook.toml or pyproject.toml (for every command).")
def cli(config_path) -> None:
    """Lint, check and publish implementation plans that live in git."""


def main() -> None:
    """Run the command; a bug in planbook exits 2 with one line, not a traceback.

    SIGINT and SIGTERM exit 130 and 143 (128 + the signal), as a shell reports a stopped
    command: click alone turns Ctrl-C into exit 1, the code for findings, and SIGTERM would end
    the process wherever it is. Raised as SystemExit, a stop still runs every `finally` and
    waits for a file being written (see writing.atomic_write). A signal the caller set to be
    ignored stays ignored.

    What start-up made (modules, classes, functions: tens of thousands of objects, all living
    until the process ends) is frozen out of cyclic garbage collection, which would otherwise
    walk it all again at every full collection of a run.
    """
    import gc
    import signal

    gc.freeze()

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(signum, stop)
    try:
        cli()
    except Exception as exc:  # click handles its own errors and exits before this
        if os.environ.get("PLANBOOK_DEBUG"):
            raise
        click.echo(f"planbook: internal error: {type(exc).__name__}: {exc} "
                   "(set PLANBOOK_DEBUG=1 for the traceback)", err=True)
        sys.exit(2)


@cli.command()
@click.argument("paths", nargs=-1, type=PATH)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Output format.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these rules: codes, prefixes (FM, TB00) or names; comma-separated.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules.")
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
@click.option("--statistics", is_flag=True, help="Count findings per rule.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
@click.option("--output", "-o", type=FILE,
              help="Write the report to a file instead of standard output.")
@click.option("--stdin", "use_stdin", is_flag=True,
              help="Lint a plan read from standard input (for editors).")
@click.option("--stdin-filename", metavar="PATH",
              help="The path to report for --stdin, and to resolve links and config from.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--changed-since", "since", metavar="REF",
              help="Only plans added or changed since the merge base of REF and HEAD "
                   "(working tree included); references still see every plan.")
@click.option("--staged", is_flag=True,
              help="Only plans staged for commit, as staged (read from the index).")
@click.option("--baseline", "baseline_path", type=FILE,
              help="Report only findings not recorded in this baseline file.")
@click.option("--write-baseline", "write_baseline", type=FILE,
              help="Record the findings of this run in a baseline file and exit 0.")
@click.option("--no-cache", is_flag=True,
              help="Lint every plan again, neither reading nor writing the lint cache.")
@click.option("--junit", multiple=True, type=FILE, metavar="FILE",
              help="JUnit XML test results for the traceability rules (TR004); repeatable.")
def lint(paths, fmt, select, ignore, strict, statistics, quiet, output, use_stdin,
         stdin_filename, jobs, since, staged, baseline_path, write_baseline, no_cache, junit):
    """Check plans against their doc type. PATHS default to the configured plan folders.

    With --stdin, the plan is read from standard input and no PATHS are given;
    --stdin-filename names it (for the report, links and config).
    """
    from planbook import lint as linting
    from planbook.fixable import fixable
    from planbook.report import ReportContext, render

    if stdin_filename and not use_stdin:
        raise click.UsageError("--stdin-filename names the plan read with --stdin; "
                               "add --stdin, or pass the file as a PATH")
    if use_stdin and paths:
        raise click.UsageError(f"--stdin reads one plan from standard input, so PATHS "
                               f"({' '.join(paths)}) cannot be given too; name the plan with "
                               f"--stdin-filename {paths[0]}")
    _check_paths(paths)
    start = Path(stdin_filename).parent if stdin_filename else None
    config = _load_config(start)
    request = linting.Request(
        paths=list(paths), stdin=sys.stdin.buffer.read() if use_stdin else None,
        stdin_filename=stdin_filename or "<stdin>", staged=staged, since=since,
        select=_codes(select), ignore=_codes(ignore), baseline=baseline_path,
        write_baseline=write_baseline, jobs=jobs, cache=not no_cache, junit=list(junit))
    try:
        result = linting.run(request, config)
    except linting.LintError as exc:
        raise click.UsageError(str(exc)) from None
    for notice in result.notices:
        click.echo(notice, err=True)
    if result.wrote_baseline:
        sys.exit(2 if result.internal_errors else 0)
    if result.hidden and not quiet:
        click.echo(f"planbook: {result.hidden} known finding{'s' if result.hidden != 1 else ''} "
                   f"hidden by the baseline {baseline_path}", err=True)
    linted = tuple(result.linted) or ((request.stdin_filename,) if use_stdin else ())
    if fmt == "sarif":  # its rule descriptors carry each rule's documentation
        from planbook.rules import all_rules

        result.rules = all_rules()
    ctx = ReportContext(rules=result.rules, files_checked=result.files, files=linted,
                        statistics=statistics,
                        quiet=quiet, version=__version__, docs_url=config.docs_url,
                        root=_repository_root(config) if fmt == "sarif" else "",
                        fixes=fixable(result.findings, config, result.cache_key)
                        if fmt == "json" and not use_stdin else frozenset())
    text = render(fmt, result.findings, ctx)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    elif text:
        click.echo(text, nl=False)
    if result.internal_errors:
        sys.exit(2)
    failing = {"error", "warning"} if strict else {"error"}
    sys.exit(1 if any(f.severity in failing for f in result.findings) else 0)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text",
              show_default=True)
@click.option("--write-docs", type=FOLDER,
              help="Write one Markdown page per rule, and an index, into this folder.")
def rules(fmt, write_docs):
    """List every rule with its code, name, default severity and summary."""
    from planbook.rules import all_rules

    registry = all_rules()
    if write_docs:
        from planbook.docs import write_rule_docs

        count = write_rule_docs(Path(write_docs))
        click.echo(f"wrote {count} rule pages to {write_docs}")
        return
    if fmt == "json":
        import json

        click.echo(json.dumps([
            {"code": r.code, "name": r.name, "severity": r.severity, "family": r.family_title,
             "summary": r.summary, "needs_history": r.needs_history, "reads": list(r.reads),
             "default": r.default}
            for r in registry.values()], indent=2))
        return
    for rule in registry.values():
        off = "" if rule.default else " (off by default)"
        click.echo(f"{rule.code:<6} {rule.name:<26} {rule.severity:<8} {rule.summary}{off}")


@cli.command()
@click.argument("code")
def explain(code):
    """Show a rule's documentation: why it exists, with a bad and a good example."""
    from planbook.rules import find

    rule = find(code)
    if rule is None:
        raise click.UsageError(f"no rule {code!r}; `planbook rules` lists them all")
    off = "" if rule.default else "; off by default"
    click.echo(f"{rule.code} [{rule.name}] (default severity: {rule.severity}{off})\n")
    click.echo(rule.doc)


# -- writing plans: new, schema, status ----------------------------------------------------


def _shown(path: Path) -> Path:
    """A path as short as it can be said from here."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else Path(rel)


def _doctype(config, name: str | None):
    """The doc type by name (any case), or the configured default; unknown is a usage error."""
    try:
        known = config.load_doctypes()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    wanted = (name or config.default_type).strip().lower()
    found = next((d for n, d in known.items() if n.lower() == wanted), None)
    if found is None:
        raise click.UsageError(f"unknown doc type {name or config.default_type!r}; "
                               f"known: {', '.join(sorted(known, key=str.lower))}")
    return found


@cli.command()
@click.option("--title", help="What the plan delivers, in one line.")
@click.option("--component", help="The component it works on.")
@click.option("--prd", help='The requirement it answers, such as "Section 4.3".')
@click.option("--scope", help="What exactly is in scope.")
@click.option("--by", "by", help="Who writes it.")
@click.option("--issue", help="The issue it answers (used by file names with {issue}).")
@click.option("--type", "type_name", metavar="TYPE", help="Doc type (default: the configured "
              "one, IP unless set).")
@click.option("--dir", "folder", type=FOLDER,
              help="Folder to write into (default: the first configured plan folder).")
@click.option("--template", "template_path", type=FILE,
              help="Use this template instead of the type's own.")
def new(title, component, prd, scope, by, issue, type_name, folder, template_path):
    """Write a new plan from a template, frontmatter filled in, status at its start.

    Options the template needs and you leave out are asked for in a terminal; without a
    terminal they are an error. An existing file is never overwritten (exit 1).
    """
    from planbook import new as scaffold
    from planbook.lint import today

    config = _load_config()
    doctype = _doctype(config, type_name)
    given = {"title": title, "component": component, "prd": prd, "scope": scope, "by": by,
             "issue": issue}
    try:
        template, pattern, needed = scaffold.start(doctype, config, template_path)
        missing = [name for name in needed if not (given[name] or "").strip()]
        if missing and not scaffold.interactive():
            raise click.UsageError(
                "missing " + ", ".join(f"--{m}" for m in missing)
                + f" (the {template.source} uses them; no terminal to ask in)")
        for name in missing:
            given[name] = click.prompt(scaffold.INPUTS[name]).strip()
        name, text = scaffold.fill(doctype, template, pattern, given, today().isoformat())
        home = config.root / (config.paths or ("plans",))[0]
        path = Path(folder) / name if folder else _shown(home / name)
        scaffold.write_new(path, text)
    except scaffold.PlanExists as exc:
        click.echo(f"planbook: {exc}", err=True)
        sys.exit(1)
    except scaffold.NewError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"wrote {path} ({doctype.name}, status {doctype.lifecycle.initial}); "
               f"`planbook lint {path}` lists what is left to fill in")


@cli.command()
@click.option("--type", "type_name", metavar="TYPE",
              help="Doc type (default: the configured one, IP unless set).")
@click.option("--output", "-o", type=FILE,
              help="Write the schema to a file instead of standard output.")
def schema(type_name, output):
    """Print a doc type's frontmatter as JSON Schema, for editors and other tools."""
    import json

    _require("schema", "planbook schema")
    from planbook.schema import frontmatter_schema

    doctype = _doctype(_load_config(), type_name)
    text = json.dumps(frontmatter_schema(doctype), indent=2, ensure_ascii=False) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("paths", nargs=-1, type=PATH)
@click.option("--since", metavar="REF",
              help="Also list what was completed since REF: status changes, tasks done and "
                   "checklist items ticked.")
@click.option("--format", "fmt", type=click.Choice(("table", "markdown", "json")),
              default="table", show_default=True, help="Output format.")
def status(paths, since, fmt):
    """Report where each plan stands: status, progress, high risks, debt and the next step."""
    from planbook import status as report

    _check_paths(paths)
    files, _every, linter = _plans(paths)
    try:
        built = report.build(files, linter, since)
    except report.StatusError as exc:
        raise click.UsageError(str(exc)) from None
    render = {"table": report.render_table, "markdown": report.render_markdown,
              "json": report.render_json}[fmt]
    click.echo(render(built), nl=False)


@cli.command()
@click.argument("paths", nargs=-1, type=PATH)
@click.option("--junit", multiple=True, type=FILE, metavar="FILE",
              help="JUnit XML test results (pytest --junitxml, Jest, Go, Maven); repeatable.")
@click.option("--since", metavar="REF", help="Only commits after REF count (REF..HEAD).")
@click.option("--format", "fmt", type=click.Choice(("text", "markdown", "json")),
              default="text", show_default=True, help="Output format.")
def trace(paths, junit, since, fmt):
    """Trace tasks to the commits that cite them, and acceptance criteria to tests and results."""
    from planbook import trace as tracing

    files, every, linter = _plans(paths, every=True)
    try:
        built = tracing.build(files, linter, list(junit), since, every)
    except tracing.GitError as exc:
        raise click.UsageError(f"--since {exc}") from None
    except tracing.TraceError as exc:
        raise click.UsageError(str(exc)) from None
    if built.notice:
        click.echo(built.notice, err=True)
    render = {"text": tracing.render_text, "markdown": tracing.render_markdown,
              "json": tracing.render_json}[fmt]
    click.echo(render(built), nl=False)


@cli.group()
def hooks():
    """Plain git hooks, for repositories that do not use the pre-commit framework."""


@hooks.command("install")
@click.option("--force", is_flag=True,
              help="Replace an existing hook (kept as .bak) or core.hooksPath.")
@click.option("--hooks-path", metavar="DIR",
              help="Point core.hooksPath at DIR (a folder of hooks kept in the repository) "
                   "instead of copying the hook into .git/hooks.")
def hooks_install(force, hooks_path):
    """Install the pre-commit hook that lints staged plans. Never replaces a hook silently."""
    from planbook.hooks import HookError, install

    try:
        for line in install(force=force, hooks_path=hooks_path):
            click.echo(line)
    except HookError as exc:
        click.echo(f"planbook: {exc}", err=True)
        sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, type=PATH)
@click.option("--diff", "show_diff", is_flag=True,
              help="Print the changes as a unified diff and write nothing; exit 1 if there "
                   "are any, 0 if not.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only the fixes for these rules (codes, prefixes or names).")
def fix(paths, show_diff, select):
    """Fix what has one safe answer, editing only the spans concerned.

    Fixes only what `planbook lint` reports: sets `updated` on plans whose content changed
    (GT002), quotes values YAML would mangle (FM003, FM011, FM012) and renumbers sections
    (ST004). Asked for by name, it also raises the version's last number (`--select GT003`)
    and gives allowed values their declared case (`--select FM007,TB004`; lint accepts any
    case). Comments, key order, line endings and all other bytes stay as they were.

    With --diff it writes nothing and prints the changes as a unified diff; as with Ruff's
    --diff, it exits 1 when there is something to change and 0 when there is not.

    A file that cannot be read or written (read-only, hard-linked, not a regular file) is
    reported and left as it was, the others are still fixed, and the exit code is 2.
    """
    from planbook import fix as fixing
    from planbook import lint as linting

    config = _load_config()
    notices: list[str] = []
    try:
        files = linting.discover(list(paths), config)
        if not files:
            raise click.UsageError("no plans found: pass PATHS or set paths in [tool.planbook]")
        results = fixing.run(files, config, _codes(select), apply=not show_diff,
                             notices=notices)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    for notice in notices:
        click.echo(notice, err=True)
    changed = fixed = failed = 0
    for result in results:
        outcome = result.outcome
        if result.problem:
            click.echo(f"planbook: {result.path}: {result.problem}", err=True)
            failed += 1
            continue
        if outcome.refused:
            click.echo(f"planbook: {result.path}: not fixed ({', '.join(outcome.refused)}): "
                       "the edit would have broken the file", err=True)
        if not outcome.changed:
            continue
        if show_diff:
            click.echo(fixing.diff(outcome), nl=False)
        changed += 1
        fixed += len(outcome.edits)
    verb = "would fix" if show_diff else "fixed"
    summary = (f"planbook: {verb} {fixed} problem{'s' if fixed != 1 else ''} in {changed} "
               f"file{'s' if changed != 1 else ''}")
    if failed:
        summary += (f"; {failed} file{'s' if failed != 1 else ''} could not be "
                    + ("read" if show_diff else "fixed"))
    click.echo(summary, err=True)
    if failed:  # something the run was asked to do was not done
        sys.exit(2)
    sys.exit(1 if show_diff and changed else 0)


@cli.command()
def lsp():
    """Run the Language Server on standard input and output, for editors.

    Diagnostics, hover, go to definition, references, completion, code actions and the
    outline, from the same rules and configuration as `planbook lint`. Needs the `lsp` extra:
    pip install 'planbook[lsp]'.
    """
    _require("lsp", "planbook lsp")
    from planbook import lsp as server

    config_path = click.get_current_context().find_root().params.get("config_path")
    server.serve(config_path)


@cli.command()
def mcp():
    """Run the MCP server on standard input and output, for coding agents.

    Tools to lint a plan or a buffer, explain a rule, list plans with their progress, give a
    plan's next step and scaffold a new plan (never overwriting). Needs the `mcp` extra:
    pip install 'planbook[mcp]'.
    """
    _require("mcp", "planbook mcp")
    from planbook import agent

    config_path = click.get_current_context().find_root().params.get("config_path")
    agent.serve(config_path)


@cli.group()
def site():
    """The plan site: the MkDocs plugin builds it; these commands work without MkDocs."""


@site.command("export")
@click.argument("folder", type=FOLDER)
@click.option("--mkdocs-config", "mkdocs_config", type=FILE,
              default="mkdocs.yml", show_default=True,
              help="Read the planbook plugin's options from this file when it exists.")
@click.option("--plans-dir", help="The plans folder, relative to the mkdocs.yml folder.")
@click.option("--output-dir", help="Where the plan pages go inside FOLDER.")
@click.option("--no-git", is_flag=True, help="Leave out history from git.")
@click.option("--no-diagrams", is_flag=True, help="Leave out the SVG diagrams.")
def site_export(folder, mkdocs_config, plans_dir, output_dir, no_git, no_diagrams):
    """Write the site's pages into FOLDER as plain Markdown, for other site generators."""
    _require("site", "planbook site export", needs=("nh3",))
    from planbook.config import ConfigError
    from planbook.site import export

    config_file = Path(mkdocs_config)
    settings = export.read_settings(config_file)
    settings.plans_dir = plans_dir or settings.plans_dir
    settings.output_dir = output_dir or settings.output_dir
    settings.git = settings.git and not no_git
    settings.diagrams = settings.diagrams and not no_diagrams
    root = config_file.resolve().parent if config_file.is_file() else Path.cwd()
    try:
        count = export.export(folder, settings, root)
    except (ConfigError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"wrote {count} files to {folder}")
