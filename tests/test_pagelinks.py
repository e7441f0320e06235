"""linkcheck.page_links reads each drawn page's links with patterns faster than the plain ones
(read_plainly); both must find exactly the same links and ids, on real pages and on odd HTML
alike."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TESTS, run_margin
from margin.linkcheck import MAX_GAP
from margin.linkcheck import page_links as fast_reading
from margin.linkcheck import read_plainly as checker_reading


def test_every_page_of_a_built_site_reads_the_same_both_ways(fixture_site, tmp_path):
    # The graph fixture, and the demo site at the repository's root (code, math, figures).
    for number, site in enumerate((fixture_site("graph"), TESTS.parent)):
        output = tmp_path / f"out{number}"
        code, _, err = run_margin("build", site, "--output", output, "--no-cache")
        assert code == 0, err
        pages = sorted(output.rglob("*.html"))
        assert len(pages) > 15
        for page in pages:
            data = page.read_bytes()
            assert fast_reading(data) == checker_reading(data), page


def test_links_and_ids_are_found_whatever_the_case_quotes_and_spacing():
    data = (b'<a HREF="/a/">a</a><img\tsrc = \'/b.png\'><p Id="x">'
            b'<a\nhref\n=\n"/c/?q=1&amp;r=2">c</a><meta name="description">')
    links = fast_reading(data)
    assert links == checker_reading(data)
    assert links.targets == ("/a/", "/b.png", "/c/?q=1&r=2")
    assert links.ids == {"x", "description"}


def test_a_gap_longer_than_the_look_behinds_cover_is_still_read():
    gap = b" " * (MAX_GAP + 2)
    data = b'<a href' + gap + b'="/far/">far</a><p id' + gap + b'="far">'
    links = fast_reading(data)
    assert links == checker_reading(data)
    assert links.targets == ("/far/",)
    assert links.ids == {"far"}


def test_code_taken_out_cannot_join_an_attribute_the_checker_would_not_see():
    for middle in (b"<code>x</code>", b"<pre>  </pre>  ", b"<SCRIPT>a</script>"):
        data = b'<p> hr' + middle + b'ef="/joined/"> href   ' + middle + b'   ="/gap/"'
        assert fast_reading(data) == checker_reading(data), middle


def test_links_inside_code_are_not_links_but_ids_there_count():
    data = b'<pre><a href="/in-code/" id="kept">x</a></pre><a href="/out/">y</a>'
    links = fast_reading(data)
    assert links == checker_reading(data)
    assert links.targets == ("/out/",)
    assert links.ids == {"kept"}


_PIECES = [b" ", b"  ", b"\t", b"\n", b"href", b"HREF", b"HrEf", b"src", b"SRC", b"id", b"ID",
           b"name", b"Name", b"=", b'"', b"'", b"/a/", b"#f", b"x", b"&amp;", b"https://e.org/",
           b"<pre>", b"</pre>", b"<code>", b"</CODE>", b"<script>", b"</script>", b"<style>",
           b"</style>", b"<a", b">", b"data-href", b"srcset", b"\xc3\xa9", b"mailto:x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_any_mix_of_attribute_pieces_reads_the_same_both_ways(pieces):
    data = b"".join(pieces)
    assert fast_reading(data) == checker_reading(data)
