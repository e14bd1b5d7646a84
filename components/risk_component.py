"""Rasa NLU component: forces the `crisis` intent on any risk message.

The assessment itself (English and Spanish lexicons, language, the learned
classifier on sentence embeddings) is safety/assessment.py.

It runs last in the pipeline (see config.yml), after the intent classifier and
the FallbackClassifier, so nothing can overwrite its verdict. On a hard risk it
sets the intent to `crisis` at confidence 1.0; on every message it adds
`risk: {tier, category, categories}` to the parse result.

The statistical classifier may predict `crisis` on its own (implicit messages
the lexicon misses). At or above `classifier_threshold` that stands as a hard
escalation. Below it, the message is not escalated on a guess but it is not
ignored either: it gets the fallback reply with the soft tier (a resources line).
That holds when the detector rated the message soft (negated) too: some
negated messages then get the crisis reply they did not need ("I would never
hurt myself but work is awful"), but "I don't want to hurt myself but I think
I'm going to" reads soft to the detector and only the classifier catches it
(tests/data/crisis_corpus.yml, negated_then_risk).
"""

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from safety.assessment import RiskAssessor
from safety.risk_classifier import DEFAULT_MODEL_DIR
from safety.risk_detector import (
    DEFAULT_LEXICON,
    DEFAULT_SPACY_PIPELINE,
    HARD,
    SOFT,
)

logger = logging.getLogger(__name__)
NLU_FALLBACK = "nlu_fallback"
CRISIS_INTENT = "crisis"
RISK_KEY = "risk"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RiskDetectorComponent(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # None = the project's own files (safety/risk_detector.py).
        return {
            "lexicon": None,
            "spacy_pipeline": None,
            "risk_classifier": None,
            "intent": CRISIS_INTENT,
            "classifier_threshold": 0.8,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._intent = config["intent"]
        self._classifier_threshold = config["classifier_threshold"]
        self._detector = RiskAssessor.load(
            Path(config["lexicon"] or DEFAULT_LEXICON),
            Path(config["spacy_pipeline"] or DEFAULT_SPACY_PIPELINE),
            Path(config["risk_classifier"] or DEFAULT_MODEL_DIR),
        )
        self._detector.warm_up()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RiskDetectorComponent":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        risk = self._detector.assess(message.get(TEXT))
        predicted = message.get(INTENT) or {}
        if not risk.is_hard and predicted.get(INTENT_NAME_KEY) == self._intent:
            if predicted.get(PREDICTED_CONFIDENCE_KEY, 0.0) >= self._classifier_threshold:
                risk = replace(risk, tier=HARD, source=risk.source or "intent_classifier")
            else:
                risk = replace(risk, tier=SOFT, source=risk.source or "intent_classifier")
                message.set(
                    INTENT,
                    {
                        INTENT_NAME_KEY: NLU_FALLBACK,
                        PREDICTED_CONFIDENCE_KEY: predicted.get(PREDICTED_CONFIDENCE_KEY, 0.0),
                    },
                    add_to_output=True,
                )
        message.set(RISK_KEY, risk.as_dict(), add_to_output=True)
        if not risk.is_hard:
            return
        crisis = {INTENT_NAME_KEY: self._intent, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking: List[Dict[Text, Any]] = message.get(INTENT_RANKING_KEY) or []
        ranking = [crisis] + [r for r in ranking if r.get(INTENT_NAME_KEY) != self._intent]
        message.set(INTENT, crisis, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        logger.debug("Risk detected (%s): intent forced to %s", risk.category, self._intent)
