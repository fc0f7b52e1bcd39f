"""Jinja2 with less work per value and per macro call, for pages made by the thousand.

The output is Jinja2's, byte for byte; only how it gets there changes:

- a value written into a page is escaped to a plain ``str`` (what the page's text
  is joined from) rather than made into a ``Markup`` object first and joined after;
- a macro (or a plain function, such as ``url_for``) called from a template goes
  straight to the macro's function, without the checks ``Context.call`` makes for
  functions that ask for the context (a macro never does), or the sorting of
  arguments ``Macro.__call__`` makes when the call gives them all in order (nearly
  every call), and its text is made ``Markup`` without ``Markup.__new__``'s checks:
  about 1.4 µs a call rather than 3.7 µs.

Both hook into points Jinja2 offers for it (``Environment.code_generator_class`` and
``context_class``) and read a few attributes of Jinja2 3.1's ``Macro``; should a later
Jinja2 stop calling a hook or change ``Macro``, templates render as before, only slower
(``tests/test_engine.py`` tells).
"""

from __future__ import annotations

from types import FunctionType
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2 import nodes
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, Macro, missing
from markupsafe import Markup, escape

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
    def visit_Template(self, node, frame=None) -> None:
        # an {% include ... without context %} yields its module's body even into a buffer: such a
        # template keeps Jinja2's yields (see enter_frame)
        self._buffered = {} if all(include.with_context for include in node.find_all(nodes.Include)) else None
        super().visit_Template(node, frame)

    def enter_frame(self, frame) -> None:
        """A template's root and its blocks write their text into a list and yield it once, joined, at
        their end: each value no longer goes up through a generator per level (the page, ``base.html``,
        the block), only the blocks' texts do."""
        super().enter_frame(frame)
        if (self._buffered is not None and frame.buffer is None and (frame.rootlevel or frame.block_frame)
                and not self.environment.is_async):
            frame.buffer = self._buffered[id(frame)] = self.temporary_identifier()
            self.writeline(f"{frame.buffer} = []")

    def leave_frame(self, frame, with_python_scope: bool = False) -> None:
        if self._buffered and self._buffered.get(id(frame)) == frame.buffer:
            self.writeline(f"yield concat({frame.buffer})")
        super().leave_frame(frame, with_python_scope)

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("environment.escape_text(")
        else:
            super()._output_child_pre(node, frame, finalize)


class _Context(Context):
    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - the names Jinja2's Context.call takes
        kind = type(__obj)
        if kind is not Macro and (kind is not FunctionType or hasattr(__obj, "jinja_pass_arg")):
            return super().call(__obj, *args, **kwargs)  # a function that asks for the context, or a method...
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            if kind is FunctionType or kwargs or not _plain_call(__obj, args):
                return __obj(*args, **kwargs)
            html = __obj._func(*args, *(missing,) * (__obj._argument_count - len(args)))
            if not __obj._default_autoescape:
                return html
            return str.__new__(Markup, html) if type(html) is str else Markup(html)
        except StopIteration:  # as Context.call does
            return __self.environment.undefined("value was undefined because a callable raised a"
                                                " StopIteration exception")


def _plain_call(macro: Macro, args: tuple) -> bool:
    """Whether ``macro(*args)`` is a call that Macro.__call__ would only pass on to the macro's function,
    with ``missing`` for the arguments not given: a macro that takes no caller, ``varargs`` or ``kwargs``,
    given no more arguments than it takes (and this Jinja2's Macro is the one this was written for)."""
    return (_MACRO_KNOWN and len(args) <= macro._argument_count
            and not (macro.caller or macro.catch_kwargs or macro.catch_varargs)
            and not (args and isinstance(args[0], EvalContext)) and not macro._environment.is_async)


def _macro_known() -> bool:
    """Whether Jinja2's Macro has the attributes that :func:`_plain_call` and ``_Context.call`` read."""
    macro = jinja2.Environment().from_string("{% macro m() %}{% endmacro %}").module.m
    return all(hasattr(macro, name) for name in ("_func", "_argument_count", "_default_autoescape", "_environment",
                                                 "caller", "catch_kwargs", "catch_varargs"))


_MACRO_KNOWN = _macro_known()


class Environment(jinja2.Environment):
    """A Jinja2 environment whose templates write values and call macros with less overhead."""

    code_generator_class = _CodeGenerator
    context_class = _Context
    escape_text = staticmethod(escape_text)

    def make_globals(self, d=None) -> dict:
        """A template's globals as a plain mapping of the environment's and its own (which Jinja2 makes a
        ``ChainMap`` of): each page copies them into its context and compares their names with those of
        ``_macros.html`` when importing it, and a ChainMap does both in Python, about 30 µs a page. The
        environment's globals are set before any template is loaded, as Jinja2 asks, so no change is missed."""
        return {**self.globals, **(d or {})}
