"""The commands that make the site: build, check, new and serve."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from margin import diagnostics as diag
from margin import scaffold
from margin.build import build, check
from margin.cli.common import (
    add_site_dir,
    add_speed_options,
    command,
    date_argument,
    plural,
    warn_without_base_url,
)
from margin.cli.common import (
    options as speed_options,
)
from margin.config import load_config
from margin.model import BuildReport


def add_commands(commands: argparse._SubParsersAction) -> None:
    """build, check and new."""
    build_cmd = command(
        commands, "build", help="build the site into _site/",
        description="Build the site in SITE_DIR into its output folder.",
        examples=["margin build", "margin build ~/notes --base-url https://me.github.io/notes/"],
    )
    add_site_dir(build_cmd)
    build_cmd.add_argument("--output", "-o", metavar="DIR",
                           help="the output folder (default: SITE_DIR/_site)")
    build_cmd.add_argument("--drafts", action="store_true", help="include notes marked draft")
    build_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build_cmd.add_argument("--base-url", metavar="URL", help="override site.toml's base_url")
    build_cmd.add_argument("--quiet", "-q", action="store_true",
                           help="print only problems, no summary line")
    add_speed_options(build_cmd)
    build_cmd.set_defaults(run=_build)

    check_cmd = command(
        commands, "check", help="build in memory and check every link; writes nothing",
        description="Build SITE_DIR in memory, check every internal link and #anchor, write "
                    "nothing. Exit 1 on an error or a broken link (with --strict, any warning).",
        examples=["margin check", "margin check ~/notes --strict"],
    )
    add_site_dir(check_cmd)
    check_cmd.add_argument("--drafts", action="store_true", help="include notes marked draft")
    check_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check_cmd.add_argument("--base-url", metavar="URL", help="override site.toml's base_url")
    add_speed_options(check_cmd)
    check_cmd.set_defaults(run=_check)

    new_cmd = command(
        commands, "new", help="start a new note",
        description="Write a new note into SITE_DIR/content/SECTION/ from the section's "
                    "archetype and print its path: YYYY-MM-DD-title.md, or title.md --undated.",
        examples=['margin new "What I read this week" --tags reading',
                  'margin new "Attention" ~/notes --section notes --undated'],
    )
    new_cmd.add_argument("title", help="the note's title")
    add_site_dir(new_cmd)
    new_cmd.add_argument("--section", default="posts", help="content folder (default: posts)")
    new_cmd.add_argument("--tags", default="", help="comma-separated tags")
    when = new_cmd.add_mutually_exclusive_group()
    when.add_argument("--date", type=date_argument, default=None, metavar="YYYY-MM-DD",
                      help="the note's date (default: today)")
    when.add_argument("--undated", action="store_true",
                      help="no date: neither in the file name nor in the front matter")
    new_cmd.set_defaults(run=_new)


def _build(args: argparse.Namespace) -> int:
    site = Path(args.site)
    if not site.is_dir():
        print(f"margin: no such site folder: {args.site}", file=sys.stderr)
        return 2
    output = str(Path(args.output).resolve()) if args.output else None
    config, problems = load_config(site, {
        "output": output, "base_url": args.base_url, "drafts": args.drafts, "strict": args.strict,
    })
    if diag.has_errors(problems):
        diag.print_all(problems)
        return 1
    options = speed_options(args, args.quiet)
    try:
        report = build(config, problems, options=options)
    finally:
        if options.progress:
            options.progress.close()
    diag.print_all(report.diagnostics)
    if not report.failed and not args.quiet:
        warn_without_base_url(config.base_url, "set it in site.toml or pass --base-url")
    if not args.quiet or report.failed:
        print(_summary(report, config.strict), file=sys.stderr if report.failed else sys.stdout)
    return 1 if report.failed else 0


def _check(args: argparse.Namespace) -> int:
    site = Path(args.site)
    if not site.is_dir():
        print(f"margin: no such site folder: {args.site}", file=sys.stderr)
        return 2
    config, problems = load_config(site, {
        "base_url": args.base_url, "drafts": args.drafts, "strict": args.strict,
    })
    if diag.has_errors(problems):
        diag.print_all(problems)
        return 1
    options = speed_options(args)
    try:
        report = check(config, problems, options=options)
    finally:
        if options.progress:
            options.progress.close()
    diag.print_all(report.diagnostics)
    broken = sum(1 for d in report.diagnostics if d.message.startswith("broken link:"))
    warnings = diag.count(report.diagnostics, diag.Level.WARNING)
    errors = diag.count(report.diagnostics, diag.Level.ERROR)
    verdict = "failed" if report.failed else "passed"
    print(f"margin check {verdict}: {plural(report.notes, 'note')}, "
          f"{plural(report.written, 'page')}, {plural(broken, 'broken link')}, "
          f"{plural(warnings, 'warning')}, {plural(errors, 'error')}",
          file=sys.stderr if report.failed else sys.stdout)
    return 1 if report.failed else 0


def _summary(report: BuildReport, strict: bool) -> str:
    warnings = diag.count(report.diagnostics, diag.Level.WARNING)
    errors = diag.count(report.diagnostics, diag.Level.ERROR)
    counts = f"{plural(warnings, 'warning')}, {plural(errors, 'error')}"
    if report.failed:
        why = " (--strict)" if strict and not errors else ""
        return f"margin: build failed{why}: {counts}; the previous output is unchanged"
    seconds = report.timings.get("total", 0.0)
    if report.unchanged and report.unchanged == report.written + report.copied:
        return (f"margin: {plural(report.notes, 'note')}, nothing changed since the last build "
                f"({plural(report.written, 'page')} up to date), {counts} in {seconds:.2f} s")
    return (f"margin: {plural(report.notes, 'note')}, {plural(report.written, 'page')} written "
            f"(+{plural(report.copied, 'asset')}), {counts} in {seconds:.2f} s")


def _new(args: argparse.Namespace) -> int:
    tags = [t.strip() for t in args.tags.split(",") if t.strip()]
    try:
        day = None if args.undated else args.date or date.today()
        path = scaffold.new_note(Path(args.site), args.title, section=args.section, tags=tags,
                                 day=day)
    except scaffold.ScaffoldError as exc:
        print(f"margin: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


def add_serve_command(commands: argparse._SubParsersAction) -> None:
    serve_cmd = command(
        commands, "serve", help="preview the site, rebuilding and reloading on every save",
        description="Build SITE_DIR, serve its output folder and watch content/, templates/, "
                    "assets/ and site.toml: each save rebuilds only what changed and reloads "
                    "the open pages. Errors show in the browser; Ctrl-C stops.",
        examples=["margin serve --open", "margin serve ~/notes --port 8080 --drafts"],
    )
    add_site_dir(serve_cmd)
    serve_cmd.add_argument("--port", "-p", type=_port, default=8000,
                           help="port (default: 8000; 0 picks a free one)")
    serve_cmd.add_argument("--host", default="127.0.0.1",
                           help="address to listen on (default: 127.0.0.1, this machine only)")
    serve_cmd.add_argument("--drafts", action="store_true", help="include notes marked draft")
    serve_cmd.add_argument("--open", action="store_true", help="open the site in a browser")
    serve_cmd.set_defaults(run=_serve)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text!r}")
    return int(text)


def _serve(args: argparse.Namespace) -> int:
    from margin.serve import serve  # watchdog and the HTTP server load only when serving

    site = Path(args.site)
    if not site.is_dir():
        print(f"margin: no such site folder: {args.site}", file=sys.stderr)
        return 2
    overrides = {"drafts": args.drafts or None}
    config, problems = load_config(site, overrides)
    if diag.has_errors(problems):
        diag.print_all(problems)
        return 1
    return serve(config, host=args.host, port=args.port, open_browser=args.open,
                 overrides=overrides, config_problems=problems)
