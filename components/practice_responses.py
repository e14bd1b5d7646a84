"""Domain responses that name the practice, rendered by Rasa itself.

Some replies are sent by Rasa without the action server (the apology when the
action server is down or slow). They still name the practice's phone: this
response generator fills {practice_name}, {practice_phone}, {practice_email}
and {practice_website} in domain.yml's responses from content/practice.yml, and
{crisis_line} with the crisis line of the practice's region.
On a session's first reply it puts the automated-assistant notice before them
(practice/notice.py), and it counts Rasa's own crisis response as a referral
(practice/referrals.py): that is the one place that sees it go out.
endpoints.yml selects it (nlg: type: components.practice_responses.PracticeResponseGenerator).
"""

from typing import Any, Dict, Optional, Text

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from practice import notice, referrals
from practice.config import load
from practice.crisis_resources import safety_line
from rasa_patches import require_installed
from safety.risk_detector import HARD

# Rasa's own crisis response (fail closed, data/rules.yml): a referral, and
# never preceded by the notice (it says it is an automated assistant itself).
CRISIS_RESPONSE = "utter_crisis_fallback"


def practice_variables() -> Dict[str, str]:
    practice = load()
    variables = {f"practice_{field}": str(practice[field]) for field in ("name", "phone", "email", "website")}
    # The one-line crisis line of the practice's region (content/crisis_resources.yml).
    variables["crisis_line"] = safety_line(practice.get("region"))
    return variables


class PracticeResponseGenerator(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        # Every project Rasa server loads this generator (endpoints.yml): the
        # place to refuse a start without the patches (plain `rasa run`).
        require_installed()
        super().__init__((domain or Domain.empty()).responses)
        self.variables = practice_variables()

    async def generate(
        self, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text, **kwargs: Any
    ) -> Optional[Dict[Text, Any]]:
        response = await super().generate(utter_action, tracker, output_channel, **{**self.variables, **kwargs})
        if utter_action == CRISIS_RESPONSE:
            risk = (tracker.latest_message.parse_data if tracker.latest_message else {}).get("risk") or {}
            channel = tracker.get_latest_input_channel()
            referrals.record(risk.get("category"), HARD, referrals.FAIL_CLOSED, channel)
        elif response and response.get("text") and first_reply_of_session(tracker):
            if not notice.already_said_in(response["text"]):
                response["text"] = f"{notice.text()}\n\n{response['text']}"
        return response


def first_reply_of_session(tracker: DialogueStateTracker) -> bool:
    return notice.first_reply_of_session(event.type_name for event in reversed(tracker.events))
