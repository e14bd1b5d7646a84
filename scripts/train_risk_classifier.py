"""Train the learned risk classifier (safety/risk_classifier.py) and pick its thresholds.

Data: data/risk/*.yml, lines from independent writers, each given a persona and
the category descriptions only (their tasks: docs/writer_tasks/risk/); lines
from the writers' conversations (data/risk/conversations/); the spent blind
sets (data/risk/spent_blind/, each a new writer's, moved here once scored);
plus the bot's own
NLU examples of everything that is not a crisis (FAQ questions, practice
questions, small talk, the visitor-side writers' lines in data/nlu/visitors/)
as `none`.

Two heads over two views of a message: a one-hidden-layer perceptron over
sentence embeddings (meaning: the multilingual encoder, see
safety/multilingual_encoder.py) and a logistic regression over hashed
character/word n-grams (spelling). Out of fold by writer, the perceptron
caught 64 % of risk lines at 2 % false alarms where a logistic regression on
the same embeddings caught 37 % (2026-12-04, meaning head alone, 31 writers). Their
class probabilities are averaged with the weight that catches the most risk
out of fold at the hard tier's false-alarm limit (the lowest such weight,
within WEIGHT_TIE).

Thresholds come from a precision/recall trade-off measured honestly: every
writer's lines are scored by a model trained without that writer (out of fold
by writer: FOLDS folds, each writer's lines all in one), which is what a new
visitor's wording looks like to the model.
  hard:    the lowest score at which at most HARD_MAX_FALSE_ALARMS of the
           benign lines would get the crisis reply
  soft:    the lowest score at which at most SOFT_MAX_FALSE_ALARMS of the
           benign lines would get a resources line
  context: the same at CONTEXT_MAX_FALSE_ALARMS, used only a few turns after
           a risk signal (safety/assessment.py)
The benign lines these limits count are the risk writers' `none` lines, mostly
hard negatives written to look like risk (idioms, pills, bridges, guns in the
news), so the rates are upper bounds for ordinary traffic; the NLU examples,
easy negatives, train the model but would make the limits look looser than
they are.
The final model is then trained on everything.

Usage: python scripts/train_risk_classifier.py [OUTPUT_DIR]
"""

import json
import sys
import warnings
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import yaml
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safety import ngram_features, own_questions  # noqa: E402
from safety.multilingual_encoder import MultilingualEncoder  # noqa: E402
from safety.risk_classifier import DEFAULT_MODEL_DIR, NONE_CLASS, meaning_features  # noqa: E402

WRITERS_DIR = ROOT / "data" / "risk"
SPENT_BLIND_DIR = WRITERS_DIR / "spent_blind"
HARD_MAX_FALSE_ALARMS = 0.02
SOFT_MAX_FALSE_ALARMS = 0.10
CONTEXT_MAX_FALSE_ALARMS = 0.25
C = 4.0  # inverse regularisation: 1, 4 and 16 tried; 4 gave the best out-of-fold recall at 1 % and 5 % false alarms
MEANING_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
# Weights whose out-of-fold recall is this close to the best are a tie, and the
# lowest of them wins: the lower the meaning weight, the more messages skip the
# encoders (RiskClassifier.score). 0.3 points is ~30 of the writers' risk lines.
WEIGHT_TIE = 0.003
NLU_WRITER = "nlu"
# Folds by writer for the out-of-fold scores. One fold per writer (51 fits) took
# 40-50 minutes on two cores at 50 writers; 10 folds had not finished after 36
# minutes at 81,268 lines; 5 folds, each trained on ~80 %, with the final fit
# beside them, took 19 (docs/safety.md).
FOLDS = 5
OUT_OF_FOLD_FILE = "out_of_fold.npz"


