"""Counts crisis escalations by category for the practice's reporting.

Only the time, category and tier are stored: never the message text, never
who sent it. The file is SQLite (ESCALATION_DB, default var/escalations.db).

Report: python -m actions.escalation_log
"""

import logging
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Tuple

logger = logging.getLogger(__name__)
DEFAULT_DB = Path(__file__).resolve().parent.parent / "var" / "escalations.db"


def _db_path() -> Path:
    return Path(os.environ.get("ESCALATION_DB") or DEFAULT_DB)


def _connect() -> sqlite3.Connection:
    path = _db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=2)
    conn.execute("CREATE TABLE IF NOT EXISTS escalations (at TEXT, category TEXT, tier TEXT)")
    return conn


def record(category: str, tier: str) -> None:
    """Never raises: a reporting failure must not stop a crisis reply."""
    try:
        with _connect() as conn:
            conn.execute(
                "INSERT INTO escalations VALUES (?, ?, ?)",
                (datetime.now(timezone.utc).isoformat(timespec="seconds"), category, tier),
            )
    except Exception:  # noqa: BLE001
        logger.exception("Could not record an escalation count")


def counts() -> List[Tuple[str, str, int]]:
    with _connect() as conn:
        return conn.execute(
            "SELECT category, tier, COUNT(*) FROM escalations GROUP BY category, tier ORDER BY 3 DESC"
        ).fetchall()


if __name__ == "__main__":
    rows = counts()
    print(f"Crisis escalations recorded in {_db_path()}:")
    for category, tier, n in rows or [("(none)", "", 0)]:
        print(f"  {category:<20} {tier:<5} {n}")
