"""The build, on one screen: load -> index -> render -> write, each stage timed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from margin import diagnostics as diag
from margin import urls
from margin.index import index_notes
from margin.linkcheck import check_links
from margin.load import load
from margin.model import BuildReport, SiteConfig
from margin.render import Rendered, render, render_bodies
from margin.write import check_output_dir, write_site
from margin.write.output import OutputError
from margin.write.search import index_site


@dataclass
class Timer:
    timings: dict[str, float]

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[name] = time.perf_counter() - start


def build_in_memory(config: SiteConfig, report: BuildReport) -> Rendered:
    """Everything but the writing: the pages and assets of the site, and every problem found."""
    timer = Timer(report.timings)
    with timer.stage("load"):
        notes, problems = load(config)
    report.diagnostics += problems
    report.notes = len(notes)
    with timer.stage("index"):
        index, problems = index_notes(notes)
    report.diagnostics += problems
    with timer.stage("markdown"):
        bodies = render_bodies(index, config)
    with timer.stage("templates"):
        rendered = render(index, config, bodies)
    report.diagnostics += rendered.diagnostics
    if diag.has_errors(report.diagnostics):
        return rendered  # pages that failed would show up again as broken links: say it once
    with timer.stage("links"):
        prefix = urls.prefix_of(config.base_url)
        report.diagnostics += check_links(rendered.pages, rendered.assets, index.notes, prefix)
    return rendered


def build(config: SiteConfig, config_problems: list[diag.Diagnostic] | None = None,
          check_output: Callable[[SiteConfig], None] = check_output_dir) -> BuildReport:
    """Build the site; with any error (or warning, when strict) the old output stays as it was."""
    report = BuildReport(diagnostics=list(config_problems or []))
    start = time.perf_counter()
    try:
        check_output(config)
    except OutputError as exc:
        report.diagnostics.append(diag.error("", None, str(exc)))
        report.failed = True
        return report
    rendered = build_in_memory(config, report)
    # Everything is gathered; only now, and only if it all worked, does the disk change.
    if diag.has_errors(report.diagnostics, strict=config.strict):
        report.failed = True
    else:
        with Timer(report.timings).stage("write"):
            write_site(config, rendered.pages, rendered.assets)
        report.written, report.copied = len(rendered.pages), len(rendered.assets)
        with Timer(report.timings).stage("search"):
            report.diagnostics += index_site(config.output_dir)
    report.timings["total"] = time.perf_counter() - start
    return report


def check(config: SiteConfig, config_problems: list[diag.Diagnostic] | None = None) -> BuildReport:
    """The whole build in memory, links checked, nothing written: for `margin check`."""
    report = BuildReport(diagnostics=list(config_problems or []))
    start = time.perf_counter()
    rendered = build_in_memory(config, report)
    report.written = len(rendered.pages)
    broken = any(d.message.startswith("broken link:") for d in report.diagnostics)
    report.failed = broken or diag.has_errors(report.diagnostics, strict=config.strict)
    report.timings["total"] = time.perf_counter() - start
    return report
