"""Bad input on every channel: REST, socket.io (the web widget's), Slack and
Telegram, sent to the real Rasa server with its real connectors (Slack's and
Telegram's Web APIs are local fakes, tests/fake_apis/).

Each case must get a 4xx, or a 200 with a short polite reply (posted back to
the fake Slack/Telegram API, emitted on the socket), never a 500 or silence;
afterwards every channel still answers a real question and no message text
is in the server logs. The bot never echoes what the visitor wrote, so HTML
comes back in no reply.
"""

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
import requests
import socketio

from practice import content
from tests.conftest import BLOCKED_CHAT_ID, SIGNING_SECRET, after_notice

HELP_TEXT = "answer questions about the relationship between therapists and their clients"
QUESTION = "Do therapists really care about their clients?"
MARKER = uuid.uuid4().hex  # in the texts below; must never reach a log
HTML = f"<script>alert('{MARKER}')</script><b>hi</b>"
CONTROL_ONLY = "\x01\x02\x03\x07\x1b\x7f"
BINARY_TEXT = f"\x00\x01\x02 {MARKER} \ufffd\ufffe"
LONE_SURROGATE = f"hello {MARKER} \ud800"  # valid JSON ("\\ud800"), not valid Unicode
ONE_MB = "x" * 1_000_000
OVER_LIMIT = "x" * 100_001  # channels.checks.MAX_MESSAGE_LENGTH + 1


def assert_polite(texts: List[str]) -> None:
    """A short reply saying what the bot can help with (or offering topics), no echo.
    The replies start a new conversation, so the notice comes first."""
    texts = after_notice(texts)
    assert texts, "no reply at all"
    first = texts[0]
    assert HELP_TEXT in first or "Did you mean" in first, first
    assert len(first) < 300
    assert "<script>" not in " ".join(texts) and MARKER not in " ".join(texts)


# --- REST: what tests/test_server.py does not cover yet ---------------------


def rest_post(bot, body: bytes, content_type: str = "application/json") -> requests.Response:
    return requests.post(bot.webhook, data=body, headers={"Content-Type": content_type}, timeout=60)


def rest_json(sender: str, message: Any, **extra: Any) -> bytes:
    return json.dumps({"sender": sender, "message": message, **extra}).encode()


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        (rest_json("r-1mb", ONE_MB), "application/json", 413),
        (rest_json("r-over", OVER_LIMIT), "application/json", 413),
        (b'{"sender": "r-raw", "message": "' + b"x" * 1_000_000, "application/json", 400),
        (rest_json("r-meta", "hi", metadata="not an object"), "application/json", 400),
        (rest_json("r-meta", "hi", metadata=[1, 2]), "application/json", 400),
        (rest_json("r-chan", "hi", input_channel=5), "application/json", 400),
        (b"sender=r-form&message=hi", "application/x-www-form-urlencoded", 400),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "application/octet-stream", 400),
    ],
    ids=[
        "1mb-message",
        "over-limit",
        "1mb-not-json",
        "metadata-string",
        "metadata-list",
        "input-channel-number",
        "form-encoded",
        "binary-octet-stream",
    ],
)
def test_rest_refuses_bad_requests(chat_servers, body, content_type, status):
    assert rest_post(chat_servers, body, content_type).status_code == status


@pytest.mark.parametrize(
    "text",
    [CONTROL_ONLY, "\x00", "\u200b\u200b", BINARY_TEXT, LONE_SURROGATE, HTML],
    ids=["control-only", "nul-only", "zero-width-only", "binary-text", "lone-surrogate", "html"],
)
def test_rest_answers_unreadable_text_politely(chat_servers, text):
    response = rest_post(chat_servers, rest_json(f"r-{uuid.uuid4().hex[:8]}", text))
    assert response.status_code == 200
    assert_polite([m["text"] for m in response.json() if m.get("text")])


def test_rest_control_characters_inside_a_question_do_not_hide_it(chat_servers):
    text = "How\x00 can I\x1b build trust\x7f with my therapist?\x07"
    replies = chat_servers.say(f"r-{uuid.uuid4().hex[:8]}", text)
    assert content.faq_answer("ask_build_trust") in chat_servers.texts(replies)


# --- socket.io (the web widget's channel) -------------------------------------

Payload = Callable[[Optional[str]], Tuple[Any, ...]]  # session id -> the event's arguments


