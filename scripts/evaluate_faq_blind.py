"""A blind FAQ set, scored once (`make eval-faq-blind BLIND=nlu_blind_visitors_2`).

A blind set (tests/data/blind/<name>.yml) comes from a writer who saw only the
five FAQ questions and the kinds of practice question, never this project's
data; nobody reads it before it is scored, and it is never tuned on
(docs/evaluation.md). This parses it with the project's model
(models/faq.tar.gz) and with Rasa's default pipeline trained on the same data
(build/eval/, trained here when its inputs changed, ~45 min; or --default-model,
for example make bench's), and writes
reports/faq_blind_<name>.md: per FAQ question, strict and reached; the
practice questions, own answer and answer or contact; the confusions left.
"""

import argparse
import collections
import datetime
import os
import sys
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from scripts import nlu_scoring as scoring  # noqa: E402
from scripts.evaluation import models  # noqa: E402
from scripts.evaluation.constants import PIPELINES  # noqa: E402

BLIND_DIR = ROOT / "tests" / "data" / "blind"
Row = Tuple[str, str, str]  # text, expected intent, predicted intent


def rate(hits: int, total: int) -> str:
    return f"{hits / total:.3f} ({hits}/{total})" if total else "–"


def faq_table(rows: Dict[str, List[Row]], faq: List[str]) -> List[str]:
    follow_ups = scoring.faq_follow_ups()
    lines = ["| FAQ question | n | " + " | ".join(f"{p} strict | {p} reached" for p in PIPELINES) + " |"]
    lines.append("|---" * (2 + 2 * len(PIPELINES)) + "|")
    for intent in [*faq, "all five"]:
        cells = []
        for name in PIPELINES:
            mine = [r for r in rows[name] if r[1] == intent or (intent == "all five" and r[1] in faq)]
            strict = sum(e == g for _, e, g in mine)
            reached = sum(scoring.reaches(e, g, follow_ups) for _, e, g in mine)
            cells += [rate(strict, len(mine)), rate(reached, len(mine))]
        n = sum(r[1] == intent or (intent == "all five" and r[1] in faq) for r in rows[PIPELINES[0]])
        lines.append(f"| `{intent}` | {n} | " + " | ".join(cells) + " |")
    return lines


def practice_table(rows: Dict[str, List[Row]], practice: List[str]) -> List[str]:
    lines = ["| practice questions | " + " | ".join(PIPELINES) + " |", "|---" * (1 + len(PIPELINES)) + "|"]
    own, either = [], []
    for name in PIPELINES:
        mine = [r for r in rows[name] if r[1] in practice]
        own.append(rate(sum(e == g for _, e, g in mine), len(mine)))
        reachable = set(practice) | set(scoring.CONTACT_INTENTS)
        either.append(rate(sum(e == g or g in reachable for _, e, g in mine), len(mine)))
    lines.append("| own answer | " + " | ".join(own) + " |")
    lines.append("| own answer or the practice's contact | " + " | ".join(either) + " |")
    return lines


def confusions(rows: List[Row]) -> List[str]:
    """Every miss: expected -> got, counted, then the messages (the set is spent once scored)."""
    missed = [(e, g, t) for t, e, g in rows if e != g]
    counts = collections.Counter((e, g) for e, g, _ in missed)
    lines = ["| expected | got | count |", "|---|---|---|"]
    lines += [f"| `{e}` | `{g}` | {n} |" for (e, g), n in counts.most_common()]
    lines += ["", "Messages:", ""] + [f"- `{e}` → `{g}`: {t}" for e, g, t in sorted(missed)]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--blind", required=True, help="a file name in tests/data/blind/, without .yml")
    parser.add_argument("--project-model", type=Path, default=ROOT / "models" / "faq.tar.gz")
    parser.add_argument(
        "--default-model",
        type=Path,
        help="a model of Rasa's default pipeline already trained on data/ (e.g. make bench's "
        "build/bench/default.tar.gz) instead of build/eval's, which takes ~45 min to train",
    )
    args = parser.parse_args()
    path = BLIND_DIR / f"{args.blind}.yml"
    if not path.exists() or not args.project_model.exists():
        sys.exit(f"{path} or {args.project_model} is missing (`make train` first)")
    os.chdir(ROOT)  # config.yml names build/spacy_en relative to the repository
    examples = scoring.holdout_examples([path])
    texts = [t for t, _ in examples]
    default_model = (
        args.default_model if args.default_model else models.ensure_default_model(models.seeded_default_config())[0]
    )
    files = {"project": args.project_model, "default": default_model}
    rows: Dict[str, List[Row]] = {}
    for name in PIPELINES:
        parsed, _, _ = models.parse_all(files[name], texts)
        rows[name] = [(t, e, p["intent"]["name"]) for (t, e), p in zip(examples, parsed)]
    practice = scoring.practice_question_intents()
    faq = [i for i in dict.fromkeys(e for _, e in examples) if i not in practice]  # in the file's order
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    commit = os.popen(f"git -C {ROOT} rev-parse --short HEAD").read().strip()
    report = [
        f"# Blind FAQ set `{args.blind}`, scored once",
        "",
        f"{when}, commit {commit}; `make eval-faq-blind BLIND={args.blind}`. {len(examples)} messages from a writer",
        "who saw only the five questions and the kinds of practice question. project: models/faq.tar.gz;",
        f"default: Rasa's default pipeline (DIET) trained on the same data ({default_model}).",
        "Reached: the FAQ answer,",
        "or a section question answered by the FAQ that offers the section as its button.",
        "",
        *faq_table(rows, faq),
        "",
        *practice_table(rows, practice),
        "",
        "## What the project's model still gets wrong",
        "",
        *confusions(rows["project"]),
        "",
    ]
    out = ROOT / "reports" / f"faq_blind_{args.blind}.md"
    out.write_text("\n".join(report))
    print("\n".join(report[: report.index("## What the project's model still gets wrong")]))
    print(f"report: {out}")


if __name__ == "__main__":
    main()
