"""The automated-assistant notice: the first reply of every conversation
session says that this is an automated assistant, not a person and not a
therapist (New York GBL §1702, California SB 243, EU AI Act Art. 50).

Both servers use it: the action server before its first reply of a session
(actions/replies.py), Rasa itself before its own apology when the action
server cannot answer (components/practice_responses.py). A crisis reply is
never delayed or preceded by it: it says so itself.
"""

from typing import Iterable

from practice import content

SESSION_STARTED, BOT = "session_started", "bot"


def first_reply_of_session(event_types_newest_first: Iterable[str]) -> bool:
    """True when nothing was said to the visitor since the session started.

    Reads the conversation's event types from the newest back to the start of
    the session, so its cost does not grow with older sessions. A tracker
    without a session start (never so on a real server) gets no notice."""
    for event_type in event_types_newest_first:
        if event_type == BOT:
            return False
        if event_type == SESSION_STARTED:
            return True
    return False


def text() -> str:
    notice = content.answers()["assistant_notice"]
    return notice["text"].format(practice=content.practice()["name"])


def already_said_in(reply: str) -> bool:
    """Replies that say it themselves (the greeting, "are you a bot?") need no notice before them."""
    return content.answers()["assistant_notice"]["said_by"] in (reply or "")
