"""Message limits per visitor and per client address: one sender cannot slow
everyone else down (every message makes its conversation, and so the next
message, dearer).

RATE_LIMIT_PER_SENDER (default 30) and RATE_LIMIT_PER_IP (default 600) are
messages per minute; 0 turns a limit off. Nobody typing reaches 30 a minute,
and a clinic whose visitors share one address stays far below 600. Counted in
a moving window by the `limits` library: in Redis when REDIS_HOST is set (the
REDIS_* settings of the lock store), so that several servers share the
counts; in memory otherwise. If Redis fails, messages go through (fail open).

Over a limit, a message is not handed to Rasa: REST answers 429 with
Retry-After, the widget (socket.io) gets "please wait a moment" with the
crisis line, Slack and Telegram get no reply. Except a risk message: when the
risk lexicon reads any risk in it, it goes to Rasa and gets the crisis reply.
The per-address limit applies where the visitor's own address is seen (REST,
socket.io); Slack and Telegram messages all come from their servers.
"""

import logging
import math
import os
import time
from functools import lru_cache
from typing import Any, Awaitable, Callable, List, Mapping, Optional
from urllib.parse import quote

from limits import RateLimitItemPerMinute, storage, strategies
from rasa.core.channels.channel import UserMessage

from practice import content, crisis_resources

logger = logging.getLogger(__name__)
DEFAULT_PER_SENDER, DEFAULT_PER_IP = 30, 600


class RateLimitSettingError(ValueError):
    pass


def _per_minute(env: Mapping[str, str], name: str, default: int) -> Optional[RateLimitItemPerMinute]:
    raw = env.get(name, "").strip() or str(default)
    if not raw.isdigit():
        raise RateLimitSettingError(f"{name} must be a whole number of messages per minute (0 = no limit), got {raw!r}")
    return RateLimitItemPerMinute(int(raw)) if int(raw) else None


def storage_uri(env: Mapping[str, str]) -> str:
    if not env.get("REDIS_HOST"):
        return "memory://"
    password = env.get("REDIS_PASSWORD")
    auth = f":{quote(password, safe='')}@" if password else ""
    return f"redis://{auth}{env['REDIS_HOST']}:{env.get('REDIS_PORT') or 6379}/{env.get('REDIS_DB') or 1}"


class MessageLimits:
    def __init__(self, env: Mapping[str, str]) -> None:
        self.per_sender = _per_minute(env, "RATE_LIMIT_PER_SENDER", DEFAULT_PER_SENDER)
        self.per_address = _per_minute(env, "RATE_LIMIT_PER_IP", DEFAULT_PER_IP)
        # Held here: the limiter keeps only a weak reference to its storage.
        self.counts = storage.storage_from_string(storage_uri(env))
        self.limiter = strategies.MovingWindowRateLimiter(self.counts)

    def _wait(self, item: Optional[RateLimitItemPerMinute], *key: str) -> int:
        """Counts the message; 0 if it is within the limit, else the seconds until it would be."""
        if item is None or not key[-1] or self.limiter.hit(item, *key):
            return 0
        reset, _ = self.limiter.get_window_stats(item, *key)
        return max(1, math.ceil(reset - time.time()))

    def wait_before(self, channel: str, sender: Optional[str], address: Optional[str], text: Any) -> int:
        """0 when the message may go to Rasa; otherwise the seconds to wait."""
        try:
            wait = max(
                self._wait(self.per_sender, "sender", channel, sender or ""),
                self._wait(self.per_address, "address", address or ""),
            )
        except Exception as error:  # noqa: BLE001 - counts unavailable: answer rather than refuse
            logger.warning("Message limits unavailable (%s): message let through", type(error).__name__)
            return 0
        if wait and is_risk(text):
            logger.info("A message over the %s limit shows risk: let through for the crisis reply", channel)
            return 0
        return wait


@lru_cache(maxsize=1)
def message_limits() -> MessageLimits:
    """The server's limits, from its environment (read once, at start-up)."""
    return MessageLimits(os.environ)


def is_risk(text: Any) -> bool:
    from channels.checks import lexicon_detector

    try:
        return lexicon_detector().assess(text if isinstance(text, str) else "").tier != "none"
    except Exception:  # noqa: BLE001 - without a verdict, let it through
        return True


def slow_down_texts() -> List[str]:
    """The reply to a message over a limit, ending with the crisis line as every non-answer does."""
    return [content.answers()["rate_limited"], crisis_resources.safety_line()]


def limiting_senders(
    channel: str, on_new_message: Callable[[UserMessage], Awaitable[Any]]
) -> Callable[[UserMessage], Awaitable[Any]]:
    """For Slack and Telegram: a message over the per-sender limit gets no reply."""
    limits = message_limits()

    async def handle(message: UserMessage) -> None:
        if limits.wait_before(channel, message.sender_id, None, message.text):
            return
        await on_new_message(message)

    return handle
