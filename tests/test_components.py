"""The project's NLU components, in-process as Rasa's own tests run theirs:
created with a LocalModelStorage, trained, persisted, loaded and asked to
predict, without a Rasa server."""

from typing import List

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.faq_first import FaqFirst
from components.intent_classifier import RobustLogisticRegressionClassifier
from components.risk_component import RiskDetectorComponent
from components.term_normalizer import TermNormalizer

CONTEXT = ExecutionContext(GraphSchema({}), "test")
EXAMPLES = {
    "ask_trust": ["how can I trust my therapist", "can I trust my therapist", "building trust with a therapist"],
    "ask_contact": ["what is your phone number", "how do I call the office", "how can I reach you"],
}


def component(cls, storage, name, **config):
    return cls.create({**cls.get_default_config(), **config}, storage, Resource(name), CONTEXT)


class Pipeline:
    """Tokenizer, the project's term normaliser and word features (as in config.yml), then a classifier."""

    def __init__(self, storage: LocalModelStorage) -> None:
        self.tokenizer = component(WhitespaceTokenizer, storage, "tokens")
        self.normalizer = component(TermNormalizer, storage, "terms")
        self.features = component(CountVectorsFeaturizer, storage, "features", use_lemma=True)
        self.characters = component(
            CountVectorsFeaturizer, storage, "characters", use_lemma=True, analyzer="char_wb", min_ngram=2, max_ngram=5
        )

    def train(self, data: TrainingData) -> None:
        self.tokenizer.process_training_data(data)
        self.normalizer.process_training_data(data)
        for featurizer in (self.features, self.characters):
            featurizer.train(data)
            featurizer.process_training_data(data)

    def featurize(self, texts: List[str]) -> List[Message]:
        messages = [Message(data={TEXT: text}) for text in texts]
        for step in (self.tokenizer, self.normalizer, self.features, self.characters):
            step.process(messages)
        return messages


@pytest.fixture
def trained(tmp_path):
    storage = LocalModelStorage(tmp_path)
    data = TrainingData(
        [Message(data={TEXT: text, INTENT: intent}) for intent, texts in EXAMPLES.items() for text in texts]
    )
    pipeline = Pipeline(storage)
    pipeline.train(data)
    classifier = component(RobustLogisticRegressionClassifier, storage, "classifier", C=5.0)
    classifier.train(data)
    classifier.persist()
    return storage, pipeline, classifier


def intents(classifier, messages):
    return [(m.get(INTENT)["name"], round(m.get(INTENT)["confidence"], 6)) for m in classifier.process(messages)]


def test_a_variant_of_therapist_counts_as_therapist(trained):
    _, pipeline, classifier = trained
    # "shrink" is in no training example: without the normaliser it would be an unknown word.
    [predicted] = intents(classifier, pipeline.featurize(["shrink?"]))
    assert predicted[0] == "ask_trust"


def test_the_persisted_classifier_loads_and_predicts_the_same(trained):
    storage, pipeline, classifier = trained
    texts = ["can I trust my counsellor", "what is your number", "trust"]
    loaded = RobustLogisticRegressionClassifier.load(
        {**RobustLogisticRegressionClassifier.get_default_config(), "C": 5.0}, storage, Resource("classifier"), CONTEXT
    )
    assert intents(loaded, pipeline.featurize(texts)) == intents(classifier, pipeline.featurize(texts))


def test_the_meaning_head_votes_only_where_the_word_model_is_unsure(tmp_path):
    storage = LocalModelStorage(tmp_path)
    data = TrainingData(
        [Message(data={TEXT: text, INTENT: intent}) for intent, texts in EXAMPLES.items() for text in texts]
    )
    pipeline = Pipeline(storage)
    pipeline.train(data)
    words_only = component(RobustLogisticRegressionClassifier, storage, "words", C=5.0)
    with_meaning = component(RobustLogisticRegressionClassifier, storage, "meaning", C=5.0, meaning_threshold=0.9)
    for classifier in (words_only, with_meaning):
        classifier.train(data)
    sure, unsure = "what is your phone number", "is my counselor someone I can rely on"
    [words_sure, words_unsure] = intents(words_only, pipeline.featurize([sure, unsure]))
    [meaning_sure, meaning_unsure] = intents(with_meaning, pipeline.featurize([sure, unsure]))
    assert words_sure[1] >= 0.9 and meaning_sure == words_sure
    assert words_unsure[1] < 0.9 and meaning_unsure[1] != words_unsure[1]
    # ... and the persisted model, loaded, answers the same.
    loaded = RobustLogisticRegressionClassifier.load(
        {**RobustLogisticRegressionClassifier.get_default_config(), "C": 5.0, "meaning_threshold": 0.9},
        storage,
        Resource("meaning"),
        CONTEXT,
    )
    assert intents(loaded, pipeline.featurize([sure, unsure])) == [meaning_sure, meaning_unsure]


