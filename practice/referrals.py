"""Counts every crisis referral the bot makes, for the practice's reporting.

One row per referral: the time (UTC), the risk category, the tier, the kind of
reply and the channel. Never the message text, never who sent it, so the file
can be kept as long as the practice must report (California SB 243 asks for
yearly counts of crisis referrals without personal data).

Kinds of referral (KINDS):
- crisis_reply: the action server's crisis reply (hard risk);
- fail_closed: Rasa's own crisis response, sent when the action server could
  not answer a crisis message (domain.yml utter_crisis_fallback);
- resources_line: the soft tier, an answer with a line of crisis resources;
- channel_failure: the crisis reply a channel sends when Rasa itself failed
  (channels/failure.py).
The one-line crisis line on every reply that is not an answer is shown to
everyone, so it is not a referral and is not counted.

Both servers write here (SQLite: ESCALATION_DB, default var/escalations.db).
Counts: python -m practice.referrals  (make escalations)
"""

import logging
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional, Tuple

logger = logging.getLogger(__name__)
DEFAULT_DB = Path(__file__).resolve().parent.parent / "var" / "escalations.db"

CRISIS_REPLY, FAIL_CLOSED, RESOURCES_LINE, CHANNEL_FAILURE = (
    "crisis_reply",
    "fail_closed",
    "resources_line",
    "channel_failure",
)
KINDS = (CRISIS_REPLY, FAIL_CLOSED, RESOURCES_LINE, CHANNEL_FAILURE)
COLUMNS = {"at": "TEXT", "category": "TEXT", "tier": "TEXT", "kind": "TEXT", "channel": "TEXT"}


def db_path() -> Path:
    return Path(os.environ.get("ESCALATION_DB") or DEFAULT_DB)


def connect(path: Optional[Path] = None) -> sqlite3.Connection:
    path = path or db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=2)
    conn.execute("CREATE TABLE IF NOT EXISTS escalations (at TEXT, category TEXT, tier TEXT)")
    # Files written before kinds and channels were counted get the new columns
    # (their rows were all the action's crisis replies).
    present = {row[1] for row in conn.execute("PRAGMA table_info(escalations)")}
    for column, kind in COLUMNS.items():
        if column not in present:
            default = f" DEFAULT '{CRISIS_REPLY}'" if column == "kind" else ""
            conn.execute(f"ALTER TABLE escalations ADD COLUMN {column} {kind}{default}")
    return conn


def record(category: Optional[str], tier: str, kind: str, channel: Optional[str]) -> None:
    """Never raises: a reporting failure must not stop a crisis reply."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of referral: {kind}")
    try:
        with connect() as conn:
            conn.execute(
                "INSERT INTO escalations (at, category, tier, kind, channel) VALUES (?, ?, ?, ?, ?)",
                (
                    datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    category or "unspecified",
                    tier,
                    kind,
                    channel or "unknown",
                ),
            )
    except Exception:  # noqa: BLE001
        logger.exception("Could not record a crisis referral count")


def counts() -> List[Tuple[str, str, str, int]]:
    """(category, tier, kind, count), most frequent first."""
    with connect() as conn:
        return conn.execute(
            "SELECT category, tier, kind, COUNT(*) FROM escalations GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3"
        ).fetchall()


def rows(path: Optional[Path] = None) -> List[Tuple[str, str, str, str, str]]:
    """Every referral: (at, category, tier, kind, channel), oldest first."""
    with connect(path) as conn:
        return conn.execute("SELECT at, category, tier, kind, channel FROM escalations ORDER BY at").fetchall()


if __name__ == "__main__":
    found = counts()
    print(f"Crisis referrals recorded in {db_path()}:")
    for category, tier, kind, n in found or [("(none)", "", "", 0)]:
        print(f"  {category:<20} {tier:<5} {kind:<16} {n}")
