"""End to end over the REST webhook, with the real Rasa and action servers."""

import sqlite3
import time
import uuid
from http.server import BaseHTTPRequestHandler

import pytest
import requests

from practice import content, notice, referrals
from tests.conftest import BASE_ENV, Bot, Servers, after_notice, serve_in_background
from tests.test_content import FAQ_INTENTS

HELP_TEXT = "answer questions about the relationship between therapists and their clients"
SOFT_LINE_MARK = "If things ever feel like too much"


def new_sender() -> str:
    return f"visitor-{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize("intent", FAQ_INTENTS)
def test_each_faq_question_gets_the_articles_answer(bot, intent):
    question = content.answers()["faq"][intent]["question"]
    replies = after_notice(bot.say(new_sender(), question))
    assert [r["text"] for r in replies] == [content.faq_answer(intent)]


@pytest.mark.parametrize(
    "intent, question",
    [
        ("ask_relationship", "what kind of training do therapists have?"),
        ("ask_empathy", "why is empathy so important in therapy"),
        ("ask_boundaries", "can I be friends with my therapist on facebook"),
        ("ask_signs_of_care", "what are the signs that a therapist genuinely cares"),
        ("ask_sign_active_listening", "is it a good sign when my counsellor really listens to me"),
        ("ask_sign_personalized_treatment", "should therapy be tailored to my own goals"),
        ("ask_sign_consistent_support", "will a good therapist keep supporting me through setbacks"),
        ("ask_sign_respect_confidentiality", "is everything I tell my psychologist confidential?"),
        ("ask_what_to_expect", "what can I expect from therapy"),
    ],
)
def test_each_section_of_the_article_gets_its_own_text_or_is_one_tap_away(bot, intent, question):
    replies = after_notice(bot.say(new_sender(), question))
    if [r["text"] for r in replies] == [content.faq_answer(intent)]:
        return
    # A question one of the five FAQ questions also covers gets the FAQ answer
    # first, with this section as the button under it.
    [reply] = replies
    assert reply["text"] in [content.faq_answer(faq) for faq in FAQ_INTENTS]
    assert reply["buttons"] == [{"title": f"More: {content.title(intent)}", "payload": f"/{intent}"}]
    assert [r["text"] for r in after_notice(bot.say(new_sender(), f"/{intent}"))] == [content.faq_answer(intent)]


PRACTICE = content.practice()


@pytest.mark.parametrize(
    "question, must_contain",
    [
        ("do you take insurance?", PRACTICE["insurance"]),  # set in the example practice
        ("how much does a session cost?", PRACTICE["fees"]),
        ("where do I park?", PRACTICE["phone"]),  # not set: the contact, never a guess
        ("can I cancel tomorrow's appointment", PRACTICE["phone"]),
    ],
)
def test_a_question_about_the_practice_gets_its_answer_or_its_contact(bot, question, must_contain):
    text = bot.texts(bot.say(new_sender(), question))
    assert must_contain in text
    assert "Goodbye" not in text and all(content.faq_answer(i) not in text for i in content.topics())


def test_a_conversation_opens_and_closes(bot):
    sender = new_sender()
    greeting = bot.say(sender, "hello")
    assert "automated assistant" in greeting[0]["text"]
    assert len(greeting[0]["buttons"]) == len(content.answers()["menu"])
    assert "Goodbye" in bot.texts(bot.say(sender, "bye for now"))


@pytest.mark.parametrize(
    "text",
    ["", "   ", "x" * 100_000, "😀😀😀", "<script>alert('hi')</script>", "\x00\x01\x02 binary \ufffd"],
    ids=["empty", "whitespace", "100k-chars", "emoji", "html", "binary"],
)
def test_bad_input_gets_a_short_polite_reply(bot, text):
    replies = after_notice(bot.say(new_sender(), text))
    assert replies, "no reply at all"
    assert HELP_TEXT in replies[0]["text"]
    assert len(replies[0]["text"]) < 300
    assert "<script>" not in bot.texts(replies)


