"""The conversation store: Rasa's SQL tracker store, doing less per message.

Same tables, same rows and same results as Rasa's SQLTrackerStore (`type: SQL`,
plus two indexes),
on SQLite or PostgreSQL, so `make forget-*` and a switch back to `type: SQL`
keep working. Rasa's store was ~45 % of the Rasa server's CPU per message
(`make bench`, docs/performance.md); most of it went to three things:
- SQLite connections: SQLAlchemy 1.4 opens a new SQLite connection for every
  read and every save; here they are pooled, as PostgreSQL's already are.
- reading: the ORM built an object per stored event, and Rasa found each
  event's class by listing all Event subclasses again; here only the JSON
  column is read and classes come from a table built once.
- saving: before each save Rasa counted the stored events with a second query
  to know which are new; a tracker this store has just read knows that count.
  The new rows go in with one INSERT, without building ORM objects.

A message costs the same at the 200th turn as at the first: the tracker read
for a new message holds the visitor's latest turns only (at least
`recent_turns`, 8 by default), after the slots' values as they stood before
them (the slot rows stored last, as they are). Everything after the read
(Rasa's policies and processor, the tracker sent to the action server) then
works on a few turns, and the read itself is a few indexed queries, whatever
the conversation's length. Nothing is stored differently: the rows are
Rasa's, the whole conversation stays in the table (`make forget-*`, the
practice's report, Rasa's HTTP API for a whole tracker read it all), and
the session is still Rasa's (domain.yml session_config). What reads the
tracker sees the same as before:
- the rules (RulePolicy) match the last two turns at most, on the same
  states: the slots at each turn have the same values;
- "tell me more" and the escalation read slots (last_topic,
  crisis_escalated), kept whatever their age;
- the action server's risk check reads the visitor's last 4 turns
  (safety/assessment.py CONTEXT_TURNS), fewer than `recent_turns`;
- the automated-assistant notice looks back to the last reply or the
  session start: a window always holds an earlier reply.
The whole session is read, as Rasa reads it, when it holds fewer turns, when
its earlier part holds an event that changes more than slots (a restart,
a slot reset, a rewind, a form, a pause...), or when the latest turns hold
no reply. The policies must not look further back than `recent_turns`
(RulePolicy does not; a Memoization or TED policy needs max_history below it).
"""

import itertools
import json
import logging
from functools import lru_cache
from typing import Any, Dict, Iterator, List, Optional, Sequence, Text, Type

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.utils.common import all_subclasses

# On a tracker read from the store: how many of its events are stored already.
# Removed after the first save, so that a second save of the same tracker
# counts again as Rasa does (its events may then span a new session).
STORED_EVENTS = "_conversation_store_events"
# On a tracker holding the latest turns only: kept after each save, since
# Rasa's count of the session's stored events does not apply to it.
WINDOWED = "_conversation_store_windowed"
RECENT_TURNS = 8
# The action server's risk check reads the visitor's 4 previous turns
# (safety/assessment.py CONTEXT_TURNS; tests/test_conversation_store.py checks).
FEWEST_RECENT_TURNS = 4
# Rows read first from the end of a session, more when they hold fewer turns.
TAIL_ROWS = 128
# Let each query of a windowed read find its rows directly (extra indexes on
# Rasa's table, created at start-up: Rasa's own store and `make forget-*` work
# as before).
INDEX = "ix_events_sender_type_action_id"
SENDER_INDEX = "ix_events_sender_id_id"  # the latest rows of a session, on PostgreSQL
# Events whose effect on a tracker ends with the next user message or action,
# or that change only slots: before the latest turns, they leave nothing but
# the slots' values. Any other event there (restart, slot reset, rewind, undo,
# form or loop, pause, follow-up...) makes the read take the whole session.
SUMMED_UP = frozenset(
    ("user", "bot", "slot", "action", "user_featurization", "entities", "session_started", "reminder")
    + ("cancel_reminder", "agent", "export")
)

logger = logging.getLogger(__name__)


