"""Allow ``python -m okrsite``."""

from okrsite.cli import run

run()