def test_a_question_in_spanish_gets_an_english_only_notice_with_a_spanish_crisis_line(bot):
    text = bot.texts(bot.say(new_sender(), "¿Dónde está la biblioteca?"))
    assert "solo puedo responder en inglés" in text and "marque 2" in text
    assert len(text) < 300


@pytest.mark.parametrize(
    "body",
    [
        b'{"sender": "x", "message": ',
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b'{"sender": "x", "message": 42}',
        b'{"message": "hi"}',
        b'{"sender": "", "message": "hi"}',
        b"",
    ],
    ids=["truncated", "binary", "array", "number", "no-sender", "empty-sender", "empty-body"],
)
def test_malformed_json_is_refused_and_the_server_stays_up(bot, body):
    response = requests.post(bot.webhook, data=body, headers={"Content-Type": "application/json"}, timeout=30)
    assert 400 <= response.status_code < 500
    assert bot.say(new_sender(), "Do therapists really care about their clients?")


@pytest.mark.parametrize(
    "text, must_contain",
    [
        ("i wanna kms", ["988", "741741", "911"]),
        ("I've been cutting myself again", ["988", "urge"]),
        ("I'm going to hurt my neighbour, I've got a knife", ["move away", "988"]),
        ("my boyfriend beats me when he drinks", ["1-800-799-7233", "not your fault"]),
        ("I took a whole bottle of pills", ["call 911 now", "988"]),
        ("my friend says she is going to kill herself tonight", ["Stay with them", "988"]),
    ],
    ids=["suicide", "self_harm", "harm_to_others", "abuse", "medical_emergency", "third_person"],
)
def test_each_risk_category_gets_its_resources_and_no_faq_answer(bot, text, must_contain):
    replies = bot.say(new_sender(), text)
    reply = bot.texts(replies)
    for needle in must_contain:
        assert needle in reply
    assert "not for emergencies" in reply
    assert not any(content.faq_answer(i) in reply for i in FAQ_INTENTS)
    links = [link["href"] for r in replies if "custom" in r for link in r["custom"]["data"]["crisis_links"]]
    assert "tel:911" in links and "tel:988" in links


def test_a_crisis_interrupts_the_conversation_and_is_remembered(bot):
    sender = new_sender()
    assert bot.texts(after_notice(bot.say(sender, "How can I build trust with my therapist?"))) == content.faq_answer(
        "ask_build_trust"
    )
    crisis = bot.texts(bot.say(sender, "actually I don't want to be alive anymore"))
    assert "988" in crisis and content.faq_answer("ask_build_trust") not in crisis
    after = bot.say(sender, "Do therapists really care about their clients?")
    assert after[0]["text"] == content.faq_answer("ask_therapists_care")
    assert SOFT_LINE_MARK in after[-1]["text"]
    again = bot.texts(bot.say(sender, "i want to end my life"))
    assert "988" in again and "automated assistant" in again


def test_negated_risk_gets_the_answer_plus_a_resources_line(bot):
    replies = after_notice(
        bot.say(new_sender(), "I'm not suicidal, just stressed. How can I build trust with my therapist?")
    )
    assert replies[0]["text"] == content.faq_answer("ask_build_trust")
    assert SOFT_LINE_MARK in replies[-1]["text"]


def test_staff_alert_carries_no_message_text(bot, staff_webhook):
    before = len(staff_webhook.received)
    sender = new_sender()
    bot.say(sender, "my stepdad touches me at night")
    staff_webhook.wait_for(before + 1)
    alert = staff_webhook.received[-1]
    assert set(alert) == {"category", "tier", "time", "conversation_id"}
    assert (alert["category"], alert["tier"], alert["conversation_id"]) == ("abuse", "hard", sender)
    assert "stepdad" not in str(alert)


def test_a_hanging_staff_webhook_does_not_delay_the_reply(bot, staff_webhook):
    staff_webhook.hang_seconds = 8
    try:
        start = time.monotonic()
        reply = bot.texts(bot.say(new_sender(), "i want to kill myself"))
        elapsed = time.monotonic() - start
    finally:
        staff_webhook.hang_seconds = 0
    assert "988" in reply
    assert elapsed < 1.0, f"reply took {elapsed:.2f} s"


