"""The conversation store: where it is, and the few columns the report reads.

Rasa's SQL tracker store (components/conversation_store.py) keeps one row per
event in the table `events`. The report reads four columns of the user
messages and session starts: sender_id (only to tell one visitor's
conversations from another's: it is replaced by a number as it is read and
never written anywhere), type_name, timestamp and intent_name. Never `data`,
which holds the message text.

The store is the one `make run` uses: endpoints.yml's `tracker_store`, or
PostgreSQL from DB_* when DB_HOST is set (scripts/endpoints.py), or the
`tracker_store` of another endpoints file. ${VARIABLE}s are expanded as Rasa
expands them.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")  # read on import: Rasa 3.6 uses SQLAlchemy 1.4
import sqlalchemy as sa  # noqa: E402
import yaml  # noqa: E402

from scripts import endpoints as configured  # noqa: E402
from scripts.practice_report.period import Period  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_ENDPOINTS = ROOT / "endpoints.yml"
USER, SESSION_STARTED = "user", "session_started"
SQL_STORE_TYPES = ("SQL", "sql", configured.STORE_TYPE, "rasa.core.tracker_store.SQLTrackerStore")
CONNECT_TIMEOUT_SECONDS = 5
# The only columns the report may read (never `data`: the message text).
EVENTS = sa.table(
    "events",
    sa.column("id"),
    sa.column("sender_id"),
    sa.column("type_name"),
    sa.column("timestamp"),
    sa.column("intent_name"),
)


class StoreError(Exception):
    """A store that is not configured, not an SQL store, or does not answer: one line for the owner."""


@dataclass(frozen=True)
class Event:
    visitor: int  # a number per sender id, in the order first read: groups, never identifies
    type_name: str
    timestamp: float
    intent: Optional[str]


@dataclass(frozen=True)
class Store:
    url: Any  # an SQLAlchemy URL (or a URL string given in the endpoints file)
    description: str  # for the report and errors: never a password
    sqlite_file: Optional[Path] = None

    @property
    def missing(self) -> bool:
        """An SQLite file the server has not created yet: no conversation so far."""
        return self.sqlite_file is not None and not self.sqlite_file.exists()


def _endpoint_config(endpoints: Optional[Path]) -> Any:
    """Rasa's EndpointConfig for the tracker store, ${VARIABLE}s expanded."""
    from rasa.shared.utils.io import read_yaml
    from rasa.utils.endpoints import EndpointConfig, read_endpoint_config

    if endpoints is None and os.environ.get("DB_HOST"):
        try:
            store = configured.tracker_store(os.environ)
        except configured.SettingError as error:
            raise StoreError(str(error)) from None
        return EndpointConfig.from_dict(read_yaml(yaml.safe_dump(store)))
    path = endpoints or DEFAULT_ENDPOINTS
    if not path.is_file():
        raise StoreError(f"{path}: no such endpoints file")
    config = read_endpoint_config(str(path), "tracker_store")
    if config is None:
        raise StoreError(f"{path}: no tracker_store, so conversations are kept in memory only: nothing to report on")
    return config


def locate(endpoints: Optional[Path] = None) -> Store:
    """The store's URL, built as Rasa's SQLTrackerStore builds it."""
    from rasa.core.tracker_store import SQLTrackerStore

    config = _endpoint_config(endpoints)
    settings: Dict[str, Any] = dict(config.kwargs)
    kind = config.type
    if kind not in SQL_STORE_TYPES:
        raise StoreError(f"{endpoints or DEFAULT_ENDPOINTS}: tracker_store is {kind!r}, not an SQL store")
    dialect, db = settings.get("dialect", "sqlite"), settings.get("db", "rasa.db")
    sqlite_file = None
    if dialect == "sqlite":
        sqlite_file = Path(db) if Path(db).is_absolute() else ROOT / db  # as `make run` sees it
        db = str(sqlite_file)
    keys = ("port", "username", "password", "query")
    url = SQLTrackerStore.get_db_url(
        dialect=dialect, host=config.url, db=db, **{k: settings[k] for k in keys if settings.get(k) is not None}
    )
    return Store(url, _describe(url, sqlite_file), sqlite_file)


def _describe(url: Any, sqlite_file: Optional[Path]) -> str:
    if sqlite_file:
        shown = sqlite_file.relative_to(ROOT) if sqlite_file.is_relative_to(ROOT) else sqlite_file
        return f"the SQLite file {shown}"
    parsed = sa.engine.make_url(url)
    backend = {"postgresql": "PostgreSQL"}.get(parsed.get_backend_name(), parsed.get_backend_name())
    return f"the {backend} database {parsed.database} on {parsed.host}:{parsed.port or 'its default port'}"


def query(period: Period) -> Any:
    """User messages and session starts in the period, each visitor's in stored order."""
    statement = sa.select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.intent_name).where(
        EVENTS.c.type_name.in_([USER, SESSION_STARTED])
    )
    if period.start is not None:
        statement = statement.where(EVENTS.c.timestamp >= period.start)
    if period.end is not None:
        statement = statement.where(EVENTS.c.timestamp < period.end)
    return statement.order_by(EVENTS.c.sender_id, EVENTS.c.id)


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def read_events(store: Store, period: Period) -> List[Event]:
    """The period's user messages and session starts; [] for a store with no conversations yet."""
    if store.missing:
        return []
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS} if store.sqlite_file is None else {}
    engine = sa.create_engine(store.url, connect_args=connect_args)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("events"):
                return []
            rows = conn.execute(query(period)).fetchall()
    except sa.exc.SQLAlchemyError as error:
        raise StoreError(f"Cannot read the conversation store, {store.description}: {_first_line(error)}") from None
    finally:
        engine.dispose()
    visitors: Dict[str, int] = {}
    return [Event(visitors.setdefault(sender, len(visitors)), kind, ts, intent) for sender, kind, ts, intent in rows]
