"""Rasa NLU component: the five FAQ questions come first (issue 13).

Each FAQ answer has a button to the article section that goes further
(content/answers.yml, `follow_up`: personal connection -> boundaries, ...).
Where a message fits both, a visitor who asked the FAQ question in their own
words ("can we be friends outside sessions?") should get the FAQ answer, with
the section one tap away, not the section instead of it. So when the
classifier's top intent is such a section and the FAQ whose button opens it
is the runner-up with at least `min_ratio` of the section's confidence, the
FAQ answer is chosen, with both confidences: its answer covers both. Other
rankings pass through untouched; crisis and fallback decisions come after.
"""

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from practice import content


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class FaqFirst(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"min_ratio": 0.5}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._min_ratio = float(config["min_ratio"])
        # {article section: the FAQ whose answer's button opens it}
        self._faq_for = {section: faq for faq, section in content.faq_follow_ups().items()}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FaqFirst":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranking = self.faq_first(message.get(INTENT_RANKING_KEY) or [])
            if ranking is not None:
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def faq_first(self, ranking: List[Dict[str, Any]]) -> Optional[List[Dict[str, Any]]]:
        """The ranking with the FAQ in the section's place, or None to keep it."""
        if len(ranking) < 2:
            return None
        section, runner_up = ranking[0], ranking[1]
        faq = self._faq_for.get(section[INTENT_NAME_KEY])
        if faq is None or runner_up[INTENT_NAME_KEY] != faq:
            return None
        if runner_up[PREDICTED_CONFIDENCE_KEY] < self._min_ratio * section[PREDICTED_CONFIDENCE_KEY]:
            return None
        both = section[PREDICTED_CONFIDENCE_KEY] + runner_up[PREDICTED_CONFIDENCE_KEY]
        return [{INTENT_NAME_KEY: faq, PREDICTED_CONFIDENCE_KEY: both}] + ranking[2:]
