"""okrsite: a static site generator for transparent company OKRs."""

__version__ = "0.1.0"
