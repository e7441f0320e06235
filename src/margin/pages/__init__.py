"""Stage 3: SiteIndex -> OutputFile values (HTML bytes) and the assets to copy. No disk writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from margin import __version__, urls
from margin.diagnostics import Diagnostic, error
from margin.filenames import shortened, unfit
from margin.model import AssetFile, OutputFile, RenderedBody, SiteConfig, SiteIndex
from margin.pages import templates
from margin.pages.assets import asset_files
from margin.pages.feeds import feeds
from margin.pages.memory import PageMemory
from margin.pages.plan import Page, Planner, draw
from margin.pages.sitemap import sitemap
from margin.pages.views import site_view


@dataclass(frozen=True)
class Rendered:
    pages: list[OutputFile]
    assets: list[AssetFile]
    diagnostics: list[Diagnostic]


def render(
    index: SiteIndex, config: SiteConfig, bodies: Mapping[str, RenderedBody],
    cache: PageMemory | None = None,
) -> Rendered:
    """Every page and asset of the site. With a CACHE (the live server's), pages whose inputs
    are unchanged since the last render are reused instead of drawn."""
    site = site_view(config, index, __version__)
    env = cache.begin(config, index, site) if cache else templates.environment(config)
    planner = Planner(config, index, bodies, site, templates.site_templates(config),
                      memo=cache.views if cache else None)
    pages: list[OutputFile] = []
    diagnostics: list[Diagnostic] = [d for body in bodies.values() for d in body.diagnostics]
    claimed: dict[str, Page] = {}
    collided = False
    for page in planner.pages():
        unwritable = unfit_error(page, index)
        owner = page if unwritable else claimed.setdefault(urls.output_path(page.url), page)
        if unwritable or owner is not page:
            diagnostics.append(unwritable or collision_error(page, owner))
            collided = True
            continue
        if cache:
            output, problem = cache.draw(page, env, config, site, draw)
        else:
            output, problem = draw(page, env, config, site)
        if output:
            pages.append(output)
        if problem:
            diagnostics.append(problem)
    if cache:
        if collided:  # plan every generated page next time, so the error is found again
            cache.views.generated = None
        pages += cache.carried()
        cache.end({page.url for page in claimed.values()})
    pages += feeds(index, config, bodies, cache.memo("feeds") if cache else None)
    pages += sitemap(pages, index, config, cache.memo("sitemap") if cache else None)
    if cache:  # the live server lists the asset folders again only after one changed
        listing = cache.memo("assets")
        if "files" not in listing:
            listing["files"] = asset_files(config)
        assets, asset_problems = listing["files"][0], list(listing["files"][1])
    else:
        assets, asset_problems = asset_files(config)
    written = {page.path for page in pages}
    asset_problems += [error("", None, f"/{asset.path} is both a page and an asset file")
                       for asset in assets if asset.path in written]
    return Rendered(pages, with_body_assets(assets, bodies), diagnostics + asset_problems)


def with_body_assets(assets: list[AssetFile], bodies: Mapping[str, RenderedBody]
                      ) -> list[AssetFile]:
    """The asset stage's files plus the images and files beside notes that bodies use."""
    taken = {asset.path for asset in assets}
    extra = {}
    for body in bodies.values():
        for asset in body.assets:
            if asset.path not in taken:
                extra.setdefault(asset.path, asset)
    return assets + sorted(extra.values(), key=lambda a: a.path)


def unfit_error(page: Page, index: SiteIndex) -> Diagnostic | None:
    """When PAGE's URL cannot be a file (a part too long, a NUL byte): the error, naming the
    note the URL comes from (its own, else the first it shows: a tag's, a paper's)."""
    why = unfit(urls.output_path(page.url))
    if why is None:
        return None
    shown = [index.notes[key] for key in page.sources if key in index.notes]
    note = page.note or (shown[0] if shown else None)
    return error(note.source if note else "", None,
                 f"URL {shortened(page.url)} cannot be a file: {why}")


def collision_error(page: Page, owner: Page) -> Diagnostic:
    """Two pages on one URL: name the note involved (notes are planned before generated pages)."""
    note = owner.note or page.note
    other = page if note is owner.note else owner
    what = other.note.source if other.note else f"the generated page {other.template}"
    return error(note.source if note else "", None, f"permalink {page.url} is taken by {what}")
