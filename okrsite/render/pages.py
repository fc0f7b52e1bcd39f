"""HTML pages from Jinja2 templates: the environment, its formatting filters and
:func:`render_page`. Templates only loop and branch; every number they show has
been computed by :mod:`okrsite.scoring` and is formatted here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import jinja2

from okrsite import __version__, urls
from okrsite.model import Site
from okrsite.render.engine import Environment
from okrsite.render.kpitrend import sparkline, trend_values, verdict_history
from okrsite.render.formatting import HEALTH, HEALTH_LABELS, STATUS_LABELS, TREND_ARROWS, confidence_change, \
    confidence_series, confidence_text, confidence_word, format_number, format_score, headline, headline_text, \
    days_ago, long_date, percent, remembered, short_date



def make_environment(template_dirs: list[Path]) -> jinja2.Environment:
    """A Jinja2 environment over the theme folders, autoescaping everything.

    Templates are compiled once and not looked at again (no ``auto_reload``): a
    change to a template makes a new environment (see ``SiteRenderer.plan``).
    """
    env = Environment(
        loader=jinja2.FileSystemLoader([str(d / "templates") for d in template_dirs]),
        autoescape=True,
        auto_reload=False,
        cache_size=-1,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(pct=percent, width=bar_width, score=format_score, num=format_number,
                       headline=headline_text, headline_value=headline, ago=ago,
                       value=format_number, date=format_date, status_label=status_label, href=href,
                       health=HEALTH.__getitem__, health_label=health_label,
                       confidence_value=confidence_text, confidence_change=kr_confidence_change,
                       confidence_level=confidence_level, confidence_series=kr_confidence_series,
                       trend_arrow=TREND_ARROWS.__getitem__, sparkline=sparkline, trend_values=trend_values,
                       verdict_history=verdict_history)
    env.globals.update(version=__version__, url_for=url_for)
    return env


_ENVIRONMENTS: dict[tuple[tuple[Path, ...], str], jinja2.Environment] = {}
ENVIRONMENTS_KEPT = 4


def environment(template_dirs: list[Path], templates: str) -> jinja2.Environment:
    """The environment of :func:`make_environment` for these theme folders, whose templates have the key
    ``templates`` (:func:`okrsite.theme.templates_key`), shared by every build of this process: its
    templates are compiled once, not once per build (a test session builds sites hundreds of times)."""
    key = (tuple(template_dirs), templates)
    env = _ENVIRONMENTS.get(key)
    if env is None:
        if len(_ENVIRONMENTS) >= ENVIRONMENTS_KEPT:
            _ENVIRONMENTS.clear()
        env = _ENVIRONMENTS[key] = make_environment(template_dirs)
    return env


@dataclass(frozen=True, slots=True)
class Page:
    """The page being rendered, as the filters and functions that link from it or date by it see it."""

    root: str  # the way from the page up to the site's root: "../../"
    site: Site  # the site being rendered
    path: str | None = None  # relative to the site's root; None for a fragment drawn for every page at ``root``


_page: ContextVar[Page] = ContextVar("okrsite_page")


@contextmanager
def rendering(page: Page) -> Iterator[None]:
    """Render for ``page`` within the block: ``href``, ``url_for`` and ``ago`` read it, wherever they are
    called from, so that ``_macros.html`` can be imported without the page's context (a module made once)."""
    token = _page.set(page)
    try:
        yield
    finally:
        _page.reset(token)


def render_page(env: jinja2.Environment, template: str, path: str, context: dict) -> bytes:
    """Render ``template`` for the page at ``path`` (relative to the site root)."""
    root = urls.root_of(path)
    with rendering(Page(root, context["site"], path)):
        return env.get_template(template).render(context, root=root, page_path=path).encode("utf-8")


def href(url: str) -> str:
    """A link from the current page to a site-relative ``url`` (a model object's ``url``)."""
    return urls.relative(url, _page.get().root)


def url_for(kind: str, *args, local: bool = False, absolute: bool = False) -> str:
    """A link from the current page to an output of ``kind`` (see :func:`okrsite.urls.url_for`);
    with ``local``, to a file in the page's own folder, by its name alone; with ``absolute``,
    its full address under the site's ``base_url`` (for snippets used elsewhere)."""
    page = _page.get()
    if local:
        if page.path is None:
            raise ValueError(f"url_for({kind!r}, local=true) in a fragment drawn for many pages")
        return urls.local(urls.url_for(kind, *args), page.path)
    if absolute:
        return page.site.config.base_url + urls.url_for(kind, *args)
    return urls.url_for(kind, *args, root=page.root)


@remembered
def bar_width(fraction: float | None) -> str:
    """A CSS width for a progress bar: 0.6048 -> '60.5%'."""
    return f"{round((fraction or 0) * 100, 1):g}%"


def ago(day: dt.date) -> str:
    """How long before the build date ``day`` was: 'yesterday', '12 days ago'."""
    return days_ago(day, _page.get().site.build_date)


def format_date(date: dt.date | None, style: str = "long") -> str:
    if date is None:
        return "–"
    return short_date(date) if style == "short" else long_date(date)


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def health_label(healthy: bool | None) -> str:
    """A KPI's verdict in words: 'Healthy', 'Not healthy' or 'No verdict'."""
    return HEALTH_LABELS[HEALTH[healthy]]


def kr_confidence_change(kr) -> str:
    """How a key result's confidence moved since the check-in before: 'falling from 0.8', 'steady'."""
    return confidence_change(kr.confidence, kr.previous_confidence)


def confidence_level(confidence: float) -> str:
    """The confidence's word for CSS: 'high', 'medium' or 'low'."""
    return confidence_word(confidence).lower()


def kr_confidence_series(kr) -> str:
    """The confidences a key result's check-ins gave, oldest first: '0.8 → 0.7 → 0.5'."""
    return confidence_series([confidence for _, confidence in kr.confidences])
