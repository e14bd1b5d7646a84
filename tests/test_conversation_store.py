"""The project's conversation store (components/conversation_store.py) keeps
every turn exactly once, in order, and reads back what Rasa's own SQL store
reads, so visitors' conversations survive a switch between the two. A long
conversation is read as its latest turns after the slots' values."""

import asyncio
import time

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import EventVerbosity

from components.conversation_store import FEWEST_RECENT_TURNS, RECENT_TURNS, WINDOWED, ConversationStore
from safety.assessment import CONTEXT_TURNS
from tests.conftest import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
SENDER = "visitor-1"


def turn(n: int, now: float):
    """One visitor turn as the Rasa server records it."""
    return [
        UserUttered(
            f"question {n}",
            {"name": "ask_trust", "confidence": 0.9},
            parse_data={
                "text": f"question {n}",
                "intent": {"name": "ask_trust", "confidence": 0.9},
                "risk": {"tier": "none", "category": None, "categories": []},
            },
            timestamp=now,
        ),
        ActionExecuted("action_answer_faq", timestamp=now + 0.1),
        BotUttered(f"answer {n}", {"buttons": [{"title": "More", "payload": "/ask_more"}]}, timestamp=now + 0.2),
        SlotSet("last_topic", "ask_trust", timestamp=now + 0.3),
        ActionExecuted("action_listen", timestamp=now + 0.4),
    ]


def handle(store, events):
    """What the Rasa server does per message: read the conversation, add the
    turn's events, save."""

    async def run():
        tracker = await store.get_or_create_tracker(SENDER)
        for event in events:
            tracker.update(event)
        await store.save(tracker)

    asyncio.run(run())


def stored_events(db):
    """The conversation as Rasa's own SQL store reads it, all sessions."""
    tracker = asyncio.run(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db)).retrieve_full_tracker(SENDER))
    return [
        (e["event"], e.get("text") or e.get("name"), e["timestamp"])
        for e in tracker.current_state(EventVerbosity.ALL)["events"]
    ]


def test_two_servers_taking_turns_store_what_rasas_store_stores(tmp_path):
    now = time.time() - 3600
    stored, columns = {}, {}
    for store_class in (ConversationStore, SQLTrackerStore):
        db = tmp_path / f"{store_class.__name__}.db"
        servers = [store_class(DOMAIN, dialect="sqlite", db=str(db)) for _ in range(2)]
        for n in range(6):
            handle(servers[n % 2], turn(n, now + n))
        stored[store_class] = [(kind, name) for kind, name, _ in stored_events(db)]
        columns[store_class] = (
            sa.create_engine(f"sqlite:///{db}")
            .connect()
            .execute(sa.text("SELECT sender_id, type_name, intent_name, action_name FROM events ORDER BY id"))
            .fetchall()
        )
    assert stored[ConversationStore] == stored[SQLTrackerStore]
    assert columns[ConversationStore] == columns[SQLTrackerStore]
    assert [name for kind, name in stored[ConversationStore] if kind == "user"] == [f"question {n}" for n in range(6)]
    assert len(stored[ConversationStore]) == 1 + 6 * 5  # the first action_listen, then 5 events a turn


def test_a_new_session_in_the_middle_of_a_turn_is_stored_once(tmp_path):
    db = tmp_path / "tracker.db"
    store = ConversationStore(DOMAIN, dialect="sqlite", db=str(db))
    now = time.time() - 7200
    handle(store, turn(0, now))
    restart = [
        ActionExecuted("action_session_start", timestamp=now + 100),
        SessionStarted(timestamp=now + 100.1),
        ActionExecuted("action_listen", timestamp=now + 100.2),
    ]
    handle(store, restart + turn(1, now + 101))
    handle(store, turn(2, now + 102))
    texts = [name for kind, name, _ in stored_events(db) if kind in ("user", "bot")]
    assert texts == ["question 0", "answer 0", "question 1", "answer 1", "question 2", "answer 2"]
    latest = asyncio.run(store.retrieve(SENDER))
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["question 1", "question 2"]


