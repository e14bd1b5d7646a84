"""Rasa's LogisticRegressionClassifier, made safe for messages with no features
and with its regularisation strength `C` configurable.

Rasa 3.6's LogisticRegressionClassifier raises on a message that produced no
features at all (an empty or whitespace-only message): scikit-learn refuses a
matrix with 0 columns and the server answers HTTP 500. And a message whose
features are all zero (emoji only, nothing in the vocabulary) would get the
intent with the largest prior, usually `greet`. Both get no intent here
(confidence 0), so the FallbackClassifier routes them to the "what I can help
with" reply like any message the bot can't read.

A second opinion on meaning, for the messages it is unsure of: when the
word and character n-gram model's top intent is below `meaning_threshold`,
a small logistic regression over the message's sentence embedding (the
English MiniLM encoder, safety/encoder.py) votes too, and the
intents are ranked by the geometric mean of the two models' probabilities.
N-grams know the words they were trained on; the embedding knows wordings
no writer used ("a bond with my counsellor" near "a personal connection
with my therapist"). On the team's hold-outs (docs/evaluation.md) it took
the five FAQ questions from 0.959 to 0.972 and out-of-scope rejection from
0.981 to 1.0, for the encoder's 5-8 ms on the ~15 % of messages that need it.

The trained model is kept as plain arrays (numpy, without pickle) and JSON
instead of Rasa's skops file: importing skops in a server that has loaded
TensorFlow took ~5 s of every start-up (it searches all ~6,000 loaded modules
for each numpy function), more than the rest of this model's loading.
"""

import json
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.linear_model import LogisticRegression

from safety.encoder import BUILT_MODEL_SHA256, shared_encoder
from safety.linear_head import LinearHead

ARRAYS, PARAMETERS = "classifier.npz", "parameters.json"


def _feature_row(message: Message) -> Optional[csr_matrix]:
    """The message's sentence features as one row, as Rasa's _create_X builds
    it; None if there are none or all are zero."""
    sparse = message.get_sparse_features(attribute=TEXT)[1]
    dense = message.get_dense_features(attribute=TEXT)[1]
    parts = [csr_matrix(f.features) for f in (sparse, dense) if f is not None and f.features.shape[-1] > 0]
    if not parts:
        return None
    row = hstack(parts, format="csr")
    return row if row.sum() != 0 else None


