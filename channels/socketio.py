"""Rasa's socket.io channel (the web widget's) that answers what it can't read.

Rasa 3.6's handler for a `user_uttered` event crashes on a payload that is not
an object, a `message` that is not a string, or `metadata` that is not an
object, and ignores a message without a session id: in every case the visitor
waits for a reply that never comes. Here such an event gets the bot's own
"I couldn't read that message" reply and the topic menu (content/answers.yml),
as does a message over MAX_MESSAGE_LENGTH. A malformed `session_request` gets
a new session instead of none, and half a UTF-16 pair in a message is
replaced (channels/checks.py). Rasa's handlers run unchanged for everything
else. Registered under the same name: the socket.io path stays /socket.io.
"""

import json
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels.checks import MAX_MESSAGE_LENGTH, is_valid_id, unreadable_reply, valid_unicode
from channels.failure import replying_on_failure
from channels.rate_limit import MessageLimits, message_limits, slow_down_texts
from practice import notice

# Sanic closes a websocket whose frame is larger than this (its WEBSOCKET_MAX_SIZE).
# engine.io's own limit is slightly lower (1,000,000 bytes) and drops the
# connection silently; raised to Sanic's, a 1 MB message gets the reply instead.
MAX_FRAME_BYTES = 2**20


def _session_id(value: Any) -> Optional[Text]:
    return value if is_valid_id(value) else None


class CheckedSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def _readable(self, data: Any) -> bool:
        if not isinstance(data, dict):
            return False
        if self.session_persistence and not _session_id(data.get("session_id")):
            return False
        message = data.get("message", "")  # Rasa reads a missing message as ""
        if not isinstance(message, str) or len(message) > MAX_MESSAGE_LENGTH:
            return False
        metadata = data.get(self.metadata_key)
        if isinstance(metadata, str):  # Rasa accepts metadata as a JSON string
            try:
                metadata = json.loads(metadata)
            except ValueError:
                return False
        return metadata is None or isinstance(metadata, dict)

    async def _over_limit(self, sid: Text, data: Dict[Text, Any], limits: MessageLimits) -> bool:
        """Over a limit: tells the visitor to wait (the widget shows it) and drops the message."""
        request = (self.sio.get_environ(sid, namespace=self.namespace) or {}).get("sanic.request")
        address = getattr(request, "remote_addr", None) or getattr(request, "ip", None)
        sender = data.get("session_id") or sid
        if not limits.wait_before("socketio", sender, address, data.get("message")):
            return False
        output = SocketIOOutput(self.sio, self.bot_message_evt)
        for text in slow_down_texts():
            await output.send_text_message(sid, text)
        return True

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(replying_on_failure(on_new_message))
        sio = self.sio
        sio.eio.max_http_buffer_size = MAX_FRAME_BYTES
        rasa_handlers = sio.handlers[self.namespace or "/"]
        rasa_session_request = rasa_handlers["session_request"]
        rasa_handle_message = rasa_handlers[self.user_message_evt]

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any = None, *_: Any) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            await rasa_session_request(sid, {"session_id": _session_id(session_id)})

        limits = message_limits()

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any = None, *_: Any) -> None:
            if self._readable(data):
                if await self._over_limit(sid, data, limits):
                    return
                await rasa_handle_message(sid, {**data, "message": valid_unicode(data.get("message", ""))})
                return
            # Not passed to Rasa: answered on this socket only, nothing stored.
            # With no conversation to ask whether the automated-assistant
            # notice went out already, it goes first every time.
            text, buttons, crisis_line = unreadable_reply()
            output = SocketIOOutput(sio, self.bot_message_evt)
            await output.send_text_message(sid, notice.text())
            await output.send_text_with_buttons(sid, text, buttons)
            await output.send_text_message(sid, crisis_line)

        return webhook
