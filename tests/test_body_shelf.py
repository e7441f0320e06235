"""`margin build` leaves the bodies' HTML in the cache and reads it back where a page shows it
(incremental/bodytext.py): what it reads must be the body it rendered, or the body rendered again,
never another; and a page's fingerprint follows the stored body."""

from __future__ import annotations

import pytest
from markupsafe import Markup

import margin.incremental.bodytext
import margin.incremental.packs
from conftest import recorded_calls
from margin.incremental.bodytext import BodyShelf, StoredHtml
from margin.incremental.entries import Dependencies, Entry, dump_entry, entry_digest
from margin.incremental.packs import Packs
from margin.incremental.pageprint import ValuePrinter
from margin.incremental.store import FOLDER
from margin.model import RenderedBody
from margin.write import search
from test_build_speed import build, counting_renders, files_of


@pytest.fixture(autouse=True)
def no_pagefind(monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)


def shelf_opened(patch, then) -> None:
    """Call THEN(shelf) right after the build lists the packs it will read bodies from."""
    real = BodyShelf.open

    def open_(shelf):
        real(shelf)
        then(shelf)

    patch.setattr(BodyShelf, "open", open_)


def reading_shelf(patch) -> list[str]:
    """The note keys whose bodies' HTML is read back from the shelf (in this process)."""
    return recorded_calls(patch, BodyShelf, "html", lambda shelf, note, *_: note)


def test_a_cached_build_reads_its_bodies_back_from_the_cache(corpus_site, tmp_path,
                                                             monkeypatch):
    read = reading_shelf(monkeypatch)
    build(corpus_site, tmp_path / "cached", "--jobs", "1")
    build(corpus_site, tmp_path / "fresh", "--jobs", "1", "--no-cache")
    assert files_of(tmp_path / "cached") == files_of(tmp_path / "fresh")
    assert len(set(read)) > 90  # every note page's body came from the shelf


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_bodies_whose_entries_vanish_before_their_pages_are_drawn_are_rendered_again(
        corpus_site, tmp_path, monkeypatch, jobs):
    def tidied_away(shelf):  # as another build merging the packs would
        for pack in (corpus_site / FOLDER / "bodies").glob("*.pack"):
            pack.unlink()

    with monkeypatch.context() as patch:
        shelf_opened(patch, tidied_away)
        rendered = counting_renders(patch)  # (for the cache)
        again = counting_renders(patch, margin.incremental.bodytext)  # (for the pages)
        build(corpus_site, tmp_path / "cached", "--jobs", jobs)
    build(corpus_site, tmp_path / "fresh", "--jobs", "1", "--no-cache")
    assert files_of(tmp_path / "cached") == files_of(tmp_path / "fresh")
    if jobs == "1":  # each body rendered for the cache, then again for its page
        assert len(rendered) > 90 and set(again) == set(rendered)


def test_an_entry_replaced_under_the_same_key_is_not_taken_for_the_body(
        corpus_site, tmp_path, monkeypatch):
    def replaced(shelf):  # another build, writing its own entries under the same keys
        keys = list(shelf.packs._where)
        assert len(keys) > 90
        other = Packs(shelf.packs.store, "bodies")
        for key in keys:
            payload = dump_entry(Entry(RenderedBody(Markup("<p>Not this body.</p>")),
                                       Dependencies()))
            other.add(key, payload, entry_digest(payload))
        other.close(set(keys))
        shelf.packs.release()
        shelf.packs.open()
        assert shelf.packs.get(keys[0]) == payload  # the other build's entry is the newest

    with monkeypatch.context() as patch:
        shelf_opened(patch, replaced)
        build(corpus_site, tmp_path / "cached", "--jobs", "2")
    build(corpus_site, tmp_path / "fresh", "--jobs", "1", "--no-cache")
    cached = files_of(tmp_path / "cached")
    assert not any(b"Not this body." in data for data in cached.values())
    assert cached == files_of(tmp_path / "fresh")


def test_a_stored_body_is_fingerprinted_by_its_entry():
    shelf = BodyShelf(None, {}, None)  # never read: fingerprints do not load the HTML
    printer = ValuePrinter()
    one, same, other = (StoredHtml(shelf, "n.md", "key", digest)
                        for digest in ("d1", "d1", "d2"))
    assert one == same and hash(one) == hash(same) and one != other
    assert printer.of(one) == printer.of(same) != printer.of(other)
    assert printer.of(one) != printer.of(Markup("d1"))


def test_bodies_that_cannot_be_stored_stay_in_memory(corpus_site, tmp_path, monkeypatch):
    def disk_full(*args):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(margin.incremental.packs._Writer, "add_packed", disk_full)
        read = reading_shelf(patch)
        build(corpus_site, tmp_path / "cached", "--jobs", "1")
    build(corpus_site, tmp_path / "fresh", "--jobs", "1", "--no-cache")
    assert files_of(tmp_path / "cached") == files_of(tmp_path / "fresh")
    assert read == []  # nothing was stored, so nothing is read back


def test_a_cached_build_looks_bodies_up_without_reading_their_html(make_site, tmp_path,
                                                                   monkeypatch):
    """Only the bodies of the pages drawn again are read whole: the others' HTML, most of an
    entry's bytes, stays in the pack (entries.dump_entry puts it after the rest)."""
    site = make_site({f"content/notes/n{i:02}.md":
                      f"---\ntitle: Reed bed {i}\n---\nA first paragraph on reeds {i}.\n\n"
                      f"Heronsong{i} marks the second paragraph.\n" for i in range(20)})
    build(site, tmp_path / "out", "--jobs", "1")
    (site / "content/notes/n05.md").write_text(
        "---\ntitle: Reed bed 5\n---\nA first paragraph, edited.\n\nHeronsong5 again.\n")
    entries = []
    load_entry = margin.incremental.bodycache.load_entry  # (as the cache calls it)

    def kept(*args, **kwargs):
        entry = load_entry(*args, **kwargs)
        entries.append(entry)
        return entry

    monkeypatch.setattr(margin.incremental.bodycache, "load_entry", kept)
    read = reading_shelf(monkeypatch)
    build(site, tmp_path / "out", "--jobs", "1")
    build(site, tmp_path / "fresh", "--jobs", "1", "--no-cache")
    assert files_of(tmp_path / "out") == files_of(tmp_path / "fresh")
    assert len(entries) >= 19  # every kept body was looked up...
    shown = {int(key.removesuffix(".md")[-2:]) for key in read}
    assert 5 in shown and len(shown) < 20
    html = "".join(str(entry.body.html) for entry in entries)
    for number in set(range(20)) - shown:  # ...but the HTML of those not shown was not read
        assert f"Heronsong{number} " not in html, number
