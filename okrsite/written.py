"""Numbers as the user wrote them: ``9.0`` stays ``9.0`` on every page and chart.

YAML reads ``9.0`` and ``9`` as the same amount; :mod:`okrsite.load` keeps a decimal's
places in a :class:`Written` number, and :func:`okrsite.render.formatting.format_number`
writes it with them.
"""

from __future__ import annotations


class Written(float):
    """A number written with a decimal point, keeping how many decimals it was written with.

    It computes as a float (results are plain floats) and okrs.json gives it as a plain
    JSON number; its ``repr`` and ``str`` are the text as written (``'12.50'``), so
    fingerprints tell ``9.0`` from ``9.00`` and messages quote it as the user wrote it.
    """

    __slots__ = ("places",)

    def __new__(cls, value: float, places: int) -> Written:
        number = float.__new__(cls, value)  # not super(): a third of the time, for each number unpickled
        number.places = places
        return number

    def __repr__(self) -> str:
        return f"{float(self):.{self.places}f}"

    __str__ = __repr__

    def __reduce__(self):
        return Written, (float(self), self.places)
