"""The evaluation report (make eval) rendered from a small hand-made metrics dict: no model needed."""

import json

from scripts.evaluation import metrics, report


def parse(name, confidence=0.9, risk=None):
    return {"intent": {"name": name, "confidence": confidence}, "risk": risk}


def hard(category):
    return parse("crisis", 1.0, {"tier": "hard", "category": category, "categories": [category]})


HOLDOUT = [("when are you open", "ask_hours"), ("opening times?", "ask_hours"), ("hi | there", "greet")]
OOS = ["weather tomorrow", "pancake recipe"]
CORPUS = {
    "risk": [
        {"text": "i want to end it all", "category": "suicide", "kind": "explicit"},
        {"text": "gonna unalive myself", "category": "suicide", "kind": "slang"},
    ],
    "benign": [{"text": "this traffic is killing me", "kind": "idiom"}],
    "negated": [{"text": "I'm not suicidal"}],
}
PARSED = {
    "project": {
        "holdout": [parse("ask_hours"), parse("greet", 0.95), parse("greet")],
        "oos": [parse("out_of_scope"), parse("ask_hours", 0.85)],
        "risk": [hard("suicide"), parse("greet")],
        "benign": [parse("greet")],
        "negated": [parse("nlu_fallback", 0.4, {"tier": "soft", "category": "suicide"})],
    },
    "default": {
        "holdout": [parse("ask_hours"), parse("ask_hours"), parse("ask_hours", 0.6)],
        "oos": [parse("nlu_fallback", 0.2), parse("out_of_scope")],
        "risk": [parse("crisis", 0.7), parse("crisis", 0.6)],
        "benign": [parse("crisis", 0.5)],
        "negated": [parse("crisis", 0.9)],
    },
}


def tiny_metrics():
    """Shaped like scripts/evaluate.py's compute_metrics, with Rasa default not cross-validated."""
    expected = [e for _, e in HOLDOUT]
    pipelines = ("project", "default")
    faq = ["ask_hours"]
    cv_rows = [{"fold": i % 2, "expected": e, "predicted": e} for i, e in enumerate(expected * 2)]
    cv_run = {"rows": cv_rows, "folds": 2, "seconds": 12.0, "fold_seconds": [6.0, 6.0], "cached": True}
    holdout_rows = [
        {"text": t, "expected": e, **{n: slim(PARSED[n]["holdout"][i]) for n in pipelines}}
        for i, (t, e) in enumerate(HOLDOUT)
    ]
    return {
        "info": {
            "date": "2026-01-01 00:00 UTC",
            "commit": "abc1234",
            "dirty": [],
            "rasa": "3.6.21",
            "training_examples": 40,
            "intents": 2,
        },
        "holdout": {
            n: metrics.intent_metrics(expected, [slim(p)["got"] for p in PARSED[n]["holdout"]]) for n in pipelines
        },
        "holdout_rows": holdout_rows,
        "holdout_splits": [{"file": "tests/data/nlu_holdout.yml", "n": 3, "project": 2, "default": 2}],
        "cv": {"project": metrics.cv_metrics(cv_run), "default": None},
        "crisis": {n: metrics.crisis_metrics(CORPUS, PARSED[n]) for n in pipelines},
        "out_of_scope": {n: metrics.out_of_scope_metrics(OOS, PARSED[n]["oos"], faq) for n in pipelines},
        "wrong_confident": {
            n: metrics.wrong_confident_metrics(HOLDOUT, PARSED[n]["holdout"], OOS, PARSED[n]["oos"], faq)
            for n in pipelines
        },
        "timing": {
            "default_train_seconds": 600.0,
            "default_cached": True,
            "messages": 9,
            "total_seconds": 50.0,
            "load_seconds": {"project": 9.0, "default": 13.0},
            "parse_seconds": {"project": 7.0, "default": 14.0},
        },
    }


def slim(p):
    return {"got": p["intent"]["name"], "confidence": p["intent"]["confidence"]}


def test_report_shows_the_figures_a_reader_looks_for():
    text = report.render_report(tiny_metrics(), "make eval")
    lines = text.splitlines()
    assert lines[0] == "# Evaluation report"
    assert text.startswith("# Evaluation report\n\nGenerated 2026-01-01 00:00 UTC by `make eval` at commit `abc1234`;")
    assert "| Hold-out intent accuracy | 2/3 (66.7 %) | 2/3 (66.7 %) |" in lines
    # Per-intent table: precision, recall, F1 of each pipeline; each got one message wrong.
    assert "| `ask_hours` | 2 | 1.00 | 0.50 | **0.67** | 0.67 | 1.00 | **0.80** |" in lines
    assert "| `greet` | 1 | 0.50 | 1.00 | **0.67** | 0.00 | 0.00 | **0.00** |" in lines
    # The crisis message the project missed, with what it got instead.
    assert "### Project: missed risk messages (1)" in lines
    assert "| `gonna unalive myself` | suicide | slang | greet (0.90) |" in lines
    assert "| `opening times?` | `ask_hours` | greet (0.95) | ✓ |" in lines
    assert "| `hi \\| there` | `greet` | ✓ | ask_hours (0.60) |" in lines  # the message's pipe escaped
    assert "| `when are you open` |" not in text  # both right: not listed
    # Rasa default: no risk component, so no category; its false escalation is listed.
    assert "| … with the right category | 1/2 (50.0 %) | – |" in lines
    assert "| `this traffic is killing me` | idiom | crisis (0.50) |" in lines
    # Not cross-validated: said so, with the estimate from one training (2 folds x 0.8 x 600 s = 16 min).
    assert "| 2-fold CV accuracy on the training data (mean ± sd) | 1.000 ± 0.000 | not run (see below) |" in lines
    assert "so 2 folds would take about 16 min" in text
    assert "| cross-validation | 12 s (cached) | not run |" in lines
    assert "| parse 9 messages | 7.0 s (777.8 ms each) | 14.0 s (1555.6 ms each) |" in lines
    assert text.endswith("Machine-readable figures: `evaluation.json`.\n")
    assert "| None" not in text and "None |" not in text and "\n\n\n" not in text


def test_a_saved_metrics_dict_renders_the_same_report():
    m = tiny_metrics()
    saved = json.loads(json.dumps({"command": "make eval", "metrics": m}))
    assert report.render_report(saved["metrics"], saved["command"]) == report.render_report(m, "make eval")


def test_json_summary_keeps_figures_and_drops_messages():
    summary = report.summary_json(tiny_metrics())
    assert "holdout_rows" not in summary
    assert "misses" not in summary["crisis"]["project"]
    assert summary["crisis"]["project"]["escalated"] == 1
    assert summary["holdout"]["project"]["accuracy"] == 0.6667