def socket_exchange(
    bot, payload: Payload, session_request: Any = None, wait: float = 20
) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    """Connects like the widget, sends one user_uttered event; returns (replies, what happened)."""

    async def run() -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
        client = socketio.AsyncClient(reconnection=False)
        replies: List[Dict[str, Any]] = []
        replied, confirmed, gone = asyncio.Event(), asyncio.Event(), asyncio.Event()
        seen: Dict[str, Any] = {}

        @client.on("bot_uttered")
        def on_reply(data: Dict[str, Any]) -> None:
            replies.append(data)
            replied.set()

        @client.on("session_confirm")
        def on_confirm(session_id: Any) -> None:
            seen["session_id"] = session_id
            confirmed.set()

        @client.on("disconnect")
        def on_disconnect() -> None:
            gone.set()

        await client.connect(bot.url, transports=["websocket"])
        await client.emit("session_request", {"session_id": None} if session_request is None else session_request)
        await asyncio.wait_for(confirmed.wait(), 10)
        await client.emit("user_uttered", payload(seen.get("session_id")))
        done = asyncio.ensure_future(replied.wait())
        closed = asyncio.ensure_future(gone.wait())
        await asyncio.wait([done, closed], timeout=wait, return_when=asyncio.FIRST_COMPLETED)
        await asyncio.sleep(0.3)  # the rest of a multi-part reply
        seen["disconnected"] = gone.is_set()
        done.cancel()
        closed.cancel()
        if client.connected:
            await client.disconnect()
        return replies, seen

    return asyncio.run(run())


def socket_texts(replies: List[Dict[str, Any]]) -> List[str]:
    return [r["text"] for r in replies if r.get("text")]


@pytest.mark.parametrize(
    "payload",
    [
        lambda s: "hello",
        lambda s: [1, 2],
        lambda s: 42,
        lambda s: (None,),
        lambda s: (),
        lambda s: {"message": "hello"},
        lambda s: {"message": "hello", "session_id": ""},
        lambda s: {"message": "hello", "session_id": {"id": s}},
        lambda s: {"message": "hello", "session_id": "s" * 256},
        lambda s: {"message": 42, "session_id": s},
        lambda s: {"message": {"text": "hello"}, "session_id": s},
        lambda s: {"message": b"\x00\xff\x89PNG", "session_id": s},
        lambda s: {"message": "hello", "session_id": s, "metadata": "{not json"},
        lambda s: {"message": "hello", "session_id": s, "metadata": [1, 2]},
        lambda s: {"message": ONE_MB, "session_id": s},
        lambda s: {"message": OVER_LIMIT, "session_id": s},
        lambda s: {"session_id": s},
        lambda s: {"message": "", "session_id": s},
        lambda s: {"message": "   \n\t ", "session_id": s},
        lambda s: {"message": CONTROL_ONLY, "session_id": s},
        lambda s: {"message": BINARY_TEXT, "session_id": s},
        lambda s: {"message": LONE_SURROGATE, "session_id": s},
        lambda s: {"message": HTML, "session_id": s},
    ],
    ids=[
        "string-payload",
        "list-payload",
        "number-payload",
        "null-payload",
        "no-payload",
        "no-session-id",
        "empty-session-id",
        "session-id-object",
        "session-id-too-long",
        "message-number",
        "message-object",
        "binary-attachment",
        "metadata-not-json",
        "metadata-list",
        "1mb-message",
        "over-limit",
        "no-message",
        "empty",
        "whitespace",
        "control-only",
        "binary-text",
        "lone-surrogate",
        "html",
    ],
)
def test_socketio_answers_what_it_cannot_read_politely(chat_servers, payload):
    replies, seen = socket_exchange(chat_servers, payload)
    assert not seen["disconnected"]
    assert_polite(socket_texts(replies))


@pytest.mark.parametrize(
    "request_data",
    ["not an object", {"session_id": ["a", "list"]}, {"session_id": 5}],
    ids=["string", "session-id-list", "session-id-number"],
)
def test_socketio_a_malformed_session_request_gets_a_new_session(chat_servers, request_data):
    replies, seen = socket_exchange(
        chat_servers, lambda s: {"message": QUESTION, "session_id": s}, session_request=request_data
    )
    assert isinstance(seen["session_id"], str) and len(seen["session_id"]) == 32
    assert content.faq_answer("ask_therapists_care") in socket_texts(replies)


