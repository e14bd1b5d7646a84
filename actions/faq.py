"""Answers from the article: the five FAQ questions, its other sections, and
"tell me more" follow-ups."""

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import SafeAnswerAction, latest_intent
from practice import content

LAST_TOPIC = "last_topic"


def answered_from_article(events: List[Dict[Text, Any]]) -> bool:
    return any(e.get("name") == LAST_TOPIC and e.get("value") for e in events)


class ActionAnswerFaq(SafeAnswerAction):
    def name(self) -> Text:
        return "action_answer_faq"

    def answered(self, tracker: Tracker, events: List[Dict[Text, Any]]) -> bool:
        return answered_from_article(events)

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        intent = latest_intent(tracker)
        if intent not in content.topics():  # a rule sent an intent we can't answer: offer the menu
            dispatcher.utter_message(
                text=content.answers()["small_talk"]["nlu_fallback"], buttons=content.menu_buttons()
            )
            return []
        dispatcher.utter_message(text=content.faq_answer(intent), buttons=follow_up_buttons(intent))
        return [SlotSet(LAST_TOPIC, intent)]


def follow_up_buttons(intent: str) -> List[Dict[str, str]]:
    """For one of the five FAQ questions, a button to the article section that
    goes further (content/answers.yml, follow_up); none for a section itself."""
    related = content.faq_follow_ups().get(intent)
    if not related:
        return []
    return [
        {"title": content.answers()["follow_up_button"].format(title=content.title(related)), "payload": f"/{related}"}
    ]


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
