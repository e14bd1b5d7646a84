"""How to reach the practice, its answers to questions about itself
(insurance, fees, ...), and the kind refusal of clinical advice."""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.channel_payloads import payload_for
from actions.replies import SafeAnswerAction, latest_intent
from practice import content


def contact_payload(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The practice's details as links a web widget can render (actions/channel_payloads.py)."""
    practice = content.practice()
    digits = "".join(ch for ch in practice["phone"] if ch.isdigit() or ch == "+")
    return payload_for(
        tracker,
        {
            "practice_contact": {
                "name": practice["name"],
                "hours": practice["hours"],
                "links": [
                    {"label": f"Call {practice['phone']}", "href": f"tel:{digits}"},
                    {"label": f"Email {practice['email']}", "href": f"mailto:{practice['email']}"},
                    {"label": "Book online", "href": practice["booking_url"]},
                ],
            }
        },
    )


def practice_answer(intent: Optional[str]) -> Optional[str]:
    """The practice's own text for a question about itself (practice.yml), if it gave one."""
    topic = content.answers()["practice_questions"]["topics"].get(intent or "")
    return content.practice().get(topic["field"]) if topic else None


class ActionPracticeContact(SafeAnswerAction):
    def name(self) -> Text:
        return "action_practice_contact"

    def answered(self, tracker: Tracker, events: List[Dict[Text, Any]]) -> bool:
        return bool(practice_answer(latest_intent(tracker)))

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        intent, practice = latest_intent(tracker), content.practice()
        questions = content.answers()["practice_questions"]
        if intent in questions["topics"]:
            own_answer = practice_answer(intent)
            template = questions["answered"] if own_answer else questions["not_answered"]
            text = template.format(answer=own_answer, topic=questions["topics"][intent]["topic"], **practice)
        else:
            templates = content.answers()["contact"]
            text = templates.get(intent, templates["ask_human"]).format(**practice)
        dispatcher.utter_message(text=text, json_message=contact_payload(tracker))
        return []


class ActionClinicalBoundary(SafeAnswerAction):
    def name(self) -> Text:
        return "action_clinical_boundary"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        practice = content.practice()
        text = content.answers()["clinical_boundary"].format(practice=practice["name"], **practice)
        dispatcher.utter_message(text=text, json_message=contact_payload(tracker))
        return []
