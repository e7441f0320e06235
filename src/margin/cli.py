"""Command-line wiring only: parse arguments, call the stages, turn results into exit codes."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from datetime import date
from pathlib import Path

from margin import __version__, deploy, init, scaffold
from margin import diagnostics as diag
from margin.build import Options, build, check
from margin.config import load_config
from margin.importers import papers as paper_stream
from margin.importers import write_notes
from margin.model import BuildReport
from margin.origin import Origin, installed_origin
from margin.parallel import default_jobs
from margin.progress import ProgressBar


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

    build_cmd = _command(
        commands, "build", help="build the site into _site/",
        description="Build the site in SITE_DIR into its output folder.",
        examples=["margin build", "margin build ~/notes --base-url https://me.github.io/notes/"],
    )
    _add_site_dir(build_cmd)
    build_cmd.add_argument("--output", "-o", metavar="DIR",
                           help="the output folder (default: SITE_DIR/_site)")
    build_cmd.add_argument("--drafts", action="store_true", help="include notes marked draft")
    build_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build_cmd.add_argument("--base-url", metavar="URL", help="override site.toml's base_url")
    build_cmd.add_argument("--quiet", "-q", action="store_true",
                           help="print only problems, no summary line")
    _add_speed_options(build_cmd)
    build_cmd.set_defaults(run=_build)

    check_cmd = _command(
        commands, "check", help="build in memory and check every link; writes nothing",
        description="Build SITE_DIR in memory, check every internal link and #anchor, write "
                    "nothing. Exit 1 on an error or a broken link (with --strict, any warning).",
        examples=["margin check", "margin check ~/notes --strict"],
    )
    _add_site_dir(check_cmd)
    check_cmd.add_argument("--drafts", action="store_true", help="include notes marked draft")
    check_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check_cmd.add_argument("--base-url", metavar="URL", help="override site.toml's base_url")
    _add_speed_options(check_cmd)
    check_cmd.set_defaults(run=_check)

    new_cmd = _command(
        commands, "new", help="start a new note",
        description="Write a new note into SITE_DIR/content/SECTION/ from the section's "
                    "archetype and print its path: YYYY-MM-DD-title.md, or title.md --undated.",
        examples=['margin new "What I read this week" --tags reading',
                  'margin new "Attention" ~/notes --section notes --undated'],
    )
    new_cmd.add_argument("title", help="the note's title")
    _add_site_dir(new_cmd)
    new_cmd.add_argument("--section", default="posts", help="content folder (default: posts)")
    new_cmd.add_argument("--tags", default="", help="comma-separated tags")
    when = new_cmd.add_mutually_exclusive_group()
    when.add_argument("--date", type=_date, default=None, metavar="YYYY-MM-DD",
                      help="the note's date (default: today)")
    when.add_argument("--undated", action="store_true",
                      help="no date: neither in the file name nor in the front matter")
    new_cmd.set_defaults(run=_new)
    _add_init_command(commands)
    _add_deploy_command(commands)
    _add_import_command(commands)
    _add_serve_command(commands)
    return parser


def _version() -> str:
    """The version and where this margin runs from: which checkout or install answers."""
    where = Path(__file__).resolve().parent
    return f"margin {__version__} (from {where}, Python {sys.version.split()[0]})"


class _HelpWithExamples(argparse.HelpFormatter):
    """Descriptions wrap to the terminal; the examples at the end keep their lines."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _command(commands: argparse._SubParsersAction, name: str, *, examples: list[str],
             **kwargs: str) -> argparse.ArgumentParser:
    """A subcommand whose --help ends with two examples."""
    epilog = "examples:\n" + "\n".join(f"  {example}" for example in examples)
    return commands.add_parser(name, epilog=epilog, formatter_class=_HelpWithExamples, **kwargs)