def test_escalations_are_counted_without_text(bot, escalation_db):
    bot.say(new_sender(), "i wanna kms")
    with sqlite3.connect(escalation_db) as conn:
        rows = conn.execute("SELECT * FROM escalations").fetchall()
    assert rows and all(len(row) == 5 for row in rows)  # time, category, tier, kind, channel: no text, no sender
    assert ("suicide", "hard", "crisis_reply", "rest") in {row[1:] for row in rows}


def test_no_message_text_in_the_server_logs(bot, servers):
    secret = f"my therapist {uuid.uuid4().hex} seems bored, what now?"
    bot.say(new_sender(), secret)
    bot.say(new_sender(), "i wanna kms and my code is " + secret)
    time.sleep(0.5)
    for log in servers.logs:
        assert secret.split()[2] not in log.read_text(errors="replace"), log


@pytest.fixture(scope="module")
def referrals_db(tmp_path_factory):
    return tmp_path_factory.mktemp("referrals") / "escalations.db"


@pytest.fixture(scope="module")
def bot_without_actions(trained_model, tmp_path_factory, referrals_db):
    running = Servers(
        "no-actions",
        trained_model,
        tmp_path_factory.mktemp("no-actions"),
        with_actions=False,
        rasa_env={**BASE_ENV, "ESCALATION_DB": str(referrals_db)},
    )
    yield running.bot
    running.stop()


@pytest.mark.parametrize("text", ["Do therapists really care about their clients?", "hello", "what are your hours?"])
def test_with_the_action_server_down_other_messages_get_a_clear_apology(bot_without_actions: Bot, text):
    sender = new_sender()
    reply = bot_without_actions.texts(bot_without_actions.say(sender, text))
    assert "can't answer right now" in reply and "988" in reply
    assert content.practice()["phone"] in reply and content.practice()["name"] in reply
    # Rasa's own apology is the first reply of the conversation: the notice comes first.
    assert reply.startswith(notice.text())
    assert not bot_without_actions.texts(bot_without_actions.say(sender, text)).startswith(notice.text())


def test_with_the_action_server_down_a_long_conversation_still_gets_rasas_own_replies(bot_without_actions: Bot):
    # Longer than the store reads (components/conversation_store.py): the rules read slots set this turn.
    sender = new_sender()
    replies = [bot_without_actions.texts(bot_without_actions.say(sender, "what are your hours?")) for _ in range(20)]
    assert all("can't answer right now" in reply for reply in replies)
    assert [reply.startswith(notice.text()) for reply in replies] == [True] + [False] * 19
    crisis = bot_without_actions.texts(bot_without_actions.say(sender, "i'm going to end it all tonight"))
    assert crisis.startswith("I'm an automated assistant") and "988" in crisis


SLOW_ACTIONS_TIMEOUT = 2


