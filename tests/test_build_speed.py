"""Speed must not change a byte: builds in parallel, from the cache, in place or from scratch
write the same site; the cache reuses only what still holds, survives damage and can be
bypassed; a build that finds nothing to do leaves the output alone."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

import margin
import margin.incremental.bodies
import margin.incremental.bodycache
import margin.incremental.entries
import margin.load
from conftest import recorded_calls, run_margin
from margin.incremental.entries import head_size
from margin.incremental.packs import Packs, read_pack
from margin.incremental.store import FOLDER, Pickled, Store
from margin.write import search


@pytest.fixture(autouse=True)
def no_pagefind(monkeypatch):
    """Pagefind's own output is not what these tests compare (and it is slow)."""
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build(site: Path, output: Path, *args: str) -> tuple[int, str]:
    code, out, err = run_margin("build", site, "--output", output, *args)
    assert code == 0, err
    return code, out


def counting_renders(monkeypatch, module=margin.incremental.bodycache) -> list[str]:
    """The note keys whose bodies MODULE renders (in this process: use --jobs 1)."""
    return recorded_calls(monkeypatch, module, "render_body", lambda note, context: note.key)


def test_parallel_cached_and_incremental_builds_write_identical_sites(corpus_site, tmp_path):
    one, two, cold, warm = (tmp_path / name for name in ("one", "two", "cold", "warm"))
    build(corpus_site, one, "--jobs", "1", "--no-cache")
    build(corpus_site, two, "--jobs", "2", "--no-cache")
    build(corpus_site, cold, "--jobs", "2")  # fills the cache
    build(corpus_site, warm, "--jobs", "2")  # bodies from the cache, pages drawn afresh
    expected = files_of(one)
    assert len(expected) > 150
    for other in (two, cold, warm):
        assert files_of(other) == expected, other.name

    # An edit, then a build that updates `cold` in place, against one from scratch.
    note = next((corpus_site / "content/posts").glob("*-000[0-9]*.md"))
    note.write_text(note.read_text() + "\nA new closing line with $x^2$ in it.\n")
    (corpus_site / "content/notes/attention.md").unlink()  # linked from other notes
    build(corpus_site, cold, "--jobs", "2")
    build(corpus_site, one, "--jobs", "1", "--no-cache")
    assert files_of(cold) == files_of(one)


def test_a_build_with_nothing_changed_touches_nothing(make_site, tmp_path):
    site = make_site({"content/notes/a.md": "# A\n\nSee [[b]].", "content/notes/b.md": "B"})
    output = tmp_path / "out"
    build(site, output)
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*")}
    _, said = build(site, output)
    assert "nothing changed since the last build" in said
    assert {p: p.stat().st_mtime_ns for p in output.rglob("*")} == before


def test_a_value_pickled_ahead_reads_back_as_itself_inside_a_cache_entry(tmp_path):
    """The output's records are pickled in part while Pagefind indexes (BuildCache.output_ahead)
    and saved whole later: they read back as the value, not as the bytes."""
    store = Store(tmp_path / FOLDER)
    pages = {"a/index.html": ("fingerprint", (1, 2, 3)), "b.html": ("other", None)}
    store.put_pickled("output", {"pages": Pickled(pages), "search": {"0": "key"}})
    assert store.get_pickled("output") == {"pages": pages, "search": {"0": "key"}}


