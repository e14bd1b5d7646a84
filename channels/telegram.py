"""Rasa's Telegram channel with a working HTTP session after start-up.

Rasa 3.6 registers the webhook with `asyncio.run(set_webhook(...))`. That
creates aiogram's HTTP session on a temporary event loop which is then
closed, so the first reply to a real message fails with "Event loop is
closed" (found by tests/test_channels.py). Here the session is closed inside
that same temporary loop, and aiogram opens a fresh one on the server's loop.
Registered under the same name: the URL stays /webhooks/telegram/webhook.
"""
import asyncio
from typing import Text

from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import RasaException


class FreshSessionTelegramInput(TelegramInput):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

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
