"""Answers the article's five FAQ questions with the article's own words."""
from typing import Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import content
from actions.replies import SafeAnswerAction


class ActionAnswerFaq(SafeAnswerAction):
    def name(self) -> Text:
        return "action_answer_faq"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        faq = content.answers()["faq"]
        if intent in faq:
            dispatcher.utter_message(text=faq[intent]["answer"])
        else:  # a rule sent us an intent we have no answer for: offer the menu
            dispatcher.utter_message(
                text=content.answers()["small_talk"]["nlu_fallback"], buttons=content.faq_buttons()
            )