def test_socketio_a_frame_over_the_transport_limit_closes_only_that_connection(chat_servers):
    replies, seen = socket_exchange(chat_servers, lambda s: {"message": "x" * 2_000_000, "session_id": s})
    assert seen["disconnected"] and not replies
    replies, _ = socket_exchange(chat_servers, lambda s: {"message": QUESTION, "session_id": s})
    assert content.faq_answer("ask_therapists_care") in socket_texts(replies)


# --- Slack: signed requests (unsigned ones are refused, tests/test_channels.py) -


def slack_signed(bot, body: bytes, content_type: str = "application/json") -> requests.Response:
    timestamp = str(int(time.time()))
    signature = (
        "v0=" + hmac.new(SIGNING_SECRET.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    )
    return requests.post(
        f"{bot.url}/webhooks/slack/webhook",
        data=body,
        timeout=60,
        headers={"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature},
    )


def slack_event(dm: str, **fields: Any) -> Dict[str, Any]:
    """A message event in the direct-message channel `dm`; a field set to None is left out."""
    event = {
        "type": "message",
        "channel": dm,
        "user": f"U{dm}",
        "text": "hello",
        "ts": f"{time.time():.6f}",
        "channel_type": "im",
        **fields,
    }
    return {
        "token": "x",
        "team_id": "T1",
        "api_app_id": "A1",
        "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex[:8]}",
        "event_time": int(time.time()),
        "event": {k: v for k, v in event.items() if v is not None},
    }


def slack_json(dm: str, **fields: Any) -> bytes:
    return json.dumps(slack_event(dm, **fields)).encode()


def posted_to(
    fake_api, method: str, key: str, value: Any, count: int = 1, timeout: float = 20, settle: float = 0.5
) -> List[Dict]:
    """The bodies of calls to the fake API for one chat, waiting until there are
    `count` and then until none has come for `settle` seconds: a turn's replies
    are posted one by one, and a new conversation's first one is the notice, so
    stopping at the first reply raced the answer (seen once in a full run)."""
    deadline = time.monotonic() + timeout
    seen, last_change = -1, time.monotonic()
    while True:
        bodies = [c["body"] for c in fake_api.calls if c["method"] == method and str(c["body"].get(key)) == str(value)]
        now = time.monotonic()
        if len(bodies) != seen:
            seen, last_change = len(bodies), now
        if now > deadline or (len(bodies) >= count and now - last_change >= settle):
            return bodies
        time.sleep(0.1)


def new_channel() -> str:
    return f"D{uuid.uuid4().hex[:10].upper()}"


@pytest.mark.parametrize(
    "make_body, content_type, status",
    [
        (lambda c: b'{"type": "event_callback", "event": {"type": "mess', "application/json", 400),
        (lambda c: b"\xff\xfe\x00\x89PNG", "application/json", 400),
        (lambda c: b"", "application/json", 400),
        (lambda c: b"[1, 2]", "application/json", 400),
        (lambda c: b'"hello"', "application/json", 400),
        (lambda c: json.dumps({"type": "event_callback", "event": "hello"}).encode(), "application/json", 400),
        (lambda c: json.dumps({"type": "event_callback"}).encode(), "application/json", 400),
        (lambda c: slack_json(c, user=None), "application/json", 400),
        (lambda c: slack_json(c, user=""), "application/json", 400),
        (lambda c: slack_json(c, channel=None), "application/json", 400),
        (lambda c: slack_json(c, text=42), "application/json", 400),
        (lambda c: json.dumps({**slack_event(c), "authed_users": 5}).encode(), "application/json", 400),
        (lambda c: json.dumps({**slack_event(c), "authorizations": ["U1"]}).encode(), "application/json", 400),
        (lambda c: slack_json(c, text=ONE_MB), "application/json", 413),
        (lambda c: b"a=b", "application/x-www-form-urlencoded", 400),
        (lambda c: b"payload=%7Bnot+json", "application/x-www-form-urlencoded", 400),
        (lambda c: b"payload=%5B1%5D", "application/x-www-form-urlencoded", 400),
        (
            lambda c: b"payload=" + requests.utils.quote(json.dumps({"type": "view_submission"})).encode(),
            "application/x-www-form-urlencoded",
            400,
        ),
        (
            lambda c: (
                b"payload="
                + requests.utils.quote(
                    json.dumps(
                        {
                            "type": "block_actions",
                            "channel": {"id": c},
                            "actions": [{"type": "button", "value": "/greet"}],
                        }
                    )
                ).encode()
            ),
            "application/x-www-form-urlencoded",
            400,
        ),
        (
            lambda c: (
                b"payload="
                + requests.utils.quote(
                    json.dumps(
                        {
                            "type": "block_actions",
                            "user": {"id": "U1"},
                            "channel": {"id": c},
                            "actions": [{"type": "button", "value": 42}],
                        }
                    )
                ).encode()
            ),
            "application/x-www-form-urlencoded",
            400,
        ),
    ],
    ids=[
        "truncated-json",
        "binary",
        "empty-body",
        "array",
        "string",
        "event-not-object",
        "no-event",
        "no-user",
        "empty-user",
        "no-channel",
        "text-number",
        "authed-users-number",
        "authorizations-strings",
        "1mb-text",
        "form-no-payload",
        "form-payload-not-json",
        "form-payload-array",
        "form-not-an-interaction",
        "button-click-without-user",
        "button-value-number",
    ],
)
def test_slack_refuses_malformed_signed_requests(chat_servers, fake_api, make_body, content_type, status):
    channel = new_channel()
    assert slack_signed(chat_servers, make_body(channel), content_type).status_code == status
    time.sleep(0.5)
    assert not posted_to(fake_api, "chat.postMessage", "channel", channel, timeout=0)


@pytest.mark.parametrize(
    "text",
    ["   ", CONTROL_ONLY, BINARY_TEXT, LONE_SURROGATE, HTML, "&lt;script&gt;alert(1)&lt;/script&gt;", "x" * 40_000],
    ids=[
        "whitespace",
        "control-only",
        "binary-text",
        "lone-surrogate",
        "html",
        "html-as-slack-escapes-it",
        "40k-chars-slacks-maximum",
    ],
)
def test_slack_answers_unreadable_text_politely(chat_servers, fake_api, text):
    channel = new_channel()
    assert slack_signed(chat_servers, slack_json(channel, text=text)).status_code == 200
    assert_polite([body["text"] for body in posted_to(fake_api, "chat.postMessage", "channel", channel)])


# --- Telegram -----------------------------------------------------------------


def telegram_post(bot, body: bytes) -> requests.Response:
    return requests.post(
        f"{bot.url}/webhooks/telegram/webhook", data=body, timeout=60, headers={"Content-Type": "application/json"}
    )


def telegram_update(chat_id: int, **fields: Any) -> Dict[str, Any]:
    """An update with a private message; a field set to None is left out."""
    message = {
        "message_id": 1,
        "date": int(time.time()),
        "text": "hello",
        "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Visitor"},
        **fields,
    }
    return {"update_id": chat_id, "message": {k: v for k, v in message.items() if v is not None}}


def telegram_json(chat_id: int, **fields: Any) -> bytes:
    return json.dumps(telegram_update(chat_id, **fields)).encode()


def new_chat() -> int:
    return int(uuid.uuid4().int % 10**9) + 10**9


@pytest.mark.parametrize(
    "make_body, status",
    [
        (lambda c: b'{"update_id": 1, "message": {"text": "hel', 400),
        (lambda c: b"\xff\xfe\x00\x89PNG", 400),
        (lambda c: b"", 400),
        (lambda c: b"[1, 2]", 400),
        (lambda c: b'"hello"', 400),
        (lambda c: b"{}", 400),
        (lambda c: json.dumps({"update_id": c}).encode(), 400),
        (lambda c: json.dumps({"update_id": "one", "message": telegram_update(c)["message"]}).encode(), 400),
        (lambda c: json.dumps({"update_id": c, "message": "hello"}).encode(), 400),
        (lambda c: telegram_json(c, chat=None), 400),
        (lambda c: telegram_json(c, chat={"id": "abc", "type": "private"}), 400),
        (lambda c: telegram_json(c, text=42), 400),
        (lambda c: telegram_json(c, text=["hello"]), 400),
        (lambda c: telegram_json(c, text=ONE_MB), 413),
    ],
    ids=[
        "truncated-json",
        "binary",
        "empty-body",
        "array",
        "string",
        "empty-object",
        "only-update-id",
        "update-id-string",
        "message-string",
        "no-chat",
        "chat-id-string",
        "text-number",
        "text-list",
        "1mb-text",
    ],
)
def test_telegram_refuses_malformed_updates(chat_servers, fake_api, make_body, status):
    chat = new_chat()
    assert telegram_post(chat_servers, make_body(chat)).status_code == status
    assert not posted_to(fake_api, "sendMessage", "chat_id", chat, timeout=0.5)


def test_telegram_an_update_without_a_message_is_acknowledged_and_not_answered(chat_servers, fake_api):
    """Telegram sends these (here: the visitor blocked the bot); a 4xx would make it re-send them."""
    chat = new_chat()
    member = {"status": "member", "user": {"id": 1, "is_bot": True, "first_name": "Bot"}}
    update = {
        "update_id": chat,
        "my_chat_member": {
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "V"},
            "date": int(time.time()),
            "old_chat_member": member,
            "new_chat_member": {**member, "status": "kicked", "until_date": 0},
        },
    }
    assert telegram_post(chat_servers, json.dumps(update).encode()).status_code == 200
    assert not posted_to(fake_api, "sendMessage", "chat_id", chat, timeout=0.5)


