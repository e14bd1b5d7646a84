"""Custom actions, run with rasa-sdk's real Tracker and CollectingDispatcher."""

import asyncio
import sqlite3
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionSmallTalk
from actions.crisis import ActionCrisisReply
from actions.faq import ActionAnswerFaq, ActionTellMore
from actions.practice_contact import ActionClinicalBoundary, ActionPracticeContact
from practice import config as practice_config
from practice import content, crisis_resources, referrals, unanswered
from tests.test_content import FAQ_INTENTS

SOFT_LINE_MARK = "If things ever feel like too much"
ANSWERED = SlotSet("reply_pending", False)  # every reply tells the rules it went out


def tracker_for(
    text: str,
    intent: Optional[str],
    slots: Optional[Dict[str, Any]] = None,
    risk: Optional[Dict[str, Any]] = None,
    ranking: Optional[List[Dict[str, Any]]] = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [],
        "intent_ranking": ranking or [],
    }
    if risk is not None:
        latest["risk"] = risk
    return Tracker.from_dict(
        {
            "sender_id": "test-visitor",
            "slots": slots or {},
            "latest_message": latest,
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


def run(action, tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


@pytest.fixture(autouse=True)
def escalation_db_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("ESCALATION_DB", str(tmp_path / "escalations.db"))
    monkeypatch.delenv("STAFF_ALERT_WEBHOOK_URL", raising=False)
    return tmp_path / "escalations.db"


@pytest.mark.parametrize("intent", FAQ_INTENTS)
def test_each_faq_intent_gets_the_articles_answer(intent):
    question = content.answers()["faq"][intent]["question"]
    messages, events = run(ActionAnswerFaq(), tracker_for(question, intent))
    assert [m["text"] for m in messages] == [content.faq_answer(intent)]
    assert events == [SlotSet("last_topic", intent), ANSWERED]
    # The section that goes further is one tap away, under the FAQ answer.
    related = content.answers()["follow_up"][intent]
    assert messages[0]["buttons"] == [{"title": f"More: {content.title(related)}", "payload": f"/{related}"}]


@pytest.mark.parametrize("intent", list(content.answers()["article"]))
def test_each_article_section_intent_gets_its_section(intent):
    messages, events = run(ActionAnswerFaq(), tracker_for("...", intent))
    assert [m["text"] for m in messages] == [content.answers()["article"][intent]["answer"]]
    assert events == [SlotSet("last_topic", intent), ANSWERED]


def test_tell_me_more_expands_the_last_answer_with_the_related_section():
    messages, events = run(
        ActionTellMore(), tracker_for("tell me more", "ask_more", {"last_topic": "ask_personal_connection"})
    )
    assert messages[0]["text"] == content.answers()["article"]["ask_boundaries"]["answer"]
    assert events == [SlotSet("last_topic", "ask_boundaries"), ANSWERED]


def test_tell_me_more_without_a_previous_answer_offers_the_menu():
    messages, events = run(ActionTellMore(), tracker_for("why?", "ask_more"))
    assert "don't have more" in messages[0]["text"] and len(messages[0]["buttons"]) == len(content.answers()["menu"])
    assert events == [ANSWERED]


@pytest.mark.parametrize("intent, needle", [("ask_human", "email"), ("ask_booking", "book"), ("ask_hours", "open")])
def test_contact_questions_get_the_practice_details_and_links(intent, needle):
    messages, _ = run(ActionPracticeContact(), tracker_for("...", intent))
    practice = content.practice()
    assert needle in messages[0]["text"] and practice["phone"] in messages[0]["text"]
    links = messages[0]["custom"]["data"]["practice_contact"]["links"]
    assert [link["href"] for link in links] == ["tel:+15550142", f"mailto:{practice['email']}", practice["booking_url"]]


def test_clinical_questions_are_declined_with_a_way_to_a_clinician():
    messages, _ = run(ActionClinicalBoundary(), tracker_for("should I stop my meds?", "ask_clinical_advice"))
    text = messages[0]["text"]
    assert "can't give medical or clinical advice" in text and content.practice()["phone"] in text


def test_an_uncertain_message_gets_did_you_mean_with_the_top_candidates():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.35},
        {"name": "ask_boundaries", "confidence": 0.3},
        {"name": "ask_personal_connection", "confidence": 0.28},
        {"name": "greet", "confidence": 0.2},
    ]
    messages, _ = run(ActionSmallTalk(), tracker_for("therapist lines", "nlu_fallback", ranking=ranking))
    assert messages[0]["text"].startswith("I'm not sure I understood. Did you mean")
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        "/ask_boundaries",
        "/ask_personal_connection",
        "/ask_capabilities",
    ]


