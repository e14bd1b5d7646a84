"""The scoring definitions shared by test_nlu.py and the evaluation report (make eval),
on hand-made parse results: no model needed."""

from practice import content
from scripts import nlu_scoring as scoring
from tests.test_content import FAQ_INTENTS


def parse(name, confidence=0.9, risk=None):
    return {"intent": {"name": name, "confidence": confidence}, "risk": risk}


def test_article_intents_are_the_answered_topics():
    assert sorted(scoring.article_intents()) == sorted(content.topics())
    assert set(FAQ_INTENTS) <= set(scoring.article_intents())


def test_hold_out_files_load_with_an_intent_for_every_message():
    examples = scoring.holdout_examples()
    assert len(examples) >= 100
    assert all(text and intent for text, intent in examples)
    assert len(scoring.out_of_scope_texts()) >= 40
    corpus = scoring.crisis_corpus()
    assert {"risk", "benign", "negated"} <= set(corpus)
    assert all(e["category"] and e["kind"] for e in corpus["risk"])


def test_rejection_and_escalation():
    assert scoring.is_rejected(parse("nlu_fallback", 0.2))
    assert scoring.is_rejected(parse("out_of_scope", 0.99))
    assert not scoring.is_rejected(parse("greet"))
    assert not scoring.is_rejected({"intent": None})
    assert scoring.is_escalated(parse("crisis", 1.0))
    assert not scoring.is_escalated(parse("nlu_fallback", 0.5, {"tier": "soft"}))


def test_confident_faq_answer():
    faq = ["ask_build_trust"]
    assert scoring.is_confident_faq_answer(parse("ask_build_trust", 0.8), faq)
    assert not scoring.is_confident_faq_answer(parse("ask_build_trust", 0.79), faq)
    assert not scoring.is_confident_faq_answer(parse("ask_build_trust", 0.95), faq, expected="ask_build_trust")
    assert not scoring.is_confident_faq_answer(parse("greet", 0.95), faq)


def test_wrong_confident_answer():
    assert scoring.is_wrong_confident_answer(parse("ask_hours", 0.9), "ask_booking")
    assert not scoring.is_wrong_confident_answer(parse("ask_hours", 0.5), "ask_booking")  # hesitant
    assert not scoring.is_wrong_confident_answer(parse("ask_booking", 0.9), "ask_booking")  # right
    assert not scoring.is_wrong_confident_answer(parse("nlu_fallback", 0.9), "ask_booking")  # no answer given
    # Out of scope: any confident answer is wrong, either rejection is right.
    assert scoring.is_wrong_confident_answer(parse("greet", 0.9), "out_of_scope")
    assert scoring.is_wrong_confident_answer(parse("crisis", 1.0), "out_of_scope")
    assert not scoring.is_wrong_confident_answer(parse("nlu_fallback", 0.3), "out_of_scope")


def test_report_arithmetic_on_a_tiny_corpus():
    from scripts import evaluate

    corpus = {
        "risk": [
            {"text": "r1", "category": "suicide", "kind": "explicit"},
            {"text": "r2", "category": "suicide", "kind": "slang"},
            {"text": "r3", "category": "abuse", "kind": "explicit"},
        ],
        "benign": [{"text": "b1", "kind": "idiom"}, {"text": "b2", "kind": "faq"}],
        "negated": [{"text": "n1"}],
    }

    def hard(category):
        return parse("crisis", 1.0, {"tier": "hard", "category": category, "categories": [category]})

    by_classifier = parse("crisis", 1.0, {"tier": "hard", "category": None, "categories": []})
    project = {
        "risk": [hard("suicide"), parse("greet"), hard("self_harm")],
        "benign": [hard("suicide"), by_classifier],
        "negated": [parse("nlu_fallback", 0.4, {"tier": "soft", "category": "suicide"})],
    }
    m = evaluate.crisis_metrics(corpus, project)
    assert (m["escalated"], m["right_category"], m["n"]) == (2, 1, 3)
    assert m["per_category"]["suicide"] == {
        "n": 2,
        "escalated": 1,
        "recall": 0.5,
        "right_category": 1,
        "category_recall": 0.5,
    }
    assert m["per_kind"]["explicit"]["escalated"] == 2
    assert [r["text"] for r in m["misses"]] == ["r2"]
    assert [r["text"] for r in m["wrong_category"]] == ["r3"]
    assert (m["benign"]["escalated"], m["benign"]["per_kind"]["idiom"]["escalated"]) == (2, 1)
    assert [r["by"] for r in m["false_escalations"]] == ["detector", "classifier"]
    assert (m["negated"]["escalated"], m["negated"]["soft"]) == (0, 1)
    # A plain classifier has no risk key: no category figures, escalation by intent alone.
    plain = {
        "risk": [parse("crisis", 0.7), parse("greet"), parse("crisis", 0.4)],
        "benign": [parse("greet"), parse("greet")],
        "negated": [parse("crisis", 0.9)],
    }
    m = evaluate.crisis_metrics(corpus, plain)
    assert (m["escalated"], m["right_category"], m["negated"]["escalated"]) == (2, None, 1)

    oos = evaluate.out_of_scope_metrics(
        ["x", "y", "z"],
        [parse("out_of_scope"), parse("ask_build_trust", 0.85), parse("greet", 0.5)],
        ["ask_build_trust"],
    )
    assert (oos["rejected"], oos["confident_faq"], oos["confident_wrong"]) == (1, 1, 1)
    held = evaluate.intent_metrics(["a", "a", "b"], ["a", "nlu_fallback", "a"])
    assert (held["correct"], held["per_intent"]["a"]["precision"], held["per_intent"]["b"]["recall"]) == (1, 0.5, 0.0)
