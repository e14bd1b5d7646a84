"""Message limits (channels/rate_limit.py): a flood from one visitor or one
address is slowed down while everyone else is answered, and a risk message
inside a flood still gets the crisis reply. The counting itself is tested
here in-process (with a real Redis for shared counts); the channels with the
real Rasa and action servers."""

import subprocess
import time
import uuid

import pytest
import requests

from channels.rate_limit import MessageLimits, RateLimitSettingError, storage_uri
from practice import content
from tests.conftest import BASE_ENV, RASA, ROOT, free_port, start_channel_servers
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
from tests.test_scale import Redis

QUESTION = "Do therapists really care about their clients?"
CRISIS = "i want to kill myself"
SLOW_DOWN = content.answers()["rate_limited"]


def limits(per_sender: str = "3", per_ip: str = "0", **env: str) -> MessageLimits:
    return MessageLimits({"RATE_LIMIT_PER_SENDER": per_sender, "RATE_LIMIT_PER_IP": per_ip, **env})


# --- Counting -----------------------------------------------------------------


def test_a_sender_over_the_limit_waits_and_another_sender_does_not():
    counted = limits(per_sender="3")
    waits = [counted.wait_before("rest", "flooder", "10.0.0.1", "hello") for _ in range(5)]
    assert waits[:3] == [0, 0, 0] and all(0 < wait <= 60 for wait in waits[3:])
    assert counted.wait_before("rest", "someone-else", "10.0.0.1", "hello") == 0


def test_an_address_over_its_limit_waits_whoever_sends():
    counted = limits(per_sender="0", per_ip="4")
    waits = [counted.wait_before("socketio", f"visitor-{i}", "10.0.0.2", "hi") for i in range(6)]
    assert waits[:4] == [0, 0, 0, 0] and waits[4] > 0 and waits[5] > 0
    assert counted.wait_before("socketio", "visitor-x", "10.0.0.3", "hi") == 0


def test_zero_turns_a_limit_off():
    counted = limits(per_sender="0", per_ip="0")
    assert all(counted.wait_before("rest", "s", "a", "hi") == 0 for _ in range(100))


@pytest.mark.parametrize("text", [CRISIS, "my husband hits me", "I'm not suicidal, just stressed"])
def test_a_risk_message_over_the_limit_is_let_through(text):
    counted = limits(per_sender="1")
    counted.wait_before("rest", "flooder", None, "hello")
    assert counted.wait_before("rest", "flooder", None, "hello again") > 0
    assert counted.wait_before("rest", "flooder", None, text) == 0


@pytest.mark.parametrize("value", ["ten", "-1", "2.5"])
def test_a_wrong_setting_is_named(value):
    with pytest.raises(RateLimitSettingError, match="RATE_LIMIT_PER_SENDER"):
        limits(per_sender=value)


def test_a_wrong_setting_stops_the_server_at_start_with_a_clear_message(trained_model):
    env = {**BASE_ENV, "RATE_LIMIT_PER_IP": "lots"}
    result = subprocess.run(
        [*RASA, "run", "-m", str(trained_model), "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode != 0
    assert "RATE_LIMIT_PER_IP must be a whole number of messages per minute" in result.stdout + result.stderr


def test_counts_are_shared_through_redis_by_several_servers():
    redis = Redis()
    try:
        env = {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis.port), "REDIS_PASSWORD": redis.password}
        assert storage_uri(env).startswith("redis://:")
        machine_a, machine_b = limits(per_sender="2", **env), limits(per_sender="2", **env)
        assert machine_a.wait_before("telegram", "77", None, "hi") == 0
        assert machine_b.wait_before("telegram", "77", None, "hi") == 0
        assert machine_a.wait_before("telegram", "77", None, "hi") > 0  # the third, wherever it arrives
    finally:
        redis.stop()


def test_with_redis_gone_messages_are_answered_rather_than_refused():
    redis = Redis()
    env = {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis.port), "REDIS_PASSWORD": redis.password}
    counted = limits(per_sender="1", **env)
    redis.stop()
    assert [counted.wait_before("rest", "s", None, "hi") for _ in range(3)] == [0, 0, 0]


# --- The channels, with the real servers ----------------------------------------

PER_SENDER, PER_IP = 5, 40