def test_are_you_a_bot_says_automated_and_not_a_therapist():
    messages, _ = run(ActionSmallTalk(), tracker_for("are you a real person?", "bot_challenge"))
    assert "automated assistant, not a person and not a therapist" in messages[0]["text"]


def test_a_risk_message_routed_to_an_faq_answer_gets_the_crisis_reply_instead():
    """Defence in depth: even if NLU said ask_build_trust, the action re-checks."""
    messages, events = run(
        ActionAnswerFaq(), tracker_for("how do I trust my therapist, I want to kill myself", "ask_build_trust")
    )
    text = " ".join(m["text"] for m in messages if m.get("text"))
    assert "988" in text and "911" in text
    assert content.faq_answer("ask_build_trust") not in text
    assert SlotSet("crisis_escalated", True) in events


def test_after_an_escalation_answers_carry_a_resources_line():
    messages, _ = run(
        ActionAnswerFaq(), tracker_for("do therapists care?", "ask_therapists_care", {"crisis_escalated": True})
    )
    assert messages[0]["text"] == content.faq_answer("ask_therapists_care")
    assert SOFT_LINE_MARK in messages[1]["text"] and "988" in messages[1]["text"]


def test_a_negated_risk_gets_the_answer_and_a_resources_line():
    messages, events = run(
        ActionAnswerFaq(), tracker_for("I'm not suicidal, just stressed. do therapists care?", "ask_therapists_care")
    )
    assert messages[0]["text"] == content.faq_answer("ask_therapists_care")
    assert SOFT_LINE_MARK in messages[1]["text"]
    assert events == [SlotSet("last_topic", "ask_therapists_care"), ANSWERED]


def test_out_of_scope_offers_the_practice_contact():
    messages, _ = run(ActionSmallTalk(), tracker_for("what's the weather", "out_of_scope"))
    assert content.practice()["phone"] in messages[0]["text"]


def test_a_plain_question_gets_no_resources_line():
    messages, _ = run(ActionAnswerFaq(), tracker_for("do therapists care?", "ask_therapists_care"))
    assert len(messages) == 1


@pytest.mark.parametrize(
    "text, category, must_contain",
    [
        ("i wanna kms", "suicide", ["988", "741741", "911"]),
        ("i cut myself again last night", "self_harm", ["988", "urge"]),
        ("i'm going to stab my roommate", "harm_to_others", ["988", "move away"]),
        ("my husband hits me", "abuse", ["1-800-799-7233", "not your fault", "988"]),
        ("i took 30 pills", "medical_emergency", ["call 911 now", "988"]),
        ("my friend says she wants to kill herself", "third_person", ["Stay with them", "988"]),
    ],
)
def test_crisis_reply_per_category(text, category, must_contain, escalation_db_in_tmp):
    messages, events = run(ActionCrisisReply(), tracker_for(text, "crisis"))
    reply = messages[0]["text"]
    for needle in must_contain:
        assert needle in reply, (category, needle)
    assert "automated assistant" in reply
    assert "not for emergencies" in reply
    assert "commit suicide" not in reply.lower()
    links = messages[0]["custom"]["data"]["crisis_links"]
    assert {"label": "Call 911 · Emergency services", "href": "tel:911"} in links
    assert any(link["href"] == "tel:988" for link in links)
    assert events == [SlotSet("crisis_pending", False), SlotSet("crisis_escalated", True), ANSWERED]
    with sqlite3.connect(escalation_db_in_tmp) as conn:
        assert conn.execute("SELECT category, tier, kind FROM escalations").fetchall() == [
            (category, "hard", "crisis_reply")
        ]


def test_medical_emergency_puts_the_emergency_number_first():
    messages, _ = run(ActionCrisisReply(), tracker_for("I overdosed", "crisis"))
    assert messages[0]["text"].startswith("If you or someone near you is in immediate danger")


def test_a_classifier_only_crisis_still_gets_resources():
    messages, events = run(ActionCrisisReply(), tracker_for("everything feels heavy tonight", "crisis"))
    assert "988" in messages[0]["text"]
    assert SlotSet("crisis_escalated", True) in events


