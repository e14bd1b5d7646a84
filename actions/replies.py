"""The base for answering actions: every answer passes the safety check first."""

from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import crisis
from actions.risk_check import assess, escalated_before
from practice import crisis_resources
from safety.language import ENGLISH


def latest_intent(tracker: Tracker) -> Optional[str]:
    """The intent of the visitor's latest message."""
    return (tracker.latest_message.get("intent") or {}).get("name")


class SafeAnswerAction(Action, metaclass=ABCMeta):
    """Subclasses say what to answer; this class decides if it may be said.

    A hard risk turns the answer into the crisis reply. A soft risk, or an
    earlier escalation in this conversation, adds a short resources line.
    Every reply that is not an answer (out of scope, "did you mean", contact,
    refusals) ends with a one-line crisis line: no detector catches every
    wording, and a missed risk message must still show where help is.
    """

    # Abstract (ABCMeta), so that rasa-sdk registers only the subclasses.
    @abstractmethod
    def name(self) -> Text: ...

    @abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        """Sends the answer; returns the events to apply (slots)."""

    def answered(self, tracker: Tracker, events: List[Dict[Text, Any]]) -> bool:
        """Did the reply answer what was asked? If not, it carries the crisis line."""
        return False

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        risk = assess(tracker)
        if risk.is_hard:
            return await crisis.respond(dispatcher, tracker, risk)
        if risk.language != ENGLISH:
            # "I can only answer in English", with a crisis line in the
            # visitor's language (Spanish) or the international directory.
            dispatcher.utter_message(text=crisis_resources.other_language_reply(risk.language))
            return [SlotSet("reply_pending", False)]
        events = self.answer(dispatcher, tracker)
        if risk.tier == "soft" or escalated_before(tracker):
            dispatcher.utter_message(text=crisis_resources.soft_line(language=risk.language))
        elif not self.answered(tracker, events):
            dispatcher.utter_message(text=crisis_resources.safety_line(language=risk.language))
        # Tells the rules the answer went out (see reply_pending in domain.yml).
        return events + [SlotSet("reply_pending", False)]