class ConversationStore(SQLTrackerStore):
    def __init__(self, *args: Any, recent_turns: int = RECENT_TURNS, **kwargs: Any) -> None:
        """recent_turns: the fewest turns a tracker read for a message holds (0: the whole session)."""
        self.recent_turns = int(recent_turns)
        if 0 < self.recent_turns < FEWEST_RECENT_TURNS:
            raise ValueError(f"recent_turns must be 0 or at least {FEWEST_RECENT_TURNS}: the risk check reads them")
        super().__init__(*args, **kwargs)
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            # One process, one event loop: a pooled connection is only ever
            # used by one session at a time.
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        if self.recent_turns:
            self._create_index()

    def _create_index(self) -> None:
        table = self.SQLEvent.__tablename__
        indexes = {INDEX: "sender_id, type_name, action_name, id"}
        if self.engine.dialect.name != "sqlite":  # SQLite's index on sender_id keeps each sender's rows in id order
            indexes[SENDER_INDEX] = "sender_id, id"
        try:
            with self.engine.begin() as connection:
                for name, columns in indexes.items():
                    connection.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})"))
        except sa.exc.SQLAlchemyError as error:  # e.g. another server creating it at the same moment
            logger.warning("Could not create the store's indexes (%s): long conversations read slower.", error)

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            recent = None
            if self.recent_turns and not fetch_events_from_all_sessions:
                recent = self._recent(session, sender_id)
            if recent is None:
                rows = [
                    data
                    for (data,) in self._event_query(session, sender_id, fetch_events_from_all_sessions)
                    .with_entities(self.SQLEvent.data)
                    .all()
                ]
            else:
                rows, windowed = recent
        if not self.domain or not rows:
            return None
        events = [event for event in (event_from_dict(json.loads(data)) for data in rows) if event]
        tracker = DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            setattr(tracker, STORED_EVENTS, len(rows))
            if recent is not None and windowed:
                setattr(tracker, STORED_EVENTS, len(tracker.events))
                setattr(tracker, WINDOWED, True)
        return tracker

    def _recent(self, session: Any, sender_id: Text) -> Optional[tuple]:
        """The latest session's rows (JSON) as a tracker for a new message needs
        them: (rows, True) for the slots' values then the latest turns,
        (rows, False) for the whole session when it is short, None when the
        whole session must be read as Rasa reads it (see the module's doc)."""
        event = self.SQLEvent
        # Core selects, not ORM queries: the same SQL without the ORM's per-query work.
        start = session.execute(
            sa.select(event.id, event.timestamp)
            .where(event.sender_id == sender_id, event.type_name == SessionStarted.type_name)
            .order_by(event.timestamp.desc(), event.id.desc())
            .limit(1)
        ).first()
        in_session = [event.sender_id == sender_id]
        if start is not None:
            in_session += [event.id >= start.id, event.timestamp >= start.timestamp]
        limit = TAIL_ROWS
        while True:
            tail = session.execute(
                sa.select(event.id, event.type_name, event.action_name, event.data)
                .where(*in_session)
                .order_by(event.id.desc())
                .limit(limit)
            ).all()
            first = oldest_kept(tail, self.recent_turns)
            if first is not None or len(tail) < limit:
                break
            limit *= 4
        if first is None or first == len(tail) - 1 and len(tail) < limit:
            return [row.data for row in reversed(tail)], False  # the whole session
        if not any(row.type_name == "bot" for row in tail[: first + 1]):
            return None
        cut = tail[first].id
        before = [*in_session, event.id < cut]
        # `id + 0`: found by type (rare), not by going through the session's ids.
        by_type = [event.sender_id == sender_id, event.type_name.in_(state_changing_types()), event.id + 0 < cut]
        if start is not None:
            by_type += [event.id + 0 >= start.id, event.timestamp >= start.timestamp]
        if session.execute(sa.select(event.id).where(*by_type).limit(1)).first():
            return None
        slots = [
            sa.select(event.id, event.data)
            .where(*before, event.type_name == SlotSet.type_name, event.action_name == slot.name)
            .order_by(event.id.desc())
            .limit(1)
            .subquery()
            for slot in self.domain.slots
        ]
        head = session.execute(sa.union_all(*(sa.select(q.c.id, q.c.data) for q in slots))).all() if slots else []
        return [data for _, data in sorted(head)] + [row.data for row in reversed(tail[: first + 1])], True

    async def save(self, tracker: DialogueStateTracker) -> None:
        # Rasa's save(), the same rows, inserted in one statement.
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = [self._row(tracker.sender_id, event) for event in self._additional_events(session, tracker)]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()

    @staticmethod
    def _row(sender_id: Text, event: Event) -> Dict[Text, Any]:
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        if getattr(tracker, WINDOWED, False):
            setattr(tracker, STORED_EVENTS, len(tracker.events))
        else:
            delattr(tracker, STORED_EVENTS)
        return itertools.islice(tracker.events, stored, len(tracker.events))


def oldest_kept(tail: Sequence[Any], turns: int) -> Optional[int]:
    """In rows newest first: the position of the oldest row of the latest
    `turns` user turns (the action_listen before the turn's user message),
    or None when the rows hold fewer turns."""
    users = 0
    for position, row in enumerate(tail):
        if row.type_name == UserUttered.type_name:
            users += 1
            if users == turns:
                before = tail[position + 1] if position + 1 < len(tail) else None
                is_listen = before is not None and before.type_name == ActionExecuted.type_name
                return position + 1 if is_listen and before.action_name == ACTION_LISTEN_NAME else position
    return None


@lru_cache(maxsize=1)
def state_changing_types() -> List[Text]:
    """The event types that, before the latest turns, change more than slots."""
    return sorted(set(_event_classes()) - SUMMED_UP)


@lru_cache(maxsize=1)
def _event_classes() -> Dict[Text, Type[Event]]:
    classes: Dict[Text, Type[Event]] = {}
    for cls in all_subclasses(Event):  # the first match wins, as in Event.resolve_by_type
        classes.setdefault(cls.type_name, cls)
    return classes


def event_from_dict(data: Dict[Text, Any]) -> Optional[Event]:
    """Event.from_parameters, with the class looked up in a table."""
    cls = _event_classes().get(data.get("event"))
    return cls._from_parameters(data) if cls else Event.from_parameters(data)