def test_it_reads_a_conversation_exactly_as_rasas_store_does(tmp_path):
    db = tmp_path / "tracker.db"
    rasa_store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    now = time.time() - 600
    for n in range(3):
        handle(rasa_store, turn(n, now + n))
    ours = asyncio.run(ConversationStore(DOMAIN, dialect="sqlite", db=str(db)).retrieve(SENDER))
    theirs = asyncio.run(rasa_store.retrieve(SENDER))
    assert ours.current_state(EventVerbosity.ALL) == theirs.current_state(EventVerbosity.ALL)
    assert ours.get_slot("last_topic") == "ask_trust"
    # and Rasa's store reads what this one wrote
    handle(ConversationStore(DOMAIN, dialect="sqlite", db=str(db)), turn(3, now + 3))
    assert [name for kind, name, _ in stored_events(db) if kind == "user"] == [f"question {n}" for n in range(4)]


def test_a_conversation_saved_twice_by_one_request_is_stored_once(tmp_path):
    # Some of Rasa's HTTP API routes save the same tracker more than once.
    db = tmp_path / "tracker.db"
    store = ConversationStore(DOMAIN, dialect="sqlite", db=str(db))
    now = time.time() - 600
    handle(store, turn(0, now))

    async def twice():
        tracker = await store.get_or_create_tracker(SENDER)
        for event in turn(1, now + 1):
            tracker.update(event)
        await store.save(tracker)
        for event in turn(2, now + 2):
            tracker.update(event)
        await store.save(tracker)

    asyncio.run(twice())
    assert [name for kind, name, _ in stored_events(db) if kind == "user"] == ["question 0", "question 1", "question 2"]


# --- Long conversations: the latest turns and the slots --------------------


def long_conversation(store, turns: int, now: float, before=()):
    """A session start, `before` (events), then `turns` turns."""
    start = [
        ActionExecuted("action_session_start", timestamp=now - 1),
        SessionStarted(timestamp=now - 0.9),
        ActionExecuted("action_listen", timestamp=now - 0.8),
    ]
    handle(store, start + list(before))
    for n in range(turns):
        handle(store, turn(n, now + n))


def rasas_read(db):
    return asyncio.run(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db)).retrieve(SENDER))


def test_the_latest_turns_hold_what_the_risk_check_reads(tmp_path):
    assert RECENT_TURNS >= FEWEST_RECENT_TURNS >= CONTEXT_TURNS
    with pytest.raises(ValueError, match="recent_turns"):
        ConversationStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"), recent_turns=2)


def test_a_long_conversation_is_read_as_its_latest_turns_after_the_slots(tmp_path):
    db = tmp_path / "tracker.db"
    store = ConversationStore(DOMAIN, dialect="sqlite", db=str(db))
    now = time.time() - 3600
    escalated = [SlotSet("crisis_escalated", True, timestamp=now - 0.5)]
    long_conversation(store, 40, now, escalated)
    ours, theirs = asyncio.run(store.retrieve(SENDER)), rasas_read(db)
    assert ours.current_slot_values() == theirs.current_slot_values()
    assert ours.get_slot("crisis_escalated") is True
    users = [e.text for e in ours.events if isinstance(e, UserUttered)]
    assert users == [f"question {n}" for n in range(40 - RECENT_TURNS, 40)]
    # the same latest turns, event for event, after the slots' values
    window = len(users) * 5 + 1
    assert list(ours.events)[-window:] == list(theirs.events)[-window:]
    assert all(isinstance(e, SlotSet) for e in list(ours.events)[:-window])
    # the same size at 40 turns as at 120
    for n in range(40, 120):
        handle(store, turn(n, now + n))
    assert len(asyncio.run(store.retrieve(SENDER)).events) == len(ours.events)


