"""Where every page and file of the site lives (the contract's section 5), declared once.

Each kind of output has one function here giving its URL from the site's root: a
page's URL is a folder (``2026-q4/marketing/``, written as its ``index.html``),
any other file's ends in its name (``badges/2026-q4/marketing.svg``). Pages link
to each other with relative links made by :func:`relative`, so the site works at
any base path and opened from disk. Templates reach all of it through
:func:`url_for` (``{{ url_for("cycle_page", cycle, "tree") }}``) and the model's
``url`` properties, which come from here too.

Nothing here imports the rest of okrsite: the model and every stage may use it.
"""

from __future__ import annotations

from typing import Any

HOME = ""
CYCLES = "cycles/"
SEARCH = "search/"
SEARCH_INDEX = "search-index.js"  # the head of the search index; its parts are in search/
EXPORT = "okrs.json"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
NOT_FOUND = "404.html"
NO_JEKYLL = ".nojekyll"
CNAME = "CNAME"
STATIC = "static/"
SCORE_HISTORY = f"{CYCLES}scores.svg"
BADGES = "badges/"
CURRENT_BADGES = "current"  # badges/current/ always shows the current cycle

#: The pages every cycle has besides its overview and its owners' pages, by folder, with
#: what each is called in messages: no owner id may take one of these folders.
CYCLE_PAGES = {"tree": "alignment tree", "status": "status by department", "retro": "retrospective",
               "people": "people directory", "kpis": "KPI", "health": "OKR health", "digest": "weekly digest"}

#: The cycle pages that list every objective or person: past a size (``split_above`` in site.toml) each is
#: split into a page per department below it (:func:`cycle_section`), the page itself leading to them.
SPLIT_PAGES = ("tree", "status", "people")
PEOPLE_INDEX = "people.js"  # beside a split people directory: everyone, for its filter to find anyone

#: What the top of the site holds besides the cycles' folders, with what each is called
#: in messages: no cycle folder may take one of these names. (Hidden names like
#: ``.nojekyll`` need not be here: hidden folders are never cycles.)
SITE_OUTPUTS = {"index.html": "home page", NOT_FOUND: "page for addresses not found", CYCLES[:-1]: "list of cycles",
                SEARCH[:-1]: "search page", SEARCH_INDEX: "search index", EXPORT: "export",
                FEED: "feed of check-ins", SITEMAP: "sitemap", BADGES[:-1]: "badges",
                CURRENT_BADGES: "badges of the current cycle (badges/current/)", STATIC[:-1]: "theme's files",
                CNAME: "custom domain file"}


def cycle(cycle: Any) -> str:
    """A cycle's overview: ``2026-q4/``."""
    return f"{cycle.slug}/"


def cycle_page(cycle_: Any, name: str) -> str:
    """One of a cycle's own pages (:data:`CYCLE_PAGES`): ``2026-q4/tree/``."""
    if name not in CYCLE_PAGES:
        raise KeyError(f"no cycle page {name!r}: one of {', '.join(CYCLE_PAGES)}")
    return f"{cycle(cycle_)}{name}/"


def cycle_section(cycle_: Any, name: str, owner_: Any) -> str:
    """A department's part of a split cycle page (:data:`SPLIT_PAGES`): ``2026-q4/tree/marketing/``. Owner
    ids never clash here: the folder holds only these parts."""
    if name not in SPLIT_PAGES:
        raise KeyError(f"no split cycle page {name!r}: one of {', '.join(SPLIT_PAGES)}")
    return f"{cycle_page(cycle_, name)}{owner_.id}/"


def people_index(cycle_: Any) -> str:
    """Everyone of a cycle whose people directory is split, for the directory's filter: ``2026-q4/people/people.js``."""
    return f"{cycle_page(cycle_, 'people')}{PEOPLE_INDEX}"


def cycle_csv(cycle_: Any) -> str:
    return f"{cycle(cycle_)}okrs.csv"


def cycle_export(cycle_: Any) -> str:
    """The cycle's part of okrs.json, in the same shape: ``2026-q4/okrs.json``."""
    return f"{cycle(cycle_)}{EXPORT}"


def departments_chart(cycle_: Any) -> str:
    return f"{cycle(cycle_)}departments.svg"


def score_distribution(cycle_: Any) -> str:
    """The chart of an archived cycle's final scores, beside its retrospective."""
    return f"{cycle_page(cycle_, 'retro')}scores.svg"


def owner(owner_: Any) -> str:
    """An owner's page: ``2026-q4/marketing/``."""
    return f"{owner_.cycle.slug}/{owner_.id}/"