def test_only_the_bodies_whose_inputs_changed_are_rendered_again(make_site, tmp_path,
                                                                monkeypatch):
    site = make_site({
        "content/notes/a.md": "Links to [[b]] and to [[later]].",
        "content/notes/b.md": "---\ntitle: B\n---\nPlain.",
        "content/notes/c.md": "Stands alone.",
    })
    output = tmp_path / "out"
    rendered = counting_renders(monkeypatch)
    build(site, output, "--jobs", "1")
    assert sorted(rendered) == ["notes/a.md", "notes/b.md", "notes/c.md"]

    rendered.clear()
    (site / "content/notes/c.md").write_text("Stands alone, edited.")
    build(site, output, "--jobs", "1")
    assert rendered == ["notes/c.md"]

    rendered.clear()  # b moves: only a, which links to it, shows its new URL
    (site / "content/notes/b.md").write_text("---\ntitle: B\npermalink: /bee/\n---\nPlain.")
    build(site, output, "--jobs", "1")
    assert sorted(rendered) == ["notes/a.md", "notes/b.md"]
    assert 'href="/bee/"' in (output / "notes/a/index.html").read_text()

    rendered.clear()  # a note that answers a's broken wikilink: a renders it as a link now
    (site / "content/notes/later.md").write_text("Written later.")
    build(site, output, "--jobs", "1")
    assert sorted(rendered) == ["notes/a.md", "notes/later.md"]
    assert 'href="/notes/later/"' in (output / "notes/a/index.html").read_text()


def png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)))


def test_a_one_note_build_makes_only_the_bodies_its_pages_show(make_site, tmp_path,
                                                              monkeypatch):
    """Bodies found in the cache are left packed until a page asks for one (model.KeptBodies):
    an edit to one of 40 notes makes a handful, and the site is as a cold build makes it."""
    notes = {f"content/notes/n{i:02}.md": f"---\ntitle: Note {i}\n---\n"
                                           f"Text {i}, see [[n{(i + 1) % 40:02}]].\n\nMore {i}.\n"
             for i in range(40)}
    site = make_site(notes)
    output, cold = tmp_path / "out", tmp_path / "cold"
    build(site, output, "--jobs", "1")
    monkeypatch.delenv("MARGIN_VERIFY", raising=False)  # (which draws every page again)
    made = recorded_calls(monkeypatch, margin.incremental.entries.PackedBody, "body",
                          lambda packed: packed)
    heads = recorded_calls(monkeypatch, Packs, "get_start", lambda packs, key, size: key)
    whole = recorded_calls(monkeypatch, Packs, "get", lambda packs, key: key)
    note = site / "content/notes/n07.md"
    note.write_text(note.read_text().replace("More 7", "More seven"))
    build(site, output, "--jobs", "1")
    assert 0 < len(made) <= 4  # its own, the note it links to (its backlink), their graph
    assert len(set(heads)) == 40  # each lookup reads an entry's head, not its HTML,
    assert len(set(whole)) <= 4  # which is read for the pages drawn
    build(site, cold, "--jobs", "1", "--no-cache")
    assert files_of(output) == files_of(cold)


def test_a_changed_image_renders_its_note_again(make_site, tmp_path):
    site = make_site({"content/notes/a.md": "![plot](plot.png)",
                      "content/notes/plot.png": png(40, 30)})
    output = tmp_path / "out"
    build(site, output)
    assert 'width="40" height="30"' in (output / "notes/a/index.html").read_text()
    (site / "content/notes/plot.png").write_bytes(png(800, 600))
    build(site, output)
    assert 'width="800" height="600"' in (output / "notes/a/index.html").read_text()


def test_a_template_change_draws_pages_again_but_renders_no_body(fixture_site, tmp_path,
                                                                 monkeypatch):
    site = fixture_site("ten-notes")
    output = tmp_path / "out"
    build(site, output, "--jobs", "1")
    rendered = counting_renders(monkeypatch)
    theme = Path(margin.__file__).resolve().parents[2] / "templates"
    (site / "templates").mkdir(exist_ok=True)
    note_template = (theme / "note.html").read_text()
    (site / "templates/note.html").write_text(note_template.replace("</article>",
                                                                    "<p>Edited.</p></article>"))
    build(site, output, "--jobs", "1")
    assert rendered == []
    pages = [p for p in output.rglob("index.html") if "<article" in p.read_text()]
    assert pages and all("<p>Edited.</p></article>" in p.read_text() for p in pages)