def writer_examples() -> List[Tuple[str, str, str]]:
    """(text, label, writer) for every writer's line."""
    rows = []
    for path in sorted(WRITERS_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rows += [(e["text"], e["label"], data["writer"]) for e in data["examples"]]
    return rows


def conversation_rows(conversations: List[Dict], writer: str) -> List[Tuple[str, str, str]]:
    """Every turn of a benign conversation as `none`, and the turn where a
    risky one becomes risk with its category. The turns before it stay out: on
    their own they are not risk, but they are the signals the context step
    builds on."""
    rows = []
    for c in conversations:
        if c["label"] == NONE_CLASS:
            rows += [(turn, NONE_CLASS, writer) for turn in c["turns"]]
        else:
            rows.append((c["turns"][c["risk_turn"] or 0], c["label"], writer))
    return rows


def conversation_examples() -> List[Tuple[str, str, str]]:
    """Lines from the writers' conversations (data/risk/conversations/)."""
    rows = []
    for path in sorted((WRITERS_DIR / "conversations").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rows += conversation_rows(data["conversations"], data["writer"])
    return rows


def spent_blind_examples() -> List[Tuple[str, str, str]]:
    """The spent blind sets (data/risk/spent_blind/): each written by a new
    writer from the category descriptions alone, scored once as a blind set,
    then moved here. English and Spanish lines, and their conversations as
    above; each set is one writer."""
    rows = []
    for path in sorted(SPENT_BLIND_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rows += [(e["text"], e["label"], data["writer"]) for e in data["single"] + data["spanish"]]
        rows += conversation_rows(data["conversations"], data["writer"])
    return rows


def nlu_examples() -> List[Tuple[str, str, str]]:
    """The NLU training examples of every intent but `crisis` (with the
    visitor-side writers' in data/nlu/visitors/), as `none`: one group, as
    easy negatives they need no fold each."""
    return [(text, NONE_CLASS, NLU_WRITER) for text in own_questions.nlu_examples()]


def fit(x, y: List[str]) -> LogisticRegression:
    model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced")
    return model.fit(x, y)


def fit_meaning(x, y: List[str]) -> MLPClassifier:
    # Out of fold by writer, recall at 2 % false alarms: 512 units with alpha 1e-2
    # 63.7 %, 256 units with alpha 1e-3 58.8 %, logistic regression 36.5 %.
    model = MLPClassifier(hidden_layer_sizes=(512,), alpha=1e-2, max_iter=60, early_stopping=True, random_state=0)
    with warnings.catch_warnings():
        # 60 passes is the cap that was measured, not a failure to converge worth a warning per fold.
        warnings.simplefilter("ignore", ConvergenceWarning)
        # In float64: in float32 the softmax's near-zero probabilities and their
        # gradients become subnormal numbers, which the CPU computes ~100x slower,
        # so each pass got slower than the last (1.5 s, then 20 s by pass 9, on
        # 78,909 lines) and a training ran past CI's 90 minutes. float64 has no
        # subnormals at these sizes: 41 passes in 123 s, a steady ~3 s each.
        return model.fit(np.asarray(x, dtype=np.float64), y)


def risk_probability(model, x) -> np.ndarray:
    return 1.0 - model.predict_proba(x)[:, list(model.classes_).index(NONE_CLASS)]


def fit_heads(embeddings: np.ndarray, counts: sparse.csr_matrix, labels: List[str]):
    """The meaning head, the n-grams' idf and the spelling head, fitted on these lines."""
    idf = ngram_features.idf(counts)
    return fit_meaning(embeddings, labels), idf, fit(ngram_features.weighted(counts, idf), labels)


def fit_final_and_out_of_fold(
    embeddings: np.ndarray, counts: sparse.csr_matrix, y: List[str], groups: List[str]
) -> Tuple[tuple, np.ndarray, np.ndarray]:
    """The heads fitted on every line, and each line's risk score (1 - P(none))
    by each head from heads that never saw its writer. The final fit and the
    folds run side by side on the cores, the final (the longest) first."""
    y_arr, g_arr = np.array(y), np.array(groups)
    held_out = [np.isin(np.arange(len(y)), rows) for _, rows in GroupKFold(n_splits=FOLDS).split(y_arr, groups=g_arr)]
    train_sets = [np.ones(len(y), dtype=bool)] + [~test for test in held_out]
    final, *by_fold = Parallel(n_jobs=-1)(
        delayed(fit_heads)(embeddings[rows], counts[rows], list(y_arr[rows])) for rows in train_sets
    )
    by_meaning, by_spelling = np.zeros(len(y)), np.zeros(len(y))
    for test, (meaning, idf, spelling) in zip(held_out, by_fold):
        by_meaning[test] = risk_probability(meaning, embeddings[test])
        by_spelling[test] = risk_probability(spelling, ngram_features.weighted(counts[test], idf))
    return final, by_meaning, by_spelling


def recall_at(scores: np.ndarray, is_risk: np.ndarray, counted: np.ndarray, max_false_alarms: float) -> float:
    threshold = threshold_for(scores[counted], is_risk[counted], max_false_alarms)
    return float((scores[is_risk] >= threshold).mean())


def threshold_for(scores: np.ndarray, is_risk: np.ndarray, max_false_alarms: float) -> float:
    """The lowest threshold that keeps benign false alarms at or under the limit."""
    benign = np.sort(scores[~is_risk])[::-1]
    allowed = int(np.floor(max_false_alarms * len(benign)))
    return float(np.nextafter(benign[allowed], 1.0))


def curve(scores: np.ndarray, is_risk: np.ndarray) -> List[Dict[str, float]]:
    """Recall and false-alarm rate at a range of thresholds, for the report."""
    points = []
    for t in np.round(np.arange(0.05, 1.0, 0.05), 2):
        flagged = scores >= t
        points.append(
            {
                "threshold": float(t),
                "recall": float(flagged[is_risk].mean()),
                "false_alarms": float(flagged[~is_risk].mean()),
                "precision": float(is_risk[flagged].mean()) if flagged.any() else 1.0,
            }
        )
    return points


def train(output: Path = DEFAULT_MODEL_DIR) -> Dict[str, object]:
    rows = writer_examples() + conversation_examples() + spent_blind_examples() + nlu_examples()
    texts, labels, groups = zip(*rows)
    embeddings = meaning_features(texts, MultilingualEncoder())
    counts = ngram_features.counts(texts)
    is_risk = np.array([label != NONE_CLASS for label in labels])
    # The limits count the risk writers' lines (see the module docstring).
    counted = np.array([g != NLU_WRITER for g in groups])

    (meaning, idf, spelling), by_meaning, by_spelling = fit_final_and_out_of_fold(
        embeddings, counts, list(labels), list(groups)
    )
    recall_by_weight = {
        w: recall_at(w * by_meaning + (1 - w) * by_spelling, is_risk, counted, HARD_MAX_FALSE_ALARMS)
        for w in MEANING_WEIGHTS
    }
    best = max(recall_by_weight.values())
    meaning_weight = min(w for w in MEANING_WEIGHTS if recall_by_weight[w] >= best - WEIGHT_TIE)
    oof = meaning_weight * by_meaning + (1 - meaning_weight) * by_spelling
    thresholds = {
        name: threshold_for(oof[counted], is_risk[counted], limit)
        for name, limit in (
            ("hard", HARD_MAX_FALSE_ALARMS),
            ("soft", SOFT_MAX_FALSE_ALARMS),
            ("context", CONTEXT_MAX_FALSE_ALARMS),
        )
    }
    assert list(meaning.classes_) == list(spelling.classes_)
    output.mkdir(parents=True, exist_ok=True)
    np.savez(
        output / "weights.npz",
        meaning_hidden_coef=meaning.coefs_[0].astype(np.float32),
        meaning_hidden_intercept=meaning.intercepts_[0].astype(np.float32),
        meaning_output_coef=meaning.coefs_[1].astype(np.float32),
        meaning_output_intercept=meaning.intercepts_[1].astype(np.float32),
        spelling_coef=spelling.coef_.astype(np.float32),
        spelling_intercept=spelling.intercept_.astype(np.float32),
        idf=idf,
    )
    by_writer = {
        writer: {
            "lines": int(sum(1 for g in groups if g == writer)),
            "risk_recall_hard": float(
                np.mean(
                    [s >= thresholds["hard"] for s, r, g in zip(oof, is_risk, groups) if g == writer and r] or [1.0]
                )
            ),
            "benign_hard": float(
                np.mean(
                    [s >= thresholds["hard"] for s, r, g in zip(oof, is_risk, groups) if g == writer and not r] or [0.0]
                )
            ),
        }
        for writer in sorted(set(groups))
    }
    meta = {
        "classes": list(meaning.classes_),
        "thresholds": thresholds,
        "meaning_weight": meaning_weight,
        "training_lines": len(rows),
        "risk_lines": int(is_risk.sum()),
        "out_of_fold_by_writer": {
            "recall_hard": float((oof[is_risk] >= thresholds["hard"]).mean()),
            "recall_hard_by_meaning_weight": recall_by_weight,
            "recall_soft": float((oof[is_risk] >= thresholds["soft"]).mean()),
            "benign_hard": float((oof[~is_risk & counted] >= thresholds["hard"]).mean()),
            "benign_soft": float((oof[~is_risk & counted] >= thresholds["soft"]).mean()),
            "nlu_hard": float((oof[~counted] >= thresholds["hard"]).mean()),
            "by_writer": by_writer,
            "curve": curve(oof[counted], is_risk[counted]),
        },
    }
    (output / "model.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    # Each training line's score from the model that never saw its writer:
    # make eval-risk (scripts/evaluate_risk.py) reads the whole assessment
    # (lexicon and classifier) on them without retraining.
    np.savez_compressed(
        output / OUT_OF_FOLD_FILE, text=np.array(texts), label=np.array(labels), writer=np.array(groups), score=oof
    )
    return meta


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_MODEL_DIR
    meta = train(out)
    summary = meta["out_of_fold_by_writer"]
    print(
        f"Risk classifier written to {out}: {meta['training_lines']} lines, "
        f"meaning weight {meta['meaning_weight']}, thresholds {meta['thresholds']}"
    )
    print(
        "Out of fold by writer: recall hard {recall_hard:.3f} soft {recall_soft:.3f}, "
        "benign hard {benign_hard:.3f} soft {benign_soft:.3f}, NLU examples hard {nlu_hard:.4f}; "
        "hard recall by meaning weight {recall_hard_by_meaning_weight}".format(**summary)
    )