def test_escalation_counts_store_no_text(escalation_db_in_tmp):
    run(ActionCrisisReply(), tracker_for("i wanna kms", "crisis"))
    run(ActionCrisisReply(), tracker_for("my husband hits me", "crisis"))
    assert sorted(referrals.counts()) == [("abuse", "hard", "crisis_reply", 1), ("suicide", "hard", "crisis_reply", 1)]
    with sqlite3.connect(escalation_db_in_tmp) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(escalations)")]
    assert columns == ["at", "category", "tier", "kind", "channel"]


@pytest.mark.parametrize(
    "text, intent", [("", None), ("   ", None), ("asdf qwer", "nlu_fallback"), ("what's the weather", "out_of_scope")]
)
def test_unreadable_and_out_of_scope_get_the_menu(text, intent):
    messages, _ = run(ActionSmallTalk(), tracker_for(text, intent))
    assert "answer questions about the relationship between therapists and their clients" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == [f"/{i}" for i in content.answers()["menu"]]


def test_greeting_names_the_practice_and_says_it_is_automated():
    messages, _ = run(ActionSmallTalk(), tracker_for("hi", "greet"))
    assert content.practice()["name"] in messages[0]["text"]
    assert "automated assistant" in messages[0]["text"]


# --- No silent miss: the crisis line on every reply that is not an answer -----

CRISIS_LINE = crisis_resources.safety_line()


@pytest.mark.parametrize(
    "action, text, intent",
    [
        (ActionSmallTalk(), "what's the weather in Paris", "out_of_scope"),
        (ActionSmallTalk(), "asdf", "nlu_fallback"),
        (ActionSmallTalk(), "bye", "goodbye"),
        (ActionPracticeContact(), "can I talk to a person", "ask_human"),
        (ActionClinicalBoundary(), "should I stop my meds", "ask_clinical_advice"),
        (ActionTellMore(), "tell me more", "ask_more"),  # nothing to expand
    ],
    ids=["out-of-scope", "fallback", "goodbye", "contact", "clinical", "no-follow-up"],
)
def test_a_reply_that_is_not_an_answer_ends_with_the_crisis_line(action, text, intent):
    messages, events = run(action, tracker_for(text, intent))
    assert messages[-1]["text"] == CRISIS_LINE
    assert ANSWERED in events


def test_did_you_mean_ends_with_the_crisis_line():
    ranking = [{"name": "ask_build_trust", "confidence": 0.3}, {"name": "ask_boundaries", "confidence": 0.25}]
    messages, _ = run(ActionSmallTalk(), tracker_for("trust limits?", "nlu_fallback", ranking=ranking))
    assert messages[0]["buttons"] and messages[-1]["text"] == CRISIS_LINE


@pytest.mark.parametrize("intent", ["greet", "thank", "bot_challenge"])
def test_a_reply_that_answers_has_no_crisis_line(intent):
    messages, _ = run(ActionSmallTalk(), tracker_for("hello there", intent))
    assert all(m["text"] != CRISIS_LINE for m in messages)


def test_the_crisis_line_follows_the_practice_region(monkeypatch):
    monkeypatch.setitem(content.practice(), "region", "UK")
    messages, _ = run(ActionSmallTalk(), tracker_for("what's the weather in Paris", "out_of_scope"))
    assert "116 123" in messages[-1]["text"] and "999" in messages[-1]["text"] and "988" not in messages[-1]["text"]


def test_a_spanish_risk_message_gets_the_crisis_reply_in_spanish():
    messages, events = run(ActionSmallTalk(), tracker_for("quiero morir", "out_of_scope"))
    text = messages[0]["text"]
    assert "marque 2" in text and "AYUDA" in text and "911" in text
    assert SlotSet("crisis_escalated", True) in events


def test_a_message_in_another_language_gets_the_international_directory():
    messages, _ = run(
        ActionAnswerFaq(), tracker_for("Bonjour, je cherche un thérapeute pour mon fils", "ask_therapists_care")
    )
    assert len(messages) == 1
    assert "only answer in English" in messages[0]["text"] and "findahelpline.com" in messages[0]["text"]


def test_a_plan_after_a_veiled_signal_in_earlier_turns_gets_the_crisis_reply():
    earlier = {
        "event": "user",
        "text": "...",
        "parse_data": {"risk": {"tier": "soft", "category": "suicide", "categories": ["suicide"], "score": 0.85}},
    }
    tracker = tracker_for("it happens friday", "out_of_scope")
    tracker.events = [earlier, {"event": "user", "text": "it happens friday", "parse_data": {}}]
    messages, events = run(ActionSmallTalk(), tracker)
    assert "988" in messages[0]["text"] and SlotSet("crisis_escalated", True) in events


