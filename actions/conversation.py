"""Greeting, goodbye, thanks and the replies to messages the bot can't answer."""
from typing import Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import content
from actions.replies import SafeAnswerAction

# Replies that end with the FAQ menu, so the visitor sees what they can ask.
WITH_MENU = {"greet", "out_of_scope", "nlu_fallback", "unreadable"}


class ActionSmallTalk(SafeAnswerAction):
    def name(self) -> Text:
        return "action_small_talk"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        replies = content.answers()["small_talk"]
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = tracker.latest_message.get("text") or ""
        if not text.strip() or intent not in replies:
            intent = "unreadable" if not text.strip() else "nlu_fallback"
        reply = replies[intent].format(practice=content.practice()["name"])
        buttons = content.faq_buttons() if intent in WITH_MENU else []
        dispatcher.utter_message(text=reply, buttons=buttons)
