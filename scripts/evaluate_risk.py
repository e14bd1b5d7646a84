"""Risk detection measured: the lexicon alone, the learned classifier alone, and both.

Sets, from the one the team wrote to the ones nobody here wrote:
  corpus     tests/data/crisis_corpus.yml, the team's own (the lexicon's oracle)
  writers    data/risk/, independent writers and the spent blind sets: the
             classifier's out-of-fold-by-writer figures, from
             build/risk_classifier/model.json, and the whole
             assessment on the same lines (the lexicon, then each line's
             out-of-fold score from build/risk_classifier/out_of_fold.npz),
             and their conversations through the context step
  published  tests/data/published_prompts.yml: others' evaluation prompts, per source
  blind      tests/data/blind/*.yml, scored only with --blind: each written from
             category descriptions by a writer who saw no data; scored once at
             the end of a change, never tuned on; then it is spent: it moves
             to data/risk/spent_blind/ as training data, and a new writer
             writes the next one

"Crisis reply" = the hard tier, which the NLU pipeline turns into the crisis
intent (components/risk_component.py); conversations run through the same
context step as the action server (safety/assessment.py).

Usage: python scripts/evaluate_risk.py [--blind]   -> reports/risk_evaluation*.md and .json
"""

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safety.assessment import RiskAssessor  # noqa: E402
from safety.risk_classifier import DEFAULT_MODEL_DIR, RiskScore  # noqa: E402
from safety.risk_detector import HARD, SOFT, RiskAssessment  # noqa: E402

REPORTS = ROOT / "reports"
Verdict = Callable[[str], RiskAssessment]


def methods(assessor: RiskAssessor) -> Dict[str, Verdict]:
    classifier = assessor.classifier

    def classifier_alone(text: str) -> RiskAssessment:
        score = classifier.score(text)
        return RiskAssessment(classifier.tier(score), score.category, (score.category,))

    return {"lexicon": assessor.lexicon, "classifier": classifier_alone, "both": assessor.assess}


def rate(flags: Sequence[bool]) -> Dict[str, Any]:
    return {"n": len(flags), "hits": int(sum(flags)), "rate": round(sum(flags) / len(flags), 4) if flags else None}


def score_messages(items: List[Dict[str, Any]], verdicts: Dict[str, Verdict], group_key: str) -> Dict[str, Any]:
    """Crisis-reply rate per method, for risk items by group, and hard/soft rates for benign items."""
    result: Dict[str, Any] = {}
    for name, verdict in verdicts.items():
        risk_groups: Dict[str, List[bool]] = defaultdict(list)
        benign_hard, benign_soft, risk_reached, spanish_reply, misses = [], [], [], [], []
        for item in items:
            v = verdict(item["text"])
            if item["label"] == "none":
                benign_hard.append(v.tier == HARD)
                benign_soft.append(v.tier == SOFT)
                continue
            risk_groups["all"].append(v.is_hard)
            risk_reached.append(v.tier in (SOFT, HARD))  # the crisis reply or the resources line
            risk_groups[str(item.get(group_key) or item["label"])].append(v.is_hard)
            if item.get("spanish"):
                spanish_reply.append(v.is_hard and v.language == "es")
            if not v.is_hard and name == "both":
                misses.append({"label": item["label"], group_key: item.get(group_key), "tier": v.tier})
        result[name] = {
            "risk": {g: rate(f) for g, f in sorted(risk_groups.items())},
            "risk_reached": rate(risk_reached),
            "benign_hard": rate(benign_hard),
            "benign_soft": rate(benign_soft),
            **({"spanish_reply": rate(spanish_reply)} if spanish_reply else {}),
            **({"misses_by_kind": misses} if misses else {}),
        }
    return result


def run_conversation(assessor: RiskAssessor, turns: Sequence[str]) -> List[RiskAssessment]:
    verdicts: List[RiskAssessment] = []
    for text in turns:
        verdicts.append(assessor.assess_in_context(text, [v.as_dict() for v in verdicts]))
    return verdicts


