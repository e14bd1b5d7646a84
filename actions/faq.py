"""Answers from the article: the five FAQ questions, its other sections, and
"tell me more" follow-ups."""

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import SafeAnswerAction
from practice import content

LAST_TOPIC = "last_topic"


def _intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name")


def answered_from_article(events: List[Dict[Text, Any]]) -> bool:
    return any(e.get("name") == LAST_TOPIC and e.get("value") for e in events)


class ActionAnswerFaq(SafeAnswerAction):
    def name(self) -> Text:
        return "action_answer_faq"

    def answered(self, tracker: Tracker, events: List[Dict[Text, Any]]) -> bool:
        return answered_from_article(events)

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        intent = _intent(tracker)
        if intent not in content.topics():  # a rule sent an intent we can't answer: offer the menu
            dispatcher.utter_message(
                text=content.answers()["small_talk"]["nlu_fallback"], buttons=content.menu_buttons()
            )
            return []
        dispatcher.utter_message(text=content.faq_answer(intent))
        return [SlotSet(LAST_TOPIC, intent)]


class ActionTellMore(SafeAnswerAction):
    """'Tell me more' / 'why?': the related part of the article."""

    def name(self) -> Text:
        return "action_tell_more"

    def answered(self, tracker: Tracker, events: List[Dict[Text, Any]]) -> bool:
        return answered_from_article(events)

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        related = content.answers()["follow_up"].get(tracker.get_slot(LAST_TOPIC))
        if not related:
            dispatcher.utter_message(
                text=content.answers()["small_talk"]["no_follow_up"], buttons=content.menu_buttons()
            )
            return []
        dispatcher.utter_message(text=content.faq_answer(related))
        return [SlotSet(LAST_TOPIC, related)]
