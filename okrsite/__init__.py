"""okrsite: a static site generator for transparent company OKRs."""

__version__ = "0.1.0"
# Where okrsite's source lives (pyproject.toml's [project.urls] Source): each release is the tag
# v<version> there, and the sites `okrsite new` makes install okrsite from that tag.
SOURCE = "https://github.com/okrsite/okrsite"