PRACTICE_QUESTIONS = content.answers()["practice_questions"]["topics"]


@pytest.fixture
def practice_with(tmp_path, monkeypatch):
    """A practice file with only the given optional answers (PRACTICE_CONFIG)."""

    def use(**answers):
        base = {k: v for k, v in content.practice().items() if k not in practice_config.OPTIONAL_FIELDS}
        path = tmp_path / "practice.yml"
        path.write_text(yaml.safe_dump({**base, **answers}))
        monkeypatch.setenv("PRACTICE_CONFIG", str(path))
        content.practice.cache_clear()
        return content.practice()

    yield use
    content.practice.cache_clear()


@pytest.mark.parametrize("intent", sorted(PRACTICE_QUESTIONS))
def test_a_question_about_the_practice_gets_the_practices_own_answer(intent, practice_with):
    field = PRACTICE_QUESTIONS[intent]["field"]
    practice = practice_with(**{field: f"Our own words about {field}."})
    messages, _ = run(ActionPracticeContact(), tracker_for("a question about the practice", intent))
    assert f"Our own words about {field}." in messages[0]["text"] and practice["phone"] in messages[0]["text"]
    assert CRISIS_LINE not in " ".join(m["text"] for m in messages)  # an answer: no crisis footer


@pytest.mark.parametrize("intent", sorted(PRACTICE_QUESTIONS))
def test_an_unset_practice_answer_gives_the_contact_not_a_guess(intent, practice_with):
    practice = practice_with()  # none of the optional answers
    messages, _ = run(ActionPracticeContact(), tracker_for("a question about the practice", intent))
    text = messages[0]["text"]
    assert practice["phone"] in text and practice["email"] in text
    assert PRACTICE_QUESTIONS[intent]["topic"] in text
    assert messages[-1]["text"] == CRISIS_LINE  # not an answer: the safety net's line


# --- The automated-assistant notice (first reply of each conversation session) ---

NOTICE = "not a person and not a therapist"
SESSION_START = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"}]


def in_session(tracker: Tracker, before: List[Dict[str, Any]]) -> Tracker:
    """The tracker as the action server gets it: a session start, earlier events, then this message."""
    tracker.events = before + [{"event": "user", "text": tracker.latest_message["text"], "parse_data": {}}]
    return tracker


def test_the_first_reply_of_a_session_starts_with_the_notice():
    tracker = in_session(tracker_for("do therapists care?", "ask_therapists_care"), SESSION_START)
    messages, _ = run(ActionAnswerFaq(), tracker)
    assert NOTICE in messages[0]["text"] and content.practice()["name"] in messages[0]["text"]
    assert messages[1]["text"] == content.faq_answer("ask_therapists_care")


def test_later_replies_of_the_session_carry_no_notice():
    earlier = SESSION_START + [{"event": "user", "text": "hi"}, {"event": "bot", "text": "Hi!"}]
    messages, _ = run(ActionAnswerFaq(), in_session(tracker_for("do therapists care?", "ask_therapists_care"), earlier))
    assert messages[0]["text"] == content.faq_answer("ask_therapists_care")
    assert not any(NOTICE in m["text"] for m in messages)


def test_a_new_session_after_an_expired_one_gets_the_notice_again():
    expired = SESSION_START + [{"event": "user", "text": "hi"}, {"event": "bot", "text": "Hi!"}] + SESSION_START
    messages, _ = run(ActionAnswerFaq(), in_session(tracker_for("do therapists care?", "ask_therapists_care"), expired))
    assert NOTICE in messages[0]["text"]


def test_a_crisis_message_first_gets_the_crisis_reply_first_and_no_notice_before_it():
    messages, _ = run(ActionCrisisReply(), in_session(tracker_for("i want to kill myself", "crisis"), SESSION_START))
    assert "988" in messages[0]["text"] and "automated assistant" in messages[0]["text"]
    assert not any(NOTICE in m["text"] for m in messages)


def test_a_crisis_message_the_nlu_missed_still_gets_the_crisis_reply_before_any_notice():
    messages, _ = run(ActionSmallTalk(), in_session(tracker_for("i want to kill myself", "greet"), SESSION_START))
    assert "988" in messages[0]["text"] and not any(NOTICE in m["text"] for m in messages)


def test_a_greeting_that_says_it_itself_gets_no_second_notice():
    messages, _ = run(ActionSmallTalk(), in_session(tracker_for("hello", "greet"), SESSION_START))
    assert messages[0]["text"].startswith("Hi!") and NOTICE in messages[0]["text"]
    assert sum(NOTICE in m["text"] for m in messages) == 1


