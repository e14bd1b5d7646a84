"""The crisis reply: resources first, for every risk message, whatever the flow."""

import logging
from dataclasses import replace
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import staff_alert
from actions.channel_payloads import payload_for
from actions.risk_check import assess
from practice import crisis_resources, referrals
from safety.language import ENGLISH, SPANISH, more_spanish_than_english
from safety.risk_detector import HARD, RiskAssessment

logger = logging.getLogger(__name__)


async def respond(dispatcher: CollectingDispatcher, tracker: Tracker, risk: RiskAssessment) -> List[Dict[Text, Any]]:
    """Sends the crisis reply and remembers the escalation in the conversation."""
    categories = list(risk.categories)
    # In Spanish for a visitor who writes in Spanish; English otherwise.
    text, links = crisis_resources.compose(categories, language=risk.language)
    if risk.language == ENGLISH and more_spanish_than_english((tracker.latest_message or {}).get("text") or ""):
        # Short Spanish ("estoy harta de vivir") that only the classifier
        # caught is read as English: the language step is sure of Spanish only
        # from three words at 95 %. The Spanish crisis line goes with it.
        text = f"{text}\n\n{crisis_resources.safety_line(language=SPANISH)}"
    # The text works on every channel; the links let the web widget show
    # tap-to-call / tap-to-text buttons (actions/channels.py).
    dispatcher.utter_message(text=text, json_message=payload_for(tracker, {"crisis_links": links}))
    category = risk.category or "unspecified"
    logger.info("Crisis escalation: category=%s tier=%s", category, HARD)
    referrals.record(category, HARD, referrals.CRISIS_REPLY, tracker.get_latest_input_channel())
    staff_alert.notify(category, HARD, tracker.sender_id)
    # crisis_pending=False tells the rules the reply went out (see data/rules.yml:
    # if it stays True, Rasa sends its own fail-closed response).
    return [SlotSet("crisis_pending", False), SlotSet("crisis_escalated", True), SlotSet("reply_pending", False)]


class ActionCrisisReply(Action):
    def name(self) -> Text:
        return "action_crisis_reply"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        risk = assess(tracker)
        if not risk.is_hard:
            # The statistical classifier alone predicted `crisis`: escalate all
            # the same (it may catch implicit messages the lexicon misses).
            risk = replace(risk, tier=HARD)
        return await respond(dispatcher, tracker, risk)