def _for_sparse_rows(coef: np.ndarray) -> np.ndarray:
    """The weights in double precision and column-major order. scikit-learn
    multiplies a message's sparse row by coef_.T; scipy needs that operand
    C-contiguous, so a row-major coef_ was copied whole (33 intents x ~33k
    features, 8.6 MB) on every message: 2.5 ms, an eighth of the Rasa
    server's CPU under load. Column-major, coef_.T is already C-contiguous."""
    return np.asfortranarray(coef, dtype=np.float64)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class RobustLogisticRegressionClassifier(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # C: inverse regularisation strength (scikit-learn's default is 1.0).
        # meaning_threshold: below this top confidence the meaning head votes
        # too (0: never, and it is not trained).
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "meaning_threshold": 0.0}

    def __init__(self, config: Dict[Text, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.clf.C = self.config["C"]
        self.meaning: Optional[LinearHead] = None

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        # The meaning head is trained on the encoder's embeddings, which Rasa's
        # training cache does not see: a new encoder file must retrain it, not
        # restore a head fitted to another encoder's vectors.
        return BUILT_MODEL_SHA256 if config.get("meaning_threshold", 0) > 0 else None

    def train(self, training_data: TrainingData) -> Resource:
        if self.config["meaning_threshold"] > 0:
            examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
            if examples:  # the same examples, in the same order, as Rasa's n-gram model
                embeddings = shared_encoder().encode([e.get(TEXT) for e in examples])
                head = LogisticRegression(**{**self.clf.get_params(), "C": self.config["C"]})
                head.fit(embeddings, [e.get(INTENT) for e in examples])
                self.meaning = LinearHead.from_coef(head.coef_, head.intercept_)
                self._meaning_classes = list(head.classes_)  # checked against the n-gram model's in persist()
        return super().train(training_data)  # fits the n-gram model and persists both

    def process(self, messages: List[Message]) -> List[Message]:
        # Rasa's process(), with each message's features combined once (not
        # twice) and the unreadable ones left without an intent.
        rows = [_feature_row(m) for m in messages]
        readable = [(m, row) for m, row in zip(messages, rows) if row is not None]
        if readable:
            probabilities = self._with_meaning(
                [m for m, _ in readable], self.clf.predict_proba(vstack([row for _, row in readable]))
            )
            for (message, _), row_probabilities in zip(readable, probabilities):
                ranking = sorted(
                    (
                        {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: p}
                        for name, p in zip(self.clf.classes_, row_probabilities)
                    ),
                    key=lambda e: -e[PREDICTED_CONFIDENCE_KEY],
                )
                message.set(INTENT, ranking[0], add_to_output=True)
                length = self.config[RANKING_LENGTH]
                message.set(INTENT_RANKING_KEY, ranking[:length] if length > 0 else ranking, add_to_output=True)
        for message, row in zip(messages, rows):
            if row is None:
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages

    def _with_meaning(self, messages: List[Message], probabilities: np.ndarray) -> np.ndarray:
        """The n-gram model's probabilities, with the meaning head's vote where
        the n-gram model's top intent is below the threshold."""
        unsure = np.flatnonzero(probabilities.max(axis=1) < self.config["meaning_threshold"])
        if self.meaning is None or not len(unsure):
            return probabilities
        embeddings = shared_encoder().encode([messages[i].get(TEXT) or "" for i in unsure])
        both = np.sqrt(probabilities[unsure] * self.meaning.probabilities(embeddings))
        probabilities = probabilities.copy()
        probabilities[unsure] = both / both.sum(axis=1, keepdims=True)
        return probabilities

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            if not hasattr(self.clf, "coef_"):
                return  # not trained (no examples): load() creates a fresh one, as Rasa's does
            # Single precision halves the model (33 intents x ~33k features:
            # 8.6 -> 4.3 MB) and changes no decision. The classifier in memory
            # keeps the same rounded weights, so it answers as the loaded one.
            self.clf.coef_ = _for_sparse_rows(self.clf.coef_.astype(np.float32))
            meaning = {}
            if self.meaning is not None:
                if self._meaning_classes != list(self.clf.classes_):
                    raise ValueError("the meaning head and the n-gram model must rank the same intents")
                meaning = {"meaning_coef": self.meaning.weights.T, "meaning_intercept": self.meaning.intercept}
            np.savez(
                model_dir / ARRAYS,
                coef=self.clf.coef_.astype(np.float32),
                intercept=self.clf.intercept_,
                classes=np.asarray(self.clf.classes_, dtype=str),
                **meaning,
            )
            (model_dir / PARAMETERS).write_text(json.dumps(self.clf.get_params()))

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "RobustLogisticRegressionClassifier":
        try:
            with model_storage.read_from(resource) as model_dir:
                with np.load(model_dir / ARRAYS, allow_pickle=False) as arrays:
                    clf = LogisticRegression(**json.loads((model_dir / PARAMETERS).read_text()))
                    clf.coef_, clf.intercept_ = _for_sparse_rows(arrays["coef"]), arrays["intercept"]
                    clf.classes_ = arrays["classes"]
                    meaning = None
                    if "meaning_coef" in arrays and config.get("meaning_threshold", 0) > 0:
                        meaning = LinearHead.from_coef(arrays["meaning_coef"], arrays["meaning_intercept"])
                clf.n_features_in_ = clf.coef_.shape[1]
        except (ValueError, FileNotFoundError):
            # A model trained before this format (skops), or an untrained classifier: Rasa's loader.
            return super().load(config, model_storage, resource, execution_context, **kwargs)
        component = cls(config, execution_context.node_name, model_storage, resource)
        component.clf = clf
        component.meaning = meaning
        return component