def test_a_message_in_another_language_gets_the_notice_then_the_english_only_reply():
    messages, _ = run(
        ActionSmallTalk(),
        in_session(tracker_for("je voudrais prendre un rendez-vous demain", "ask_booking"), SESSION_START),
    )
    assert NOTICE in messages[0]["text"] and "only answer in English" in messages[1]["text"]


# --- Crisis referrals counted by kind ---


def test_a_soft_risk_answer_is_counted_as_a_resources_line_referral(escalation_db_in_tmp):
    tracker = tracker_for("I'm not suicidal, just stressed. do therapists care?", "ask_therapists_care")
    tracker.latest_message["risk"] = {"tier": "soft", "category": "suicide", "categories": ["suicide"]}
    run(ActionAnswerFaq(), tracker)
    assert referrals.counts() == [("suicide", "soft", "resources_line", 1)]


def test_answers_after_an_escalation_are_not_counted_again(escalation_db_in_tmp):
    run(ActionAnswerFaq(), tracker_for("do therapists care?", "ask_therapists_care", {"crisis_escalated": True}))
    assert referrals.counts() == []


# --- Unanswered questions, kept only when the practice turns it on ---


@pytest.fixture
def unanswered_db(tmp_path, monkeypatch):
    monkeypatch.setenv("UNANSWERED_DB", str(tmp_path / "unanswered.db"))
    return tmp_path / "unanswered.db"


def kept_texts() -> List[str]:
    return [text for _, _, text in unanswered.listing()]


def test_unanswered_questions_are_not_kept_by_default(unanswered_db):
    run(ActionSmallTalk(), tracker_for("what's the weather tomorrow", "out_of_scope"))
    assert not unanswered_db.exists() and kept_texts() == []


def test_unanswered_questions_are_kept_when_the_practice_turns_it_on(unanswered_db, practice_with):
    practice_with(keep_unanswered_days=30)
    run(ActionSmallTalk(), tracker_for("what's the weather tomorrow", "out_of_scope"))
    run(ActionSmallTalk(), tracker_for("blorp zzk", "nlu_fallback"))
    run(ActionAnswerFaq(), tracker_for("do therapists care?", "ask_therapists_care"))  # answered: not kept
    assert sorted(kept_texts()) == ["blorp zzk", "what's the weather tomorrow"]
    with sqlite3.connect(unanswered_db) as conn:
        assert "test-visitor" not in str(conn.execute("SELECT * FROM unanswered").fetchall())


def test_a_message_with_any_sign_of_risk_is_never_kept(unanswered_db, practice_with):
    practice_with(keep_unanswered_days=30)
    soft = tracker_for("so tired of everything lately, whats the weather", "out_of_scope")
    soft.latest_message["risk"] = {"tier": "soft", "category": "suicide", "categories": ["suicide"]}
    run(ActionSmallTalk(), soft)
    run(ActionSmallTalk(), tracker_for("i want to kill myself", "out_of_scope"))
    assert kept_texts() == []


def test_kept_questions_go_with_forget_sender_and_when_the_setting_is_turned_off(unanswered_db, practice_with):
    practice_with(keep_unanswered_days=30)
    run(ActionSmallTalk(), tracker_for("what's the weather tomorrow", "out_of_scope"))
    assert unanswered.forget_sender("someone-else") == 0 and unanswered.forget_sender("test-visitor") == 1
    run(ActionSmallTalk(), tracker_for("what's the weather tomorrow", "out_of_scope"))
    practice_with()  # turned off
    run(ActionSmallTalk(), tracker_for("who won the game", "out_of_scope"))
    assert kept_texts() == []


def test_short_spanish_read_as_english_also_gets_the_spanish_crisis_line():
    # Only the classifier caught it; the language step was not sure enough to call it Spanish.
    verdict = {"tier": "hard", "category": "suicide", "categories": ["suicide"], "language": "en"}
    messages, _ = run(ActionCrisisReply(), tracker_for("estoy harta de vivir", "crisis", risk=verdict))
    text = messages[0]["text"]
    assert "988" in text and "marque 2" in text and "AYUDA" in text


def test_english_crisis_reply_has_no_spanish_line():
    verdict = {"tier": "hard", "category": "suicide", "categories": ["suicide"], "language": "en"}
    messages, _ = run(ActionCrisisReply(), tracker_for("I want to end my life tonight", "crisis", risk=verdict))
    assert "marque 2" not in messages[0]["text"]
