"""Rasa's Slack channel with signed requests checked before Rasa reads them.

Rasa 3.6's SlackInput checks the signature, then assumes the body is what
Slack sends: a JSON body that is not an object, an `event` that is not an
object, a `text` that is not a string or `authed_users` that is not a list
answer HTTP 500, and so does any form-encoded body that is not a supported
interaction (Rasa answers 500 on purpose). A message event without a user is
answered under the shared conversation id "" (every such sender in one
conversation). Here a signed request like that gets 400, a message over
MAX_MESSAGE_LENGTH gets 413 (Slack itself stops at 40,000 characters), half a
UTF-16 pair in a text is replaced (channels/checks.py), and everything else
goes to Rasa's handler unchanged. Unsigned requests are left
to Rasa, which refuses them. Registered under the same name: the URL stays
/webhooks/slack/webhook.
"""

import json
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.slack import SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.checks import MAX_MESSAGE_LENGTH, check_webhook_posts, is_valid_id, valid_unicode
from channels.failure import replying_on_failure
from channels.rate_limit import limiting_senders

MALFORMED = (AttributeError, IndexError, KeyError, TypeError, ValueError)


class CheckedSlackInput(SlackInput):
    @classmethod
    def name(cls) -> Text:
        return "slack"

    def _event_problem(self, request: Request) -> Optional[HTTPResponse]:
        body = request.json  # not JSON at all: Sanic answers 400
        if not isinstance(body, dict):
            return response.text("The body must be a JSON object.", status=400)
        event: Dict[Text, Any] = body.get("event", {})
        if not isinstance(event, dict) or (body.get("type") == "event_callback" and not event):
            return response.text("'event' must be an object.", status=400)
        try:
            users = self.get_metadata(request)["users"]  # from authed_users / authorizations
        except MALFORMED:
            users = None
        if not isinstance(users, list):
            return response.text("'authed_users' or 'authorizations' is malformed.", status=400)
        if not self._is_user_message(body):
            return None  # Rasa skips it (a bot's message, an edit, a URL check)
        if not isinstance(event.get("text"), str):
            return response.text("'event.text' must be a string.", status=400)
        if not is_valid_id(event.get("user")) or not is_valid_id(event.get("channel")):
            return response.text("A message event needs 'user' and 'channel'.", status=400)
        if len(event["text"]) > MAX_MESSAGE_LENGTH:
            return response.text(f"'event.text' must be at most {MAX_MESSAGE_LENGTH} characters.", status=413)
        event["text"] = valid_unicode(event["text"])  # Rasa's handler reads this same parsed body
        return None

    def _interaction_problem(self, request: Request) -> Optional[HTTPResponse]:
        try:
            payload = json.loads(request.form["payload"][0])
            if not self._is_interactive_message(payload):
                return response.text("Not an interaction this bot handles.", status=400)
            if not is_valid_id(payload["user"]["id"]):
                raise ValueError("no user")
            value = self._get_interactive_response(payload["actions"][0])
            if value is not None and not isinstance(value, str):
                raise TypeError("not text")
            self.get_metadata(request)
        except MALFORMED:
            return response.text("'payload' must be a Slack interaction in JSON.", status=400)
        return None

    async def _request_problem(self, request: Request) -> Optional[HTTPResponse]:
        if not self.is_request_from_slack_authentic(request):
            return None  # Rasa's handler refuses it
        # The same content types, compared the same way, as Rasa's handler.
        content_type = request.headers.get("content-type")
        if content_type == "application/json":
            return self._event_problem(request)
        if content_type == "application/x-www-form-urlencoded":
            return self._interaction_problem(request)
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return check_webhook_posts(
            super().blueprint(limiting_senders("slack", replying_on_failure(on_new_message))), self._request_problem
        )
