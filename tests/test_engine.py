"""okrsite's Jinja2 environment writes exactly what Jinja2's own does, with less work."""

from __future__ import annotations

import traceback

import jinja2
import pytest
from markupsafe import Markup, escape

from okrsite.render.engine import Environment, escape_text

TEMPLATES = {
    "macros.html": (
        "{% macro pill(status, label='none') -%}<b class=\"{{ status }}\">{{ label }}</b>{%- endmacro %}"
        "{% macro many(first) -%}{{ first }}:{{ varargs|join(',') }}:{{ kwargs|dictsort }}{%- endmacro %}"
        "{% macro framed() -%}[{{ caller() }}]{%- endmacro %}"
    ),
    "page.html": (
        "{% from 'macros.html' import pill, many, framed %}"
        "{{ text }}|{{ safe }}|{{ number }}|{{ nothing }}|{{ html_object }}|{{ pill(text) }}|{{ pill('a', label=text) }}"
        "{% for x in items %}{{ pill(x) }}{{ loop.index }}{% endfor %}"
        "{{ many(text, 1, '<2>', key='&') }}{% call framed() %}{{ text }}{% endcall %}"
        "{% set block %}<i>{{ text }}</i>{% endset %}{{ block }}{{ text|upper }}{{ [text]|join }}"
        "{% autoescape false %}{{ text }}{% endautoescape %}{{ page_name() }}{{ twice(text) }}{{ text.upper() }}"
    ),
}
VALUES = dict(text="<a href=\"x\">'Tom' & Jerry</a>", safe=Markup("<em>safe</em>"), number=0.5, nothing=None,
              html_object=type("Snippet", (), {"__html__": lambda self: "<hr>"})(), items=["<1>", "2"],
              page_name=jinja2.pass_context(lambda context: context.name), twice=lambda text: text * 2)


