"""A body's cache entry reads back as it was written, whichever way its head was kept (plain
values, or a pickle for the objects marshal cannot write), and damage that got past the
pack's checksum reads as a miss: the body is rendered again, never taken wrong."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from markupsafe import Markup

from conftest import run_margin
from margin.diagnostics import warning
from margin.incremental.entries import (
    Dependencies,
    Entry,
    PackedBody,
    dump_entry,
    entry_html,
    load_entry,
)
from margin.incremental.packs import Packs, read_pack
from margin.incremental.store import FOLDER, Store
from margin.model import AssetFile, KeptBodies, RenderedBody
from margin.write import search

LENGTH = struct.Struct("<II")  # an entry's head length and its CRC-32 (entries._HEAD)

PLAIN_BODY = RenderedBody(
    Markup("<p>Sedge and <em>rush</em> \udcff</p>"),
    toc=((2, "sedges", "Sedges"),), summary="Sedge and rush", summary_html="Sedge and rush",
    contexts=(("notes/rush.md", "Sedge and <em>rush</em>", "Sedge and rush"),),
    links=("notes/rush.md",), images=("marsh.png",), math=2, embeds=("notes/bank.md",),
    words=3, contents=({"level": 2, "id": "sedges", "text": "Sedges", "depth": 0},),
    image="/marsh.png", cited=((("refs.bib",), "reed1990", "d1"), (("refs.bib",), "x", None)))
NEEDS = Dependencies(urls=(("notes/rush.md", "/rush/"), ("notes/gone.md", None)),
                     every_url="u1", names=((("Rush", "notes"), ("notes/rush.md",)),),
                     every_name=True, files=(("/s/marsh.png", (32768, 10, 7)), ("/s/no", None)),
                     notes=(("notes/bank.md", "e1"),),
                     by_name=((("content", "marsh.png"), ("content/marsh.png",)),))


@pytest.mark.parametrize("body", [
    PLAIN_BODY,
    RenderedBody(Markup("<p>Fen</p>"), diagnostics=(warning("notes/fen.md", 3, "a warning"),)),
    RenderedBody(Markup("<p>Fen</p>"), assets=(AssetFile(Path("/s/fen.png"), "fen.png"),)),
    RenderedBody(Markup("<p>Fen</p>"), summary_html=Markup("<b>Fen</b>")),
], ids=["plain values", "a diagnostic", "an asset", "a Markup summary"])
def test_an_entry_reads_back_as_it_was_written(body):
    entry = load_entry(dump_entry(Entry(body, NEEDS)))
    assert entry == Entry(body, NEEDS)
    assert type(entry.body.html) is Markup
    assert type(entry.body.summary_html) is type(body.summary_html)  # Markup stays Markup


def test_a_body_left_packed_is_made_as_written_and_only_plain_ones_are_left_so():
    """A lookup may leave a body packed until a page asks for it (model.KeptBodies); one with
    a diagnostic or an asset never is, so the build sees those without making any other."""
    plain = load_entry(dump_entry(Entry(PLAIN_BODY, NEEDS)), packed=True)
    assert isinstance(plain.body, PackedBody) and plain.needs == NEEDS
    assert plain.body.cited == PLAIN_BODY.cited  # (a lookup checks these)
    assert plain.body.body() == PLAIN_BODY
    warned = RenderedBody(Markup("<p>Fen</p>"), diagnostics=(warning("notes/fen.md", 3, "w"),))
    assert load_entry(dump_entry(Entry(warned, NEEDS)), packed=True).body == warned
    bodies = KeptBodies({"a.md": plain.body, "b.md": warned})
    assert list(bodies.made()) == [warned] and list(bodies) == ["a.md", "b.md"]
    assert "a.md" in bodies and bodies["a.md"] == PLAIN_BODY and bodies.get("c.md") is None
    assert list(bodies.made()) == [PLAIN_BODY, warned]  # made once asked for, and kept


def test_an_entry_read_without_its_html_holds_the_stand_in():
    payload = dump_entry(Entry(PLAIN_BODY, NEEDS))
    assert load_entry(payload, html=False).body.html == ""
    stand_in = object()
    entry = load_entry(payload, False, stand_in)
    assert entry.body.html is stand_in and entry.needs == NEEDS
    assert entry_html(payload) == PLAIN_BODY.html


def damaged_heads(payload: bytes) -> list[bytes]:
    """PAYLOAD with its head changed in ways a checksum would not see (its own is made anew,
    as the pack's is when the entry is added again)."""
    length, _ = LENGTH.unpack_from(payload)
    head, html = payload[LENGTH.size:LENGTH.size + length], payload[LENGTH.size + length:]

    def made(declared: int, rest: bytes) -> bytes:
        return LENGTH.pack(declared, zlib.crc32(rest[:declared])) + rest

    return [
        made(length, head[:1] + head[:0:-1] + html),  # scrambled, marker kept
        made(length // 2, head[: length // 2] + html),  # cut short
        made(length, head[: length // 2]),  # the entry cut inside its head
        made(len(payload), head + html),  # a head longer than the entry
        head[:2],  # not even a length
        made(length, b"\x80" + head[1:] + html),  # taken for a pickle
        LENGTH.pack(length, 0) + head + html,  # the head's own checksum wrong
    ]


def test_a_damaged_head_reads_as_missing():
    payload = dump_entry(Entry(PLAIN_BODY, NEEDS))
    for damaged in damaged_heads(payload):
        assert load_entry(damaged) is None
        assert load_entry(damaged, html=False) is None


def test_entries_damaged_past_their_checksums_are_rendered_again(corpus_site, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    output, fresh = tmp_path / "out", tmp_path / "fresh"
    assert run_margin("build", corpus_site, "--output", output)[0] == 0
    (old,) = (corpus_site / FOLDER / "bodies").glob("*.pack")
    keys = list(read_pack(old).table)
    assert len(keys) > 90
    packs = Packs(Store(corpus_site / FOLDER), "bodies")
    for number, key in enumerate(keys):  # each entry written again, its head damaged
        payload = packs.get(key)
        assert payload[LENGTH.size:LENGTH.size + 1] == b"M"  # kept as plain values
        choices = damaged_heads(payload)
        packs.add(key, choices[number % len(choices)], "damaged")
    packs.close(set(keys))
    old.unlink()
    note = next((corpus_site / "content/posts").glob("*.md"))
    note.write_text(note.read_text() + "\nOne more line.\n")  # so the build really runs
    code, _, err = run_margin("build", corpus_site, "--output", output)
    fresh_code, _, fresh_err = run_margin("build", corpus_site, "--output", fresh, "--no-cache")
    assert (code, err) == (fresh_code, fresh_err)  # the same warnings, nothing more
    assert code == 0
    assert files_of(output) == files_of(fresh)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
