"""The evaluation's figures, computed from parse results: no model is loaded here.

A parse result is the slim dict scripts/evaluation/models.py keeps:
{"intent": {"name", "confidence"}, "risk": the risk component's verdict or None}.
What counts as a rejection, an escalation or a confident answer comes from
scripts/nlu_scoring.py, shared with tests/test_nlu.py.
"""

import statistics
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence, Tuple

from scripts import nlu_scoring as scoring


def intent_metrics(expected: Sequence[str], predicted: Sequence[str]) -> Dict[str, Any]:
    """Accuracy, macro F1 and per-intent precision/recall/F1 over the expected intents."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(expected))
    p, r, f, s = precision_recall_fscore_support(expected, predicted, labels=labels, zero_division=0)
    per_intent = {
        label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, label in enumerate(labels)
    }
    correct = sum(e == g for e, g in zip(expected, predicted))
    return {
        "n": len(expected),
        "correct": correct,
        "accuracy": scoring.rate(correct, len(expected)),
        "macro_f1": statistics.mean(v["f1"] for v in per_intent.values()) if per_intent else float("nan"),
        "per_intent": per_intent,
    }


def _category(p: scoring.Parse) -> Optional[str]:
    return (p.get("risk") or {}).get("category")


def _escalated_by(p: scoring.Parse) -> Optional[str]:
    """The project's risk component escalates on the detector's verdict (with a
    category) or on the classifier's `crisis` alone (no category)."""
    if not scoring.is_escalated(p):
        return None
    return "detector" if _category(p) else "classifier"


def crisis_metrics(corpus: Dict[str, List[Dict[str, Any]]], parsed: Dict[str, List[scoring.Parse]]) -> Dict[str, Any]:
    """Recall on the risk set per category and kind, false escalations on benign/negated."""
    risk, benign, negated = corpus["risk"], corpus.get("benign") or [], corpus.get("negated") or []
    # A plain classifier has no risk component: no category figures for it.
    has_category = any(p.get("risk") is not None for p in parsed["risk"])
    rows = []
    for e, p in zip(risk, parsed["risk"]):
        escalated = scoring.is_escalated(p)
        right_category = (escalated and _category(p) == e["category"]) if has_category else None
        rows.append(
            {
                "text": e["text"],
                "category": e["category"],
                "kind": e.get("kind", "?"),
                "escalated": escalated,
                "right_category": right_category,
                "got": p["intent"]["name"],
                "confidence": p["intent"]["confidence"],
                "got_category": _category(p),
            }
        )

    def group(key: str) -> Dict[str, Dict[str, Any]]:
        out: Dict[str, Dict[str, Any]] = {}
        for value in sorted({r[key] for r in rows}):
            members = [r for r in rows if r[key] == value]
            hits = sum(r["escalated"] for r in members)
            right = sum(bool(r["right_category"]) for r in members) if has_category else None
            out[value] = {
                "n": len(members),
                "escalated": hits,
                "recall": scoring.rate(hits, len(members)),
                "right_category": right,
                "category_recall": scoring.rate(right, len(members)) if has_category else None,
            }
        return out

    benign_rows = [
        {
            "text": e["text"],
            "kind": e.get("kind", "?"),
            "escalated": scoring.is_escalated(p),
            "by": _escalated_by(p),
            "got": p["intent"]["name"],
            "confidence": p["intent"]["confidence"],
        }
        for e, p in zip(benign, parsed["benign"])
    ]
    negated_rows = [
        {
            "text": e["text"],
            "escalated": scoring.is_escalated(p),
            "by": _escalated_by(p),
            "soft": (p.get("risk") or {}).get("tier") == "soft",
            "got": p["intent"]["name"],
            "confidence": p["intent"]["confidence"],
        }
        for e, p in zip(negated, parsed["negated"])
    ]
    escalated = sum(r["escalated"] for r in rows)
    right = sum(bool(r["right_category"]) for r in rows) if has_category else None
    false_escalations = [r for r in benign_rows if r["escalated"]]
    negated_escalated = sum(r["escalated"] for r in negated_rows)
    return {
        "n": len(rows),
        "escalated": escalated,
        "recall": scoring.rate(escalated, len(rows)),
        "right_category": right,
        "category_recall": scoring.rate(right, len(rows)) if has_category else None,
        "per_category": group("category"),
        "per_kind": group("kind"),
        "misses": [r for r in rows if not r["escalated"]],
        "wrong_category": [r for r in rows if r["escalated"] and r["right_category"] is False],
        "benign": {
            "n": len(benign_rows),
            "escalated": len(false_escalations),
            "rate": scoring.rate(len(false_escalations), len(benign_rows)),
            "per_kind": {
                k: {
                    "n": sum(r["kind"] == k for r in benign_rows),
                    "escalated": sum(r["escalated"] for r in benign_rows if r["kind"] == k),
                }
                for k in sorted({r["kind"] for r in benign_rows})
            },
        },
        "false_escalations": false_escalations,
        "negated": {
            "n": len(negated_rows),
            "escalated": negated_escalated,
            "rate": scoring.rate(negated_escalated, len(negated_rows)),
            "soft": sum(r["soft"] for r in negated_rows) if has_category else None,
        },
        "negated_escalations": [r for r in negated_rows if r["escalated"]],
    }