@pytest.mark.parametrize(
    "fields",
    [
        {"text": "   "},
        {"text": CONTROL_ONLY},
        {"text": BINARY_TEXT},
        {"text": LONE_SURROGATE},
        {"text": HTML},
        {
            "text": None,
            "sticker": {"file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512, "is_animated": False},
        },
        {"text": None, "voice": {"file_id": "v1", "file_unique_id": "u2", "duration": 3}},
    ],
    ids=["whitespace", "control-only", "binary-text", "lone-surrogate", "html", "sticker", "voice-note"],
)
def test_telegram_answers_unreadable_messages_politely(chat_servers, fake_api, fields):
    chat = new_chat()
    assert telegram_post(chat_servers, telegram_json(chat, **fields)).status_code == 200
    bodies = posted_to(fake_api, "sendMessage", "chat_id", chat)
    assert_polite([body["text"] for body in bodies])
    assert not any(body.get("parse_mode") for body in bodies), "replies must be plain text"


@pytest.mark.parametrize("sender", [None, "someone"], ids=["no-from", "from-string"])
def test_telegram_a_message_without_a_proper_sender_is_answered_in_its_chat(chat_servers, fake_api, sender):
    """Rasa answers the chat; it does not read "from"."""
    chat = new_chat()
    assert telegram_post(chat_servers, telegram_json(chat, text=QUESTION, **{"from": sender})).status_code == 200
    texts = [body["text"] for body in posted_to(fake_api, "sendMessage", "chat_id", chat)]
    assert content.faq_answer("ask_therapists_care") in texts


def test_telegram_an_update_sent_as_a_json_string_is_still_answered(chat_servers, fake_api):
    chat = new_chat()
    assert (
        telegram_post(chat_servers, json.dumps(json.dumps(telegram_update(chat, text=QUESTION))).encode()).status_code
        == 200
    )
    assert content.faq_answer("ask_therapists_care") in [
        b["text"] for b in posted_to(fake_api, "sendMessage", "chat_id", chat)
    ]


def test_telegram_a_reply_telegram_refuses_is_not_a_server_error(chat_servers, fake_api):
    """Telegram re-sends an update answered with a 5xx, so the visitor would be answered again and again."""
    assert telegram_post(chat_servers, telegram_json(BLOCKED_CHAT_ID, text=QUESTION)).status_code == 200


# --- after all of the above --------------------------------------------------


def test_every_channel_still_answers_and_no_message_text_was_logged(chat_servers, channel_servers, fake_api):
    assert all(process.poll() is None for process in channel_servers.processes)
    answer = content.faq_answer("ask_therapists_care")
    assert answer in chat_servers.texts(chat_servers.say(f"r-{uuid.uuid4().hex[:8]}", QUESTION))
    replies, _ = socket_exchange(chat_servers, lambda s: {"message": QUESTION, "session_id": s})
    assert answer in socket_texts(replies)
    channel = new_channel()
    assert slack_signed(chat_servers, slack_json(channel, text=QUESTION)).status_code == 200
    assert answer in [b["text"] for b in posted_to(fake_api, "chat.postMessage", "channel", channel)]
    chat = new_chat()
    assert telegram_post(chat_servers, telegram_json(chat, text=QUESTION)).status_code == 200
    assert answer in [b["text"] for b in posted_to(fake_api, "sendMessage", "chat_id", chat)]
    for log in channel_servers.logs:
        assert MARKER not in log.read_text(errors="replace"), log