@pytest.mark.parametrize("damage", ["cut short", "scrambled", "emptied"])
def test_a_damaged_cache_is_ignored(corpus_site, tmp_path, damage):
    output, fresh = tmp_path / "out", tmp_path / "fresh"
    build(corpus_site, output)
    entries = [p for p in (corpus_site / FOLDER).rglob("*") if p.is_file()]
    assert any(p.suffix == ".pack" for p in entries) and len(entries) >= 4
    for entry in entries:
        data = entry.read_bytes()
        entry.write_bytes({"cut short": data[: len(data) // 2], "scrambled": data[::-1],
                           "emptied": b""}[damage])
    _assert_rebuilt_as_fresh(corpus_site, output, fresh)


def test_damaged_entries_in_a_whole_pack_are_ignored(corpus_site, tmp_path):
    output, fresh = tmp_path / "out", tmp_path / "fresh"
    build(corpus_site, output)
    (pack_file,) = (corpus_site / FOLDER / "bodies").glob("*.pack")
    data = bytearray(pack_file.read_bytes())
    table = read_pack(pack_file).table
    assert len(table) > 90
    for offset, length, _ in table.values():  # one byte changed in the middle of each entry
        data[offset + length // 2] ^= 0xFF
    pack_file.write_bytes(bytes(data))
    _assert_rebuilt_as_fresh(corpus_site, output, fresh)


def _assert_rebuilt_as_fresh(site: Path, output: Path, fresh: Path) -> None:
    note = next((site / "content/posts").glob("*.md"))
    note.write_text(note.read_text() + "\nOne more line.\n")  # so the build really runs
    code, _, err = run_margin("build", site, "--output", output)
    assert code == 0, err
    fresh_code, _, fresh_err = run_margin("build", site, "--output", fresh, "--no-cache")
    assert (code, err) == (fresh_code, fresh_err)  # the same warnings, nothing more
    assert files_of(output) == files_of(fresh)


def test_no_cache_neither_reads_nor_writes_the_cache(make_site, tmp_path):
    site = make_site({"content/notes/a.md": "The true text."})
    build(site, tmp_path / "first")
    # Plant a well-formed entry with the wrong body under every body key: a cached build
    # trusts it (it cannot tell), --no-cache must not even look.
    store = Store(site / FOLDER)
    packs = Packs(store, "bodies")
    (old,) = (site / FOLDER / "bodies").glob("*.pack")
    for key in read_pack(old).table:
        payload = packs.get(key)
        head = head_size(payload)  # (the HTML after it: the head has a checksum of its own)
        packs.add(key, payload[:head] + payload[head:].replace(b"The true text.",
                                                               b"A false text!!"), "x")
    packs.close(set())
    old.unlink()
    shutil.rmtree(tmp_path / "first")  # so the next build cannot find its work already done
    build(site, tmp_path / "first")
    assert "A false text!!" in (tmp_path / "first/notes/a/index.html").read_text()
    cache_before = files_of(site / FOLDER)
    build(site, tmp_path / "plain", "--no-cache")
    assert "The true text." in (tmp_path / "plain/notes/a/index.html").read_text()
    assert files_of(site / FOLDER) == cache_before
    fresh = make_site({"content/notes/a.md": "x"}, name="other")
    build(fresh, tmp_path / "other-out", "--no-cache")
    assert not (fresh / FOLDER).exists()


def test_a_page_edited_by_hand_in_the_output_is_written_again(make_site, tmp_path):
    site = make_site({"content/notes/a.md": "Text.", "content/notes/b.md": "More."})
    output = tmp_path / "out"
    build(site, output)
    page = output / "notes/a/index.html"
    right = page.read_bytes()
    page.write_text("vandalised")
    (output / "stray.html").write_text("not margin's")
    _, said = build(site, output)
    assert "nothing changed" not in said
    assert page.read_bytes() == right
    assert not (output / "stray.html").exists()


def test_an_update_cut_short_is_redone_whole(make_site, tmp_path):
    site = make_site({"content/notes/a.md": "Text.", "content/notes/b.md": "More."})
    output, fresh = tmp_path / "out", tmp_path / "fresh"
    build(site, output)
    (output / "notes/b/index.html").write_text("half-written")
    (output / ".margin-updating").write_text("margin is updating this folder\n")
    build(site, output)
    build(site, fresh, "--no-cache")
    assert files_of(output) == files_of(fresh)
    assert not (output / ".margin-updating").exists()


def test_a_failed_incremental_build_leaves_the_output_as_it_was(make_site, tmp_path):
    site = make_site({"content/notes/a.md": "Text.", "content/notes/b.md": "More."})
    output = tmp_path / "out"
    build(site, output)
    before = files_of(output)
    (site / "content/notes/a.md").write_text("Changed.")
    (site / "content/notes/b.md").write_text("---\ntitle: [broken\n---\nMore.")
    code, _, err = run_margin("build", site, "--output", output)
    assert code == 1
    assert "error: content/notes/b.md:2: front matter" in err
    assert files_of(output) == before
    # Nothing beside the output: the failed build left nothing, a first one keeps no spare.
    assert [path.name for path in tmp_path.glob(".*.margin-*")] == []


def test_builds_running_at_once_leave_a_sound_cache(corpus_site, tmp_path):
    margin_cli = Path(sys.executable).with_name("margin")
    runs = [subprocess.Popen([str(margin_cli), "build", str(corpus_site), "--quiet", "--output",
                              str(tmp_path / f"out{n}"), "--jobs", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for n in range(3)]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    build(corpus_site, tmp_path / "cached", "--jobs", "1")
    build(corpus_site, tmp_path / "plain", "--no-cache")
    assert files_of(tmp_path / "cached") == files_of(tmp_path / "plain")
    assert not list((corpus_site / FOLDER).rglob(".*.tmp"))  # no half-written entries left



def test_notes_parsed_once_are_kept_for_later_builds(make_site, tmp_path, monkeypatch):
    """The notes' snapshot is written while the pages are drawn (by another process when few
    bodies render): a note added is parsed by the build that finds it, not by the next."""
    site = make_site({f"content/notes/{name}.md": f"Note {name}." for name in "abc"})
    output = tmp_path / "out"
    parsed = recorded_calls(monkeypatch, margin.load, "make_note",
                            lambda source, config: source.relative)
    # As when the bodies are all rendered by the time the index is made: a child writes it.
    monkeypatch.setattr(margin.incremental.bodies.BodyRendering, "busy", lambda self: False)
    build(site, output)
    assert sorted(parsed) == [f"content/notes/{name}.md" for name in "abc"]
    parsed.clear()
    (site / "content/notes/d.md").write_text("Added.")
    build(site, output)
    assert parsed == ["content/notes/d.md"]
    parsed.clear()
    (site / "content/notes/c.md").write_text("Edited.")
    build(site, output)
    assert parsed == ["content/notes/c.md"]


@pytest.mark.parametrize("edited", ["few", "all"])  # moved in one by one; swapped in whole
def test_a_rebuild_stages_its_files_flat_whatever_their_names(make_site, tmp_path, edited):
    """A rebuild stages the files it changes side by side, each named after its path (a long
    path by a digest), and moves them into the output: names with '%', '#' or 200 letters
    come out where a fresh build puts them."""
    long = "a-rather-long-name-" * 12
    notes = {f"content/notes/n{number}.md": f"Plain {number}." for number in range(20)}
    site = make_site({
        **notes,
        "content/notes/a.md": "---\npermalink: /100%-sure/#1/\n---\nSure.\n\nMore.",
        "content/notes/b.md": f"---\npermalink: /deep/{long}/{long}/\n---\nDeep.\n\nMore.",
    })
    output, fresh = tmp_path / "out", tmp_path / "fresh"
    build(site, output)
    for name in ["a", "b"] + ([f"n{number}" for number in range(20)] if edited == "all" else []):
        note = site / f"content/notes/{name}.md"
        note.write_text(note.read_text() + " Edited.")
    build(site, output)
    build(site, fresh, "--no-cache")
    assert files_of(output) == files_of(fresh)
    assert "Edited." in (output / "100%-sure/#1/index.html").read_text()
    assert not list(tmp_path.glob(".*margin-staging"))
