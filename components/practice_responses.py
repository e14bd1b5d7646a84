"""Domain responses that name the practice, rendered by Rasa itself.

Some replies are sent by Rasa without the action server (the apology when the
action server is down or slow). They still name the practice's phone: this
response generator fills {practice_name}, {practice_phone}, {practice_email}
and {practice_website} in domain.yml's responses from content/practice.yml, and
{crisis_line} with the crisis line of the practice's region.
endpoints.yml selects it (nlg: type: components.practice_responses.PracticeResponseGenerator).
"""

from typing import Any, Dict, Optional, Text

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from practice.config import load
from practice.crisis_resources import safety_line
from rasa_patches import require_installed


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
        return await super().generate(utter_action, tracker, output_channel, **{**self.variables, **kwargs})
