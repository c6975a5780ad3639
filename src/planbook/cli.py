"""The `planbook` command. Thin on purpose: parse options, call the library, pick the exit code.

Exit codes: 0 clean, 1 findings that fail the run, 2 usage or internal error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from planbook import __version__

FORMAT_CHOICES = ("text", "json", "github", "sarif", "junit")


def _codes(values: tuple[str, ...]) -> list[str]:
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


def _load_config(config_path: str | None, start: Path | None = None):
    from planbook.config import ConfigError, load_config

    try:
        return load_config(Path(config_path) if config_path else None, start=start)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planbook")
def cli() -> None:
    """Lint, check and publish implementation plans that live in git."""


def main() -> None:
    """Run the command; a bug in planbook exits 2 with one line, not a traceback.

    SIGINT and SIGTERM exit 130 and 143 (128 + the signal), as a shell reports a stopped
    command: click alone turns Ctrl-C into exit 1, the code for findings, and SIGTERM would end
    the process wherever it is. Raised as SystemExit, a stop still runs every `finally` and
    waits for a file being written (see fix.atomic_write). A signal the caller set to be
    ignored stays ignored.
    """
    import signal

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
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="text",
              show_default=True, help="Output format.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these rules: codes, prefixes (FM, TB00) or names; comma-separated.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules.")
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
@click.option("--statistics", is_flag=True, help="Count findings per rule.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Use this planbook.toml or pyproject.toml.")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
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
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="Report only findings not recorded in this baseline file.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False),
              help="Record the findings of this run in a baseline file and exit 0.")
def lint(paths, fmt, select, ignore, strict, statistics, quiet, config_path, output,
         use_stdin, stdin_filename, jobs, since, staged, baseline_path, write_baseline):
    """Check plans against their doc type. PATHS default to the configured plan folders."""
    from planbook import lint as linting
    from planbook.report import ReportContext, render

    if since and staged:
        raise click.UsageError("--changed-since and --staged cannot be combined")
    if use_stdin and (since or staged):
        raise click.UsageError("--stdin cannot be combined with --changed-since or --staged")
    start = Path(stdin_filename).parent if stdin_filename else None
    config = _load_config(config_path, start)
    try:
        files = [] if use_stdin else linting.discover(list(paths), config)
        linter = linting.Linter(config, _codes(select), _codes(ignore))
    except ValueError as exc:  # unknown codes, invalid doc type declarations
        raise click.UsageError(str(exc)) from None
    baseline = _load_baseline(baseline_path)
    if not use_stdin and not files and not paths:
        raise click.UsageError(
            f"no plans found: {', '.join(config.paths)} does not exist here; pass PATHS "
            "or set paths in [tool.planbook]")
    every = sorted(set(files) | set(linting.discover([], config))) if paths else files
    linter.plan_names = linting.plan_names(every)
    if use_stdin:
        data = sys.stdin.buffer.read()
        found, failed = linter.lint_bytes(data, stdin_filename or "<stdin>")
        result = linting.Result(found, 1, failed)
    else:
        result = _lint_files(linting, linter, files, every, since, staged, jobs)
    if write_baseline:
        from planbook import baseline as baselines

        # an existing file must be a baseline: never overwrite something else
        previous = _load_baseline(write_baseline) if Path(write_baseline).exists() else {}
        count = baselines.write(write_baseline, result.findings, set(result.linted), previous)
        click.echo(f"wrote {count} findings to the baseline {write_baseline}", err=True)
        sys.exit(2 if result.internal_errors else 0)
    if baseline is not None:
        from planbook import baseline as baselines

        result.findings, hidden = baselines.apply(result.findings, baseline)
        if hidden and not quiet:
            click.echo(f"planbook: {hidden} known finding{'s' if hidden != 1 else ''} "
                       f"hidden by the baseline {baseline_path}", err=True)
    ctx = ReportContext(rules=linter.rules, files_checked=result.files, statistics=statistics,
                        quiet=quiet, version=__version__)
    text = render(fmt, result.findings, ctx)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    elif text:
        click.echo(text, nl=False)
    if result.internal_errors:
        sys.exit(2)
    failing = {"error", "warning"} if strict else {"error"}
    sys.exit(1 if any(f.severity in failing for f in result.findings) else 0)


def _load_baseline(path: str | None):
    if not path:
        return None
    from planbook.baseline import BaselineError, load

    try:
        return load(path)
    except BaselineError as exc:
        raise click.UsageError(str(exc)) from None


def _lint_files(linting, linter, files, every, since, staged, jobs):
    """Lint `files`; when git chooses the plans or the GT rules need history, ask it first."""
    from planbook.rules.approval import HISTORY_CODES as APPROVAL_CODES
    from planbook.rules.history import HISTORY_CODES

    history = bool(set(HISTORY_CODES + APPROVAL_CODES) & linter.enabled)
    if not (since or staged or history):
        result = linting.lint_paths(files, linter, jobs)
        result.linted = list(files)
        return result
    from planbook import changes
    from planbook.parse import parse_bytes

    try:
        chosen = changes.select(files, staged=staged, since=since, history=history,
                                today=linter.today, parse=parse_bytes)
    except changes.GitError as exc:
        raise click.UsageError(str(exc)) from None
    if chosen.notice:
        click.echo(chosen.notice, err=True)
    linter.histories = chosen.histories
    if chosen.staged:
        result = linting.Result(files=len(chosen.files))
        for path in chosen.files:
            found, failed = linter.lint_bytes(chosen.staged[path], path)
            result.findings.extend(found)
            result.internal_errors += failed
    else:
        result = linting.lint_paths(chosen.files, linter, jobs)
    result.linted = list(chosen.files)
    if chosen.deleted:
        _report_links_to_deleted(linting, linter, result, chosen, every)
    result.findings.sort(key=lambda f: f.sort_key())
    return result


def _report_links_to_deleted(linting, linter, result, chosen, every):
    """Plans the change did not touch can still link to a plan it deleted: lint the ones that
    mention a deleted plan and keep only what they say about it."""
    gone = linting.plan_names(chosen.deleted) - linting.plan_names(
        [p for p in every if p not in chosen.deleted])
    if not gone:
        return
    touched = set(chosen.files)
    for path in every:
        if path in touched:
            continue
        try:
            data = Path(path).read_bytes()
        except OSError:
            continue
        if not any(name.encode() in data for name in gone):
            continue
        found, failed = linter.lint_bytes(data, path)
        result.internal_errors += failed
        result.findings.extend(
            f for f in found if f.code in ("RF004", "GT004")
            and any(name in f.message for name in gone))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text",
              show_default=True)
@click.option("--write-docs", type=click.Path(file_okay=False),
              help="Write one Markdown page per rule, and an index, into this folder.")
def rules(fmt, write_docs):
    """List every rule with its code, name, default severity and summary."""
    from planbook.rules import FAMILIES, all_rules

    registry = all_rules()
    if write_docs:
        from planbook.docs import write_rule_docs

        count = write_rule_docs(Path(write_docs))
        click.echo(f"wrote {count} rule pages to {write_docs}")
        return
    if fmt == "json":
        import json

        click.echo(json.dumps([
            {"code": r.code, "name": r.name, "severity": r.severity, "family": FAMILIES[r.family],
             "summary": r.summary} for r in registry.values()], indent=2))
        return
    for rule in registry.values():
        click.echo(f"{rule.code:<6} {rule.name:<26} {rule.severity:<8} {rule.summary}")


@cli.command()
@click.argument("code")
def explain(code):
    """Show a rule's documentation: why it exists, with a bad and a good example."""
    from planbook.rules import find

    rule = find(code)
    if rule is None:
        raise click.UsageError(f"no rule {code!r}; `planbook rules` lists them all")
    click.echo(f"{rule.code} [{rule.name}] (default severity: {rule.severity})\n")
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
@click.option("--dir", "folder", type=click.Path(file_okay=False),
              help="Folder to write into (default: the first configured plan folder).")
