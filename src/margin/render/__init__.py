"""Stage 3: SiteIndex -> OutputFile values (HTML bytes) and the assets to copy. No disk writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from margin import __version__
from margin import urls
from margin.diagnostics import Diagnostic, error
from margin.model import AssetFile, OutputFile, RenderedBody, SiteConfig, SiteIndex
from margin.render import templates
from margin.render.assets import asset_files
from margin.render.feeds import feeds
from margin.render.markdown import render_body
from margin.render.sitemap import sitemap
from margin.render.pages import Page, Planner, draw
from margin.render.views import site_view


@dataclass(frozen=True)
class Rendered:
    pages: list[OutputFile]
    assets: list[AssetFile]
    diagnostics: list[Diagnostic]


def render_bodies(index: SiteIndex) -> dict[str, RenderedBody]:
    """Every note's Markdown as HTML: the costly part of a build, and only body-dependent."""
    return {key: render_body(note) for key, note in index.notes.items()}


def render(
    index: SiteIndex, config: SiteConfig, bodies: Mapping[str, RenderedBody]
) -> Rendered:
    env = templates.environment(config)
    site = site_view(config, index, __version__)
    planner = Planner(config, index, bodies, site, templates.site_templates(config))
    pages: list[OutputFile] = []
    diagnostics: list[Diagnostic] = [d for body in bodies.values() for d in body.diagnostics]
    claimed: dict[str, Page] = {}
    for page in planner.pages():
        owner = claimed.setdefault(urls.output_path(page.url), page)
        if owner is not page:
            diagnostics.append(_collision(page, owner))
            continue
        output, problem = draw(page, env, config, site)
        if output:
            pages.append(output)
        if problem:
            diagnostics.append(problem)
    pages += feeds(index, config, bodies)
    pages += sitemap(pages, index, config)
    assets, asset_problems = asset_files(config)
    return Rendered(pages, assets, diagnostics + asset_problems)


def _collision(page: Page, owner: Page) -> Diagnostic:
    """Two pages on one URL: name the note involved (notes are planned before generated pages)."""
    note = owner.note or page.note
    other = page if note is owner.note else owner
    what = other.note.source if other.note else f"the generated page {other.template}"
    return error(note.source if note else "", None, f"permalink {page.url} is taken by {what}")
