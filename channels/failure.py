"""The reply a visitor gets when Rasa fails while handling their message.

Rasa 3.6's channels log such an error and send nothing: REST answers 200 with
an empty list, socket.io stays silent. That happens, for instance, when the
database of the conversations or the Redis of the locks has gone away after
start-up. Silence is the worst answer for someone in crisis, so every checked
channel wraps Rasa's message handler with `replying_on_failure`: the visitor
gets Rasa's own apology from domain.yml (naming the practice's phone), or the
fail-closed crisis reply when the risk detector reads a risk in the message
(or cannot be run), counted as a crisis referral (practice/referrals.py). The
error then goes on to Rasa's own handling and log.
"""

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional

import yaml
from rasa.core.channels.channel import UserMessage

from channels.checks import lexicon_detector
from practice import referrals

ROOT = Path(__file__).resolve().parent.parent
APOLOGY, CRISIS = "utter_cannot_answer", "utter_crisis_fallback"

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _replies() -> Dict[str, str]:
    from components.practice_responses import practice_variables

    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    return {name: responses[name][0]["text"].format(**practice_variables()) for name in (APOLOGY, CRISIS)}


def failure_reply(text: Any, channel: Optional[str] = None) -> str:
    try:
        risk = lexicon_detector().assess(text if isinstance(text, str) else "")
        is_risk, category = risk.is_hard, risk.category
    except Exception:  # noqa: BLE001 - without a verdict, fail closed
        is_risk, category = True, None
    if is_risk:
        referrals.record(category, "hard", referrals.CHANNEL_FAILURE, channel)
    return _replies()[CRISIS if is_risk else APOLOGY]


def replying_on_failure(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
) -> Callable[[UserMessage], Awaitable[Any]]:
    async def handle(message: UserMessage) -> None:
        try:
            await on_new_message(message)
        except Exception:
            try:
                await message.output_channel.send_text_message(
                    message.sender_id, failure_reply(message.text, message.input_channel)
                )
            except Exception as error:  # noqa: BLE001 - e.g. the channel's own API is down
                logger.warning(
                    "Could not send the failure reply on %s: %s", message.input_channel, type(error).__name__
                )
            raise

    return handle
