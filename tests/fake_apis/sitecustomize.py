"""Test-only: points Slack's and Telegram's client libraries at local fakes.

Put this folder on PYTHONPATH of a server under test and set FAKE_SLACK_API /
FAKE_TELEGRAM_API: Python imports sitecustomize at start-up, and the real
connectors (Rasa's slack and telegram channels) then talk HTTP to the fake
API servers of tests/test_channels.py instead of slack.com / telegram.org.
This is the only thing replaced: the edge of the system.
"""

import os

if os.environ.get("FAKE_SLACK_API"):
    from slack_sdk.web.async_client import AsyncWebClient

    _slack_init = AsyncWebClient.__init__

    def _slack_init_with_fake(self, *args, **kwargs):
        kwargs["base_url"] = os.environ["FAKE_SLACK_API"]
        _slack_init(self, *args, **kwargs)

    AsyncWebClient.__init__ = _slack_init_with_fake

if os.environ.get("FAKE_TELEGRAM_API"):
    from aiogram.bot.api import TelegramAPIServer
    from aiogram.bot.base import BaseBot

    _telegram_init = BaseBot.__init__

    def _telegram_init_with_fake(self, *args, **kwargs):
        kwargs["server"] = TelegramAPIServer.from_base(os.environ["FAKE_TELEGRAM_API"])
        _telegram_init(self, *args, **kwargs)

    BaseBot.__init__ = _telegram_init_with_fake