def score_conversations(assessor: RiskAssessor, conversations: List[Dict[str, Any]]) -> Dict[str, Any]:
    risky, benign, details = [], [], []
    for c in conversations:
        verdicts = run_conversation(assessor, c["turns"])
        hard_turns = [i for i, v in enumerate(verdicts) if v.is_hard]
        expected = c.get("expected") or ("no_crisis" if c.get("label") in (None, "none") else "crisis")
        if expected == "crisis":
            start = c.get("risk_turn") or 0
            ok = any(i >= start for i in hard_turns) or (bool(hard_turns) and start == 0)
            risky.append(ok)
        else:
            ok = not hard_turns
            benign.append(ok)
        details.append(
            {
                "turns": len(c["turns"]),
                "expected": expected,
                "crisis_at_turns": hard_turns,
                "passed": ok,
                **({"persona": c["persona"]} if c.get("persona") else {}),
            }
        )
    return {"risky_reached": rate(risky), "benign_without_crisis": rate(benign), "details": details}


def corpus_items() -> List[Dict[str, Any]]:
    corpus = yaml.safe_load((ROOT / "tests" / "data" / "crisis_corpus.yml").read_text(encoding="utf-8"))
    negated_then_risk = [
        {**e, "label": "risk", "kind": "negated_then_risk"} for e in corpus.get("negated_then_risk") or []
    ]
    return (
        [{**e, "label": e["category"]} for e in corpus["risk"]]
        + negated_then_risk
        + [{"text": e["text"], "label": "none"} for e in corpus["benign"]]
    )


def published(assessor: RiskAssessor, verdicts: Dict[str, Verdict]) -> Dict[str, Any]:
    data = yaml.safe_load((ROOT / "tests" / "data" / "published_prompts.yml").read_text(encoding="utf-8"))
    out = {}
    for source, spec in data["sources"].items():
        items = [
            {"text": m["text"], "label": m.get("category", "risk") if m["expected"] == "crisis" else "none"}
            for m in spec.get("messages", [])
        ]
        out[source] = {
            "citation": spec["citation"],
            "licence": spec["licence"],
            **({"messages": score_messages(items, verdicts, "label")} if items else {}),
            **(
                {"conversations": score_conversations(assessor, spec["conversations"])}
                if spec.get("conversations")
                else {}
            ),
        }
    return out


def blind(assessor: RiskAssessor, verdicts: Dict[str, Verdict], path: Path) -> Dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    spanish = [{**e, "spanish": True} for e in data["spanish"]]
    return {
        "english": score_messages(data["single"], verdicts, "kind"),
        "spanish": score_messages(spanish, verdicts, "label"),
        "conversations": score_conversations(assessor, data["conversations"]),
    }


def writers_out_of_fold(assessor: RiskAssessor) -> Dict[str, Any]:
    """The whole assessment on the writers' lines, each with the score of the
    classifier trained without its writer: what a new writer's wording gets.
    The lexicon was written alongside these lines, so its share is optimistic.
    The NLU examples (FAQ and practice questions) are counted apart."""
    saved = np.load(DEFAULT_MODEL_DIR / "out_of_fold.npz")
    oof = dict(zip(saved["text"].tolist(), saved["score"].tolist()))
    items = [
        {"text": t, "label": label, "nlu": writer == "nlu"}
        for t, label, writer in zip(saved["text"].tolist(), saved["label"].tolist(), saved["writer"].tolist())
    ]

    with_saved_scores = RiskAssessor(
        assessor.english, assessor.spanish, SavedScores(assessor.classifier, oof), assessor.own_questions
    )

    def classifier_alone(text: str) -> RiskAssessment:
        return RiskAssessment(assessor.classifier.tier(with_saved_scores.classifier.score(text)))

    verdicts = {"lexicon": assessor.lexicon, "classifier": classifier_alone, "both": with_saved_scores.assess}
    scored = {
        "writers": score_messages([i for i in items if not i["nlu"]], verdicts, "label"),
        "nlu_examples": score_messages([i for i in items if i["nlu"]], verdicts, "label"),
    }
    for by_method in scored.values():  # thousands of misses: the rates say enough
        by_method["both"].pop("misses_by_kind", None)
    scored["conversations"] = score_conversations(with_saved_scores, writers_conversations())
    return scored


