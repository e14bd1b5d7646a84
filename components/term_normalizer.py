"""Rasa NLU component: one word for each thing people name many ways.

Visitors call their therapist a shrink, counsellor, psychologist, clinician or
"my T". The training data cannot show every topic with every name, so the
classifier would learn "trust" + "therapist" but miss "trust" + "shrink". This
component rewrites each token's lemma to its canonical term (from
content/term_synonyms.yml) after tokenising, so the word features see one
term. Machine strings (ids, hashes, tokens: 16 or more letters and digits
mixed) are no words at all: their character n-grams made a random id look
like "goodbye" to the classifier, so their lemma is emptied and they add no
feature. The message text itself is untouched (the risk detector reads the text).
"""

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# 16+ characters of letters and digits, with at least one of each: not a word.
MACHINE_STRING = re.compile(r"(?=[a-z]*\d)(?=\d*[a-z])[a-z\d]{16,}", re.IGNORECASE)
DEFAULT_SYNONYMS = Path(__file__).resolve().parent.parent / "content" / "term_synonyms.yml"


def load_synonyms(path: Path) -> Dict[str, str]:
    """{variant: canonical} from a file of `canonical: [variant, ...]`."""
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {variant.lower(): canonical for canonical, variants in groups.items() for variant in variants}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TermNormalizer(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"synonyms": None}  # None = content/term_synonyms.yml

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._canonical = load_synonyms(Path(config["synonyms"] or DEFAULT_SYNONYMS))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TermNormalizer":
        return cls(config)

    def _normalize(self, message: Message) -> None:
        for token in message.get(TOKENS_NAMES[TEXT]) or []:
            canonical: Optional[str] = self._canonical.get(token.text.lower())
            if canonical:
                token.lemma = canonical
            elif MACHINE_STRING.fullmatch(token.text):
                token.lemma = ""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._normalize(message)
        return training_data
