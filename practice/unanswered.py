"""Optional, off unless the practice sets keep_unanswered_days in
content/practice.yml: keeps the text of questions the bot could not answer
(out of scope, not understood), so the practice can see what visitors ask.

What is kept: the time, the intent and the text (at most MAX_CHARS), and a
SHA-256 of the sender id, only so that `make forget-sender` can delete that
visitor's lines; listings never show it. Never a message the risk detector
rated above none, never a message in another language. Rows older than the
setting are deleted at every write and every listing; with the setting off,
nothing is written and what is left is deleted.

The file is SQLite: UNANSWERED_DB, default var/unanswered.db.
List: python -m practice.unanswered  (make unanswered)
"""

import hashlib
import logging
import os
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import List, Tuple

from practice import content

logger = logging.getLogger(__name__)
DEFAULT_DB = Path(__file__).resolve().parent.parent / "var" / "unanswered.db"
MAX_CHARS = 500
# The replies that did not answer what was asked.
UNANSWERED_INTENTS = ("out_of_scope", "nlu_fallback")


def db_path() -> Path:
    return Path(os.environ.get("UNANSWERED_DB") or DEFAULT_DB)


def days_kept() -> int:
    return int(content.practice().get("keep_unanswered_days") or 0)


def _connect() -> sqlite3.Connection:
    path = db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=2)
    conn.execute("CREATE TABLE IF NOT EXISTS unanswered (at TEXT, intent TEXT, text TEXT, sender_hash TEXT)")
    return conn


def _now() -> datetime:
    return datetime.now(timezone.utc)


def sender_hash(sender_id: str) -> str:
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()


def delete_older_than(conn: sqlite3.Connection, days: float) -> int:
    if days <= 0:
        return conn.execute("DELETE FROM unanswered").rowcount
    cutoff = (_now() - timedelta(days=days)).isoformat(timespec="seconds")
    return conn.execute("DELETE FROM unanswered WHERE at < ?", (cutoff,)).rowcount


def keep(text: str, intent: str, sender_id: str) -> None:
    """Keeps one unanswered question when the practice asked for it. Never raises."""
    days = days_kept()
    if not days and not db_path().exists():
        return
    try:
        with _connect() as conn:
            delete_older_than(conn, days)  # with the setting off: everything
            if days and intent in UNANSWERED_INTENTS and text.strip():
                conn.execute(
                    "INSERT INTO unanswered VALUES (?, ?, ?, ?)",
                    (_now().isoformat(timespec="seconds"), intent, text[:MAX_CHARS], sender_hash(sender_id)),
                )
    except Exception:  # noqa: BLE001 - a reporting failure must not stop a reply
        logger.exception("Could not keep an unanswered question")


def forget_sender(sender_id: str) -> int:
    if not db_path().exists():
        return 0
    with _connect() as conn:
        return conn.execute("DELETE FROM unanswered WHERE sender_hash = ?", (sender_hash(sender_id),)).rowcount


def forget_older_than(days: float) -> int:
    if not db_path().exists():
        return 0
    with _connect() as conn:
        return delete_older_than(conn, days)


def listing() -> List[Tuple[str, str, str]]:
    """(date, intent, text), newest first, after deleting what is past the setting."""
    if not db_path().exists():
        return []
    with _connect() as conn:
        delete_older_than(conn, days_kept())
        return conn.execute("SELECT substr(at, 1, 10), intent, text FROM unanswered ORDER BY at DESC").fetchall()


if __name__ == "__main__":
    days = days_kept()
    rows = listing()
    if not days:
        print("Keeping unanswered questions is off (content/practice.yml: keep_unanswered_days).")
    else:
        print(f"Questions the assistant could not answer, kept {days} days ({db_path()}):")
    for date, intent, text in rows:
        print(f"  {date}  {intent:<13} {text}")
