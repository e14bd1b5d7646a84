"""Slack and Telegram through Rasa's real connectors; only the third-party
HTTP APIs are fakes (local HTTP servers, see tests/fake_apis/ and conftest.py)."""

import hashlib
import hmac
import json
import time
import uuid

import pytest
import requests

from practice import content
from tests.conftest import SIGNING_SECRET  # the fakes and the chat_servers fixture are in conftest.py


def slack_post(bot, text: str, timestamp: int = None, secret: str = SIGNING_SECRET, headers=None, user: str = "U123"):
    body = json.dumps(
        {
            "token": "x",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:8]}",
            "event_time": int(time.time()),
            "event": {
                "type": "message",
                "channel": "D123",
                "user": user,
                "text": text,
                "ts": f"{time.time():.6f}",
                "channel_type": "im",
            },
        }
    )
    timestamp = timestamp or int(time.time())
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return requests.post(
        f"{bot.url}/webhooks/slack/webhook",
        data=body,
        timeout=30,
        headers={
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature,
            **(headers or {}),
        },
    )


def test_telegram_webhook_was_registered_at_start_up(chat_servers, fake_api):
    calls = [c for c in fake_api.calls if c["method"] == "setWebhook"]
    assert calls and calls[0]["body"]["url"] == "https://bot.example.org/webhooks/telegram/webhook"


def test_a_signed_slack_message_gets_the_answer_posted_back(chat_servers, fake_api):
    before = len(fake_api.sent_texts("chat.postMessage"))
    assert slack_post(chat_servers, "How can I build trust with my therapist?").status_code == 200
    texts = fake_api.wait_for("chat.postMessage", before + 1)
    assert content.faq_answer("ask_build_trust") in texts[before:]


@pytest.mark.parametrize("case", ["bad-signature", "stale-timestamp"])
def test_a_slack_request_with_a_bad_or_stale_signature_is_refused(chat_servers, fake_api, case):
    before = len(fake_api.calls)
    if case == "bad-signature":
        response = slack_post(chat_servers, "hi", secret="wrong-secret")
    else:
        response = slack_post(chat_servers, "hi", timestamp=int(time.time()) - 3600)
    assert 400 <= response.status_code < 500
    time.sleep(1)
    assert len(fake_api.calls) == before


def test_a_slack_retry_gets_no_second_reply(chat_servers, fake_api):
    before = len(fake_api.sent_texts("chat.postMessage"))
    response = slack_post(
        chat_servers,
        "Do therapists really care about their clients?",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert response.status_code in (200, 201)
    time.sleep(2)
    assert len(fake_api.sent_texts("chat.postMessage")) == before


def test_a_crisis_message_on_slack_gets_the_resources(chat_servers, fake_api):
    before = len(fake_api.sent_texts("chat.postMessage"))
    slack_post(chat_servers, "i want to kill myself")
    texts = " ".join(fake_api.wait_for("chat.postMessage", before + 3)[before:])
    assert "988" in texts and "911" in texts


def telegram_update(bot, text: str, chat_id: int = 4242):
    update = {
        "update_id": int(time.time() * 1000) % 10**9,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Visitor"},
        },
    }
    return requests.post(f"{bot.url}/webhooks/telegram/webhook", json=update, timeout=30)


def test_a_telegram_message_gets_the_answer_sent_back(chat_servers, fake_api):
    before = len(fake_api.sent_texts("sendMessage"))
    assert telegram_update(chat_servers, "Do therapists really care about their clients?").status_code == 200
    texts = fake_api.wait_for("sendMessage", before + 1)
    assert content.faq_answer("ask_therapists_care") in texts[before:]


def test_a_crisis_message_on_telegram_gets_the_resources(chat_servers, fake_api):
    before = len(fake_api.sent_texts("sendMessage"))
    telegram_update(chat_servers, "i wanna kms", chat_id=777)
    texts = " ".join(fake_api.wait_for("sendMessage", before + 3)[before:])
    assert "988" in texts and "911" in texts