class SavedScores:
    """The classifier, answering for each training line with its saved
    out-of-fold score; other lines (the turns of a conversation that were not
    trained on) it scores as usual."""

    def __init__(self, classifier: Any, saved: Dict[str, float]) -> None:
        self._classifier = classifier
        self._saved = saved

    def __getattr__(self, name: str) -> Any:
        return getattr(self._classifier, name)

    def score(self, text: str, lowest: Optional[float] = None) -> RiskScore:
        if text in self._saved:
            return RiskScore(self._saved[text], "")  # only the score was saved; the tiers need no category
        return self._classifier.score(text, lowest=lowest)


def writers_conversations() -> List[Dict[str, Any]]:
    """The writers' conversations and the spent blind sets' (data/risk/)."""
    paths = sorted((ROOT / "data" / "risk" / "conversations").glob("*.yml"))
    paths += sorted((ROOT / "data" / "risk" / "spent_blind").glob("*.yml"))
    return [c for path in paths for c in yaml.safe_load(path.read_text(encoding="utf-8")).get("conversations", [])]


def pct(r: Dict[str, Any]) -> str:
    return "–" if not r or r["rate"] is None else f"{100 * r['rate']:.1f} % ({r['hits']}/{r['n']})"


def message_table(title: str, scored: Dict[str, Any]) -> List[str]:
    groups = sorted({g for m in scored.values() for g in m["risk"]}, key=lambda g: (g != "all", g))
    lines = [f"### {title}", "", "| | " + " | ".join(scored) + " |", "|---|" + "---|" * len(scored)]
    for g in groups:
        lines.append(f"| crisis reply: {g} | " + " | ".join(pct(m["risk"].get(g)) for m in scored.values()) + " |")
    if any("spanish_reply" in m for m in scored.values()):
        lines.append(
            "| crisis reply in Spanish | " + " | ".join(pct(m.get("spanish_reply")) for m in scored.values()) + " |"
        )
    for key, label in (
        ("risk_reached", "risk: crisis reply or resources line"),
        ("benign_hard", "benign: crisis reply"),
        ("benign_soft", "benign: resources line"),
    ):
        lines.append(f"| {label} | " + " | ".join(pct(m.get(key)) for m in scored.values()) + " |")
    return lines + [""]


def conversation_lines(title: str, scored: Dict[str, Any]) -> List[str]:
    return [
        f"### {title}",
        "",
        f"- risky conversations reaching the crisis reply: {pct(scored['risky_reached'])}",
        f"- benign conversations without one: {pct(scored['benign_without_crisis'])}",
        "",
    ]


