"""Conversations live in the SQL tracker store: a restart loses nothing, and
the retention commands delete exactly what they say."""

import asyncio
import sqlite3
import subprocess
import time

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from practice import content, unanswered
from scripts import retention
from tests.conftest import BASE_ENV, BIN, ROOT, Servers


def test_a_conversation_continues_after_the_server_restarts(trained_model, tmp_path):
    db = tmp_path / "tracker.db"
    first = Servers("persist-1", trained_model, tmp_path, tracker_db=db)
    try:
        first.bot.say("returning-visitor", "Is it okay to have a personal connection with my therapist?")
    finally:
        first.stop()
    second = Servers("persist-2", trained_model, tmp_path, tracker_db=db)
    try:
        # "tell me more" only works if the server remembers the last answer.
        more = second.bot.texts(second.bot.say("returning-visitor", "tell me more"))
    finally:
        second.stop()
    assert more == content.answers()["article"]["ask_boundaries"]["answer"]


def _store_with_conversations(tmp_path):
    """Three conversations saved through Rasa's own SQLTrackerStore."""
    db = tmp_path / "tracker.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    now = time.time()
    for sender, age_days in [("old-visitor", 40), ("recent-visitor", 2), ("forget-me", 1)]:
        tracker = DialogueStateTracker(sender, slots=[])
        tracker.update(UserUttered("hello", timestamp=now - age_days * 86400))
        asyncio.run(store.save(tracker))
    return db


def _senders(db):
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        return {row[0] for row in conn.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}


def test_forgetting_one_visitor_deletes_only_their_conversation(tmp_path):
    db = _store_with_conversations(tmp_path)
    deleted = retention.delete_sender(sa.create_engine(f"sqlite:///{db}"), "forget-me")
    assert deleted >= 1
    assert _senders(db) == {"old-visitor", "recent-visitor"}


def test_deleting_old_conversations_keeps_recent_ones(tmp_path):
    db = _store_with_conversations(tmp_path)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{db}"\n')
    result = subprocess.run(
        [str(BIN / "python"), "scripts/retention.py", "--older-than-days", "30", "--endpoints", str(endpoints)],
        cwd=ROOT,
        env=BASE_ENV,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert _senders(db) == {"recent-visitor", "forget-me"}


def test_forgetting_a_visitor_deletes_the_unanswered_questions_kept_from_them(tmp_path):
    db = _store_with_conversations(tmp_path)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{db}"\n')
    kept = tmp_path / "unanswered.db"
    with sqlite3.connect(kept) as conn:
        conn.execute("CREATE TABLE unanswered (at TEXT, intent TEXT, text TEXT, sender_hash TEXT)")
        for sender in ("forget-me", "recent-visitor"):
            conn.execute(
                "INSERT INTO unanswered VALUES ('2026-01-01T00:00:00+00:00', 'out_of_scope', ?, ?)",
                (f"a question from {sender}", unanswered.sender_hash(sender)),
            )
    result = subprocess.run(
        [str(BIN / "python"), "scripts/retention.py", "--sender", "forget-me", "--endpoints", str(endpoints)],
        cwd=ROOT,
        env={**BASE_ENV, "UNANSWERED_DB": str(kept)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Deleted 1 unanswered questions" in result.stdout
    with sqlite3.connect(kept) as conn:
        assert conn.execute("SELECT text FROM unanswered").fetchall() == [("a question from recent-visitor",)]
    assert _senders(db) == {"old-visitor", "recent-visitor"}
