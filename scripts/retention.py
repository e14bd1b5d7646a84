"""Deletes stored conversations: those older than N days, or one visitor's.

Works on the same SQL tracker store as `make run`: the SQLite file in
endpoints.yml, or PostgreSQL when DB_HOST and the other DB_* variables are set
(scripts/endpoints.py). A conversation is all events of one sender id. The
unanswered questions the practice may keep (practice/unanswered.py) go too.

  python scripts/retention.py --older-than-days 30
  python scripts/retention.py --sender visitor-123
  python scripts/retention.py --sender visitor-123 --endpoints other-endpoints.yml
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Dict, Optional

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")  # read on import: Rasa 3.6 uses SQLAlchemy 1.4
import sqlalchemy as sa  # noqa: E402
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from practice import unanswered  # noqa: E402
from scripts import endpoints as configured  # noqa: E402  (run as a script, too)


def tracker_store_url(endpoints: Optional[Path] = None) -> Any:
    """The tracker store's database URL: from an endpoints file, or from the
    environment exactly as `make run` configures it. ${VARIABLE}s are expanded."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.utils.io import read_config_file, read_yaml

    warnings.simplefilter("ignore", DeprecationWarning)  # Rasa's imports turn them on again
    if endpoints:
        config: Dict[str, Any] = dict(read_config_file(endpoints)["tracker_store"])
    else:
        config = dict(read_yaml(yaml.safe_dump(configured.endpoints(os.environ)))["tracker_store"])
        if config.get("dialect") == "sqlite" and not Path(config["db"]).is_absolute():
            config["db"] = str(ROOT / config["db"])  # as `make run` sees it, from the repository
    if config.pop("type", None) not in ("SQL", configured.STORE_TYPE):
        sys.exit(f"{endpoints or 'endpoints.yml'}: tracker_store is not an SQL store")
    config["host"] = config.pop("url", config.get("host"))
    keys = ("dialect", "host", "port", "db", "username", "password", "login_db", "query")
    return SQLTrackerStore.get_db_url(**{k: v for k, v in config.items() if k in keys and v is not None})


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
    parser.add_argument(
        "--endpoints",
        type=Path,
        metavar="FILE",
        help="an endpoints file (default: endpoints.yml, or PostgreSQL from DB_*)",
    )
    args = parser.parse_args()
    if args.sender:
        print(f"Deleted {unanswered.forget_sender(args.sender)} unanswered questions kept from {args.sender!r}.")
    else:
        kept = unanswered.forget_older_than(args.older_than_days)
        print(f"Deleted {kept} unanswered questions older than {args.older_than_days:g} days.")
    try:
        if not args.endpoints:
            configured.check_postgres(os.environ)  # one clear line if it does not answer
        url = tracker_store_url(args.endpoints)
    except configured.SettingError as error:
        sys.exit(str(error))
    engine = sa.create_engine(url)
    try:
        if not sa.inspect(engine).has_table("events"):
            print("No conversations are stored yet.")
            return
    except sa.exc.OperationalError as error:
        sys.exit(f"Cannot open the conversation store: {str(error.orig).strip().splitlines()[0]}")
    if args.sender:
        print(f"Deleted {delete_sender(engine, args.sender)} events of conversation {args.sender!r}.")
    else:
        print(
            f"Deleted {delete_older_than(engine, args.older_than_days)} events of conversations "
            f"older than {args.older_than_days:g} days."
        )


if __name__ == "__main__":
    main()