def test_a_long_conversation_is_stored_once_each_turn_however_often_it_is_saved(tmp_path):
    db = tmp_path / "tracker.db"
    store = ConversationStore(DOMAIN, dialect="sqlite", db=str(db))
    now = time.time() - 3600
    long_conversation(store, 30, now)

    async def twice():
        tracker = await store.get_or_create_tracker(SENDER)
        for n in (30, 31):
            for event in turn(n, now + n):
                tracker.update(event)
            await store.save(tracker)

    asyncio.run(twice())
    handle(store, turn(32, now + 32))
    users = [name for kind, name, _ in stored_events(db) if kind == "user"]
    assert users == [f"question {n}" for n in range(33)]
    assert len(stored_events(db)) == 1 + 3 + 33 * 5  # the new tracker's action_listen, the session start


@pytest.mark.parametrize(
    "event",
    [AllSlotsReset(), Restarted(), ConversationPaused(), FollowupAction("action_small_talk")],
    ids=["slots-reset", "restart", "pause", "follow-up"],
)
def test_a_session_with_more_than_slots_before_its_latest_turns_is_read_whole(tmp_path, event):
    db = tmp_path / "tracker.db"
    store = ConversationStore(DOMAIN, dialect="sqlite", db=str(db))
    now = time.time() - 3600
    event.timestamp = now - 0.5
    long_conversation(store, 20, now, [SlotSet("crisis_escalated", True, timestamp=now - 0.6), event])
    ours = asyncio.run(store.retrieve(SENDER))
    assert ours.current_state(EventVerbosity.ALL) == rasas_read(db).current_state(EventVerbosity.ALL)


def test_latest_turns_without_a_reply_are_read_with_the_whole_session(tmp_path):
    # The automated-assistant notice looks back to the last reply or the session start.
    db = tmp_path / "tracker.db"
    store = ConversationStore(DOMAIN, dialect="sqlite", db=str(db))
    now = time.time() - 3600
    long_conversation(store, 3, now)
    for n in range(3, 3 + RECENT_TURNS):
        handle(store, [e for e in turn(n, now + n) if not isinstance(e, BotUttered)])
    ours = asyncio.run(store.retrieve(SENDER))
    assert ours.current_state(EventVerbosity.ALL) == rasas_read(db).current_state(EventVerbosity.ALL)


@pytest.mark.slow
def test_on_postgresql_two_servers_taking_turns_in_a_long_conversation_read_its_latest_turns():
    from tests.test_scale import DB_NAME, DB_USER, Postgres

    postgres = Postgres()
    try:
        settings = dict(dialect="postgresql", host="127.0.0.1", port=postgres.port, db=DB_NAME, username=DB_USER)
        servers = [ConversationStore(DOMAIN, password=postgres.password, **settings) for _ in range(2)]
        now = time.time() - 3600
        long_conversation(servers[0], 1, now, [SlotSet("crisis_escalated", True, timestamp=now - 0.5)])
        for n in range(1, 30):
            handle(servers[n % 2], turn(n, now + n))
        rasas = SQLTrackerStore(DOMAIN, password=postgres.password, **settings)
        ours, theirs = asyncio.run(servers[0].retrieve(SENDER)), asyncio.run(rasas.retrieve(SENDER))
        assert getattr(ours, WINDOWED, False)
        assert ours.current_slot_values() == theirs.current_slot_values()
        assert ours.get_slot("crisis_escalated") is True
        assert list(ours.events)[-RECENT_TURNS * 5 :] == list(theirs.events)[-RECENT_TURNS * 5 :]
        texts = [e.text for e in asyncio.run(rasas.retrieve_full_tracker(SENDER)).events if isinstance(e, UserUttered)]
        assert texts == [f"question {n}" for n in range(30)]
        for store in [*servers, rasas]:
            store.engine.dispose()
    finally:
        postgres.stop()
