"""Jinja2 with less work per value and per macro call, for pages made by the thousand.

The output is Jinja2's, byte for byte; only how it gets there changes:

- a value written into a page is escaped to a plain ``str`` (what the page's text
  is joined from) rather than made into a ``Markup`` object first and joined after;
- a call with positional arguments only (nearly every call) is compiled to
  ``context.call_positional``, which a plain macro takes straight to the macro's
  function: without the checks ``Context.call`` makes for functions that ask for the
  context (a macro never does), the keywords for the loop's and block's variables, or
  the sorting of arguments ``Macro.__call__`` makes, and its text is made ``Markup``
  without ``Markup.__new__``'s checks (a plain function, such as ``url_for``, is called
  as it is);
- a template's root and its blocks write into lists and yield their text once, and a
  template's globals are a plain mapping rather than a ``ChainMap``.

They hook into points Jinja2 offers for it (``Environment.code_generator_class``,
``context_class`` and ``make_globals``) and read a few attributes of Jinja2 3.1's ``Macro``; should a later
Jinja2 stop calling a hook or change ``Macro``, templates render as before, only slower
(``tests/test_engine.py`` tells).
"""

from __future__ import annotations

from types import FunctionType
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator, optimizeconst
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
    kind = type(value)
    if kind is str:
        return _escape_str(value)
    if kind is Markup:  # a macro's text: what its __html__ gives
        return value
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

    _written_call = None  # the call being compiled as text written into the page (see _output_child_pre)

    def _quick_call(self, node, forward_caller: bool = False) -> bool:
        """Whether ``node`` is a call with positional arguments only (nearly every call a template makes)."""
        return (isinstance(node, nodes.Call) and not (forward_caller or node.kwargs or node.dyn_args is not None
                                                      or node.dyn_kwargs is not None or self.environment.is_async
                                                      or self.environment.sandboxed))

    def _kept_whole(self, node, frame) -> bool:
        """Whether ``node`` is compiled as it is, not folded into another (a constant) as ``optimizeconst`` may."""
        return self.optimizer is None or frame.eval_ctx.volatile or self.optimizer.visit(node, frame.eval_ctx) == node

    @optimizeconst
    def visit_Call(self, node, frame, forward_caller: bool = False) -> None:
        """A call with positional arguments only goes to ``context.call_positional``, given the loop's and block's
        variables as arguments, not keywords; or, written straight into the page, to ``context.call_text``."""
        if not self._quick_call(node, forward_caller):
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        self.write("context.call_text(" if node is self._written_call else "context.call_positional(")
        self.visit(node.node, frame)
        self.write(", _loop_vars" if frame.loop_frame else ", None")
        self.write(", _block_vars" if frame.block_frame else ", None")
        for argument in node.args:
            self.write(", ")
            self.visit(argument, frame)
        self.write(")")

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            if self._quick_call(node) and self._kept_whole(node, frame):  # context.call_text gives its text, escaped
                self._written_call = node
                self.write("(")
            else:
                self.write("environment.escape_text(")
        else:
            super()._output_child_pre(node, frame, finalize)


class _Context(Context):
    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - the names Jinja2's Context.call takes
        kind = type(__obj)
        if kind is Macro and not kwargs.keys() - _CALL_VARIABLES:
            return __self.call_positional(__obj, kwargs.get("_loop_vars"), kwargs.get("_block_vars"), *args)
        if kind is not Macro and (kind is not FunctionType or hasattr(__obj, "jinja_pass_arg")):
            return super().call(__obj, *args, **kwargs)  # a function that asks for the context, or a method...
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)  # a macro given keywords, or a plain function such as url_for
        except StopIteration:  # as Context.call does
            return __self._stopped()

    def call_text(__self, __obj, __loop_vars, __block_vars, *args):  # noqa: N805
        """``escape_text(call_positional(...))``, for a call written straight into the page: a plain macro's
        text is given as it is, without being made ``Markup`` first."""
        if type(__obj) is Macro:
            quick = __obj.__dict__.get("_okrsite_quick", _UNKNOWN)
            if quick is _UNKNOWN:
                quick = _quick(__obj)
            if (quick is not None and quick[2] and len(args) <= quick[1]
                    and not (args and isinstance(args[0], EvalContext))):
                try:
                    html = (quick[0](*args) if len(args) == quick[1]
                            else quick[0](*args, *(missing,) * (quick[1] - len(args))))
                except StopIteration:  # as Context.call does
                    return escape_text(__self._stopped())
                return html if type(html) is str else escape_text(Markup(html))
        return escape_text(__self.call_positional(__obj, __loop_vars, __block_vars, *args))

    def _stopped(self):
        """What a call gives when the callable raised StopIteration, as :meth:`Context.call` does."""
        return self.environment.undefined("value was undefined because a callable raised a StopIteration exception")

    def call_positional(__self, __obj, __loop_vars, __block_vars, *args):  # noqa: N805
        """``call(__obj, *args)`` with the loop's and block's variables (or None): a plain macro goes
        straight to its function, a plain function is called, anything else through ``Context.call``."""
        kind = type(__obj)
        try:
            if kind is Macro:
                quick = __obj.__dict__.get("_okrsite_quick", _UNKNOWN)
                if quick is _UNKNOWN:
                    quick = _quick(__obj)
                if quick is not None and len(args) <= quick[1] and not (args and isinstance(args[0], EvalContext)):
                    html = (quick[0](*args) if len(args) == quick[1]  # every argument given: nothing to fill in
                            else quick[0](*args, *(missing,) * (quick[1] - len(args))))
                    if not quick[2]:
                        return html
                    return str.__new__(Markup, html) if type(html) is str else Markup(html)
                return __obj(*args)
            if kind is FunctionType and not hasattr(__obj, "jinja_pass_arg"):
                return __obj(*args)
        except StopIteration:  # as Context.call does
            return __self._stopped()
        kwargs = {}  # a function that asks for the context, or a method, a class...
        if __loop_vars is not None:
            kwargs["_loop_vars"] = __loop_vars
        if __block_vars is not None:
            kwargs["_block_vars"] = __block_vars
        return super().call(__obj, *args, **kwargs)


_CALL_VARIABLES = {"_loop_vars", "_block_vars"}


def _quick(macro: Macro) -> tuple | None:
    """``(function, argument count, autoescape)`` of a macro that Macro.__call__ would only pass on to its
    function, with ``missing`` for the arguments not given (it takes no caller, ``varargs`` or ``kwargs``, and
    this Jinja2's Macro is the one this was written for); None for any other. Worked out once per macro."""
    quick = macro.__dict__.get("_okrsite_quick", _UNKNOWN)
    if quick is _UNKNOWN:
        plain = (_MACRO_KNOWN and not (macro.caller or macro.catch_kwargs or macro.catch_varargs)
                 and not macro._environment.is_async)
        quick = macro._okrsite_quick = (macro._func, macro._argument_count, macro._default_autoescape) if plain else None
    return quick


_UNKNOWN = object()


def _macro_known() -> bool:
    """Whether Jinja2's Macro has the attributes that :func:`_quick` reads."""
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
