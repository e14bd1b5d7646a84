"""SQLite settings for the conversation store (Rasa's SQL tracker store on an
SQLite file, endpoints.yml).

Rasa opens a new SQLite connection for every read and every save, in the
server's only event loop, and by default each save's commit writes a rollback
journal and waits twice for the disk. In WAL mode with synchronous=NORMAL a
commit appends to the write-ahead log and the disk is synced at checkpoints:
a crash of the server loses nothing, a power cut can lose the last moments'
messages but never corrupts the file. busy_timeout lets a second process (the
retention commands, scripts/retention.py) wait for the lock instead of failing.
Measured effect: docs/performance.md.
"""

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from rasa_patches.version import require_written_for_version

BUSY_TIMEOUT_MS = 5000


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return  # PostgreSQL and others are left as they are
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def install() -> None:
    require_written_for_version("sqlite_settings")
    if not installed():
        event.listen(Engine, "connect", _tune_sqlite)


def installed() -> bool:
    return event.contains(Engine, "connect", _tune_sqlite)
