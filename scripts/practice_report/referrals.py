"""The crisis referral counts (practice/referrals.py) in the report's period.

Each row is a time, a risk category, a tier, a kind of reply and a channel:
no message text and no sender. A file that does not exist yet means no
referral so far; it is not created by reading.
"""

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import List

from practice import referrals as counts
from scripts.practice_report.period import Period


class ReferralsError(Exception):
    """A referrals file that cannot be read: one line for the owner."""


@dataclass(frozen=True)
class Referral:
    timestamp: float
    category: str
    tier: str
    kind: str
    channel: str


def _timestamp(at: str) -> float:
    moment = datetime.fromisoformat(at)
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def _referral(at: str, category: str, tier: str, kind: str, channel: str) -> Referral:
    unknown = "unknown"
    return Referral(_timestamp(at), category or "unspecified", tier or unknown, kind or unknown, channel or unknown)


def read_referrals(path: Path, period: Period) -> List[Referral]:
    if not path.is_file():
        return []
    try:
        found = [_referral(*row) for row in counts.rows(path)]
    except (sqlite3.Error, ValueError, TypeError) as error:  # not a database, or a row without a readable time
        raise ReferralsError(f"Cannot read the crisis referral counts in {path}: {error}") from None
    return [r for r in found if period.contains(r.timestamp)]
