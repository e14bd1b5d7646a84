"""Which channels can render the bot's structured payloads.

The web widget (socket.io) and REST clients get links as a custom payload
under "data". Slack and Telegram would choke on it (Slack's API rejects the
unknown field, and a failed send makes Slack retry the whole event), so
there the text alone goes out; their apps make phone numbers tappable.
"""

from typing import Any, Dict, Optional

from rasa_sdk import Tracker

PAYLOAD_CHANNELS = {"rest", "socketio"}


def payload_for(tracker: Tracker, data: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The custom payload to attach, or None on channels that can't show it."""
    channel = tracker.get_latest_input_channel()
    # No channel recorded (a direct API call, rasa shell): send it, it's harmless.
    if channel and channel not in PAYLOAD_CHANNELS:
        return None
    return {"data": data}
