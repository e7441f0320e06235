"""What the commands share: how a subcommand is declared, the SITE_DIR argument, the speed
options, argument types, and a few ways of saying things."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from margin.build import Options
from margin.parallel import default_jobs
from margin.progress import ProgressBar


class HelpWithExamples(argparse.HelpFormatter):
    """Descriptions wrap to the terminal; the examples at the end keep their lines."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def command(commands: argparse._SubParsersAction, name: str, *, examples: list[str],
             **kwargs: str) -> argparse.ArgumentParser:
    """A subcommand whose --help ends with two examples."""
    epilog = "examples:\n" + "\n".join(f"  {example}" for example in examples)
    return commands.add_parser(name, epilog=epilog, formatter_class=HelpWithExamples, **kwargs)


def add_site_dir(command: argparse.ArgumentParser, what: str = "the site folder") -> None:
    """The optional SITE_DIR argument every command takes, and --site SITE_DIR, its alias."""
    command.add_argument("site", nargs="?", default=None, metavar="SITE_DIR",
                         help=f"{what} (default: the current folder)")
    command.add_argument("--site", dest="site_option", metavar="SITE_DIR",
                         help="the same, as an option")


def add_speed_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--jobs", "-j", type=jobs, default=default_jobs(), metavar="N",
                         help=f"worker processes (default: the number of cores, {default_jobs()})")
    command.add_argument("--no-cache", action="store_true",
                         help="ignore SITE_DIR/.margin-cache/ (neither read nor written)")


def jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a number of processes (1 or more): {text!r}")
    return int(text)


def options(args: argparse.Namespace, quiet: bool = False) -> Options:
    return Options(jobs=args.jobs, cache=not args.no_cache,
                   progress=ProgressBar.for_terminal(quiet))


def date_argument(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


BASE_URL_UNSET = ("margin: warning: base_url is unset, so the feeds and sitemap.xml hold "
                  "relative URLs that readers and search engines cannot follow")


def warn_without_base_url(base_url: str, remedy: str) -> None:
    """Said after a build that wrote feeds and a sitemap: they are read away from the site,
    so their links must be absolute."""
    if not base_url:
        print(f"{BASE_URL_UNSET}; {remedy}", file=sys.stderr)


def plural(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2
