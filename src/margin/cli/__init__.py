"""Command-line wiring only: parse arguments, call the stages, turn results into exit codes.

The commands live beside this file: building.py (build, check, new, serve), setup.py (init,
deploy, import); common.py holds what they share."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from margin import __version__
from margin import diagnostics as diag
from margin.cli import building, setup
from margin.cli.common import BASE_URL_UNSET as BASE_URL_UNSET  # said after builds; tests read it


def run() -> None:
    """The `margin` command: main(), then out at once. A build leaves hundreds of megabytes of
    objects behind, and letting the interpreter free them one by one took a fifth of a second
    at 4,000 notes; all margin writes is closed and its children are gone by then."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: nothing more can be said
        pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    if hasattr(args, "site_option"):  # SITE_DIR, or --site SITE_DIR: one or the other
        if args.site and args.site_option and args.site != args.site_option:
            parser.error(f"two site folders: {args.site} and --site {args.site_option}")
        args.site = args.site or args.site_option or "."
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("margin: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # the system refused: a full or read-only disk, a name too long
        print(diag.os_error(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # a bug in margin, not in the notes: say so in one line
        if os.environ.get("MARGIN_DEBUG"):
            traceback.print_exc()
        print(f"margin: internal error: {type(exc).__name__}: {exc} "
              "(set MARGIN_DEBUG=1 for the traceback)", file=sys.stderr)
        return 70


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="margin", description="Build a static website from a folder of Markdown notes.",
        formatter_class=argparse.RawDescriptionHelpFormatter,  # --version unwrapped: a path
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")

    building.add_commands(commands)
    setup.add_commands(commands)
    building.add_serve_command(commands)
    return parser


def _version() -> str:
    """The version and where this margin runs from: which checkout or install answers."""
    where = Path(__file__).resolve().parent.parent
    return f"margin {__version__} (from {where}, Python {sys.version.split()[0]})"
