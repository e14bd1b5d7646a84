"""Rasa's LogisticRegressionClassifier, made safe for messages with no features
and with its regularisation strength `C` configurable.

Rasa 3.6's LogisticRegressionClassifier raises on a message that produced no
features at all (an empty or whitespace-only message): scikit-learn refuses a
matrix with 0 columns and the server answers HTTP 500. And a message whose
features are all zero (emoji only, nothing in the vocabulary) would get the
intent with the largest prior, usually `greet`. Both get no intent here
(confidence 0), so the FallbackClassifier routes them to the "what I can help
with" reply like any message the bot can't read.
"""
from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


def _has_features(message: Message) -> bool:
    sparse = message.get_sparse_features(attribute=TEXT)[1]
    dense = message.get_dense_features(attribute=TEXT)[1]
    return any(f is not None and f.features.shape[-1] > 0 and f.features.sum() != 0 for f in (sparse, dense))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class RobustLogisticRegressionClassifier(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # C: inverse regularisation strength (scikit-learn's default is 1.0).
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(self, config: Dict[Text, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.clf.C = self.config["C"]

    def process(self, messages: List[Message]) -> List[Message]:
        readable = [m for m in messages if _has_features(m)]
        if readable:
            super().process(readable)
        for message in messages:
            if not _has_features(message):
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages
