"""Command-line wiring only: parse arguments, call the stages, turn results into exit codes."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from datetime import date
from pathlib import Path

from margin import __version__, scaffold
from margin import diagnostics as diag
from margin.build import build
from margin.config import load_config
from margin.model import BuildReport


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("margin: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in margin, not in the notes: say so in one line
        if os.environ.get("MARGIN_DEBUG"):
            traceback.print_exc()
        print(f"margin: internal error: {type(exc).__name__}: {exc} "
              "(set MARGIN_DEBUG=1 for the traceback)", file=sys.stderr)
        return 70


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="margin", description="Build a static website from a folder of Markdown notes."
    )
    parser.add_argument("--version", action="version", version=f"margin {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")

    build_cmd = commands.add_parser(
        "build", help="build the site into _site/",
        description="Build the site in SITE_DIR into its output folder.",
    )
    build_cmd.add_argument("site", nargs="?", default=".", metavar="SITE_DIR",
                           help="the site folder (default: the current folder)")
    build_cmd.add_argument("--output", "-o", metavar="DIR",
                           help="the output folder (default: SITE_DIR/_site)")
    build_cmd.add_argument("--drafts", action="store_true", help="include notes marked draft")
    build_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build_cmd.add_argument("--base-url", metavar="URL", help="override site.toml's base_url")
    build_cmd.add_argument("--quiet", "-q", action="store_true",
                           help="print only problems, no summary line")
    build_cmd.set_defaults(run=_build)

    new_cmd = commands.add_parser("new", help="start a new note",
                                  description="Write a new dated note and print its path.")
    new_cmd.add_argument("title", help="the note's title")
    new_cmd.add_argument("--section", default="posts", help="content folder (default: posts)")
    new_cmd.add_argument("--tags", default="", help="comma-separated tags")
    new_cmd.add_argument("--date", type=_date, default=None, metavar="YYYY-MM-DD",
                         help="the note's date (default: today)")
    new_cmd.add_argument("--site", default=".", metavar="DIR", help="the site folder")
    new_cmd.set_defaults(run=_new)
    return parser


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


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
    report = build(config, problems)
    diag.print_all(report.diagnostics)
    if not args.quiet or report.failed:
        print(_summary(report, config.strict), file=sys.stderr if report.failed else sys.stdout)
    return 1 if report.failed else 0


def _summary(report: BuildReport, strict: bool) -> str:
    warnings = diag.count(report.diagnostics, diag.Level.WARNING)
    errors = diag.count(report.diagnostics, diag.Level.ERROR)
    counts = f"{_plural(warnings, 'warning')}, {_plural(errors, 'error')}"
    if report.failed:
        why = " (--strict)" if strict and not errors else ""
        return f"margin: build failed{why}: {counts}; the previous output is unchanged"
    seconds = report.timings.get("total", 0.0)
    return (f"margin: {_plural(report.notes, 'note')}, {_plural(report.written, 'page')} written "
            f"(+{_plural(report.copied, 'asset')}), {counts} in {seconds:.2f} s")


def _plural(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _new(args: argparse.Namespace) -> int:
    tags = [t.strip() for t in args.tags.split(",") if t.strip()]
    try:
        path = scaffold.new_note(Path(args.site), args.title, section=args.section, tags=tags,
                                 day=args.date or date.today())
    except scaffold.ScaffoldError as exc:
        print(f"margin: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0
