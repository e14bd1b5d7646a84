"""Writes the endpoints the Rasa server starts with, after checking that the
databases in it answer.

By default this is endpoints.yml: the action server on 127.0.0.1:5055 and the
conversations in an SQLite file (var/tracker.db), for one Rasa server.

Several Rasa servers behind a load balancer must share where conversations
are kept and who is answering which conversation right now:
  DB_HOST (with DB_NAME, DB_USER; optional DB_PORT=5432, DB_PASSWORD,
  DB_SSLMODE): conversations in PostgreSQL, in the same store as the SQLite
  file (components/conversation_store.py, Rasa's SQL tracker store).
  REDIS_HOST (optional REDIS_PORT=6379, REDIS_DB=1, REDIS_PASSWORD): the
  conversation locks in Redis, so that two servers never work on one
  conversation at the same time (one message's turn is finished before the
  next one starts). Rasa's Redis lock store with its race fixed
  (components/lock_store.py).
Passwords are written as ${VARIABLE} references that Rasa expands when it
reads the file: they never land on disk.

Rasa itself retries an unreachable database forever, every 5 seconds, so each
configured database is tried first (5 s timeout): if one does not answer, this
exits 1 with one line naming the settings to check, and nothing is written.

Usage: python scripts/endpoints.py OUTPUT_FILE [--no-check]
"""

import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 5
DB_VARIABLES = ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "DB_SSLMODE")
REDIS_VARIABLES = ("REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD")
# The conversation store class endpoints.yml names, for PostgreSQL too.
STORE_TYPE = yaml.safe_load((ROOT / "endpoints.yml").read_text())["tracker_store"]["type"]


class SettingError(Exception):
    """A setting that is missing or malformed, or a database that does not answer."""