@click.option("--template", "template_path", type=click.Path(dir_okay=False),
              help="Use this template instead of the type's own.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Use this planbook.toml or pyproject.toml.")
def new(title, component, prd, scope, by, issue, type_name, folder, template_path,
        config_path):
    """Write a new plan from a template, frontmatter filled in, status at its start.

    Options the template needs and you leave out are asked for in a terminal; without a
    terminal they are an error. An existing file is never overwritten (exit 1).
    """
    from planbook import new as scaffold
    from planbook.lint import today

    config = _load_config(config_path)
    doctype = _doctype(config, type_name)
    is_default = doctype.name.lower() == config.default_type.lower()
    pattern = (config.filename if is_default and config.filename else doctype.filename)
    given = {"title": title, "component": component, "prd": prd, "scope": scope, "by": by,
             "issue": issue}
    try:
        template = scaffold.find_template(doctype, config.root, template_path,
                                          config.template if is_default else None)
        needed = scaffold.fields_used(template.text, pattern)
        missing = [name for name in needed if not (given[name] or "").strip()]
        if missing and not scaffold.interactive():
            raise click.UsageError(
                "missing " + ", ".join(f"--{m}" for m in missing)
                + f" (the {template.source} uses them; no terminal to ask in)")
        for name in missing:
            given[name] = click.prompt(scaffold.INPUTS[name]).strip()
        values = {k: (v or "").strip() for k, v in given.items()}
        scaffold.check_values(values)
        values.update(today=today().isoformat(), status=doctype.lifecycle.initial,
                      doc_type=doctype.name, slug=scaffold.slugify(values["title"]),
                      type=doctype.name, date=today().isoformat())
        name = scaffold.file_name(pattern, values)
        text = scaffold.render(template.text, values)
        scaffold.check_rendered(text, template.source)
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
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Use this planbook.toml or pyproject.toml.")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write the schema to a file instead of standard output.")
def schema(type_name, config_path, output):
    """Print a doc type's frontmatter as JSON Schema, for editors and other tools."""
    import json

    from planbook.schema import frontmatter_schema

    doctype = _doctype(_load_config(config_path), type_name)
    text = json.dumps(frontmatter_schema(doctype), indent=2, ensure_ascii=False) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--since", metavar="REF",
              help="Also list what was completed since REF: status changes, tasks done and "
                   "checklist items ticked.")
