"""The conversation store: Rasa's SQL tracker store, doing less per message.

Same tables, same rows and same results as Rasa's SQLTrackerStore (`type: SQL`),
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
"""

import itertools
import json
from functools import lru_cache
from typing import Any, Dict, Iterator, Optional, Text, Type

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.utils.common import all_subclasses

# On a tracker read from the store: how many of its events are stored already.
# Removed after the first save, so that a second save of the same tracker
# counts again as Rasa does (its events may then span a new session).
STORED_EVENTS = "_conversation_store_events"


class ConversationStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            # One process, one event loop: a pooled connection is only ever
            # used by one session at a time.
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            rows = (
                self._event_query(session, sender_id, fetch_events_from_all_sessions)
                .with_entities(self.SQLEvent.data)
                .all()
            )
        if not self.domain or not rows:
            return None
        events = [event for event in (event_from_dict(json.loads(data)) for (data,) in rows) if event]
        tracker = DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            setattr(tracker, STORED_EVENTS, len(rows))
        return tracker

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
        delattr(tracker, STORED_EVENTS)
        return itertools.islice(tracker.events, stored, len(tracker.events))


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
