"""The automated-assistant notice, with the real Rasa and action servers: the
first reply of a new conversation says that this is an automated assistant,
not a person and not a therapist, on REST, socket.io, Slack and Telegram; the
rest of the conversation does not repeat it; a crisis message sent first still
gets the crisis reply first."""

import uuid

import pytest

from practice import content, notice
from tests.test_channel_input import (
    new_channel,
    new_chat,
    posted_to,
    slack_json,
    slack_signed,
    socket_exchange,
    socket_texts,
    telegram_json,
    telegram_post,
)

QUESTION = "Do therapists really care about their clients?"
CRISIS = "I want to kill myself tonight"


def sender() -> str:
    return f"notice-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def notice_text() -> str:
    return notice.text()


def test_rest_the_first_reply_starts_with_the_notice_and_the_second_does_not(chat_servers, notice_text):
    visitor = sender()
    first = [r["text"] for r in chat_servers.say(visitor, QUESTION)]
    assert first == [notice_text, content.faq_answer("ask_therapists_care")]
    second = [r["text"] for r in chat_servers.say(visitor, "How can I build trust with my therapist?")]
    assert second == [content.faq_answer("ask_build_trust")]


def test_rest_a_crisis_message_first_gets_the_crisis_reply_first(chat_servers, notice_text):
    replies = [r["text"] for r in chat_servers.say(sender(), CRISIS) if r.get("text")]
    assert "988" in replies[0] and "automated assistant" in replies[0]
    assert notice_text not in replies


def test_socketio_the_first_reply_starts_with_the_notice(chat_servers, notice_text):
    replies, _ = socket_exchange(chat_servers, lambda s: {"message": QUESTION, "session_id": s})
    assert socket_texts(replies)[0] == notice_text


def test_socketio_a_crisis_message_first_gets_the_crisis_reply_first(chat_servers, notice_text):
    replies, _ = socket_exchange(chat_servers, lambda s: {"message": CRISIS, "session_id": s})
    texts = socket_texts(replies)
    assert "988" in texts[0] and notice_text not in texts


def test_slack_the_first_reply_starts_with_the_notice(chat_servers, fake_api, notice_text):
    dm = new_channel()
    assert slack_signed(chat_servers, slack_json(dm, text=QUESTION)).status_code == 200
    texts = [body["text"] for body in posted_to(fake_api, "chat.postMessage", "channel", dm, count=2)]
    assert texts[:2] == [notice_text, content.faq_answer("ask_therapists_care")]


def test_telegram_the_first_reply_starts_with_the_notice(chat_servers, fake_api, notice_text):
    chat = new_chat()
    assert telegram_post(chat_servers, telegram_json(chat, text=QUESTION)).status_code == 200
    texts = [body["text"] for body in posted_to(fake_api, "sendMessage", "chat_id", chat, count=2)]
    assert texts[:2] == [notice_text, content.faq_answer("ask_therapists_care")]


def test_telegram_a_crisis_message_first_gets_the_crisis_reply_first(chat_servers, fake_api, notice_text):
    chat = new_chat()
    assert telegram_post(chat_servers, telegram_json(chat, text=CRISIS)).status_code == 200
    texts = [body["text"] for body in posted_to(fake_api, "sendMessage", "chat_id", chat, count=1)]
    assert "988" in texts[0] and notice_text not in texts