def _add_speed_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--jobs", "-j", type=_jobs, default=default_jobs(), metavar="N",
                         help=f"worker processes (default: the number of cores, {default_jobs()})")
    command.add_argument("--no-cache", action="store_true",
                         help="ignore SITE_DIR/.margin-cache/ (neither read nor written)")


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a number of processes (1 or more): {text!r}")
    return int(text)


def _options(args: argparse.Namespace, quiet: bool = False) -> Options:
    return Options(jobs=args.jobs, cache=not args.no_cache,
                   progress=ProgressBar.for_terminal(quiet))


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
    options = _options(args, args.quiet)
    try:
        report = build(config, problems, options=options)
    finally:
        if options.progress:
            options.progress.close()
    diag.print_all(report.diagnostics)
    if not report.failed and not args.quiet:
        _warn_without_base_url(config.base_url, "set it in site.toml or pass --base-url")
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
    options = _options(args)
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
    print(f"margin check {verdict}: {_plural(report.notes, 'note')}, "
          f"{_plural(report.written, 'page')}, {_plural(broken, 'broken link')}, "
          f"{_plural(warnings, 'warning')}, {_plural(errors, 'error')}",
          file=sys.stderr if report.failed else sys.stdout)
    return 1 if report.failed else 0


BASE_URL_UNSET = ("margin: warning: base_url is unset, so the feeds and sitemap.xml hold "
                  "relative URLs that readers and search engines cannot follow")


def _warn_without_base_url(base_url: str, remedy: str) -> None:
    """Said after a build that wrote feeds and a sitemap: they are read away from the site,
    so their links must be absolute."""
    if not base_url:
        print(f"{BASE_URL_UNSET}; {remedy}", file=sys.stderr)


def _summary(report: BuildReport, strict: bool) -> str:
    warnings = diag.count(report.diagnostics, diag.Level.WARNING)
    errors = diag.count(report.diagnostics, diag.Level.ERROR)
    counts = f"{_plural(warnings, 'warning')}, {_plural(errors, 'error')}"
    if report.failed:
        why = " (--strict)" if strict and not errors else ""
        return f"margin: build failed{why}: {counts}; the previous output is unchanged"
    seconds = report.timings.get("total", 0.0)
    if report.unchanged and report.unchanged == report.written + report.copied:
        return (f"margin: {_plural(report.notes, 'note')}, nothing changed since the last build "
                f"({_plural(report.written, 'page')} up to date), {counts} in {seconds:.2f} s")
    return (f"margin: {_plural(report.notes, 'note')}, {_plural(report.written, 'page')} written "
            f"(+{_plural(report.copied, 'asset')}), {counts} in {seconds:.2f} s")


