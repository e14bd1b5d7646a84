"""The report's date range: whole days in UTC, both ends included."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Optional


def utc_date(timestamp: float) -> date:
    return datetime.fromtimestamp(timestamp, timezone.utc).date()


def start_of(day: date) -> float:
    """The first second of a day in UTC, as a Unix timestamp (Rasa's event timestamps)."""
    return datetime.combine(day, time.min, tzinfo=timezone.utc).timestamp()


@dataclass(frozen=True)
class Period:
    since: Optional[date] = None
    until: Optional[date] = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"--since {self.since} is after --until {self.until}")

    @property
    def start(self) -> Optional[float]:
        """The first timestamp in the range, or None (from the beginning)."""
        return start_of(self.since) if self.since else None

    @property
    def end(self) -> Optional[float]:
        """The first timestamp AFTER the range (the day after --until), or None (until now)."""
        return start_of(self.until + timedelta(days=1)) if self.until else None

    def contains(self, timestamp: float) -> bool:
        return (self.start is None or timestamp >= self.start) and (self.end is None or timestamp < self.end)

    def describe(self) -> str:
        if self.since and self.until:
            return f"{self.since} to {self.until}"
        if self.since:
            return f"from {self.since}"
        if self.until:
            return f"until {self.until}"
        return "everything stored"


def week_of(day: date) -> date:
    """The Monday starting the week (ISO weeks) of a day."""
    return day - timedelta(days=day.weekday())
