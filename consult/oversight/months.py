"""Calendar months in local time (Asia/Shanghai by default) and their UTC bounds."""
from __future__ import annotations

from flask_babel import gettext as _

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from consult.timeutil import local_to_utc

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, raw: str) -> "Month":
        """'2026-03' → Month; ValueError (with a Chinese message) for anything else."""
        match = _MONTH.match(unicodedata.normalize("NFKC", raw or "").strip())  # full-width digits are fine
        if not match or not 2000 <= int(match[1]) <= 2100 or not 1 <= int(match[2]) <= 12:
            raise ValueError(_("月份须为 YYYY-MM 格式，例如 2026-03。"))
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> "Month":
        return Month(self.year - (self.month == 1), 12 if self.month == 1 else self.month - 1)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def utc_bounds(self) -> tuple[datetime, datetime]:
        nxt = self.next()
        return local_to_utc(datetime(self.year, self.month, 1)), local_to_utc(datetime(nxt.year, nxt.month, 1))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