@pytest.fixture(scope="module")
def bot_with_hanging_actions(trained_model, tmp_path_factory):
    """The action server accepts the request and never answers in time."""

    class Hanging(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            time.sleep(SLOW_ACTIONS_TIMEOUT * 5)

        def log_message(self, *args) -> None:
            pass

    hanging, origin = serve_in_background(Hanging)
    running = Servers(
        "slow-actions",
        trained_model,
        tmp_path_factory.mktemp("slow-actions"),
        with_actions=False,
        action_url=f"{origin}/webhook",
        rasa_env={**BASE_ENV, "ACTION_SERVER_TIMEOUT": str(SLOW_ACTIONS_TIMEOUT)},
    )
    yield running.bot
    running.stop()
    hanging.shutdown()


@pytest.mark.parametrize(
    "text", ["How can I build trust with my therapist?", "i'm going to end it all tonight"], ids=["question", "crisis"]
)
def test_a_hanging_action_server_costs_the_visitor_only_the_timeout(bot_with_hanging_actions: Bot, text):
    sender = new_sender()
    started = time.monotonic()
    reply = bot_with_hanging_actions.texts(bot_with_hanging_actions.say(sender, text))
    elapsed = time.monotonic() - started
    assert elapsed < SLOW_ACTIONS_TIMEOUT + 3, f"reply took {elapsed:.1f} s"
    if "end it all" in text:
        assert "988" in reply and "911" in reply
    else:
        assert "can't answer right now" in reply and content.practice()["phone"] in reply
    # The conversation is not stuck: the next message is answered too.
    assert bot_with_hanging_actions.texts(bot_with_hanging_actions.say(sender, "thanks"))


def test_with_the_action_server_down_a_crisis_still_gets_resources(bot_without_actions: Bot, referrals_db):
    before = referrals.rows(referrals_db)
    reply = bot_without_actions.texts(bot_without_actions.say(new_sender(), "i'm going to end it all tonight"))
    assert "988" in reply and "911" in reply
    assert reply.startswith("I'm an automated assistant")  # the crisis response, no notice before it
    # Rasa's own crisis response is counted as a referral, without text or sender.
    new = referrals.rows(referrals_db)[len(before) :]
    assert [(category, tier, kind, channel) for _, category, tier, kind, channel in new] == [
        ("suicide", "hard", "fail_closed", "rest")
    ]


def test_a_follow_up_expands_the_previous_answer(bot):
    sender = new_sender()
    bot.say(sender, "Is it okay to have a personal connection with my therapist?")
    more = bot.texts(bot.say(sender, "tell me more"))
    assert more == content.answers()["article"]["ask_boundaries"]["answer"]


def test_asking_for_a_person_gets_the_practice_details_as_text_and_links(bot):
    replies = bot.say(new_sender(), "I'd like to talk to a real person please")
    practice = content.practice()
    assert practice["phone"] in bot.texts(replies)
    links = [
        link["href"] for r in replies if "custom" in r for link in r["custom"]["data"]["practice_contact"]["links"]
    ]
    assert f"mailto:{practice['email']}" in links and practice["booking_url"] in links


def test_a_medication_question_is_declined_kindly(bot):
    reply = bot.texts(bot.say(new_sender(), "should I stop taking my medication?"))
    assert "can't give medical or clinical advice" in reply


def test_a_topic_button_payload_gets_its_answer(bot):
    replies = after_notice(bot.say(new_sender(), "/ask_therapist_self_care"))
    assert replies[0]["text"] == content.faq_answer("ask_therapist_self_care")


def test_a_risk_message_hidden_in_a_button_payload_still_escalates(bot):
    """A '/intent' payload bypasses NLU; the action server re-checks the text."""
    reply = bot.texts(bot.say(new_sender(), "/ask_build_trust i want to kill myself"))
    assert "988" in reply


def test_only_the_configured_web_origin_may_call_the_bot_from_a_browser(bot, web_page):
    def allowed_origin(origin):
        response = requests.post(
            bot.webhook, json={"sender": new_sender(), "message": "hi"}, headers={"Origin": origin}, timeout=30
        )
        return response.headers.get("Access-Control-Allow-Origin")

    assert allowed_origin(web_page.origin) == web_page.origin
    assert allowed_origin("http://evil.example") is None


def test_the_rasa_http_api_is_off_by_default(bot):
    sender = new_sender()
    bot.say(sender, "hello")
    assert requests.get(f"{bot.url}/conversations/{sender}/tracker", timeout=30).status_code == 404


def test_when_enabled_the_rasa_http_api_requires_the_token(trained_model, tmp_path):
    running = Servers("api", trained_model, tmp_path, rasa_args=["--enable-api", "--auth-token", "s3cret-test-token"])
    try:
        sender = new_sender()
        running.bot.say(sender, "hello")
        url = f"{running.bot.url}/conversations/{sender}/tracker"
        assert requests.get(url, timeout=30).status_code == 401
        assert requests.get(url, params={"token": "wrong"}, timeout=30).status_code == 401
        tracker = requests.get(url, params={"token": "s3cret-test-token"}, timeout=30)
        assert tracker.status_code == 200 and tracker.json()["sender_id"] == sender
    finally:
        running.stop()