def test_a_new_encoder_file_retrains_the_meaning_head_instead_of_restoring_it(monkeypatch):
    # Rasa's training cache keys a component on its config, code and inputs;
    # the embeddings the meaning head is fitted to come from a file it cannot see.
    from rasa.engine.training.fingerprinting import calculate_fingerprint_key

    import components.intent_classifier as module

    config = {**RobustLogisticRegressionClassifier.get_default_config(), "meaning_threshold": 0.9}
    before = calculate_fingerprint_key(RobustLogisticRegressionClassifier, config, {})
    monkeypatch.setattr(module, "BUILT_MODEL_SHA256", "another encoder file")
    assert calculate_fingerprint_key(RobustLogisticRegressionClassifier, config, {}) != before
    words_only = {**config, "meaning_threshold": 0.0}  # no meaning head: nothing to retrain
    words_key = calculate_fingerprint_key(RobustLogisticRegressionClassifier, words_only, {})
    monkeypatch.setattr(module, "BUILT_MODEL_SHA256", "a third one")
    assert calculate_fingerprint_key(RobustLogisticRegressionClassifier, words_only, {}) == words_key


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "zzzq"])
def test_a_message_with_no_known_words_gets_no_intent_rather_than_a_guess(trained, text):
    _, pipeline, classifier = trained
    assert intents(classifier, pipeline.featurize([text])) == [(None, 0.0)]


def test_a_machine_string_is_no_word(trained):
    _, pipeline, classifier = trained
    # Its character n-grams ("ho", "ca", "ll"...) would otherwise match the training words.
    assert intents(classifier, pipeline.featurize(["a64b2f10461c4ff387addcd19d1b652e"])) == [(None, 0.0)]
    # Beside real words it changes nothing.
    question = "how can I trust my therapist"
    with_id = intents(classifier, pipeline.featurize([f"{question} 3f9a0c1b2d4e5f60718293a4b5c6d7e8"]))
    assert with_id == intents(classifier, pipeline.featurize([question])) and with_id[0][0] == "ask_trust"


@pytest.fixture(scope="module")
def risk_detector(tmp_path_factory):
    return component(RiskDetectorComponent, LocalModelStorage(tmp_path_factory.mktemp("risk")), "risk")


def nlu_message(text, intent, confidence):
    return Message(data={TEXT: text, INTENT: {"name": intent, "confidence": confidence}})


def test_a_risk_message_is_routed_to_the_crisis_intent_whatever_the_classifier_said(risk_detector):
    [message] = risk_detector.process([nlu_message("I want to kill myself", "ask_trust", 0.9)])
    assert message.get(INTENT) == {"name": "crisis", "confidence": 1.0}
    assert message.get("risk")["tier"] == "hard" and message.get("risk")["category"] == "suicide"


def test_an_ordinary_question_keeps_its_intent(risk_detector):
    [message] = risk_detector.process([nlu_message("can I trust my therapist", "ask_trust", 0.9)])
    assert message.get(INTENT)["name"] == "ask_trust" and message.get("risk")["tier"] == "none"


def test_an_unsure_crisis_guess_gets_the_fallback_and_the_soft_tier(risk_detector):
    [message] = risk_detector.process([nlu_message("what is the weather like", "crisis", 0.5)])
    assert message.get(INTENT)["name"] == "nlu_fallback" and message.get("risk")["tier"] == "soft"


def ranked(*pairs):
    ranking = [{"name": name, "confidence": confidence} for name, confidence in pairs]
    return Message(data={TEXT: "a question", INTENT: ranking[0], "intent_ranking": ranking})


def faq_first(*pairs):
    [message] = FaqFirst({"min_ratio": 0.5}).process([ranked(*pairs)])
    return [(e["name"], round(e["confidence"], 2)) for e in message.get("intent_ranking")], message.get(INTENT)


def test_a_question_both_the_faq_and_its_section_fit_gets_the_faq_answer_first():
    # Personal connection's answer has the boundaries section as its button.
    ranking, intent = faq_first(("ask_boundaries", 0.5), ("ask_personal_connection", 0.3), ("ask_empathy", 0.1))
    assert intent["name"] == "ask_personal_connection" and round(intent["confidence"], 2) == 0.8
    assert ranking == [("ask_personal_connection", 0.8), ("ask_empathy", 0.1)]


@pytest.mark.parametrize(
    "pairs",
    [
        # The FAQ is far behind: the section was asked.
        (("ask_boundaries", 0.7), ("ask_personal_connection", 0.2)),
        # The runner-up is a FAQ whose button opens another section.
        (("ask_boundaries", 0.5), ("ask_build_trust", 0.4)),
        # A FAQ on top, or nothing to weigh.
        (("ask_personal_connection", 0.5), ("ask_boundaries", 0.4)),
        (("ask_boundaries", 0.9),),
    ],
)
def test_other_rankings_are_left_as_the_classifier_made_them(pairs):
    ranking, intent = faq_first(*pairs)
    assert ranking == [(name, confidence) for name, confidence in pairs] and intent["name"] == pairs[0][0]
