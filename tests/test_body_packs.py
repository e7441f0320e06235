"""The bodies cache keeps its entries in packs: each build adds one, readers see whole packs
only, the newest copy of an entry wins, damage reads as a miss, and the folder stays small."""

from __future__ import annotations

import os
import time

import pytest

from margin.incremental.packs import MOST_PACKS, STALE_AFTER, Packs, read_pack
from margin.incremental.store import FOLDER, Store


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / FOLDER)


def written(store: Store, entries: dict[str, bytes], used: set[str] | None = None) -> None:
    """One build's pack of ENTRIES (USED: the keys that build used; default, these)."""
    packs = Packs(store, "bodies")
    for key, payload in entries.items():
        packs.add(key, payload, f"digest of {key}")
    packs.close(set(entries) if used is None else used)


def pack_files(store: Store) -> list[str]:
    return sorted(p.name for p in (store.root / "bodies").iterdir() if p.suffix == ".pack")


def test_entries_written_by_one_build_are_read_by_the_next(store):
    written(store, {"a" * 32: b"first body", "b" * 32: b"second body"})
    packs = Packs(store, "bodies")
    assert packs.get("a" * 32) == b"first body"
    assert packs.get("b" * 32) == b"second body"
    assert packs.get("c" * 32) is None
    assert (store.root / "README").is_file()  # a cache folder margin knows as its own
    assert not list((store.root / "bodies").glob(".*"))  # no temporary file left


def test_the_newest_copy_of_an_entry_wins(store):
    written(store, {"k": b"old answer", "other": b"x"})
    time.sleep(0.001)
    written(store, {"k": b"new answer"})
    assert len(pack_files(store)) == 2
    assert Packs(store, "bodies").get("k") == b"new answer"


def test_a_damaged_entry_is_a_miss_and_a_damaged_pack_is_dropped(store):
    written(store, {"good": b"kept as it was", "bad": b"to be damaged"})
    (name,) = pack_files(store)
    path = store.root / "bodies" / name
    offset, length, _ = read_pack(path).table["bad"]
    data = bytearray(path.read_bytes())
    data[offset + length - 1] ^= 0xFF
    path.write_bytes(bytes(data))
    packs = Packs(store, "bodies")
    assert packs.get("good") == b"kept as it was"
    assert packs.get("bad") is None
    packs.close({"good"})
    path.write_bytes(bytes(data[: len(data) // 2]))  # cut short: no pack at all
    packs = Packs(store, "bodies")
    assert packs.get("good") is None
    packs.close(set())
    assert pack_files(store) == []


def test_a_pack_merged_away_by_another_build_is_a_miss(store):
    written(store, {"one": b"1"})
    time.sleep(0.001)
    written(store, {"two": b"2"})
    packs = Packs(store, "bodies")
    assert packs.get("two") == b"2"  # both packs listed
    os.unlink(store.root / "bodies" / pack_files(store)[0])
    assert packs.get("one") is None


def test_small_packs_are_merged_when_there_are_too_many(store):
    written(store, {f"big{n}": b"x" * 1000 for n in range(50)})
    for number in range(MOST_PACKS + 2):  # one edit per build
        time.sleep(0.001)
        written(store, {f"edit{number}": f"body {number}".encode()})
    assert len(pack_files(store)) <= MOST_PACKS
    packs = Packs(store, "bodies")
    assert packs.get("big7") == b"x" * 1000
    assert all(packs.get(f"edit{n}") == f"body {n}".encode() for n in range(MOST_PACKS + 2))


def test_entries_no_longer_used_are_dropped_once_they_outweigh_the_rest(store):
    payloads = {f"note{n}": os.urandom(50_000) for n in range(60)}  # 3 MB
    written(store, payloads)
    written(store, {"note0": payloads["note0"]}, used={"note0", "note1"})  # a smaller site
    (name,) = pack_files(store)
    assert set(read_pack(store.root / "bodies" / name).table) == {"note0", "note1"}
    assert Packs(store, "bodies").get("note1") == payloads["note1"]


def test_a_site_built_two_ways_keeps_both_sets(store):
    written(store, {f"note{n}": os.urandom(50_000) for n in range(60)})
    written(store, {"draft": b"only with drafts"}, used={"draft", *(f"note{n}" for n in range(50))})
    assert Packs(store, "bodies").get("note55") is not None


def test_what_builds_cut_short_and_older_margins_left_is_removed(store):
    written(store, {"a": b"1"})
    folder = store.root / "bodies"
    (folder / "ab").mkdir()
    (folder / "ab" / "cdef").write_bytes(b"an entry of margin's old layout")
    stale, running = folder / ".stale.tmp", folder / ".running.tmp"
    stale.write_bytes(b"half")
    running.write_bytes(b"half")
    old = time.time() - STALE_AFTER - 60
    os.utime(stale, (old, old))
    written(store, {"b": b"2"})
    assert not (folder / "ab").exists()
    assert not stale.exists()
    assert running.exists()  # perhaps a build still writing
    assert Packs(store, "bodies").get("a") == b"1"


def test_a_pack_of_another_format_is_passed_over(store):
    written(store, {"k": b"body"})
    (name,) = pack_files(store)
    path = store.root / "bodies" / name
    path.write_bytes(b"margin-pack 0\n" + path.read_bytes()[len(b"margin-pack 0\n"):])
    packs = Packs(store, "bodies")
    assert packs.get("k") is None
    packs.close(set())
    assert pack_files(store) == []


def test_each_entry_keeps_the_digest_it_was_stored_with(store):
    written(store, {"k": b"body"})
    packs = Packs(store, "bodies")
    assert packs.get("k") == b"body"
    assert packs.digest("k") == "digest of k"
