"""Rasa's REST channel with the request body checked before it is used.

Rasa 3.6's RestInput answers HTTP 500 when the JSON body is not an object
(`[1, 2]`), and files a message without a sender under the shared id
"default", mixing strangers' conversations. A `metadata` that is not an object
fails while the message is processed, and Rasa then logs the message text at
ERROR level and answers nothing; so does a message with half a UTF-16 pair
(channels/checks.py). A 1 MB message holds the server for ~10 s. This channel
answers 400 instead (413 for a message over MAX_MESSAGE_LENGTH), and is
registered under the same name, so the URL stays /webhooks/rest/webhook.
When Rasa fails while handling a message, the visitor gets an apology or the
crisis reply instead of an empty list (channels/failure.py). A message over
the per-visitor or per-address limit gets HTTP 429 with Retry-After, unless it
shows risk (channels/rate_limit.py).
"""

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage as BadRequest  # HTTP 400 in Sanic 21
from sanic.exceptions import PayloadTooLarge  # HTTP 413
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.checks import MAX_MESSAGE_LENGTH, check_webhook_posts, is_valid_id, valid_unicode
from channels.failure import replying_on_failure
from channels.rate_limit import message_limits, slow_down_texts


async def _over_limit(request: Request) -> Optional[HTTPResponse]:
    """429 for a message over a limit; None lets the handler answer (or refuse a bad body)."""
    try:
        body = request.json
    except Exception:  # noqa: BLE001 - not JSON: the handler answers 400
        return None
    if not isinstance(body, dict) or not is_valid_id(body.get("sender")):
        return None
    sender = body["sender"]
    wait = message_limits().wait_before("rest", sender, request.remote_addr or request.ip, body.get("message"))
    if not wait:
        return None
    replies = [{"recipient_id": sender, "text": text} for text in slow_down_texts()]
    return response.json(replies, status=429, headers={"Retry-After": str(wait)})


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
        if not is_valid_id(sender):
            raise BadRequest("'sender' must be a non-empty string identifying the conversation.")
        return sender

    def _extract_message(self, request: Request) -> Optional[Text]:
        message = _body(request).get("message")
        if not isinstance(message, str):
            raise BadRequest("'message' must be a string.")
        if len(message) > MAX_MESSAGE_LENGTH:
            raise PayloadTooLarge(f"'message' must be at most {MAX_MESSAGE_LENGTH} characters.")
        return valid_unicode(message)

    def _extract_input_channel(self, request: Request) -> Text:
        input_channel = _body(request).get("input_channel")
        if input_channel is not None and not isinstance(input_channel, str):
            raise BadRequest("'input_channel' must be a string.")
        return input_channel or self.name()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        message_limits()  # a wrong RATE_LIMIT_* setting stops start-up
        return check_webhook_posts(super().blueprint(replying_on_failure(on_new_message)), _over_limit)

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = _body(request).get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise BadRequest("'metadata' must be a JSON object.")
        return metadata
