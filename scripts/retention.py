"""Deletes stored conversations: those older than N days, or one visitor's.

Works on the SQL tracker store configured in endpoints.yml (SQLite by default,
PostgreSQL when configured): a conversation is all events of one sender id.

  python scripts/retention.py --older-than-days 30
  python scripts/retention.py --sender visitor-123
"""
import argparse
import sys
import time
from pathlib import Path
from typing import Any, Dict

import sqlalchemy as sa
import yaml

ROOT = Path(__file__).resolve().parent.parent


def tracker_store_url(endpoints: Path = ROOT / "endpoints.yml") -> Any:
    from rasa.core.tracker_store import SQLTrackerStore

    config: Dict[str, Any] = dict(yaml.safe_load(endpoints.read_text())["tracker_store"])
    if config.pop("type", None) != "SQL":
        sys.exit(f"{endpoints}: tracker_store is not an SQL store")
    keys = ("dialect", "host", "port", "db", "username", "password", "login_db", "query")
    return SQLTrackerStore.get_db_url(**{k: v for k, v in config.items() if k in keys})


def delete_sender(engine: sa.engine.Engine, sender_id: str) -> int:
    with engine.begin() as conn:
        return conn.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender_id}).rowcount


def delete_older_than(engine: sa.engine.Engine, days: float) -> int:
    """Deletes every conversation whose LAST event is older than `days`."""
    cutoff = time.time() - days * 86400
    with engine.begin() as conn:
        return conn.execute(
            sa.text(
                "DELETE FROM events WHERE sender_id IN ("
                " SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff)"
            ),
            {"cutoff": cutoff},
        ).rowcount


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--older-than-days", type=float, metavar="N")
    group.add_argument("--sender", metavar="SENDER_ID")
    parser.add_argument("--endpoints", type=Path, default=ROOT / "endpoints.yml")
    args = parser.parse_args()
    engine = sa.create_engine(tracker_store_url(args.endpoints))
    if args.sender:
        print(f"Deleted {delete_sender(engine, args.sender)} events of conversation {args.sender!r}.")
    else:
        print(f"Deleted {delete_older_than(engine, args.older_than_days)} events of conversations "
              f"older than {args.older_than_days:g} days.")


if __name__ == "__main__":
    main()