@click.option("--format", "fmt", type=click.Choice(("table", "markdown", "json")),
              default="table", show_default=True, help="Output format.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Use this planbook.toml or pyproject.toml.")
def status(paths, since, fmt, config_path):
    """Report where each plan stands: status, progress, high risks, debt and the next step."""
    from planbook import lint as linting
    from planbook import status as report

    config = _load_config(config_path)
    try:
        files = linting.discover(list(paths), config)
        linter = linting.Linter(config)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if not files:
        raise click.UsageError("no plans found: pass PATHS or set paths in [tool.planbook]")
    try:
        built = report.build(files, linter, since)
    except report.StatusError as exc:
        raise click.UsageError(str(exc)) from None
    render = {"table": report.render_table, "markdown": report.render_markdown,
              "json": report.render_json}[fmt]
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
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--diff", "show_diff", is_flag=True,
              help="Print the changes as a unified diff and write nothing (exit 1 if any).")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only the fixes for these rules (codes, prefixes or names).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Use this planbook.toml or pyproject.toml.")
def fix(paths, show_diff, select, config_path):
    """Fix what has one safe answer, editing only the spans concerned.

    Sets `updated` on changed plans (GT002), quotes values YAML would mangle (FM003, FM011,
    FM012), gives allowed values their declared case (FM007, TB004) and renumbers sections
    (ST004). Comments, key order, line endings and all other bytes stay as they were.

    A file that cannot be read or written (read-only, hard-linked, not a regular file) is
    reported and left as it was, the others are still fixed, and the exit code is 2.
    """
    from planbook import fix as fixing
    from planbook import lint as linting

    config = _load_config(config_path)
    try:
        files = linting.discover(list(paths), config)
        linter = linting.Linter(config)
        codes = set(fixing.FIXERS) & linter.enabled
        if select:
            codes &= linting.selected(_codes(select), linter.rules)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if not files:
        raise click.UsageError("no plans found: pass PATHS or set paths in [tool.planbook]")
    if "GT002" in codes:
        from planbook import changes

        chosen = changes.select(files, history=True, today=linter.today)
        if chosen.notice:
            click.echo(chosen.notice, err=True)
        linter.histories = chosen.histories
    changed = fixed = failed = 0
    for path in files:
        try:
            outcome = fixing.fix_file(path, linter, codes)
            if outcome is None:
                continue
            if outcome.refused:
                click.echo(f"planbook: {path}: not fixed ({', '.join(outcome.refused)}): the "
                           "edit would have broken the file", err=True)
            if not outcome.changed:
                continue
            if show_diff:
                click.echo(fixing.diff(outcome), nl=False)
            else:
                fixing.write(outcome)
        except fixing.NotFixed as exc:  # unreadable, or not writable without loss: go on
            click.echo(f"planbook: {path}: {exc}", err=True)
            failed += 1
            continue
        except Exception as exc:  # a bug on one file must not leave the others unfixed
            if os.environ.get("PLANBOOK_DEBUG"):
                raise
            click.echo(f"planbook: {path}: not fixed: internal error: {type(exc).__name__}: "
                       f"{exc} (set PLANBOOK_DEBUG=1 for the traceback)", err=True)
            failed += 1
            continue
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


@cli.group()
def site():
    """The plan site: the MkDocs plugin builds it; these commands work without MkDocs."""


@site.command("export")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--mkdocs-config", "mkdocs_config", type=click.Path(dir_okay=False),
              default="mkdocs.yml", show_default=True,
              help="Read the planbook plugin's options from this file when it exists.")
@click.option("--plans-dir", help="The plans folder, relative to the mkdocs.yml folder.")
@click.option("--output-dir", help="Where the plan pages go inside FOLDER.")
@click.option("--no-git", is_flag=True, help="Leave out history from git.")
@click.option("--no-diagrams", is_flag=True, help="Leave out the SVG diagrams.")
def site_export(folder, mkdocs_config, plans_dir, output_dir, no_git, no_diagrams):
    """Write the site's pages into FOLDER as plain Markdown, for other site generators."""
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