@pytest.fixture(scope="module")
def limited(trained_model, fake_api, tmp_path_factory):
    """REST, socket.io, Slack and Telegram with low limits: 5 a minute per
    visitor, 40 a minute per address (every test visitor is 127.0.0.1)."""
    running = start_channel_servers(
        "limited",
        trained_model,
        fake_api,
        tmp_path_factory.mktemp("limited"),
        RATE_LIMIT_PER_SENDER=str(PER_SENDER),
        RATE_LIMIT_PER_IP=str(PER_IP),
    )
    yield running
    running.stop()


def post(bot, sender: str, text: str) -> requests.Response:
    return requests.post(bot.webhook, json={"sender": sender, "message": text}, timeout=30)


def wait_for_a_new_minute() -> None:
    """The per-address window is shared by this module's tests: start each with an empty one."""
    time.sleep(61)


def test_rest_a_flood_gets_429_while_another_visitor_is_answered(limited):
    flooder = f"flood-{uuid.uuid4().hex[:6]}"
    statuses = [post(limited.bot, flooder, "hello").status_code for _ in range(PER_SENDER + 3)]
    assert statuses[:PER_SENDER] == [200] * PER_SENDER and statuses[PER_SENDER:] == [429] * 3
    refused = post(limited.bot, flooder, "hello")
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    texts = [r["text"] for r in refused.json()]
    assert texts[0] == SLOW_DOWN and "988" in texts[-1]
    other = post(limited.bot, f"calm-{uuid.uuid4().hex[:6]}", QUESTION)
    assert other.status_code == 200 and content.faq_answer("ask_therapists_care") in limited.bot.texts(other.json())


def test_rest_a_crisis_message_inside_a_flood_gets_the_crisis_reply(limited):
    flooder = f"flood-{uuid.uuid4().hex[:6]}"
    for _ in range(PER_SENDER + 2):
        post(limited.bot, flooder, "hello")
    crisis = post(limited.bot, flooder, CRISIS)
    assert crisis.status_code == 200
    assert "988 Suicide & Crisis Lifeline" in limited.bot.texts(crisis.json())


def test_socketio_a_flood_is_asked_to_wait(limited):
    session = f"sock-{uuid.uuid4().hex[:8]}"

    def say(text: str):
        # The widget asks for its stored session again on each page: one conversation.
        replies, _ = socket_exchange(
            limited.bot, lambda s: {"message": text, "session_id": s}, session_request={"session_id": session}
        )
        return socket_texts(replies)

    assert all(say("hello") for _ in range(PER_SENDER))
    texts = say("hello")
    assert texts[0] == SLOW_DOWN and "988" in texts[-1]
    assert any("988 Suicide & Crisis Lifeline" in text for text in say(CRISIS))


def test_slack_and_telegram_do_not_answer_the_excess_but_answer_a_crisis(limited, fake_api):
    dm, chat = new_channel(), new_chat()
    for _ in range(PER_SENDER + 2):
        assert slack_signed(limited.bot, slack_json(dm, text="hello")).status_code == 200
        assert telegram_post(limited.bot, telegram_json(chat, text="hello")).status_code == 200
    time.sleep(3)
    slack_before = len(posted_to(fake_api, "chat.postMessage", "channel", dm, count=999, timeout=0))
    telegram_before = len(posted_to(fake_api, "sendMessage", "chat_id", chat, count=999, timeout=0))
    # Each answered "hello" is a few messages; the excess got none.
    assert slack_before == telegram_before > 0
    assert slack_signed(limited.bot, slack_json(dm, text="hello")).status_code == 200
    time.sleep(3)
    assert len(posted_to(fake_api, "chat.postMessage", "channel", dm, count=999, timeout=0)) == slack_before
    slack_signed(limited.bot, slack_json(dm, text=CRISIS))
    telegram_post(limited.bot, telegram_json(chat, text=CRISIS))
    slack = posted_to(fake_api, "chat.postMessage", "channel", dm, count=slack_before + 1)
    telegram = posted_to(fake_api, "sendMessage", "chat_id", chat, count=telegram_before + 1)
    assert "988 Suicide & Crisis Lifeline" in slack[slack_before]["text"]
    assert "988 Suicide & Crisis Lifeline" in telegram[telegram_before]["text"]


def test_rest_a_flood_from_one_address_slows_that_address(limited):
    wait_for_a_new_minute()
    statuses = [post(limited.bot, f"many-{i}-{uuid.uuid4().hex[:4]}", "hello").status_code for i in range(PER_IP + 2)]
    assert statuses[:PER_IP] == [200] * PER_IP and statuses[PER_IP:] == [429, 429]
