"""The commands that set a site up and move notes in and out: init, deploy, import."""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

from margin import diagnostics as diag
from margin.build import build
from margin.cli.common import add_site_dir, command, plural, usage, warn_without_base_url
from margin.config import load_config

# (init, deploy, the importers and the install's origin load when their command runs: every
# `margin build` parses its arguments with this file, and needs none of them)


def add_commands(commands: argparse._SubParsersAction) -> None:
    """init, deploy and import."""
    _add_init_command(commands)
    _add_deploy_command(commands)
    _add_import_command(commands)


def _add_init_command(commands: argparse._SubParsersAction) -> None:
    init_cmd = command(
        commands, "init", help="start a new site",
        description="Write a starter site into SITE_DIR: site.toml, two example notes, "
                    "archetypes, .gitignore and a GitHub Pages workflow. Existing files are never "
                    "overwritten.",
        examples=["margin init notes", "margin init . --requirement 'margin==0.1.0'"],
    )
    add_site_dir(init_cmd, "the new site's folder")
    init_cmd.add_argument("--requirement", metavar="SPEC",
                          help="what the GitHub workflow pip-installs margin from, e.g. "
                               "'margin @ git+https://github.com/OWNER/margin' (default: where "
                               "this margin was installed from: a git remote and commit, a "
                               "local wheel or sdist copied into the site, or PyPI)")
    init_cmd.set_defaults(run=_init)


def _init(args: argparse.Namespace) -> int:
    from margin import init
    from margin.origin import Origin, installed_origin

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


def _add_deploy_command(commands: argparse._SubParsersAction) -> None:
    deploy_cmd = command(
        commands, "deploy", help="build and push the site to a gh-pages branch",
        description="Build SITE_DIR, commit the result to BRANCH of its git repository (without "
                    "touching the working tree, the index or the current branch) and push it. "
                    "Nothing is committed when the build has errors.",
        examples=["margin deploy", "margin deploy ~/notes --remote upstream -m 'Spring notes'"],
    )
    add_site_dir(deploy_cmd)
    deploy_cmd.add_argument("--branch", default="gh-pages",
                            help="the branch to publish to (default: gh-pages)")
    deploy_cmd.add_argument("--remote", default="origin",
                            help="the remote to push to (default: origin)")
    deploy_cmd.add_argument("--message", "-m", metavar="MSG", help="the commit message")
    deploy_cmd.set_defaults(run=_deploy)


def _deploy(args: argparse.Namespace) -> int:
    from margin import deploy

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
            warn_without_base_url(config.base_url, "set it in site.toml")
            done = deploy.publish(target, output, args.message)
    except deploy.DeployError as exc:
        print(f"margin: {exc}", file=sys.stderr)
        return 1
    what = (f"committed {plural(done.files, 'file')} to {args.branch} ({done.commit[:7]})"
            if done.changed else f"{args.branch} ({done.commit[:7]}) already holds this build")
    print(f"margin: {what}; pushed it to {args.remote}")
    return 0


def _add_import_command(commands: argparse._SubParsersAction) -> None:
    import_cmd = command(
        commands, "import", help="turn notes kept elsewhere into margin notes",
        description="Turn notes kept elsewhere into margin notes. SOURCE says what kind.",
        examples=["margin import papers reviews.txt", "margin import papers --help"],
    )
    import_cmd.set_defaults(run=lambda _args: usage(import_cmd))
    sources = import_cmd.add_subparsers(title="sources", metavar="SOURCE", dest="source")
    papers_cmd = command(
        sources, "papers", help="a stream of paper reviews -> one dated note per review",
        description="Split a stream of paper reviews (a channel export, a newsletter, a long "
                    "document) into one dated note per review in SITE_DIR/content/SECTION/. "
                    "Notes that already exist are skipped unless --force; a review pasted twice "
                    "is written once. Warnings name FILE:line.",
        examples=["margin import papers reviews.txt --dry-run",
                  "margin import papers reviews.txt ~/notes --tag papers,reading"],
    )
    papers_cmd.add_argument("file", metavar="FILE", help="the stream, as UTF-8 text")
    add_site_dir(papers_cmd)
    papers_cmd.add_argument("--section", default="papers",
                            help="the content folder to write into (default: papers)")
    papers_cmd.add_argument("--tag", default="paper-review",
                            help="the notes' tag, or comma-separated tags (default: paper-review)")
    papers_cmd.add_argument("--dry-run", action="store_true",
                            help="print what would be written; write nothing")
    papers_cmd.add_argument("--force", action="store_true", help="rewrite notes that exist")
    papers_cmd.set_defaults(run=_import_papers)


_IMPORT_COUNTS = {
    "WRITTEN": "written",
    "REWRITTEN": "rewritten",
    "UNCHANGED": "unchanged",
    "SKIPPED": "skipped (already there)",
    "WOULD_WRITE": "would be written",
    "WOULD_SKIP": "would be skipped (already there)",
}  # by write_notes.Outcome's names


def _import_papers(args: argparse.Namespace) -> int:
    from margin.importers import papers as paper_stream
    from margin.importers import write_notes

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
    counts = {write_notes.Outcome[name]: 0 for name in _IMPORT_COUNTS}
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
    done = ", ".join(f"{n} {_IMPORT_COUNTS[o.name]}" for o, n in counts.items() if n) or "no notes"
    dry = "; dry run, nothing written" if args.dry_run else ""
    print(f"margin: {plural(len(reviews), 'review')} in {stream.name}: {done}, "
          f"{plural(len(problems), 'warning')}{dry}")
    return 0