def _plural(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


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


def _add_init_command(commands: argparse._SubParsersAction) -> None:
    init_cmd = _command(
        commands, "init", help="start a new site",
        description="Write a starter site into SITE_DIR: site.toml, two example notes, "
                    "archetypes, .gitignore and a GitHub Pages workflow. Existing files are never "
                    "overwritten.",
        examples=["margin init notes", "margin init . --requirement 'margin==0.1.0'"],
    )
    _add_site_dir(init_cmd, "the new site's folder")
    init_cmd.add_argument("--requirement", metavar="SPEC",
                          help="what the GitHub workflow pip-installs margin from, e.g. "
                               "'margin @ git+https://github.com/OWNER/margin' (default: where "
                               "this margin was installed from: a git remote and commit, a "
                               "local wheel or sdist copied into the site, or PyPI)")
    init_cmd.set_defaults(run=_init)


def _init(args: argparse.Namespace) -> int:
    origin = Origin(args.requirement) if args.requirement else installed_origin()
    try:
        result = init.init_site(Path(args.site), today=date.today(), origin=origin)
    except init.InitError as exc:
        print(f"margin: {exc}", file=sys.stderr)
        return 1
    for name in result.written:
        print(f"  wrote    {name}")
    for skipped in result.skipped:
        print(f"  skipped  {skipped.path} ({skipped.reason})")
    if not result.written:
        print("margin: nothing written; every starter file is already there")
        return 0
    steps = [] if Path(args.site) == Path(".") else [f"cd {args.site}"]
    steps += [
        "margin build              # the site appears in _site/",
        'margin new "A title"      # a new post from archetypes/posts.md',
        'git init && git add -A && git commit -m "Start my notes"',
        "then push to GitHub and set Settings > Pages > Source to GitHub Actions (the workflow "
        "publishes every push), or run `margin deploy` to publish a gh-pages branch yourself",
    ]
    print(f"margin: started a site in {Path(args.site).resolve()}. Next:")
    print("\n".join(f"  {step}" for step in steps))
    if origin.guessed:
        print(f"note: the workflow pip-installs '{origin.requirement}', and margin cannot tell "
              "where this one came from; edit MARGIN_REQUIREMENT in .github/workflows/pages.yml")
    else:
        print(f"note: the workflow pip-installs {origin.requirement}")
    return 0


def _add_site_dir(command: argparse.ArgumentParser, what: str = "the site folder") -> None:
    """The optional SITE_DIR argument every command takes, and --site SITE_DIR, its alias."""
    command.add_argument("site", nargs="?", default=None, metavar="SITE_DIR",
                         help=f"{what} (default: the current folder)")
    command.add_argument("--site", dest="site_option", metavar="SITE_DIR",
                         help="the same, as an option")


def _add_deploy_command(commands: argparse._SubParsersAction) -> None:
    deploy_cmd = _command(
        commands, "deploy", help="build and push the site to a gh-pages branch",
        description="Build SITE_DIR, commit the result to BRANCH of its git repository (without "
                    "touching the working tree, the index or the current branch) and push it. "
                    "Nothing is committed when the build has errors.",
        examples=["margin deploy", "margin deploy ~/notes --remote upstream -m 'Spring notes'"],
    )
    _add_site_dir(deploy_cmd)
    deploy_cmd.add_argument("--branch", default="gh-pages",
                            help="the branch to publish to (default: gh-pages)")
    deploy_cmd.add_argument("--remote", default="origin",
                            help="the remote to push to (default: origin)")
    deploy_cmd.add_argument("--message", "-m", metavar="MSG", help="the commit message")
    deploy_cmd.set_defaults(run=_deploy)


def _deploy(args: argparse.Namespace) -> int:
    site = Path(args.site)
    if not site.is_dir():
        print(f"margin: no such site folder: {args.site}", file=sys.stderr)
        return 2
    try:
        target = deploy.find_target(site, remote=args.remote, branch=args.branch)
        # A fresh build outside the work tree: stale files cannot slip in, _site/ is left alone.
        with tempfile.TemporaryDirectory(prefix="margin-deploy-") as scratch:
            output = Path(scratch) / "site"
            config, problems = load_config(site, {"output": str(output)})
            report = build(config, problems) if not diag.has_errors(problems) else None
            diag.print_all(report.diagnostics if report else problems)
            if report is None or report.failed:
                print("margin: deploy refused: the build has errors; nothing was committed",
                      file=sys.stderr)
                return 1
            _warn_without_base_url(config.base_url, "set it in site.toml")
            done = deploy.publish(target, output, args.message)
    except deploy.DeployError as exc:
        print(f"margin: {exc}", file=sys.stderr)
        return 1
    what = (f"committed {_plural(done.files, 'file')} to {args.branch} ({done.commit[:7]})"
            if done.changed else f"{args.branch} ({done.commit[:7]}) already holds this build")
    print(f"margin: {what}; pushed it to {args.remote}")
    return 0


def _add_import_command(commands: argparse._SubParsersAction) -> None:
    import_cmd = _command(
        commands, "import", help="turn notes kept elsewhere into margin notes",
        description="Turn notes kept elsewhere into margin notes. SOURCE says what kind.",
        examples=["margin import papers reviews.txt", "margin import papers --help"],
    )
    import_cmd.set_defaults(run=lambda _args: _usage(import_cmd))
    sources = import_cmd.add_subparsers(title="sources", metavar="SOURCE", dest="source")
    papers_cmd = _command(
        sources, "papers", help="a stream of paper reviews -> one dated note per review",
        description="Split a stream of paper reviews (a channel export, a newsletter, a long "
                    "document) into one dated note per review in SITE_DIR/content/SECTION/. "
                    "Notes that already exist are skipped unless --force; a review pasted twice "
                    "is written once. Warnings name FILE:line.",
        examples=["margin import papers reviews.txt --dry-run",
                  "margin import papers reviews.txt ~/notes --tag papers,reading"],
    )
    papers_cmd.add_argument("file", metavar="FILE", help="the stream, as UTF-8 text")
    _add_site_dir(papers_cmd)
    papers_cmd.add_argument("--section", default="papers",
                            help="the content folder to write into (default: papers)")
    papers_cmd.add_argument("--tag", default="paper-review",
                            help="the notes' tag, or comma-separated tags (default: paper-review)")
    papers_cmd.add_argument("--dry-run", action="store_true",
                            help="print what would be written; write nothing")
    papers_cmd.add_argument("--force", action="store_true", help="rewrite notes that exist")
    papers_cmd.set_defaults(run=_import_papers)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


_IMPORT_COUNTS = {
    write_notes.Outcome.WRITTEN: "written",
    write_notes.Outcome.REWRITTEN: "rewritten",
    write_notes.Outcome.UNCHANGED: "unchanged",
    write_notes.Outcome.SKIPPED: "skipped (already there)",
    write_notes.Outcome.WOULD_WRITE: "would be written",
    write_notes.Outcome.WOULD_SKIP: "would be skipped (already there)",
}


def _import_papers(args: argparse.Namespace) -> int:
    stream = Path(args.file)
    try:
        text = stream.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"margin: cannot read {args.file}: {reason}", file=sys.stderr)
        return 1
    site = Path(args.site)
    if not site.is_dir():
        print(f"margin: no such site folder: {args.site}", file=sys.stderr)
        return 2
    tags = [tag.strip() for tag in args.tag.split(",") if tag.strip()]
    reviews, problems = paper_stream.parse_stream(text, stream.name, default_date=date.today())
    reviews, repeats = write_notes.drop_repeats(reviews, stream.name)
    problems += repeats
    diag.print_all(problems)
    counts = dict.fromkeys(_IMPORT_COUNTS, 0)
    try:
        plans = write_notes.plan_notes(reviews, section=args.section, tags=tags,
                                       source=stream.name)
        for plan, outcome in write_notes.write_notes(site, plans, force=args.force,
                                                     dry_run=args.dry_run):
            counts[outcome] += 1
            skipped = outcome in (write_notes.Outcome.SKIPPED, write_notes.Outcome.WOULD_SKIP)
            hint = " (already there; --force rewrites it)" if skipped else ""
            print(f"{outcome} {site / plan.relative}{hint}")
    except write_notes.ImportFailed as exc:
        print(f"margin: {exc}", file=sys.stderr)
        return 1
    done = ", ".join(f"{n} {_IMPORT_COUNTS[o]}" for o, n in counts.items() if n) or "no notes"
    dry = "; dry run, nothing written" if args.dry_run else ""
    print(f"margin: {_plural(len(reviews), 'review')} in {stream.name}: {done}, "
          f"{_plural(len(problems), 'warning')}{dry}")
    return 0


def _add_serve_command(commands: argparse._SubParsersAction) -> None:
    serve_cmd = _command(
        commands, "serve", help="preview the site, rebuilding and reloading on every save",
        description="Build SITE_DIR, serve its output folder and watch content/, templates/, "
                    "assets/ and site.toml: each save rebuilds only what changed and reloads "
                    "the open pages. Errors show in the browser; Ctrl-C stops.",
        examples=["margin serve --open", "margin serve ~/notes --port 8080 --drafts"],
    )
    _add_site_dir(serve_cmd)
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
