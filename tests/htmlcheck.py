"""A small HTML reader for tests, on the standard library's html.parser.

``parse(text)`` gives a tree of :class:`Element` objects that can be searched by
tag, class and attribute; ``text()`` is what a reader sees (whitespace collapsed,
entities decoded). :func:`links` lists every href/src of a page, and
:func:`resolve` turns a relative link into a path from the site root.
"""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr", "param"}
# elements that close an open <p> (HTML's implied end tag)
_CLOSES_P = {"address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset",
             "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
             "header", "hr", "main", "nav", "ol", "p", "pre", "section", "table", "ul"}
LINK_ATTRS = ("href", "src")


class Element:
    """One element: ``tag``, ``attrs`` (a dict), ``children`` (elements and strings), ``parent``."""

    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None = None, line: int = 0):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []
        self.line = line

    def __repr__(self) -> str:
        cls = self.attrs.get("class")
        return f"<{self.tag}{' class=' + repr(cls) if cls else ''} line {self.line}>"

    # --- reading ---
    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def has_class(self, name: str) -> bool:
        return name in self.classes

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self.attrs.get(name, default)
        return default if value is None else value

    def raw_text(self) -> str:
        parts, stack = [], [iter(self.children)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
            elif isinstance(child, str):
                parts.append(child)
            else:
                stack.append(iter(child.children))
        return "".join(parts)

    def text(self) -> str:
        """The text a reader sees, whitespace collapsed to single spaces."""
        return " ".join(self.raw_text().split())

    def elements(self):
        """Every element below this one, in document order (without recursion: pages may nest deeply)."""
        stack = [iter(self.children)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
            elif isinstance(child, Element):
                yield child
                stack.append(iter(child.children))

    @property
    def child_elements(self) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element)]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def closest(self, tag: str | None = None, cls: str | None = None) -> Element | None:
        for node in self.ancestors():
            if _matches(node, tag, cls, {}):
                return node
        return None

    def is_inside(self, tag: str | None = None, cls: str | None = None) -> bool:
        return self.closest(tag, cls) is not None

    # --- searching ---
    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[Element]:
        """Elements below this one with the tag, the class and the attribute values given.

        An attribute value of ``True`` only asks that the attribute is present;
        use ``id_`` or ``for_`` for names that are Python keywords.
        """
        attrs = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [e for e in self.elements() if _matches(e, tag, cls, attrs)]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> Element | None:
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def one(self, tag: str | None = None, cls: str | None = None, **attrs) -> Element:
        """The single matching element; fails the test if there is not exactly one."""
        found = self.find_all(tag, cls, **attrs)
        assert len(found) == 1, f"expected one <{tag or '*'} class={cls!r} {attrs}> in {self!r}, found {len(found)}"
        return found[0]

    def texts(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[str]:
        return [e.text() for e in self.find_all(tag, cls, **attrs)]


def _matches(element: Element, tag: str | None, cls: str | None, attrs: dict) -> bool:
    if tag is not None and element.tag != tag:
        return False
    if cls is not None and cls not in element.classes:
        return False
    for name, value in attrs.items():
        if name not in element.attrs:
            return False
        if value is not True and element.attrs[name] != value:
            return False
    return True


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.problems: list[str] = []

    @property
    def current(self) -> Element:
        return self.stack[-1]

    def handle_starttag(self, tag, attrs):
        if tag in _CLOSES_P and self.current.tag == "p":
            self.stack.pop()
        element = Element(tag, dict(attrs), self.current, self.getpos()[0])
        self.current.children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current, self.getpos()[0])
        self.current.children.append(element)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        open_tags = [e.tag for e in self.stack]
        if tag not in open_tags:
            self.problems.append(f"line {self.getpos()[0]}: </{tag}> closes nothing")
            return
        while self.stack[-1].tag != tag:
            unclosed = self.stack.pop()
            if unclosed.tag not in ("p", "li"):  # end tags HTML lets authors leave out
                self.problems.append(f"line {self.getpos()[0]}: <{unclosed.tag}> from line {unclosed.line} is not closed before </{tag}>")
        self.stack.pop()

    def handle_data(self, data):
        self.current.children.append(data)


