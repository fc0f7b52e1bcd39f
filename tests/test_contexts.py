"""The table of the kinds of page (okrsite.render.contexts): each kind's pages are made where it says."""

from __future__ import annotations

from okrsite import urls
from okrsite.render.contexts import PAGES
from okrsite.theme import default_theme_dir


def test_every_kind_of_page_is_made_for_what_it_is_a_page_of(out, site):
    """The table of page kinds: each kind's page exists for each thing it is a page of, in the cycles
    whose state it names, and nowhere else."""
    things = {"current": [site.current], "cycle": site.cycles, "ended": site.cycles, "site": [site],
              "owner": [o for c in site.cycles for o in c.owners.values()],
              "objective": [o for c in site.cycles for o in c.objectives],
              "section": []}  # the example is not split: tests/test_sections.py builds it split
    for name, kind in PAGES.items():
        assert (default_theme_dir() / "templates" / kind.template).is_file(), name
        made = 0
        for thing in things[kind.of]:
            state = getattr(thing, "cycle", None) and thing.cycle.state
            exists = (out / urls.file_of(kind.url(thing))).is_file()
            assert exists == (state is None or state in kind.states), (name, kind.url(thing))
            made += exists
        assert made or kind.of == "section", f"the example has no {name} page"
