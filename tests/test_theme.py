"""okrsite.theme: a site's theme is confined to the site, as content is to content/.

Every link here is a real symbolic link made in the test's folder; the builds are
real builds through the command line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import COMPANY, CYCLE, SITE_TOML
from okrsite.cli import main

DARK = SITE_TOML + 'theme = "dark"\n'


@pytest.fixture
def outside(tmp_path):
    """A folder beside the site with a secret file in it."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "passwd").write_text("root:x:0:0:secret\n")
    (folder / "base.html").write_text("<html>secret {{ site.title }}</html>\n")
    return folder


@pytest.fixture
def dark(make_site, monkeypatch):
    """A site with the theme themes/dark/, built from its own folder."""
    root = make_site({f"{CYCLE}/test-co.md": COMPANY, "themes/dark/static/dark.css": "body { color: #eee }\n"}, DARK)
    monkeypatch.chdir(root)
    return root


def build(root) -> int:
    return main(["build", str(root), "-o", "out", "--date", "2026-11-20", "-q"])


@pytest.mark.parametrize("where", ["static/passwd.txt", "static/deep/er/passwd.txt", "templates/base.html"])
def test_a_link_out_of_the_site_in_a_theme_fails_the_build_and_writes_nothing(dark, outside, capsys, where):
    link = dark / "themes/dark" / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside / ("base.html" if where.endswith(".html") else "passwd"))
    assert build(dark) == 1
    err = capsys.readouterr().err
    assert f"themes/dark/{where}: error: is a link to {link.resolve()}, outside the site" in err
    assert not (dark / "out").exists()
    assert main(["check", str(dark)]) == 1


def test_a_linked_folder_out_of_the_site_is_refused_and_not_entered(dark, outside, capsys):
    (dark / "themes/dark/static/linked").symlink_to(outside, target_is_directory=True)
    assert build(dark) == 1
    err = capsys.readouterr().err
    assert f"themes/dark/static/linked: error: is a link to {outside.resolve()}, outside the site" in err
    assert "passwd" not in err and not (dark / "out").exists()


def test_links_that_stay_in_the_site_keep_working(dark, capsys):
    (dark / "assets").mkdir()
    (dark / "assets/logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    (dark / "themes/dark/static/logo.svg").symlink_to("../../../assets/logo.svg")
    (dark / "themes/dark/static/assets").symlink_to(dark / "assets", target_is_directory=True)
    (dark / "themes/dark/static/loop").symlink_to("..", target_is_directory=True)  # a loop ends
    (dark / "themes/dark/static/a").symlink_to("b")  # links in a circle lead nowhere
    (dark / "themes/dark/static/b").symlink_to("a")
    assert build(dark) == 0, capsys.readouterr().err
    assert (dark / "out/static/logo.svg").read_text().startswith("<svg")
    assert (dark / "out/static/dark.css").is_file()


def test_a_theme_folder_that_is_a_link_out_of_the_site_is_refused(make_site, outside, monkeypatch, capsys):
    (outside / "static").mkdir()
    (outside / "static/evil.css").write_text("body {}\n")
    root = make_site({f"{CYCLE}/test-co.md": COMPANY}, DARK)
    (root / "themes").mkdir()
    (root / "themes/dark").symlink_to(outside, target_is_directory=True)
    monkeypatch.chdir(root)
    assert build(root) == 1
    err = capsys.readouterr().err
    assert f"site.toml:3: error: themes/dark/ is a link to {outside.resolve()}, outside the site" in err
    assert not (root / "out").exists()


def test_a_theme_given_as_a_path_out_of_the_site_is_refused(make_site, outside, monkeypatch, capsys):
    (outside / "static").mkdir()
    (outside / "static/evil.css").write_text("body {}\n")
    root = make_site({f"{CYCLE}/test-co.md": COMPANY}, SITE_TOML + f'theme = "{outside}"\n')
    monkeypatch.chdir(root)
    assert build(root) == 1
    err = capsys.readouterr().err
    assert f"site.toml:3: error: theme must be \"default\" or the name of a folder of themes/, not '{outside}'" in err
    assert not (root / "out").exists()


def test_the_packaged_default_theme_needs_no_folder(make_site, monkeypatch):
    root = make_site({f"{CYCLE}/test-co.md": COMPANY}, SITE_TOML + 'theme = "default"\n')
    monkeypatch.chdir(root)
    assert build(root) == 0
    assert (root / "out/static/style.css").is_file() and not os.path.exists(root / "themes")


def _blocks_depth(css: str) -> list[tuple[int, str]]:
    """Each rule's selector in the stylesheet with how deep in blocks it stands (0: top level)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules, depth, start = [], 0, 0
    for index, char in enumerate(css):
        if char == "{":
            rules.append((depth, css[start:index].strip()))
            depth += 1
            start = index + 1
        elif char == "}":
            depth -= 1
            assert depth >= 0, f"a '}}' closes nothing near: {css[max(0, index - 80):index]!r}"
            start = index + 1
        elif char == ";" and depth:
            start = index + 1
    assert depth == 0, "a block of the stylesheet is never closed"
    return rules


def test_every_block_of_the_default_stylesheet_closes_and_only_media_queries_nest():
    """An unclosed @media once put every rule after it (the filters' styles) inside a phone-width query."""
    css = (Path(__file__).parent.parent / "themes/default/static/style.css").read_text(encoding="utf-8")
    rules = _blocks_depth(css)
    assert all(depth == 0 or not selector.startswith("@") for depth, selector in rules)
    nested = {selector for depth, selector in rules if depth == 1}
    top = {selector for depth, selector in rules if depth == 0}
    assert ".filters" in top and ".filters-controls" in top and ".tree" not in nested
    assert all(depth <= 1 for depth, _ in rules)
