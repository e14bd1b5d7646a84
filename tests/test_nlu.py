"""The trained NLU model (trained once this session) on data it never saw."""
import asyncio
import collections
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data

from tests.conftest import DATA, ROOT, load_yaml
from tests.test_content import FAQ_INTENTS

MIN_PER_INTENT = 0.9
# Small talk and conversation intents: the level measured when they were added
# (ask_more 0.80 on a blind hold-out), kept as a floor against regressions;
# the conversation issue's 0.9 target is still open for them.
MIN_PER_OTHER_INTENT = 0.8
MIN_OVERALL = 0.95
MIN_OUT_OF_SCOPE_REJECTED = 0.9
MAX_BENIGN_CRISIS_RATE = 0.02


@pytest.fixture(scope="module")
def parse(trained_model: Path):
    agent = Agent.load(str(trained_model))

    def _parse(texts: List[str]) -> List[Dict[str, Any]]:
        async def all_of_them():
            return [await agent.parse_message(t) for t in texts]
        return asyncio.run(all_of_them())

    return _parse


HOLDOUT_FILES = ["nlu_holdout.yml", "nlu_holdout_conversation.yml"]


@pytest.fixture(scope="module")
def holdout_results(parse):
    examples = [e for name in HOLDOUT_FILES for e in load_data(str(DATA / name)).intent_examples]
    parsed = parse([e.get("text") for e in examples])
    return [(e.get("intent"), p["intent"]["name"], e.get("text")) for e, p in zip(examples, parsed)]


# Every intent the bot answers, except `crisis` (tested on the crisis corpus)
# and `out_of_scope` (its own hold-out file below).
HELD_OUT_INTENTS = sorted(set(load_yaml(ROOT / "domain.yml")["intents"]) - {"crisis", "out_of_scope"})


def test_holdout_covers_every_intent(holdout_results):
    counts = collections.Counter(expected for expected, _, _ in holdout_results)
    assert all(counts[i] >= 10 for i in FAQ_INTENTS), counts
    assert all(counts[i] >= 8 for i in HELD_OUT_INTENTS), counts


@pytest.mark.parametrize("intent", HELD_OUT_INTENTS)
def test_holdout_accuracy_per_intent(holdout_results, intent):
    rows = [(got, text) for expected, got, text in holdout_results if expected == intent]
    accuracy = sum(got == intent for got, _ in rows) / len(rows)
    floor = MIN_PER_INTENT if intent in FAQ_INTENTS else MIN_PER_OTHER_INTENT
    assert accuracy >= floor, [r for r in rows if r[0] != intent]


def test_holdout_accuracy_overall(holdout_results):
    accuracy = sum(e == g for e, g, _ in holdout_results) / len(holdout_results)
    assert accuracy >= MIN_OVERALL, [r for r in holdout_results if r[0] != r[1]]


def test_out_of_scope_messages_get_no_faq_answer(parse):
    texts = [l.strip() for l in (DATA / "out_of_scope_holdout.txt").read_text().splitlines() if l.strip()]
    intents = [p["intent"] for p in parse(texts)]
    rejected = [i for i in intents if i["name"] in ("out_of_scope", "nlu_fallback")]
    assert len(rejected) / len(texts) >= MIN_OUT_OF_SCOPE_REJECTED
    confident_faq = [(t, i) for t, i in zip(texts, intents) if i["name"] in FAQ_INTENTS and i["confidence"] >= 0.8]
    assert confident_faq == []


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


def test_benign_messages_rarely_become_crisis_in_the_full_pipeline(parse, crisis_corpus):
    benign = [e["text"] for e in crisis_corpus["benign"]]
    crisis = [t for t, p in zip(benign, parse(benign)) if p["intent"]["name"] == "crisis"]
    assert len(crisis) / len(benign) <= MAX_BENIGN_CRISIS_RATE, crisis


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "x" * 100_000, "Bonjour, pouvez-vous m'aider ?", "\x00\x01 binary \xff"])
def test_unreadable_input_falls_back(parse, text):
    [result] = parse([text])
    assert result["intent"]["name"] in ("nlu_fallback", "out_of_scope")
