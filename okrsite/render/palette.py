"""Every colour okrsite draws with, by what it means: one palette for badges and charts.

The pages take theirs from the theme's stylesheet (``static/style.css``), which has a
dark variant too; the status bar colours there are the ones here
(``tests/test_badges.py`` holds the two together).
"""

from __future__ import annotations

GREEN, AMBER, RED = "#2e7d32", "#f9a825", "#c62828"  # on track / achieved, at risk / progress, off track / missed
AMBER_BAR, RED_BAR = "#d08a00", RED  # the pages' progress bars (style.css --amber-bar, --red-bar): amber darkened for white
NEUTRAL = "#9e9e9e"  # a status that is none of those: no objectives, upcoming
PURPLE = "#6a4c93"  # a sixth series colour for charts

TEXT, STRONG, GUIDE = "#3c4650", "#1f2933", "#e3e7eb"  # chart text, titles and axes, guide lines
BLUE, GREY = "#1f6fb2", "#8a939c"  # a chart's first and second series (the value, the ideal pace)
WHITE = "#fff"
DARK_TEXT, LIGHT_TEXT = "#1a1a1a", WHITE  # text on a coloured badge
BADGE_LABEL = "#555"  # the grey left part of a badge

#: A status's colour, for badges and the grades of the score distribution chart.
STATUS = {"on-track": GREEN, "achieved": GREEN, "at-risk": AMBER, "progress": AMBER,
          "off-track": RED, "missed": RED}

#: The charts in a dark colour scheme (an SVG's own ``@media (prefers-color-scheme: dark)``),
#: from the stylesheet's dark variant: --surface, --text, --muted, --border, --bar.
DARK_BACKGROUND, DARK_TEXT_CHART, DARK_MUTED, DARK_GUIDE, DARK_BLUE = "#171c23", "#e6e9ed", "#a3acb8", "#2b323c", "#6f97ff"
DARK_GREY = "#8a939c"  # the ideal pace: the light one reads on both
#: A chart's series colours, light and dark: one per series, in order.
SERIES = (BLUE, PURPLE, GREEN, AMBER_BAR)
DARK_SERIES = (DARK_BLUE, "#c3a6ff", "#7fd69a", "#f3b23c")
