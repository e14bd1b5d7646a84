"""Rasa's REST channel with the request body checked before it is used.

Rasa 3.6's RestInput answers HTTP 500 when the JSON body is not an object
(`[1, 2]`), and files a message without a sender under the shared id
"default", mixing strangers' conversations. This channel answers 400 instead,
and is registered under the same name, so the URL stays
/webhooks/rest/webhook.
"""
from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage as BadRequest  # HTTP 400 in Sanic 21
from sanic.request import Request

MAX_SENDER_LENGTH = 255


def _body(request: Request) -> Dict[Text, Any]:
    if not isinstance(request.json, dict):
        raise BadRequest("The body must be a JSON object with 'sender' and 'message'.")
    return request.json


class CheckedRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def _extract_sender(self, request: Request) -> Optional[Text]:
        sender = _body(request).get("sender")
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_LENGTH:
            raise BadRequest("'sender' must be a non-empty string identifying the conversation.")
        return sender

    def _extract_message(self, request: Request) -> Optional[Text]:
        message = _body(request).get("message")
        if not isinstance(message, str):
            raise BadRequest("'message' must be a string.")
        return message

    def _extract_input_channel(self, request: Request) -> Text:
        return _body(request).get("input_channel") or self.name()