def _number(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    value = env.get(name) or str(default)
    if not value.isdigit() or not low <= int(value) <= high:
        raise SettingError(f"{name} must be a number from {low} to {high} (got {value!r})")
    return int(value)


def _unused(env: Mapping[str, str], variables: tuple) -> None:
    """A DB_* or REDIS_* setting without its host is a mistake, not a default."""
    host, *others = variables
    stray = [name for name in others if env.get(name)]
    if stray and not env.get(host):
        raise SettingError(
            f"{', '.join(stray)} {'is' if len(stray) == 1 else 'are'} set but {host} is not: "
            f"set {host} too, or unset {', '.join(stray)}"
        )


def tracker_store(env: Mapping[str, str]) -> Optional[Dict[str, Any]]:
    """PostgreSQL from DB_*, or None when DB_HOST is not set."""
    _unused(env, DB_VARIABLES)
    if not env.get("DB_HOST"):
        return None
    missing = [name for name in ("DB_NAME", "DB_USER") if not env.get(name)]
    if missing:
        raise SettingError(f"DB_HOST is set: set {' and '.join(missing)} too")
    store: Dict[str, Any] = {
        "type": STORE_TYPE,
        "dialect": "postgresql",
        "url": env["DB_HOST"],
        "port": _number(env, "DB_PORT", 5432, 1, 65535),
        "db": env["DB_NAME"],
        "username": env["DB_USER"],
    }
    if env.get("DB_PASSWORD"):
        store["password"] = "${DB_PASSWORD}"
    if env.get("DB_SSLMODE"):
        store["query"] = {"sslmode": env["DB_SSLMODE"]}
    return store


def lock_store(env: Mapping[str, str]) -> Optional[Dict[str, Any]]:
    """Redis from REDIS_*, or None when REDIS_HOST is not set."""
    _unused(env, REDIS_VARIABLES)
    if not env.get("REDIS_HOST"):
        return None
    store: Dict[str, Any] = {
        "type": "components.lock_store.AtomicRedisLockStore",
        "url": env["REDIS_HOST"],
        "port": _number(env, "REDIS_PORT", 6379, 1, 65535),
        "db": _number(env, "REDIS_DB", 1, 0, 1_000_000),
    }
    if env.get("REDIS_PASSWORD"):
        store["password"] = "${REDIS_PASSWORD}"
    return store


def endpoints(env: Mapping[str, str]) -> Dict[str, Any]:
    """endpoints.yml with the stores the environment selects (secrets as ${VARIABLE})."""
    config = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    tracker, lock = tracker_store(env), lock_store(env)
    if tracker:
        config["tracker_store"] = tracker
    if lock:
        config["lock_store"] = lock
    return config


def _first_line(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def check_postgres(env: Mapping[str, str]) -> None:
    """Connects once as Rasa will; a SettingError naming the settings if that fails."""
    import psycopg2

    store = tracker_store(env)
    if not store:
        return
    where = f"{store['url']}:{store['port']}"
    try:
        psycopg2.connect(
            host=store["url"],
            port=store["port"],
            dbname=store["db"],
            user=store["username"],
            password=env.get("DB_PASSWORD") or None,
            sslmode=env.get("DB_SSLMODE") or None,
            connect_timeout=TIMEOUT_SECONDS,
        ).close()
    except psycopg2.Error as error:
        reason = _first_line(error)
        if "authentication failed" in reason or "password" in reason:
            raise SettingError(
                f"Cannot log in to the PostgreSQL conversation store at {where} as "
                f"{store['username']!r} (set by DB_USER/DB_PASSWORD): {reason}"
            ) from None
        if f'database "{store["db"]}" does not exist' in reason:
            raise SettingError(
                f"The PostgreSQL conversation store at {where} has no database "
                f"{store['db']!r} (set by DB_NAME): {reason}"
            ) from None
        if f'role "{store["username"]}" does not exist' in reason:
            raise SettingError(
                f"The PostgreSQL conversation store at {where} has no user "
                f"{store['username']!r} (set by DB_USER): {reason}"
            ) from None
        raise SettingError(
            f"Cannot reach the PostgreSQL conversation store at {where} (set by DB_HOST/DB_PORT): {reason}"
        ) from None


def check_redis(env: Mapping[str, str]) -> None:
    """PINGs the lock store; a SettingError naming the settings if that fails."""
    import redis

    store = lock_store(env)
    if not store:
        return
    where = f"{store['url']}:{store['port']}"
    client = redis.Redis(
        host=store["url"],
        port=store["port"],
        db=store["db"],
        password=env.get("REDIS_PASSWORD") or None,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.AuthenticationError as error:
        raise SettingError(
            f"Cannot log in to the Redis lock store at {where} (set by REDIS_PASSWORD): {_first_line(error)}"
        ) from None
    except redis.ResponseError as error:
        raise SettingError(
            f"The Redis lock store at {where} refused database {store['db']} (set by REDIS_DB): {_first_line(error)}"
        ) from None
    except redis.RedisError as error:
        raise SettingError(
            f"Cannot reach the Redis lock store at {where} (set by REDIS_HOST/REDIS_PORT): {_first_line(error)}"
        ) from None
    finally:
        client.close()


def describe(config: Dict[str, Any]) -> str:
    tracker, lock = config["tracker_store"], config.get("lock_store")
    if tracker.get("dialect") == "postgresql":
        where = f"PostgreSQL {tracker['url']}:{tracker['port']}/{tracker['db']}"
    else:
        where = f"SQLite {tracker['db']}"
    locks = f"Redis {lock['url']}:{lock['port']}/{lock['db']}" if lock else "in this server's memory"
    return f"Conversations: {where}; conversation locks: {locks}"


def main(argv: List[str]) -> None:
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__.strip().splitlines()[-1])
    output, check = Path(argv[0]), "--no-check" not in argv[1:]
    env = dict(os.environ)
    try:
        config = endpoints(env)
        if check:
            check_postgres(env)
            check_redis(env)
    except SettingError as error:
        sys.exit(str(error))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(yaml.safe_dump(config, sort_keys=False))
    print(describe(config))


if __name__ == "__main__":
    main(sys.argv[1:])
