"""How to reach the practice, and the kind refusal of clinical advice."""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.channel_payloads import payload_for
from actions.replies import SafeAnswerAction
from practice import content


def contact_payload(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The practice's details as links a web widget can render (actions/channels.py)."""
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


class ActionPracticeContact(SafeAnswerAction):
    def name(self) -> Text:
        return "action_practice_contact"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        templates = content.answers()["contact"]
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = templates.get(intent, templates["ask_human"]).format(**content.practice())
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
