"""The theme environment: helpers templates call, and calls that skip Jinja's checks."""

from __future__ import annotations

import jinja2
import pytest

from sitegen.config import load_config
from sitegen.sources.document import Link
from sitegen.themes import make_environment


@pytest.fixture
def env(make_site):
    return make_environment(load_config(make_site({}, config="base_url: https://ex.org/arc/\n")))


def render(env, source: str, **context) -> str:
    return env.from_string(source).render(**context)


def test_links_take_paths_or_anything_with_a_url(env):
    out = render(
        env,
        "{{ url_for('tags/新冠/') }} {{ url_for(t) }} {{ abs_url(t) }}",
        t=Link("新冠", "tags/新冠/"),
    )
    encoded = "/arc/tags/%E6%96%B0%E5%86%A0/"
    assert out == f"{encoded} {encoded} https://ex.org{encoded}"


def test_a_cached_block_renders_once_per_key(env):
    source = (
        "{% for i in [1, 1, 2] %}{% call cached('k', i) %}{{ loop.index }}{% endcall %}{% endfor %}"
    )
    assert render(env, source) == "113"


def test_macros_keep_keyword_arguments_caller_and_loop_variables(env):
    source = (
        "{% macro m(a, b=2) %}{{ a }}{{ b }}{{ caller(a) if caller }}{% endmacro %}"
        "{% for x in 'yz' %}{% call(v) m(x, b=loop.index) %}<{{ v }}>{% endcall %}{% endfor %}"
    )
    assert render(env, source) == "y1<y>z2<z>"


def test_other_callables_still_get_the_context_they_ask_for(env):
    env.globals["where"] = jinja2.pass_context(lambda context: context["place"])
    source = (
        "{% set ns = namespace(n=0) %}{% for x in range(3) %}{% set ns.n = ns.n + x %}{% endfor %}"
    )
    assert render(env, source + "{{ ns.n }} {{ where() }}", place="长春") == "3 长春"
