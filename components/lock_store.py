"""Rasa's Redis lock store, with each change of a conversation's lock made in
one Redis transaction.

Several Rasa servers share a conversation only if one message's turn is over
before the next one starts: a server takes a numbered ticket on the
conversation's lock in Redis and waits for its number. Rasa 3.6's
RedisLockStore reads the lock, changes it and writes it back as separate
commands, so two servers taking a ticket at the same moment can get the same
number (or one can drop the other's ticket while tidying up), and both then
work on the conversation at once: the turn saved last loses the other's
events. tests/test_scale.py showed it with 6 messages sent to two servers at
once. Here every read-change-write runs under WATCH/MULTI/EXEC and is retried
when another server changed the lock in between.

endpoints.yml (written by scripts/endpoints.py when REDIS_HOST is set):
  lock_store:
    type: components.lock_store.AtomicRedisLockStore
    url: <host>
    port: 6379
    db: 1
    password: ${REDIS_PASSWORD}
"""

import json
from typing import Any, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# What a change returns: the lock to store (None: delete it) and a result.
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa builds a lock store named by module path from its endpoint config.
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def _change(self, conversation_id: Text, change: Change) -> Any:
        key = self.key_prefix + conversation_id
        result = []

        def transaction(pipe: Any) -> None:
            stored = pipe.get(key)  # WATCHed: EXEC fails if another server writes the key first
            lock, value = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
            result[:] = [value]
            new = lock.dumps() if lock else None
            pipe.multi()
            if new == (stored.decode() if stored else None):
                return  # unchanged: writing would only make the other servers retry
            if new is None:
                pipe.delete(key)
            else:
                pipe.set(key, new)

        self.red.transaction(transaction, key)  # retries on WatchError
        return result[0]

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, take)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        def tidy(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, tidy)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Gives the ticket back, and deletes the lock if no one else holds a
        ticket: in one step, so a ticket taken meanwhile is never deleted."""

        def give_back(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return (lock if lock and lock.is_someone_waiting() else None), None

        self._change(conversation_id, give_back)
