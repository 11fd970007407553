"""ISO partial dates: a year, a month or a day, kept at the precision a source gives.

Facts are dated ``2025``, ``2025-03`` or ``2025-03-14`` (``as_of``), articles carry a
publication date at whatever precision the page gives, and signposts report the first day a
claim was seen. :class:`PartialDate` is the one value type for all of them: it parses, prints
back the same text (:meth:`PartialDate.iso`), knows its precision and its first and last day,
and sorts by first day, coarser before finer on a tie (``2025`` < ``2025-01`` < ``2025-01-01``,
the order of the ISO strings).

Examples
--------
>>> d = PartialDate.parse("2025-02")
>>> d.precision, d.iso(), d.first_day(), d.last_day()
('month', '2025-02', datetime.date(2025, 2, 1), datetime.date(2025, 2, 28))
>>> sorted(PartialDate.parse(t) for t in ("2025-01-01", "2024-12", "2025"))
[PartialDate(year=2024, month=12, day=None), PartialDate(year=2025, month=None, day=None), PartialDate(year=2025, month=1, day=1)]
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["PartialDate"]

Precision = Literal["year", "month", "day"]

_STRICT = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# Loose form: one-digit months and days, and a time stamp after the day (``2025-03-14T10:00Z``).
_LOOSE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_TIME = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?")


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day.

    Parameters
    ----------
    year : int
    month : int, optional
        1 to 12; None when only the year is known.
    day : int, optional
        A real day of that month; None when only the year or month is known (a day needs a
        month).

    Raises
    ------
    ValueError
        When the month or day is out of range, or a day is given without a month.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a partial date with a day needs a month")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is out of range 1..9999")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is out of range 1..12")
        if self.day is not None:
            _dt.date(self.year, self.month, self.day)  # type: ignore[arg-type]  # raises on a bad day

    # -- parsing and printing ------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str, *, loose: bool = False) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (surrounding blanks are ignored).

        Parameters
        ----------
        text : str
        loose : bool, default False
            Also accept one-digit months and days (``2025-3-4``) and a time stamp after the day
            (``2025-03-14T10:00:00Z``), as publication dates on web pages come.

        Raises
        ------
        ValueError
            When the text is not one of these forms or not a real date; the message quotes it.
        """
        s = str(text).strip()
        if loose:
            timed = _TIME.fullmatch(s)
            if timed:
                s = timed.group(1)
        m = (_LOOSE if loose else _STRICT).fullmatch(s)
        if not m:
            raise ValueError(f"{s!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        year, month, day = m.groups()
        try:
            return cls(int(year), int(month) if month else None, int(day) if day else None)
        except ValueError as exc:
            raise ValueError(f"{s!r} is not a valid date ({exc})") from None

    @classmethod
    def from_date(cls, value: _dt.date) -> PartialDate:
        """A day-precision date from a :class:`datetime.date` (or datetime: its date)."""
        return cls(value.year, value.month, value.day)

    def iso(self) -> str:
        """ISO text at the known precision: ``2025``, ``2025-03`` or ``2025-03-14``."""
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def __str__(self) -> str:
        return self.iso()

    # -- precision and span --------------------------------------------------------------------

    @property
    def precision(self) -> Precision:
        """``"year"``, ``"month"`` or ``"day"``."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def date(self) -> _dt.date | None:
        """The day as a :class:`datetime.date` when it is known, else None."""
        return _dt.date(self.year, self.month, self.day) if self.day is not None else None  # type: ignore[arg-type]

    def first_day(self) -> _dt.date:
        """The first day the date may stand for (1 January for a year)."""
        return _dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> _dt.date:
        """The last day the date may stand for (31 December for a year)."""
        if self.day is not None:
            return self.first_day()
        month = self.month or 12
        return _dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    # -- ordering ------------------------------------------------------------------------------

    def _key(self) -> tuple[_dt.date, int]:
        return self.first_day(), ("year", "month", "day").index(self.precision)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() >= other._key()
