"""What the checked channels accept, and the reply to what they can't read.

Shared by channels/rest.py, socketio.py, slack.py and telegram.py.
"""

import re
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from practice import content, crisis_resources

# Far above what a person types (the widget allows 2,000 characters, Telegram
# 4,096, Slack 40,000) and still answered in well under a second. A longer
# message would hold the server for seconds (1 MB: ~10 s of NLU) and run into
# the action server's timeout.
MAX_MESSAGE_LENGTH = 100_000

# The tracker store's sender_id column is 255 characters wide.
MAX_SENDER_LENGTH = 255


# JSON may carry half of a UTF-16 pair (\ud800 in the JSON text): valid JSON,
# not valid Unicode. spaCy fails on it, and Rasa's REST channel then logs the
# whole message at ERROR level and answers nothing; the SQL tracker store
# fails on it in a sender id. (Whole pairs arrive decoded, as one character.)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """The text with each lone surrogate replaced by U+FFFD, the replacement character."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def is_valid_id(value: object) -> bool:
    """A sender or conversation id the tracker store can keep."""
    return (
        isinstance(value, str)
        and bool(value.strip())
        and len(value) <= MAX_SENDER_LENGTH
        and valid_unicode(value) == value
    )


@lru_cache(maxsize=1)
def lexicon_detector() -> Any:
    """The risk lexicon (safety/risk_detector.py), for the channels' own replies:
    the failure reply and the message limits. Loaded on first use."""
    from safety.risk_detector import RiskDetector

    return RiskDetector.load()


def unreadable_reply() -> Tuple[str, List[Dict[str, str]], str]:
    """The bot's own reply to input it can't read (content/answers.yml), with the
    topic menu, and the crisis line that ends every reply that is not an answer."""
    practice = content.practice()
    text = content.answers()["small_talk"]["unreadable"].format(practice=practice["name"], **practice)
    return text, content.menu_buttons(), crisis_resources.safety_line()


RequestCheck = Callable[[Request], Awaitable[Optional[HTTPResponse]]]


def check_webhook_posts(webhook: Blueprint, check: RequestCheck) -> Blueprint:
    """Runs `check` on each POST to the channel's /webhook before Rasa's handler:
    a response it returns (a 4xx) is sent instead; None lets Rasa handle it."""

    @webhook.middleware("request")
    async def refuse_malformed(request: Request) -> Optional[HTTPResponse]:
        if request.method != "POST" or not request.path.endswith("/webhook"):
            return None
        return await check(request)

    return webhook
