"""Keeps visitors' words out of the Rasa server's logs above DEBUG.

Rasa 3.6 logs the message text with some warnings and errors (for example
"rest.message.received.failure" whenever a REST message fails). Its own
redaction hook is a Rasa Pro feature. This structlog processor, placed first,
replaces those fields with "[redacted]" at INFO and above; DEBUG logs, which a
developer turns on by hand, keep them.

Rasa's structured tracebacks also list every frame's local variables, among
them the message text ("rest.message.received.failure" when a store is down).
Above DEBUG a traceback is written here as plain text instead: file, line and
code of each frame, no values.

Rasa configures structlog when its command line starts
(rasa.utils.log_utils.configure_structlog, called from rasa/__main__.py), after
the launcher installs this: so the redaction goes first in the configuration
in force now and in every configuration Rasa makes later.
"""

import functools
import sys
import traceback
from typing import Any, Callable, Dict

import rasa.utils.log_utils
import structlog

from rasa_patches.version import require_written_for_version

# The fields Rasa's own anonymiser treats as visitor data (rasa/utils/log_utils.py).
VISITOR_DATA_KEYS = (
    "text",
    "response_text",
    "user_text",
    "slot_values",
    "parse_data_text",
    "parse_data_entities",
    "prediction_events",
    "tracker_latest_message",
    "prefilled_slots",
    "message",
    "response",
    "slot_candidates",
    "rasa_event",
    "rasa_events",
    "tracker_states",
    "current_states",
    "old_states",
    "successes",
    "current_entity",
    "next_entity",
    "states",
    "entity",
    "token_text",
    "user_message",
    "json_message",
)
REDACTED = "[redacted]"


def redact_visitor_data(_: Any, method_name: str, event_dict: Dict[str, Any]) -> Dict[str, Any]:
    if method_name != "debug":
        for key in VISITOR_DATA_KEYS:
            if key in event_dict:
                event_dict[key] = REDACTED
        _traceback_without_locals(method_name, event_dict)
    return event_dict


def _traceback_without_locals(method_name: str, event_dict: Dict[str, Any]) -> None:
    exc_info = event_dict.get("exc_info", method_name == "exception")
    if exc_info is True:
        exc_info = sys.exc_info()
    elif isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    if isinstance(exc_info, tuple) and exc_info[0] is not None:
        event_dict["exception"] = "".join(traceback.format_exception(*exc_info))
    if exc_info:
        event_dict["exc_info"] = False  # nothing left for Rasa's renderers, which would add the locals


def _put_redaction_first() -> None:
    processors = list(structlog.get_config()["processors"])
    if redact_visitor_data not in processors:
        structlog.configure(processors=[redact_visitor_data, *processors])


def _redacting(configure_structlog: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(configure_structlog)
    def configure_structlog_then_redact(*args: Any, **kwargs: Any) -> None:
        configure_structlog(*args, **kwargs)
        _put_redaction_first()

    configure_structlog_then_redact.redacts = True  # type: ignore[attr-defined]
    return configure_structlog_then_redact


def install() -> None:
    require_written_for_version("log_privacy")
    if not getattr(rasa.utils.log_utils.configure_structlog, "redacts", False):
        rasa.utils.log_utils.configure_structlog = _redacting(rasa.utils.log_utils.configure_structlog)
    # rasa/__main__.py imports the function by name: replace its copy too, if it is loaded already.
    rasa_main = sys.modules.get("rasa.__main__")
    if rasa_main is not None:
        rasa_main.configure_structlog = rasa.utils.log_utils.configure_structlog  # type: ignore[attr-defined]
    _put_redaction_first()


def installed() -> bool:
    return (
        getattr(rasa.utils.log_utils.configure_structlog, "redacts", False)
        and redact_visitor_data in structlog.get_config()["processors"]
    )
