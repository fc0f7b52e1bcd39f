"""Allow ``python -m okrsite``."""

import sys

from okrsite.cli import main

sys.exit(main())
