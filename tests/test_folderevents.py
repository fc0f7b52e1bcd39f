"""okrsite/folderevents.py: which folders of the output changed, from Linux's inotify."""

from __future__ import annotations

import pytest

from okrsite import folderevents
from okrsite.folderevents import FolderEvents

pytestmark = pytest.mark.skipif(folderevents._libc is None, reason="no inotify on this system")


def test_changes_are_reported_by_folder(tmp_path):
    events = FolderEvents.start()
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        events.watch(str(tmp_path / name), f"{name}/")
    (tmp_path / "b/page.html").write_text("new", encoding="utf-8")
    assert events.changed() == {"b/"}
    assert events.changed() == set()
    events.stop()


def test_it_takes_at_most_a_share_of_the_users_watches(tmp_path, monkeypatch):
    """Watch mode's watcher of the content (and the user's other programs) need watches too: past its
    share, it gives its own back and the output is looked at by the folders' times."""
    monkeypatch.setattr(folderevents, "_user_watches", lambda: 6)
    events = FolderEvents.start()
    for number in range(4):
        (tmp_path / str(number)).mkdir()
        events.watch(str(tmp_path / str(number)), f"{number}/")
        assert events.exact == (number < 3)
    assert events.changed() == set()
