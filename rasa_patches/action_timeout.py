"""How long the Rasa server waits for the action server.

Rasa 3.6 waits up to five minutes for a custom action (a constant,
rasa.core.constants.DEFAULT_REQUEST_TIMEOUT, not a setting). A visitor would see
nothing for that long while a hung action server holds their conversation. With
a short wait the action fails, Rasa's own fallback rules reply instead
("I can't answer right now", or the crisis resources), and the conversation
goes on. ACTION_SERVER_TIMEOUT (seconds, default 8) sets it.
"""

import logging
import os

import rasa.core.actions.action

from rasa_patches.version import require_written_for_version

logger = logging.getLogger(__name__)
DEFAULT_SECONDS = 8.0


def seconds_from_environment() -> float:
    raw = os.environ.get("ACTION_SERVER_TIMEOUT", "").strip()
    try:
        seconds = float(raw) if raw else DEFAULT_SECONDS
    except ValueError:
        seconds = 0
    if seconds <= 0:
        logger.warning("ACTION_SERVER_TIMEOUT must be a positive number of seconds; using %s", DEFAULT_SECONDS)
        return DEFAULT_SECONDS
    return seconds


def install() -> None:
    require_written_for_version("action_timeout")
    # RemoteAction.run reads this module-level name on every call.
    rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT = seconds_from_environment()


def installed() -> bool:
    return rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT == seconds_from_environment()
