"""Stage 3: SiteIndex + bodies -> page bytes (drawing.py draws a whole site) and the assets to
copy. No disk writes; what this package shares between its modules is here."""

from __future__ import annotations

from collections.abc import Mapping

from margin import urls
from margin.diagnostics import Diagnostic, error
from margin.filenames import shortened, unfit
from margin.model import AssetFile, RenderedBody, SiteIndex, unpacked_bodies
from margin.pages.page import Page


def with_body_assets(assets: list[AssetFile], bodies: Mapping[str, RenderedBody]
                      ) -> list[AssetFile]:
    """The asset stage's files plus the images and files beside notes that bodies use."""
    taken = {asset.path for asset in assets}
    extra = {}
    for body in unpacked_bodies(bodies):
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
