"""The trained NLU model (trained once this session) on data it never saw."""

import collections
from pathlib import Path

import pytest

from practice import content
from safety.risk_detector import RiskDetector
from scripts import nlu_scoring as scoring
from tests.conftest import ROOT, load_yaml
from tests.test_content import FAQ_INTENTS

MIN_PER_INTENT = 0.9
MIN_OVERALL = 0.95
MIN_FAQ_STRICT = 0.95  # 0.972 measured (2026-12-03, with the meaning head; 0.959 without); issue 13 aims at 0.97
MIN_OUT_OF_SCOPE_REJECTED = 0.9
MAX_BENIGN_CRISIS_RATE = 0.02


# What counts as a rejection, an escalation or a confident answer is defined
# once in scripts/nlu_scoring.py, shared with the evaluation report (make eval).


@pytest.fixture(scope="module")
def parse(trained_model: Path):
    return scoring.parser(trained_model)


@pytest.fixture(scope="module")
def holdout_results(parse):
    examples = scoring.holdout_examples()
    parsed = parse([text for text, _ in examples])
    return [(intent, scoring.intent_name(p), text) for (text, intent), p in zip(examples, parsed)]


# Every intent the bot answers, except `crisis` (tested on the crisis corpus)
# and `out_of_scope` (its own hold-out file below).
HELD_OUT_INTENTS = sorted(set(load_yaml(ROOT / "domain.yml")["intents"]) - {"crisis", "out_of_scope"})


def test_holdout_covers_every_intent(holdout_results):
    counts = collections.Counter(expected for expected, _, _ in holdout_results)
    assert all(counts[i] >= 10 for i in FAQ_INTENTS), counts
    assert all(counts[i] >= 8 for i in HELD_OUT_INTENTS), counts


# A section question answered with the FAQ answer whose follow-up button opens
# that section counts as answered (scripts/nlu_scoring.py, reaches).
FOLLOW_UPS = scoring.faq_follow_ups()


# Questions about the practice have their own floors (below): a confusion
# between them, or with the contact intents, still gives the practice's contact.
PRACTICE_INTENTS = sorted(scoring.practice_question_intents())
CONTACT_INTENTS = set(scoring.CONTACT_INTENTS)
MIN_PRACTICE_OWN_ANSWER = 0.8  # per intent; 0.87-0.93 measured on 15 wordings each (2026-12-02)
MIN_PRACTICE_ANSWER_OR_CONTACT = 0.9  # 0.935 measured (2026-12-02)


@pytest.mark.parametrize("intent", [i for i in HELD_OUT_INTENTS if i not in PRACTICE_INTENTS])
def test_holdout_accuracy_per_intent(holdout_results, intent):
    rows = [(got, text) for expected, got, text in holdout_results if expected == intent]
    accuracy = sum(scoring.reaches(intent, got, FOLLOW_UPS) for got, _ in rows) / len(rows)
    assert accuracy >= MIN_PER_INTENT, [r for r in rows if not scoring.reaches(intent, r[0], FOLLOW_UPS)]


def test_holdout_accuracy_overall(holdout_results):
    rows = [r for r in holdout_results if r[0] not in PRACTICE_INTENTS]  # they have their own floors
    reached = [scoring.reaches(e, g, FOLLOW_UPS) for e, g, _ in rows]
    assert sum(reached) / len(reached) >= MIN_OVERALL, [r for r, ok in zip(rows, reached) if not ok]


def test_the_five_faq_questions_are_answered_strictly(holdout_results):
    # For the five FAQ questions themselves no follow-up counts: the FAQ answer or a miss.
    rows = [(e, g) for e, g, _ in holdout_results if e in FAQ_INTENTS]
    assert sum(e == g for e, g in rows) / len(rows) >= MIN_FAQ_STRICT


def test_out_of_scope_messages_get_no_faq_answer(parse):
    texts = scoring.out_of_scope_texts()
    parsed = parse(texts)
    rejected = [p for p in parsed if scoring.is_rejected(p)]
    assert len(rejected) / len(texts) >= MIN_OUT_OF_SCOPE_REJECTED
    confident_answers = [
        (t, p["intent"]) for t, p in zip(texts, parsed) if scoring.is_confident_faq_answer(p, content.topics())
    ]
    assert confident_answers == []


def test_every_risk_message_is_forced_to_crisis_whatever_the_classifier_says(parse, crisis_corpus):
    risk = crisis_corpus["risk"]
    parsed = parse([e["text"] for e in risk])
    wrong = [
        (e["text"], p["intent"], p.get("risk"))
        for e, p in zip(risk, parsed)
        if p["intent"] != {"name": "crisis", "confidence": 1.0} or p["risk"]["category"] != e["category"]
    ]
    assert wrong == []
    assert all(p["intent_ranking"][0]["name"] == "crisis" for p in parsed)


def test_a_risk_after_a_negation_escalates_through_the_classifier(parse, crisis_corpus):
    # The detector reads these soft ("I don't want to hurt myself but ..."):
    # the classifier's crisis verdict must still stand.
    texts = [e["text"] for e in crisis_corpus["negated_then_risk"]]
    detector = RiskDetector.load()
    assert [detector.assess(t).tier for t in texts] == ["soft"] * len(texts)
    assert [t for t, p in zip(texts, parse(texts)) if not scoring.is_escalated(p)] == []


def test_benign_messages_rarely_become_crisis_in_the_full_pipeline(parse, crisis_corpus):
    benign = [e["text"] for e in crisis_corpus["benign"]]
    crisis = [t for t, p in zip(benign, parse(benign)) if scoring.is_escalated(p)]
    assert len(crisis) / len(benign) <= MAX_BENIGN_CRISIS_RATE, crisis


@pytest.mark.parametrize(
    "text", ["", "   ", "😀😀😀", "x" * 100_000, "Bonjour, pouvez-vous m'aider ?", "\x00\x01 binary \xff"]
)
def test_unreadable_input_falls_back(parse, text):
    [result] = parse([text])
    assert scoring.is_rejected(result)


def test_a_question_about_the_practice_gets_its_answer_or_the_contact(holdout_results):
    # Another writer's wordings (tests/data/nlu_holdout_visitors.yml): the
    # practice's own answer, or at least its contact; never an article answer,
    # a goodbye or "I can't help".
    rows = [(e, g, t) for e, g, t in holdout_results if e in PRACTICE_INTENTS]
    assert len(rows) >= 10 * len(PRACTICE_INTENTS)
    misses = [r for r in rows if r[1] not in PRACTICE_INTENTS and r[1] not in CONTACT_INTENTS]
    assert 1 - len(misses) / len(rows) >= MIN_PRACTICE_ANSWER_OR_CONTACT, misses


@pytest.mark.parametrize("intent", PRACTICE_INTENTS)
def test_a_question_about_the_practice_mostly_gets_its_own_answer(holdout_results, intent):
    rows = [(g, t) for e, g, t in holdout_results if e == intent]
    assert sum(g == intent for g, _ in rows) / len(rows) >= MIN_PRACTICE_OWN_ANSWER, [r for r in rows if r[0] != intent]