def parse(text: str) -> Element:
    """The document tree of an HTML text; ``.problems`` lists badly nested tags."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    root = builder.root
    root.problems = builder.problems + [f"<{e.tag}> from line {e.line} is never closed"
                                        for e in builder.stack[1:]]
    return root


def parse_file(path: Path) -> Element:
    return parse(Path(path).read_text(encoding="utf-8"))


FILTERED_PAGES = ("tree", "status", "people")  # the cycle's pages whose lists filter (static/filter.js)


def theme_scripts(path: str | Path) -> list[str]:
    """The scripts a page of the default theme loads, in order: the filter on the pages listing a
    cycle's items, and the search (``path`` is the page's file, from the site root or absolute)."""
    parts = Path(path).parts
    filtered = len(parts) >= 2 and parts[-2] in FILTERED_PAGES and parts[-1] == "index.html"
    return ["static/filter.js", "static/search.js"] if filtered else ["static/search.js"]


def script_sources(page: Element) -> list[str]:
    """The pages' scripts as ``static/NAME`` (the rest of each address dropped), in order; an inline
    script (one with text) or one from elsewhere comes out whole, to fail a comparison."""
    found = []
    for script in page.find_all("script"):
        src = script.get("src") or ""
        tail = src[src.rfind("static/"):] if "static/" in src and not is_absolute(src) else src
        found.append(tail if not script.raw_text().strip() else "inline: " + script.raw_text())
    return found


def links(document: Element) -> list[tuple[Element, str, str]]:
    """``(element, attribute, value)`` for every href and src in the document."""
    found = []
    for element in document.elements():
        for name in LINK_ATTRS:
            value = element.attrs.get(name)
            if value is not None:
                found.append((element, name, value))
    return found


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def is_absolute(url: str) -> bool:
    """True for a URL with a scheme (``https:``, ``mailto:``), a host (``//x``) or a root (``/x``)."""
    return bool(_SCHEME.match(url)) or url.startswith("/")


def resolve(page_path: str, url: str) -> str | None:
    """The path from the site root a relative ``url`` on the page at ``page_path`` points to.

    ``None`` when it climbs above the site root. A trailing ``/`` is kept, so a
    folder link can be told from a file link. Fragment and query are dropped.
    """
    parts = urlsplit(url)
    target = unquote(parts.path)
    if not target:
        return page_path
    joined = posixpath.join(posixpath.dirname(page_path), target)
    normal = posixpath.normpath(joined)
    if normal == ".." or normal.startswith("../"):
        return None
    if normal == ".":
        normal = ""
    if target.endswith("/") and normal:
        normal += "/"
    return normal


def by_href(document: Element, page_path: str, target: str, tag: str = "a") -> list[Element]:
    """Elements (``<a>`` by default) on the page whose link resolves to ``target``."""
    return [e for e in document.find_all(tag)
            if e.get("href") is not None and not is_absolute(e.get("href"))
            and resolve(page_path, e.get("href")) == target]


def linked_targets(element: Element, page_path: str) -> list[str]:
    """Where every relative ``<a href>`` below ``element`` points, in order."""
    return [resolve(page_path, a.get("href")) for a in element.find_all("a")
            if a.get("href") and not is_absolute(a.get("href")) and not a.get("href").startswith("#")]


_NUMBER = re.compile(r"[-\u2212]?\d[\d,]*(?:\.\d+)?")


def numbers(text: str) -> list[float]:
    """The numbers a reader sees in a text: '24,000 -> 32,440 -> 40,000' -> [24000.0, 32440.0, 40000.0]."""
    return [float(m.replace(",", "").replace("\u2212", "-")) for m in _NUMBER.findall(text)]


def says_status(text: str, status: str) -> bool:
    """Whether a status label a reader sees names ``status`` ('On track' names on-track)."""
    return status.replace("-", " ") in " ".join(text.lower().replace("-", " ").split())