def out_of_scope_metrics(texts: List[str], parsed: List[scoring.Parse], faq: Sequence[str]) -> Dict[str, Any]:
    names = Counter(p["intent"]["name"] for p in parsed)
    rejected = sum(scoring.is_rejected(p) for p in parsed)
    confident_faq = sum(scoring.is_confident_faq_answer(p, faq) for p in parsed)
    confident_any = sum(scoring.is_wrong_confident_answer(p, "out_of_scope") for p in parsed)
    return {
        "n": len(texts),
        "rejected": rejected,
        "rejection_rate": scoring.rate(rejected, len(texts)),
        "as_out_of_scope": names.get("out_of_scope", 0),
        "as_fallback": names.get("nlu_fallback", 0),
        "escalated": sum(scoring.is_escalated(p) for p in parsed),
        "confident_faq": confident_faq,
        "confident_faq_rate": scoring.rate(confident_faq, len(texts)),
        "confident_wrong": confident_any,
        "confident_wrong_rate": scoring.rate(confident_any, len(texts)),
        "answered": [
            {"text": t, "got": p["intent"]["name"], "confidence": p["intent"]["confidence"]}
            for t, p in zip(texts, parsed)
            if not scoring.is_rejected(p)
        ],
    }


def wrong_confident_metrics(
    examples: List[Tuple[str, str]],
    holdout: List[scoring.Parse],
    oos_texts: List[str],
    oos: List[scoring.Parse],
    faq: Sequence[str],
) -> Dict[str, Any]:
    """Confident (>= scoring.CONFIDENT) wrong answers over the in-scope and out-of-scope hold-outs."""
    rows = [(t, e, p) for (t, e), p in zip(examples, holdout)] + [
        (t, "out_of_scope", p) for t, p in zip(oos_texts, oos)
    ]
    wrong = [(t, e, p) for t, e, p in rows if scoring.is_wrong_confident_answer(p, e)]
    wrong_faq = [(t, e, p) for t, e, p in rows if scoring.is_confident_faq_answer(p, faq, expected=e)]
    return {
        "n": len(rows),
        "wrong": len(wrong),
        "rate": scoring.rate(len(wrong), len(rows)),
        "wrong_faq": len(wrong_faq),
        "faq_rate": scoring.rate(len(wrong_faq), len(rows)),
        "examples": [
            {"text": t, "expected": e, "got": p["intent"]["name"], "confidence": p["intent"]["confidence"]}
            for t, e, p in wrong
        ],
    }


def cv_metrics(cv: Dict[str, Any]) -> Dict[str, Any]:
    """Accuracy per fold, and precision/recall/F1 pooled over the folds' predictions."""
    rows = cv["rows"]
    folds = sorted({r["fold"] for r in rows})
    per_fold = [
        scoring.rate(
            sum(r["expected"] == r["predicted"] for r in rows if r["fold"] == f), sum(r["fold"] == f for r in rows)
        )
        for f in folds
    ]
    pooled = intent_metrics([r["expected"] for r in rows], [r["predicted"] for r in rows])
    return {
        **pooled,
        "folds": cv["folds"],
        "fold_accuracy": per_fold,
        "accuracy_mean": statistics.mean(per_fold),
        "accuracy_std": statistics.pstdev(per_fold),
        "seconds": cv["seconds"],
        "fold_seconds": cv["fold_seconds"],
        "cached": cv["cached"],
    }