def objective(objective_: Any) -> str:
    """An objective's page: ``2026-q4/marketing/leads/`` (written out: pages ask for it often)."""
    owner_ = objective_.owner
    return f"{owner_.cycle.slug}/{owner_.id}/{objective_.id}/"


def growth_goal(objective_: Any) -> str:
    """A person's growth goal: its place on the person's page (it has no page of its own)."""
    return f"{owner(objective_.owner)}#growth-{objective_.id}"


def key_result(key_result_: Any) -> str:
    """A key result: its card on its objective's page (a growth goal's key result: the goal on its owner's page)."""
    objective_ = key_result_.objective
    return growth_goal(objective_) if objective_.growth else f"{objective(objective_)}#kr-{key_result_.id}"


def kpi(kpi_: Any) -> str:
    """A KPI: its row on its owner's page."""
    return f"{owner(kpi_.owner)}#{kpi_.anchor}"


def checkin_chart(key_result: Any) -> str:
    """The chart of a key result's check-ins, beside its objective's page."""
    return f"{objective(key_result.objective)}{key_result.id}.svg"


def owner_badge(owner_: Any, current: bool = False) -> str:
    """``badges/2026-q4/marketing.svg``; with ``current``, ``badges/current/marketing.svg``."""
    return f"{BADGES}{CURRENT_BADGES if current else owner_.cycle.slug}/{owner_.id}.svg"


def objective_badge(objective_: Any) -> str:
    return f"{BADGES}{objective_.owner.cycle.slug}/{objective_.owner.id}/{objective_.id}.svg"


def search_words(name: str) -> str:
    """A part of the search index: the words starting with ``name``, in a file named by its UTF-8 bytes in hex
    (``search/words-6d61.js`` for "ma"; search.js spells these names too)."""
    return f"{SEARCH}words-{name.encode('utf-8').hex()}.js"


def search_chunk(number: int) -> str:
    """A chunk of the search index's entries: ``search/entries-3.js`` (search.js spells these names too)."""
    return f"{SEARCH}entries-{number}.js"


def static(name: str) -> str:
    """A file of the theme's ``static/`` folder."""
    return f"{STATIC}{name}"


def file_of(url: str) -> str:
    """The file a URL is written to: a page's ``index.html``, else the URL itself."""
    return f"{url}index.html" if url == HOME or url.endswith("/") else url


def root_of(url: str) -> str:
    """The way from the page or file at ``url`` up to the site's root: ``../../`` for ``2026-q4/tree/``
    (written as ``2026-q4/tree/index.html``)."""
    return "../" * file_of(url).count("/")


def relative(url: str, root: str) -> str:
    """The link to ``url`` from a page whose way to the site's root is ``root`` (see :func:`root_of`);
    a page is linked by its ``index.html`` so that the site also works opened from disk."""
    if "#" in url:  # a place on a page: a KPI's row, a growth goal
        page, fragment = url.split("#", 1)
        return f"{root}{file_of(page)}#{fragment}"
    return root + file_of(url)


def absolute(base_url: str, url: str) -> str:
    """The full address of ``url`` under the site's ``base_url``, for use outside the site (a page by its
    folder, as the sitemap gives it): ``https://acme.github.io/okrs/2026-q4/marketing/``."""
    return base_url + url


def local(url: str, page_path: str) -> str:
    """A link by name alone from the page at ``page_path`` to ``url``, a file in the same folder."""
    folder, _, name = file_of(url).rpartition("/")
    if folder != page_path.rpartition("/")[0]:
        raise ValueError(f"{url} is not in the folder of {page_path}")
    return name


_KINDS = {"home": lambda: HOME, "cycles": lambda: CYCLES, "search": lambda: SEARCH, "export": lambda: EXPORT,
          "feed": lambda: FEED, "cycle": cycle, "cycle_page": cycle_page, "cycle_section": cycle_section,
          "people_index": people_index, "cycle_csv": cycle_csv, "cycle_export": cycle_export,
          "departments_chart": departments_chart, "score_distribution": score_distribution,
          "score_history": lambda: SCORE_HISTORY, "owner": owner, "objective": objective,
          "checkin_chart": checkin_chart, "owner_badge": owner_badge, "objective_badge": objective_badge,
          "static": static, "kpi": kpi, "growth_goal": growth_goal,
          "key_result": key_result}


def url_for(kind: str, *args: Any, root: str = "") -> str:
    """The link to an output of ``kind`` (a function of this module, or one of its constants in lower case)
    from a page at ``root``: ``url_for("cycle_page", cycle, "tree", root="../")``."""
    return relative(_KINDS[kind](*args), root)
