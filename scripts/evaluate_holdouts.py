"""The team's NLU hold-outs, scored on the trained model: what a change did.

`make eval-holdouts` (~1 min, no training beyond `make train`). The hold-outs
were written by the team and may be looked at while tuning, unlike the blind
sets (make eval-faq-blind). For each hold-out file: strict accuracy (the
expected intent) and reached (that answer or the FAQ answer whose button
opens it); the five FAQ questions together and one by one; the practice's
own questions (their answer, or at least the practice's contact); and the
out-of-scope messages that get no answer. tests/test_nlu.py holds the floors.

Usage: python scripts/evaluate_holdouts.py [MODEL] [--misses]
  --misses  also lists each FAQ hold-out line that got another intent
"""

import argparse
import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LOG_LEVEL", "WARNING")
warnings.filterwarnings("ignore")  # the libraries' deprecation notices would bury the table

from practice import content  # noqa: E402
from scripts import nlu_scoring as scoring  # noqa: E402
from scripts.evaluation import models  # noqa: E402


def share(hits: int, total: int) -> str:
    return f"{hits / total:.3f}" if total else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", nargs="?", type=Path, default=ROOT / "models" / "faq.tar.gz")
    parser.add_argument(
        "--misses",
        action="store_true",
        help=(
            "list the FAQ hold-out lines that got another intent, the practice questions that got neither "
            "their answer nor the contact, and the out-of-scope lines that got an answer"
        ),
    )
    args = parser.parse_args()

    follow_ups = content.faq_follow_ups()
    faq = list(content.answers()["faq"])
    practice = set(scoring.practice_question_intents())
    contact = practice | set(scoring.CONTACT_INTENTS)
    per_file = {path: scoring.holdout_examples([path]) for path in scoring.HOLDOUT_FILES}
    out_of_scope = scoring.out_of_scope_texts()
    texts = [text for examples in per_file.values() for text, _ in examples]
    parsed, _, _ = models.parse_all(args.model, texts + out_of_scope)

    position, faq_rows, practice_rows = 0, [], []
    print(f"{'hold-out':34} {'strict':>7} {'reached':>8} {'n':>5}")
    for path, examples in per_file.items():
        rows = [
            (expected, scoring.intent_name(parse), text)
            for (text, expected), parse in zip(examples, parsed[position : position + len(examples)])
        ]
        position += len(examples)
        strict = sum(expected == got for expected, got, _ in rows)
        reached = sum(scoring.reaches(expected, got, follow_ups) for expected, got, _ in rows)
        print(f"{path.name:34} {share(strict, len(rows)):>7} {share(reached, len(rows)):>8} {len(rows):>5}")
        faq_rows += [row for row in rows if row[0] in faq]
        practice_rows += [row for row in rows if row[0] in practice]

    print(f"\nthe five FAQ questions, all hold-outs: {share(sum(e == g for e, g, _ in faq_rows), len(faq_rows))}")
    for intent in faq:
        rows = [row for row in faq_rows if row[0] == intent]
        print(f"  {intent:32} {share(sum(e == g for e, g, _ in rows), len(rows))} (n={len(rows)})")
    own = sum(e == g for e, g, _ in practice_rows)
    reachable = sum(e == g or g in contact for e, g, _ in practice_rows)
    n = len(practice_rows)
    print(f"practice questions: own answer {share(own, n)}, or the contact {share(reachable, n)} (n={n})")
    rejected = [scoring.is_rejected(parse) for parse in parsed[position:]]
    print(f"out of scope, no answer: {share(sum(rejected), len(rejected))} (n={len(rejected)})")
    if args.misses:
        print()
        for expected, got, text in faq_rows:
            if expected != got:
                print(f"{expected} -> {got}: {text}")
        for expected, got, text in practice_rows:
            if expected != got and got not in contact:
                print(f"{expected} -> {got} (neither its answer nor the contact): {text}")
        for text, parse, no_answer in zip(out_of_scope, parsed[position:], rejected):
            if not no_answer:
                print(f"out of scope -> {scoring.intent_name(parse)}: {text}")


if __name__ == "__main__":
    main()
