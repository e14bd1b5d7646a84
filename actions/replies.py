"""The base for answering actions: every answer passes the safety check first."""

from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import crisis
from actions.risk_check import assess, escalated_before
from practice import crisis_resources, notice, referrals, unanswered
from safety.language import ENGLISH
from safety.risk_detector import NONE, SOFT


def first_reply_of_session(tracker: Tracker) -> bool:
    return notice.first_reply_of_session(e.get("event") for e in reversed(tracker.events))


def with_notice_first(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Puts the automated-assistant notice before the session's first reply."""
    if not dispatcher.messages or not first_reply_of_session(tracker):
        return
    if notice.already_said_in(dispatcher.messages[0].get("text")):
        return
    dispatcher.utter_message(text=notice.text())
    dispatcher.messages.insert(0, dispatcher.messages.pop())


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
    The session's first reply starts with the automated-assistant notice.
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
            with_notice_first(dispatcher, tracker)
            return [SlotSet("reply_pending", False)]
        events = self.answer(dispatcher, tracker)
        if risk.tier == NONE and latest_intent(tracker) in unanswered.UNANSWERED_INTENTS:
            # Only when the practice turned it on (content/practice.yml).
            unanswered.keep(tracker.latest_message.get("text") or "", latest_intent(tracker), tracker.sender_id)
        if risk.tier == SOFT:
            referrals.record(risk.category, SOFT, referrals.RESOURCES_LINE, tracker.get_latest_input_channel())
        if risk.tier == SOFT or escalated_before(tracker):
            dispatcher.utter_message(text=crisis_resources.soft_line(language=risk.language))
        elif not self.answered(tracker, events):
            dispatcher.utter_message(text=crisis_resources.safety_line(language=risk.language))
        with_notice_first(dispatcher, tracker)
        # Tells the rules the answer went out (see reply_pending in domain.yml).
        return events + [SlotSet("reply_pending", False)]
