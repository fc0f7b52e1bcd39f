"""Jinja2 with less work per value and per macro call, for pages made by the thousand.

The output is Jinja2's, byte for byte; only how it gets there changes:

- a value written into a page is escaped to a plain ``str`` (what the page's text
  is joined from) rather than made into a ``Markup`` object first and joined after;
- a macro called from a template goes straight to the macro, without the checks
  ``Context.call`` makes for functions that ask for the context (a macro never does).

Both hook into points Jinja2 offers for it (``Environment.code_generator_class`` and
``context_class``); should a later Jinja2 stop calling the first hook, templates
render as before, only slower (``tests/test_engine.py`` tells).
"""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context, Macro
from markupsafe import escape

try:  # MarkupSafe 3: escape() is Python around this C function, and makes a Markup of its result
    from markupsafe._speedups import _escape_inner as _escape_str
except ImportError:  # pragma: no cover - without the C speedups, or an older MarkupSafe
    def _escape_str(text: str) -> str:
        return str(escape(text))


def escape_text(value: Any) -> str:
    """What ``markupsafe.escape(value)`` holds, as a ``str``: text is escaped, ``Markup`` (anything with
    ``__html__``) is kept as it is, anything else is made text and escaped."""
    if type(value) is str:
        return _escape_str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_str(str(value))


class _CodeGenerator(CodeGenerator):
    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("environment.escape_text(")
        else:
            super()._output_child_pre(node, frame, finalize)


class _Context(Context):
    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - the names Jinja2's Context.call takes
        if type(__obj) is not Macro:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Context.call does
            return __self.environment.undefined("value was undefined because a callable raised a"
                                                 " StopIteration exception")


class Environment(jinja2.Environment):
    """A Jinja2 environment whose templates write values and call macros with less overhead."""

    code_generator_class = _CodeGenerator
    context_class = _Context
    escape_text = staticmethod(escape_text)
