"""Where a line chart's labels go: next to their points, never on one another.

Labels are placed one at a time, most important first (the target, the latest value,
the start, then the other points from the newest back). Each tries the places around
its point, the side its lines leave free first (:func:`okrsite.render.linechart.label_offset`),
and takes the first that stays inside the plot and clear of every label already placed,
of every dot and of the lines; failing that, the first that only crosses a "soft" line
(the dashed ideal pace, which its halo keeps legible). A label that finds no such place
is left out when it may be (the values are in the chart's description and the page's
table), or put in its least crowded place when it must be shown.

Sizes are estimated from the number of characters (no font is measured), generously,
so that any of the fonts the charts name fits.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

CHAR_WIDTH = 0.62  # of the font size: wider than the digits of any of the charts' fonts, bold
ASCENT, DESCENT = 0.8, 0.25  # of the font size, from the baseline
SIZE = 12.0  # the labels' font size
DOT = 6.0  # half the side of the square kept clear around a dot
# (dx, dy, anchor) around a point: above, below, and to each side a little up or down
AROUND = ((0, -11, "middle"), (0, 20, "middle"), (8, -8, "start"), (8, 18, "start"),
          (-8, -8, "end"), (-8, 18, "end"), (10, 4, "start"), (-10, 4, "end"),
          (0, -24, "middle"), (0, 33, "middle"))  # and a little further off, above and below


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
        e = 1e-6  # a box moved to an edge may end a rounding error beyond it
        return (other.left - e <= self.left and self.right <= other.right + e
                and other.top - e <= self.top and self.bottom <= other.bottom + e)

    def crosses(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        """Whether the segment from ``(x0, y0)`` to ``(x1, y1)`` passes through the box."""
        return crosses((self.left, self.top, self.right, self.bottom), (x0, y0, x1, y1))


def crosses(box: tuple[float, float, float, float], segment: tuple[float, float, float, float]) -> bool:
    """Whether ``segment`` ``(x0, y0, x1, y1)`` passes through ``box`` ``(left, top, right, bottom)``
    (Liang-Barsky clipping)."""
    left, top, right, bottom = box
    x0, y0, x1, y1 = segment
    if max(x0, x1) < left or min(x0, x1) > right or max(y0, y1) < top or min(y0, y1) > bottom:
        return False  # the usual case, answered at once
    return _clips(left, top, right, bottom, x0, y0, x1, y1)


def _clips(left: float, top: float, right: float, bottom: float, x0: float, y0: float, x1: float, y1: float) -> bool:
    """Whether the segment passes through the box: the part of it inside each of the box's four edges
    (from ``low`` to ``high``, 0 to 1 along it) is not empty."""
    low, high = 0.0, 1.0
    dx, dy = x1 - x0, y1 - y0
    if dx == 0:
        if x0 - left < 0 or right - x0 < 0:
            return False
    else:
        near, far = (x0 - left) / -dx, (right - x0) / dx  # where its line meets the left and the right edge's
        entering, leaving = (near, far) if dx > 0 else (far, near)
        if entering > low:
            low = entering
        if leaving < high:
            high = leaving
    if dy == 0:
        if y0 - top < 0 or bottom - y0 < 0:
            return False
    else:
        near, far = (y0 - top) / -dy, (bottom - y0) / dy
        entering, leaving = (near, far) if dy > 0 else (far, near)
        if entering > low:
            low = entering
        if leaving < high:
            high = leaving
    return not low > high


@dataclass(frozen=True)
class Label:
    """A text at ``x, y`` (its baseline) with an SVG ``text-anchor``."""

    x: float
    y: float
    anchor: str
    text: str
    size: float = SIZE
    kind: str = "value"  # the text's class: what it labels

    @property
    def box(self) -> Box:
        width = text_width(self.text, self.size)
        left = self.x - {"start": 0.0, "middle": width / 2, "end": width}[self.anchor]
        return Box(left - 2, self.y - ASCENT * self.size - 1, left + width + 2, self.y + DESCENT * self.size + 1)


def text_width(text: str, size: float = SIZE) -> float:
    """A generous estimate of how wide ``text`` is drawn at ``size``."""
    return len(text) * CHAR_WIDTH * size


Segment = tuple[float, float, float, float]
_Edges = tuple[float, float, float, float]
# a segment's extent (left, top, right, bottom), then its ends
_Span = tuple[float, float, float, float, float, float, float, float]


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
          taken: list[Box] | None = None, soft: list[Segment] | None = None) -> list[Label | None]:
    """The labels of ``wanted``, placed in that order (most important first) inside ``plot``,
    clear of each other, of ``taken`` boxes, of ``dots`` and of ``lines``, and of the ``soft``
    lines where they can be (required labels cross a line where they must); None for a label
    left out."""
    items = [(w.x, w.y, w.text, w.first, w.required, w.kind) for w in wanted]
    boxes = [(b.left, b.top, b.right, b.bottom) for b in taken or []]
    return [None if found is None else Label(found[0], found[1], found[2], text, kind=kind)
            for found, (_, _, text, _, _, kind) in zip(placed(items, (plot.left, plot.top, plot.right, plot.bottom),
                                                              dots, lines, boxes, soft or []), items)]


Item = tuple[float, float, str, tuple[float, float, str], bool, str]  # a Wanted's x, y, text, first, required, kind


def placed(items: list[Item], plot: _Edges, dots: list[tuple[float, float]], lines: list[Segment],
           taken: list[_Edges], soft: list[Segment]) -> list[tuple[float, float, str] | None]:
    """:func:`place` on plain tuples, as a chart draws its labels by the ten thousand: ``(x, y, anchor)``
    of each item placed, None for one left out."""
    boxes = taken + [(x - DOT, y - DOT, x + DOT, y + DOT) for x, y in dots]
    hard, softer = _spans(lines), _spans(soft)
    # the plot a rounding error wider: a box moved to an edge may end that far beyond it
    inside = (plot[0] - 1e-6, plot[1] - 1e-6, plot[2] + 1e-6, plot[3] + 1e-6)
    found: list[tuple[float, float, str] | None] = []
    for item in items:
        best = _best(item, plot, inside, boxes, hard, softer)
        if best is None:
            found.append(None)
        else:
            found.append(best[:3])
            boxes.append(best[3])
    return found


def _spans(segments: list[Segment]) -> list[_Span]:
    """Each segment with its extent, worked out once per chart rather than once per box tried (``min``
    and ``max`` of two, written out: their calls cost more than the comparisons)."""
    return [(x1 if x1 < x0 else x0, y1 if y1 < y0 else y0, x1 if x1 > x0 else x0, y1 if y1 > y0 else y0, x0, y0, x1, y1)
            for x0, y0, x1, y1 in segments]


def _crossed(l: float, t: float, r: float, b: float, spans: list[_Span]) -> bool:
    """Whether any of the segments of ``spans`` passes through the box ``l, t, r, b`` (:func:`crosses` of
    those whose extent meets the box: the others cannot)."""
    for L, T, R, B, x0, y0, x1, y1 in spans:
        if L <= r and R >= l and T <= b and B >= t and _clips(l, t, r, b, x0, y0, x1, y1):
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _tried(first: tuple[float, float, str], width: float) -> tuple[tuple[float, float, str, float], ...]:
    """The offsets a label ``width`` wide tries, in order (the one its lines leave free first, then the
    others of AROUND), each with how far its text starts left of its x."""
    return tuple((dx, dy, anchor, 0.0 if anchor == "start" else width / 2 if anchor == "middle" else width)
                 for dx, dy, anchor in (first, *(a for a in AROUND if a != first)))


def _overlaps(l: float, t: float, r: float, b: float, boxes: list[_Edges]) -> int:
    """How many of ``boxes`` the box ``l, t, r, b`` overlaps."""
    return sum(l < R and L < r and t < B and T < b for L, T, R, B in boxes)


_ABOVE, _BELOW = ASCENT * SIZE, DESCENT * SIZE  # how far a label's text reaches above and below its baseline


def _best(item: Item, plot: _Edges, inside: _Edges, taken: list[_Edges], lines: list[_Span], soft: list[_Span]):
    """``(x, y, anchor, box)`` of the first place around ``item`` that is inside, free and clear of
    all lines; else of the first free one clear of the hard ones; else, if ``item`` is required, of
    the first free one, or of the one overlapping the fewest boxes; else None."""
    item_x, item_y, text, first, required, _ = item
    width = len(text) * CHAR_WIDTH * SIZE  # text_width(text)
    fallback = softly = None
    crowded = []
    p_left, _, p_right, _ = plot
    p_left_in, p_top_in, p_right_in, p_bottom_in = inside
    above, below = _ABOVE, _BELOW
    for dx, dy, anchor, back in _tried(first, width):
        x, y = item_x + dx, item_y + dy
        t, b = y - above - 1, y + below + 1
        left = x - back - 2
        right = left + width + 4
        shift = p_left - left if left < p_left else p_right - right if right > p_right else 0.0
        l, r = left + shift, right + shift
        if not (t < p_top_in or b > p_bottom_in) and l >= p_left_in and r <= p_right_in:
            for L, T, R, B in taken:
                if l < R and L < r and t < B and T < b:
                    break
            else:  # free
                if _crossed(l, t, r, b, lines):
                    fallback = fallback or (x + shift, y, anchor, (l, t, r, b))
                elif not _crossed(l, t, r, b, soft):
                    return x + shift, y, anchor, (l, t, r, b)
                else:
                    softly = softly or (x + shift, y, anchor, (l, t, r, b))
                continue
        if required:
            crowded.append((x + shift, y, anchor, (l, t, r, b)))
    if softly:
        return softly
    if not required:
        return None
    if fallback:
        return fallback
    return min(crowded, key=lambda place: _overlaps(*place[3], taken)) if crowded else None
