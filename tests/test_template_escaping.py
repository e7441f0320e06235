"""margin's templates escape their output to plain text rather than to Markup (pages/
templates.py); what a page says must be exactly what Jinja's own escaping gives."""

from __future__ import annotations

import jinja2
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from margin.config import load_config
from margin.pages import templates


class _Shown:
    def __html__(self) -> str:
        return "<b>shown</b>"


_SPECIAL = st.text(alphabet=st.sampled_from(list("&<>'\"a é\n")), max_size=30)


@given(st.one_of(_SPECIAL, st.text(max_size=30)))
def test_any_text_is_escaped_as_markupsafe_escapes_it(text):
    assert templates.escaped(text) == str(escape(text))
    assert type(templates.escaped(text)) is str


def test_other_values_are_escaped_as_markupsafe_escapes_them():
    for value in (3, 2.5, None, True, Markup("<i>kept</i>"), _Shown(), "<>&'\""):
        assert templates.escaped(value) == str(escape(value)), value


TEMPLATE = """{% macro item(text) %}<li title="{{ text }}">{{ text }}</li>{% endmacro -%}
<ul>{% for text in texts %}{{ item(text) }}{% endfor %}</ul>
{{ count }} {{ html }} {{ none }} {% set block %}<b>{{ texts[0] }}</b>{% endset %}{{ block }}
{{ texts | join(", ") }} {{ "a & b" ~ html }}"""


def test_a_page_reads_exactly_as_with_jinjas_own_escaping(make_site):
    config, _ = load_config(make_site({"site.toml": 'title = "T"\n'}))
    env = templates.environment(config)
    plain = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True)
    values = {"texts": ["Tom & Jerry", "<script>x</script>", "it's \"quoted\""], "count": 3,
              "html": Markup("<em>safe</em>"), "none": None}
    ours = env.from_string(TEMPLATE)
    assert ours.root_render_func.__globals__["escape"] is templates.escaped  # in effect
    page = ours.render(**values)
    assert page == plain.from_string(TEMPLATE).render(**values)
    assert "Tom &amp; Jerry" in page and "&lt;script&gt;" in page and "<em>safe</em>" in page


def test_one_process_building_two_base_urls_gives_each_its_own_prefix(make_site, build_site):
    """Compiled templates are kept for the process (the live server makes an environment on
    every save); the url filter folded into them must follow the base URL."""
    site = make_site({"content/notes/b.md": "---\ntitle: B\n---\n"})
    for prefix in ("/one/", "/two/"):
        result = build_site(site, "--base-url", f"https://example.org{prefix}", "--no-cache")
        assert result.exit_code == 0, result.stderr
        styles = [link["href"] for link in result.html("/").find_all("link", rel="stylesheet")]
        assert styles and all(href.startswith(prefix) for href in styles), styles
