"""Rasa's Telegram channel with a working HTTP session after start-up, and
updates checked before Rasa reads them.

Start-up: Rasa 3.6 registers the webhook with `asyncio.run(set_webhook(...))`.
That creates aiogram's HTTP session on a temporary event loop which is then
closed, so the first reply to a real message fails with "Event loop is
closed" (found by tests/test_channels.py). Here the session is closed inside
that same temporary loop, and aiogram opens a fresh one on the server's loop.

Updates: Rasa's webhook answers HTTP 500 (and Telegram then re-sends the
update again and again) for a body that is not an update object, a message
without a chat or with a `text` that is not a string, and for every update
that carries no message at all, such as the `my_chat_member` update Telegram
sends when a visitor blocks the bot. It stays silent on a message without
text (a photo, a sticker, a voice note), and raises, so answers 500, when
Telegram refuses a reply. Here a malformed update gets 400, a text over
MAX_MESSAGE_LENGTH 413 (Telegram itself stops at 4,096 characters), an update
with nothing to answer 200, a message without text the bot's "I couldn't
read that message" reply, and a failed reply is logged and answered 200.
Half a UTF-16 pair in a text is replaced (channels/checks.py).

Registered under the same name: the URL stays /webhooks/telegram/webhook.
"""

import asyncio
import json
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from aiogram.types import Update
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.checks import MAX_MESSAGE_LENGTH, check_webhook_posts, valid_unicode
from channels.failure import replying_on_failure
from channels.rate_limit import limiting_senders


def _text_holder(update: Dict[Text, Any]) -> Tuple[Any, Any, Text]:
    """(the message Rasa answers, the object with the text it reads, the text's key), found as Rasa does."""
    if update.get("callback_query") is not None:
        return update["callback_query"].get("message"), update["callback_query"], "data"
    message = update.get("edited_message") if update.get("edited_message") is not None else update.get("message")
    return message, message, "text"


async def _request_problem(request: Request) -> Optional[HTTPResponse]:
    update = request.json  # not JSON at all: Sanic answers 400
    if isinstance(update, str):  # Rasa accepts an update sent as a JSON string
        try:
            update = json.loads(update)
        except ValueError:
            return response.text("The body must be a Telegram update.", status=400)
    request.parsed_json = update  # what Rasa's handler reads, with any change made above
    return _update_problem(update)


def _update_problem(update: Any) -> Optional[HTTPResponse]:
    """A response for an update Rasa would fail on or leave unanswered; None to let Rasa answer it."""
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int) or len(update) < 2:
        return response.text("The body must be a Telegram update.", status=400)
    try:
        Update(**update)  # aiogram reads every part Rasa will
        message, holder, key = _text_holder(update)
        text = holder.get(key) if holder is not None else None
    except (AttributeError, TypeError, ValueError):
        return response.text("The body must be a Telegram update.", status=400)
    if message is None:
        return response.text("success")  # nothing to answer (e.g. the visitor blocked the bot)
    chat = message.get("chat")
    if not isinstance(chat, dict) or type(chat.get("id")) is not int:
        return response.text("The message must have a chat with a numeric id.", status=400)
    if text is None and "location" not in message:
        if holder is not update.get("message"):
            return response.text("success")  # an edit without text, a button without data: nothing to answer
        text = ""  # a photo, sticker or voice note: Rasa then sends the bot's "couldn't read" reply
    if text is not None and not isinstance(text, str):
        return response.text(f"'{key}' must be a string.", status=400)
    if text is not None and len(text) > MAX_MESSAGE_LENGTH:
        return response.text(f"'{key}' must be at most {MAX_MESSAGE_LENGTH} characters.", status=413)
    if text is not None:
        holder[key] = valid_unicode(text)  # Rasa's handler reads this same parsed update
    return None


class CheckedTelegramInput(TelegramInput):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Rasa re-raises an error while answering when debug_mode is on (its
        # default), so a reply Telegram refuses became HTTP 500 and a re-sent update.
        self.debug_mode = False

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return check_webhook_posts(
            super().blueprint(limiting_senders("telegram", replying_on_failure(on_new_message))), _request_problem
        )

    def get_output_channel(self) -> TelegramOutput:
        channel = TelegramOutput(self.access_token)

        async def register_webhook() -> None:
            try:
                await channel.set_webhook(url=self.webhook_url)
            finally:
                await channel.session.close()

        try:
            asyncio.run(register_webhook())
        except TelegramAPIError as error:
            raise RasaException("Failed to set channel webhook: " + str(error)) from error
        return channel