def render(environment_class) -> str:
    env = environment_class(loader=jinja2.DictLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template("page.html").render(VALUES)


def test_pages_are_what_jinja2_itself_writes():
    ours = render(Environment)
    assert ours == render(jinja2.Environment)
    assert "&lt;a href=&#34;x&#34;&gt;&#39;Tom&#39; &amp; Jerry&lt;/a&gt;|<em>safe</em>|0.5|None|<hr>|" in ours


def test_the_quicker_escaping_is_in_the_compiled_templates():
    """Should a Jinja2 upgrade stop calling the hook, pages would still be right, only slower: this says so."""
    env = Environment(loader=jinja2.DictLoader(TEMPLATES), autoescape=True)
    assert "environment.escape_text(" in env.compile(TEMPLATES["page.html"], raw=True)


@pytest.mark.parametrize("value", ["plain", "<&>\"'", "", Markup("<b>kept</b>"), 3, 0.25, None, ["<x>"]])
def test_escape_text_holds_what_markupsafe_escape_does(value):
    text = escape_text(value)
    assert text == str(escape(value))


def test_an_undefined_value_still_fails_where_it_is_written():
    env = Environment(loader=jinja2.DictLoader({"p.html": "a\n{{ missing }}"}), autoescape=True,
                      undefined=jinja2.StrictUndefined)
    with pytest.raises(jinja2.UndefinedError, match="'missing' is undefined"):
        env.get_template("p.html").render()


def test_a_macro_given_an_argument_it_does_not_take_fails_as_in_jinja2():
    loader = jinja2.DictLoader({**TEMPLATES, "p.html": "{% from 'macros.html' import pill %}{{ pill('a', nope=1) }}"})
    with pytest.raises(TypeError, match="macro 'pill' takes no keyword argument 'nope'"):
        Environment(loader=loader, autoescape=True).get_template("p.html").render()


def test_a_macro_called_with_its_arguments_in_order_skips_macro_call(monkeypatch):
    """The quick way in is taken (should a Jinja2 upgrade close it, pages would still be right, only slower)."""
    from jinja2.runtime import Macro

    def slow(self, *args, **kwargs):
        raise AssertionError(f"{self.name} called through Macro.__call__")
    monkeypatch.setattr(Macro, "__call__", slow)
    page = jinja2.DictLoader({**TEMPLATES, "q.html": "{% from 'macros.html' import pill %}{{ pill(a) }}{{ pill(a, b) }}"})
    assert Environment(loader=page, autoescape=True).get_template("q.html").render(a="<x>", b="y") == (
        '<b class="&lt;x&gt;">none</b><b class="&lt;x&gt;">y</b>')
    with pytest.raises(AssertionError, match="pill called through"):
        Environment(loader=page, autoescape=True).from_string(
            "{% from 'macros.html' import pill %}{{ pill('a', label='b') }}").render()


INHERITED = {
    "base.html": "<title>{% block title %}Site{% endblock %}</title>{% block main %}{% endblock %}"
                 "{% include 'part.html' %}|{% include 'part.html' without context %}|{{ self.title() }}",
    "part.html": "({{ text|default('no text') }})",
    "child.html": "{% extends 'base.html' %}{% block title %}{{ text }} - {{ super() }}{% endblock %}"
                  "{% block main %}{% for x in items %}{% if loop.first %}[{% endif %}{{ x }}{% endfor %}"
                  "{% set inner %}{% block inner %}{{ number }}{% endblock %}{% endset %}{{ inner }}{% endblock %}",
    "lines.html": "{% extends 'base.html' %}{% block main %}\n\n{{ text }}\n{{ missing }}{% endblock %}",
}


@pytest.mark.parametrize("name", ["child.html", "base.html"])
def test_blocks_super_and_includes_are_what_jinja2_itself_writes(name):
    """A page's root and blocks are written into lists and yielded once, joined: the same text, in the same order."""
    def render(environment_class) -> str:
        env = environment_class(loader=jinja2.DictLoader(INHERITED), autoescape=True)
        return env.get_template(name).render(VALUES)
    ours = render(Environment)
    assert ours == render(jinja2.Environment)
    assert ours.count("(no text)") == 1  # only the include without context misses the text


def test_blocks_yield_their_text_once_joined_unless_an_include_without_context_would_come_first():
    env = Environment(loader=jinja2.DictLoader(INHERITED), autoescape=True)
    assert "yield concat(" in env.compile(INHERITED["child.html"], raw=True)
    assert "yield concat(" not in env.compile(INHERITED["base.html"], raw=True)


def test_an_error_in_a_block_is_reported_at_its_line():
    def lines(environment_class) -> list[int]:
        env = environment_class(loader=jinja2.DictLoader(INHERITED), autoescape=True, undefined=jinja2.StrictUndefined)
        with pytest.raises(jinja2.UndefinedError) as failure:
            env.get_template("lines.html").render(VALUES)
        return [line for frame, line in traceback.walk_tb(failure.value.__traceback__)
                if frame.f_code.co_filename == "<template>"]
    ours = lines(Environment)
    assert ours == lines(jinja2.Environment) and ours[-1] == 4


def test_a_templates_globals_overlay_the_environments_as_in_jinja2():
    def render(environment_class) -> str:
        env = environment_class(loader=jinja2.DictLoader({"m.html": "{% macro shown() %}{{ x }},{{ y }}{% endmacro %}"}))
        env.globals.update(x="env x", y="env y")
        page = env.from_string("{% from 'm.html' import shown %}{{ x }},{{ y }}|{{ shown() }}", globals={"x": "own x"})
        return page.render()
    assert render(Environment) == render(jinja2.Environment) == "own x,env y|env x,env y"


def test_positional_calls_keep_the_loops_and_blocks_variables_for_functions_that_ask_for_the_context():
    """Calls with positional arguments only take the quick way in, given the loop's and block's variables
    as arguments: a function that asks for the context still sees them, as in Jinja2."""
    seen = jinja2.pass_context(lambda context, prefix: f"{prefix}{context.get('x')}{context.get('y')}")
    source = ("{% block b %}{% set y = 'Y' %}{% for i in items %}{% set x = i %}{{ seen('<') }}{{ caller_free(x) }}{% endfor %}"
              "{{ seen('>') }}{{ 'a b'.split()|join }}{% endblock %}")

    def render(environment_class) -> str:
        env = environment_class(autoescape=True)
        return env.from_string(source).render(items=["<1>", 2], seen=seen, caller_free=lambda x: x)
    assert render(Environment) == render(jinja2.Environment) == "&lt;&lt;1&gt;None&lt;1&gt;&lt;2None2&gt;NoneYab"
    assert "context.call_positional(" in Environment().compile(source, raw=True)


def test_calls_written_into_the_page_are_escaped_as_in_jinja2_without_making_markup_of_a_macros_text():
    """A call written straight into the page (``{{ pill(x) }}``) goes to ``context.call_text``: a macro's text as it
    is, anything else escaped; calls folded into constants, nested, or in a template without autoescaping as before."""
    source = ("{% from 'macros.html' import pill %}{{ '<b>'.upper() }}|{{ twice('<i>') }}|{{ pill('<x>') }}|"
              "{{ pill(1 + 1) }}|{{ ''.join(['<', 'a']) }}|{{ twice(pill('<y>')) }}|{{ html_object.__html__() }}|"
              "{{ pill(safe) }}{% autoescape false %}{{ pill('<z>') }}{{ twice('<j>') }}{% endautoescape %}")

    def render(environment_class, autoescape: bool) -> str:
        env = environment_class(loader=jinja2.DictLoader({**TEMPLATES, "q.html": source}), autoescape=autoescape)
        return env.get_template("q.html").render(VALUES)
    for autoescape in (True, False):
        assert render(Environment, autoescape) == render(jinja2.Environment, autoescape)
    assert render(Environment, True).startswith('&lt;B&gt;|&lt;i&gt;&lt;i&gt;|<b class="&lt;x&gt;">none</b>|')
    assert "context.call_text(" in Environment(autoescape=True).compile(source, raw=True)