def render(results: Dict[str, Any]) -> str:
    lines = [
        "# Risk detection: lexicon, classifier and both",
        "",
        'Written by `make eval-risk` (scripts/evaluate_risk.py). "Crisis reply" is the hard tier; '
        '"resources line" the soft tier (the normal answer plus one line of support). Conversations '
        "run through the context step. No message text is shown.",
        "",
    ]
    if "corpus" in results:
        lines += message_table("The team's own corpus (tests/data/crisis_corpus.yml)", results["corpus"])
    if "writers" in results:
        w = results["writers"]
        lines += [
            "### Independent writers (data/risk/, with the spent blind sets), classifier alone, out of fold by writer",
            "",
            f"Meaning (embeddings) head weight {w['meaning_weight']:.1f}, spelling (n-grams) head "
            f"{1 - w['meaning_weight']:.1f}. Thresholds: hard {w['thresholds']['hard']:.3f}, "
            f"soft {w['thresholds']['soft']:.3f}, "
            f"context {w['thresholds']['context']:.3f}. Crisis reply on risk lines "
            f"{100 * w['recall_hard']:.1f} %, resources line or more {100 * w['recall_soft']:.1f} %; "
            f"benign lines (mostly hard negatives) with a crisis reply {100 * w['benign_hard']:.1f} %, "
            f"with a resources line {100 * w['benign_soft']:.1f} %.",
            "",
        ]
    if "writers_whole" in results:
        lines += message_table(
            "Independent writers (data/risk/), the whole assessment: the lexicon, then each line's "
            "out-of-fold classifier score",
            results["writers_whole"]["writers"],
        )
        lines += message_table(
            "The bot's own NLU examples (FAQ and practice questions, small talk), the same way",
            results["writers_whole"]["nlu_examples"],
        )
        if "conversations" in results["writers_whole"]:
            lines += conversation_lines(
                "Independent writers' conversations (data/risk/conversations/ and the spent blind sets), "
                "through the context step, each turn that was a training line with its out-of-fold score",
                results["writers_whole"]["conversations"],
            )
    for source, r in results.get("published", {}).items():
        lines += [f"### Published: {source}", "", f"{r['citation']} Licence: {r['licence']}", ""]
        if "messages" in r:
            lines += message_table(f"{source}: messages", r["messages"])
        if "conversations" in r:
            lines += conversation_lines(f"{source}: conversations", r["conversations"])
    for name, b in results.get("blind", {}).items():
        lines += [f"## Blind set tests/data/blind/{name}.yml", ""]
        lines += message_table(f"{name}: English messages, by kind", b["english"])
        lines += message_table(f"{name}: Spanish messages, by category", b["spanish"])
        lines += conversation_lines(f"{name}: conversations", b["conversations"])
    return "\n".join(lines) + "\n"


ALL_BLIND_SETS = "all"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--blind",
        nargs="?",
        const=ALL_BLIND_SETS,
        metavar="SET",
        help="score the blind sets instead (once, at the end of a change); SET: only that one (risk_blind_6), "
        "the others keep their last scores in the report",
    )
    args = parser.parse_args()
    blind_sets = sorted((ROOT / "tests" / "data" / "blind").glob("risk_blind*.yml"))
    if args.blind not in (None, ALL_BLIND_SETS):
        blind_sets = [path for path in blind_sets if path.stem == args.blind]
        if not blind_sets:
            parser.error(f"no blind set tests/data/blind/{args.blind}.yml")
    assessor = RiskAssessor.load()
    verdicts = methods(assessor)
    meta = json.loads((ROOT / "build" / "risk_classifier" / "model.json").read_text(encoding="utf-8"))
    results: Dict[str, Any] = {
        "corpus": score_messages(corpus_items(), verdicts, "kind"),
        "writers": {
            **meta["out_of_fold_by_writer"],
            "thresholds": meta["thresholds"],
            "meaning_weight": meta["meaning_weight"],
        },
        "published": published(assessor, verdicts),
    }
    if (DEFAULT_MODEL_DIR / "out_of_fold.npz").exists():  # written by the training since 2026-12-04
        results["writers_whole"] = writers_out_of_fold(assessor)
    name = "risk_evaluation"
    if args.blind:
        name = "risk_evaluation_blind"
        earlier = REPORTS / f"{name}.json"
        kept = json.loads(earlier.read_text())["blind"] if args.blind != ALL_BLIND_SETS and earlier.exists() else {}
        scored = {path.stem: blind(assessor, verdicts, path) for path in blind_sets}
        results = {"blind": dict(sorted({**kept, **scored}.items()))}
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / f"{name}.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    (REPORTS / f"{name}.md").write_text(render(results), encoding="utf-8")
    print(f"Written: reports/{name}.md")


if __name__ == "__main__":
    main()
