"""Where a line chart's labels go: next to their points, never on one another.

Labels are placed one at a time, most important first (the target, the latest value,
the start, then the other points from the newest back). Each tries the places around
its point, the side its lines leave free first (:func:`okrsite.render.linechart.label_offset`),
and takes the first that stays inside the plot and clear of every label already placed,
of every dot and, if it can, of the lines. A label that finds no free place is left
out when it may be (the values are in the chart's description and the page's table), or
put in its least crowded place when it must be shown.

Sizes are estimated from the number of characters (no font is measured), generously,
so that any of the fonts the charts name fits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

CHAR_WIDTH = 0.62  # of the font size: wider than the digits of any of the charts' fonts, bold
ASCENT, DESCENT = 0.8, 0.25  # of the font size, from the baseline
DOT = 6.0  # half the side of the square kept clear around a dot
# (dx, dy, anchor) around a point: above, below, and to each side a little up or down
AROUND = ((0, -11, "middle"), (0, 20, "middle"), (8, -8, "start"), (8, 18, "start"),
          (-8, -8, "end"), (-8, 18, "end"), (10, 4, "start"), (-10, 4, "end"))


@dataclass(frozen=True)
class Box:
    """A rectangle in the chart's coordinates (y grows downwards)."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom

    def inside(self, other: Box) -> bool:
        return other.left <= self.left and self.right <= other.right and other.top <= self.top and self.bottom <= other.bottom

    def crosses(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        """Whether the segment from ``(x0, y0)`` to ``(x1, y1)`` passes through the box (Liang-Barsky clipping)."""
        low, high = 0.0, 1.0
        dx, dy = x1 - x0, y1 - y0
        for p, q in ((-dx, x0 - self.left), (dx, self.right - x0), (-dy, y0 - self.top), (dy, self.bottom - y0)):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low > high:
                return False
        return True


@dataclass(frozen=True)
class Label:
    """A text at ``x, y`` (its baseline) with an SVG ``text-anchor``."""

    x: float
    y: float
    anchor: str
    text: str
    size: float = 12.0
    kind: str = "value"  # the text's class: what it labels

    @property
    def box(self) -> Box:
        width = text_width(self.text, self.size)
        left = self.x - {"start": 0.0, "middle": width / 2, "end": width}[self.anchor]
        return Box(left - 2, self.y - ASCENT * self.size - 1, left + width + 2, self.y + DESCENT * self.size + 1)


def text_width(text: str, size: float = 12.0) -> float:
    """A generous estimate of how wide ``text`` is drawn at ``size``."""
    return len(text) * CHAR_WIDTH * size


Segment = tuple[float, float, float, float]


@dataclass(frozen=True)
class Wanted:
    """A label to place next to the point ``x, y``: ``first`` is the offset tried first,
    ``required`` says it must be shown even where it finds no free place."""

    x: float
    y: float
    text: str
    first: tuple[float, float, str]
    required: bool = False
    kind: str = "value"


def place(wanted: list[Wanted], plot: Box, dots: list[tuple[float, float]], lines: list[Segment],
          taken: list[Box] | None = None) -> list[Label | None]:
    """The labels of ``wanted``, placed in that order (most important first) inside ``plot``,
    clear of each other, of ``taken`` boxes and of ``dots``, and of ``lines`` where they can be;
    None for a label left out."""
    taken = list(taken or [])
    dot_boxes = [Box(x - DOT, y - DOT, x + DOT, y + DOT) for x, y in dots]
    placed: list[Label | None] = []
    for item in wanted:
        label = _best(item, plot, taken + dot_boxes, lines)
        placed.append(label)
        if label is not None:
            taken.append(label.box)
    return placed


def _best(item: Wanted, plot: Box, taken: list[Box], lines: list[Segment]) -> Label | None:
    candidates = [_clamped(Label(item.x + dx, item.y + dy, anchor, item.text, kind=item.kind), plot)
                  for dx, dy, anchor in (item.first, *(a for a in AROUND if a != item.first))]
    free = [c for c in candidates if c.box.inside(plot) and not any(c.box.overlaps(b) for b in taken)]
    clear = [c for c in free if not any(c.box.crosses(*segment) for segment in lines)]
    if clear or free:
        return (clear or free)[0]
    if not item.required:
        return None
    return min(candidates, key=lambda c: sum(c.box.overlaps(b) for b in taken))


def _clamped(label: Label, plot: Box) -> Label:
    """``label`` moved sideways (anchor kept) so that it does not stick out of the plot's left or right."""
    box = label.box
    if box.left < plot.left:
        return replace(label, x=label.x + plot.left - box.left)
    if box.right > plot.right:
        return replace(label, x=label.x - (box.right - plot.right))
    return label
