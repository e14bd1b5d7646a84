"""Greeting, goodbye, thanks, "are you a bot?", the menu, and the replies to
messages the bot can't answer (with "Did you mean …?" when it is unsure)."""

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import SafeAnswerAction, latest_intent
from practice import content

# Replies that end with the topic menu, so the visitor sees what they can ask.
WITH_MENU = {"greet", "ask_capabilities", "out_of_scope", "nlu_fallback", "unreadable"}
# Replies that answer what was asked; every other reply of this action (out of
# scope, not understood, "did you mean", goodbye) carries the crisis line.
ANSWERED = {"greet", "thank", "bot_challenge", "ask_capabilities"}
# "Did you mean …?" offers in-scope candidates at least this likely.
MIN_CANDIDATE_CONFIDENCE = 0.15
MAX_CANDIDATES = 2


def did_you_mean(tracker: Tracker) -> List[str]:
    """The most likely answerable topics for an uncertain message."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    topics = content.topics()
    return [
        r["name"] for r in ranking if r.get("name") in topics and r.get("confidence", 0) >= MIN_CANDIDATE_CONFIDENCE
    ][:MAX_CANDIDATES]


class ActionSmallTalk(SafeAnswerAction):
    def name(self) -> Text:
        return "action_small_talk"

    def answered(self, tracker: Tracker, events: List[Dict[Text, Any]]) -> bool:
        intent = latest_intent(tracker)
        return intent in ANSWERED and bool((tracker.latest_message.get("text") or "").strip())

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        replies = content.answers()["small_talk"]
        intent = latest_intent(tracker)
        text = tracker.latest_message.get("text") or ""
        if not text.strip():
            intent = "unreadable"
        elif intent not in replies:
            intent = "nlu_fallback"
        if intent == "nlu_fallback":
            candidates = did_you_mean(tracker)
            if candidates:
                buttons = [content.button(c) for c in candidates]
                buttons.append({"title": replies["something_else"], "payload": "/ask_capabilities"})
                dispatcher.utter_message(text=replies["did_you_mean"], buttons=buttons)
                return []
        practice = content.practice()
        reply = replies[intent].format(practice=practice["name"], **practice)
        buttons = content.menu_buttons() if intent in WITH_MENU else []
        dispatcher.utter_message(text=reply, buttons=buttons)
        return []
