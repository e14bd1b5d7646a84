"""Evaluation report (`make eval`): the project's NLU pipeline next to Rasa's default one.

Writes reports/evaluation.md (Markdown), reports/evaluation.json and reports/eval-*.png:
- intent classification on the hold-out splits (tests/data/nlu_holdout*.yml):
  per-intent precision, recall, F1, confusion matrices, misclassified examples;
  stratified k-fold cross-validation on the training data (data/);
- crisis detection on tests/data/crisis_corpus.yml: recall per category and
  obfuscation kind, false escalations on the benign set, misses;
- the out-of-scope hold-out: rejection rate; wrong confident answers.

The project's model is models/faq.tar.gz (`make train`). Rasa's default
pipeline (configs/rasa_default.yml, DIET and ResponseSelector seeded for
reproducibility) is trained on the same data into build/eval/, again only
when its inputs change; cross-validation results are cached there the same
way. What counts as a rejection, an escalation or a confident answer comes
from scripts/nlu_scoring.py, shared with tests/test_nlu.py.

This file computes the metrics dict and hands it on; the parts live in
scripts/evaluation/ (models, metrics, plots, and the report's Jinja template).
Each run saves the full dict to build/eval/metrics.json: --render-only redraws
the report, the JSON and the figures from it without loading a model.

Usage: make eval [DEFAULT_CV_FOLDS=5]
       .venv/bin/python scripts/evaluate.py [--folds 5] [--default-cv-folds 0] [--render-only]
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # also silences DIET's progress bars
# Library deprecations and Rasa's data warnings (`make validate` reports those) are noise
# here. Rasa and TensorFlow add warning filters of their own, so drop them when shown.
_QUIET_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, UserWarning)
_show_warning = warnings.showwarning


def _show_other_warnings(message, category, *args, **kwargs):  # type: ignore[no-untyped-def]
    if not issubclass(category, _QUIET_WARNINGS):
        _show_warning(message, category, *args, **kwargs)


warnings.showwarning = _show_other_warnings

from scripts import nlu_scoring as scoring  # noqa: E402
from scripts.evaluation import models, plots, report  # noqa: E402
from scripts.evaluation.constants import CACHE, PIPELINES, REPORT  # noqa: E402

# Imported by name, as tests/test_nlu_scoring.py calls them here (evaluate.crisis_metrics, ...).
from scripts.evaluation.metrics import (  # noqa: E402
    crisis_metrics,
    cv_metrics,
    intent_metrics,
    out_of_scope_metrics,
    wrong_confident_metrics,
)

PROJECT_CONFIG = ROOT / "config.yml"
PROJECT_MODEL = ROOT / "models" / "faq.tar.gz"
SAVED_METRICS = CACHE / "metrics.json"  # the last run's full metrics dict and command, for --render-only
Parsed = Dict[str, List[scoring.Parse]]  # message set ("holdout", "oos", "risk", ...) -> parse results


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""


def quiet_logs() -> None:
    """Warnings only: Rasa's structured debug log would print every parsed message."""
    import logging

    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)


def parse_sets(
    model_files: Dict[str, Path], sets: Dict[str, List[str]]
) -> Tuple[Dict[str, Parsed], Dict[str, float], Dict[str, float]]:
    """Every message set through each pipeline's model, loaded once: (parsed, load seconds, parse seconds)."""
    texts = [t for values in sets.values() for t in values]
    parsed: Dict[str, Parsed] = {}
    load_seconds, parse_seconds = {}, {}
    for name in PIPELINES:
        print(f"{name} pipeline: parsing {len(texts)} messages ...", flush=True)
        results, load_seconds[name], parse_seconds[name] = models.parse_all(model_files[name], texts)
        parsed[name], offset = {}, 0
        for key, values in sets.items():
            parsed[name][key] = results[offset : offset + len(values)]
            offset += len(values)
    return parsed, load_seconds, parse_seconds


def cross_validation(args: argparse.Namespace, default_config: Path) -> Dict[str, Optional[Dict[str, Any]]]:
    """The project's always; Rasa default's only when asked for (slow) or cached."""
    cv = {"project": models.cross_validate("project", PROJECT_CONFIG, args.folds, models.project_code_files())}
    if args.default_cv_folds:
        cv["default"] = models.cross_validate("default", default_config, args.default_cv_folds, [])
    else:
        cv["default"] = models.cached_cross_validation("default", default_config, args.folds)
    if cv["default"] and cv["default"]["folds"] != cv["project"]["folds"]:
        print(f"note: project with {cv['project']['folds']} folds, default with {cv['default']['folds']}")
    return cv


def run_info() -> Dict[str, Any]:
    """When, at which commit and on which training data the figures were made."""
    training = models.load_training_data()
    inputs = ["data", "config.yml", "configs", "components", "safety", "content", "tests/data", "domain.yml"]
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git("rev-parse", "--short", "HEAD").strip() or "unknown",
        "dirty": [line[3:] for line in git("status", "--porcelain", "--", *inputs).splitlines()],
        "rasa": models.rasa_version(),
        "training_examples": len(training.intent_examples),
        "intents": len(training.intents),
    }


def holdout_rows(examples: List[Tuple[str, str]], parsed: Dict[str, Parsed]) -> List[Dict[str, Any]]:
    """Each hold-out message with its expected intent and every pipeline's prediction."""
    return [
        {"text": text, "expected": expected, **{n: prediction(parsed[n]["holdout"][i]) for n in PIPELINES}}
        for i, (text, expected) in enumerate(examples)
    ]


def prediction(p: scoring.Parse) -> Dict[str, Any]:
    return {"got": p["intent"]["name"], "confidence": p["intent"]["confidence"]}


def holdout_splits(expected: List[str], parsed: Dict[str, Parsed]) -> List[Dict[str, Any]]:
    """Right predictions per hold-out file (the parse results run through the files in order)."""
    splits, offset = [], 0
    for f in scoring.HOLDOUT_FILES:
        size = len(scoring.holdout_examples([f]))
        span = slice(offset, offset + size)
        right = {
            n: sum(e == p["intent"]["name"] for e, p in zip(expected[span], parsed[n]["holdout"][span]))
            for n in PIPELINES
        }
        splits.append({"file": str(f.relative_to(ROOT)), "n": size, **right})
        offset += size
    return splits


def compute_metrics(args: argparse.Namespace) -> Dict[str, Any]:
    """Parses every evaluation set with both pipelines and scores them; timing without the total."""
    faq = scoring.article_intents()
    examples = scoring.holdout_examples()
    oos_texts = scoring.out_of_scope_texts()
    corpus = scoring.crisis_corpus()
    sets = {
        "holdout": [t for t, _ in examples],
        "oos": oos_texts,
        "risk": [e["text"] for e in corpus["risk"]],
        "benign": [e["text"] for e in corpus.get("benign") or []],
        "negated": [e["text"] for e in corpus.get("negated") or []],
    }
    default_config = models.seeded_default_config()
    default_model, default_meta = models.ensure_default_model(default_config)
    model_files = {"project": args.project_model, "default": default_model}
    parsed, load_seconds, parse_seconds = parse_sets(model_files, sets)
    cv = cross_validation(args, default_config)

    expected = [e for _, e in examples]
    return {
        "info": run_info(),
        "holdout": {
            n: intent_metrics(expected, [p["intent"]["name"] for p in parsed[n]["holdout"]]) for n in PIPELINES
        },
        "holdout_rows": holdout_rows(examples, parsed),
        "cv": {n: cv_metrics(cv[n]) if cv.get(n) else None for n in PIPELINES},
        "crisis": {n: crisis_metrics(corpus, parsed[n]) for n in PIPELINES},
        "out_of_scope": {n: out_of_scope_metrics(oos_texts, parsed[n]["oos"], faq) for n in PIPELINES},
        "wrong_confident": {
            n: wrong_confident_metrics(examples, parsed[n]["holdout"], oos_texts, parsed[n]["oos"], faq)
            for n in PIPELINES
        },
        "timing": {
            "default_train_seconds": default_meta["train_seconds"],
            "default_cached": default_meta["cached"],
            "load_seconds": load_seconds,
            "parse_seconds": parse_seconds,
            "messages": sum(len(values) for values in sets.values()),
        },
        "holdout_splits": holdout_splits(expected, parsed),
    }


def parse_arguments(argv: Optional[List[str]]) -> argparse.Namespace:
    args_parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args_parser.add_argument("--out", type=Path, default=ROOT / "reports")
    args_parser.add_argument("--project-model", type=Path, default=PROJECT_MODEL)
    args_parser.add_argument("--folds", type=int, default=5, help="cross-validation folds for the project's pipeline")
    args_parser.add_argument(
        "--default-cv-folds",
        type=int,
        default=0,
        help="cross-validation folds for Rasa's default pipeline (0: only cached results; slow)",
    )
    args_parser.add_argument(
        "--render-only",
        action="store_true",
        help=f"redraw the report and figures from the last run's {SAVED_METRICS.relative_to(ROOT)}, no models",
    )
    return args_parser.parse_args(argv)


def render_saved(out: Path) -> None:
    if not SAVED_METRICS.exists():
        sys.exit(f"{SAVED_METRICS} is missing: run scripts/evaluate.py (or `make eval`) once first")
    saved = json.loads(SAVED_METRICS.read_text())
    out.mkdir(parents=True, exist_ok=True)
    plots.draw_figures(saved["metrics"], out)
    report.write_report(out, saved["metrics"], saved["command"])
    print(f"report: {out / REPORT} (rendered from {SAVED_METRICS.relative_to(ROOT)})")


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_arguments(argv)
    os.chdir(ROOT)  # config.yml names build/spacy_en and components.* relative to the repository
    if args.render_only:
        render_saved(args.out)
        return
    quiet_logs()
    started = time.monotonic()
    if not args.project_model.exists():
        sys.exit(f"{args.project_model} is missing: run `make train` (or `make eval`, which trains first)")
    args.out.mkdir(parents=True, exist_ok=True)

    metrics = compute_metrics(args)
    plots.draw_figures(metrics, args.out)
    metrics["timing"]["total_seconds"] = time.monotonic() - started
    command = "make eval" + (f" DEFAULT_CV_FOLDS={args.default_cv_folds}" if args.default_cv_folds else "")
    SAVED_METRICS.write_text(json.dumps({"command": command, "metrics": metrics}))
    report.write_report(args.out, metrics, command)
    print(f"report: {args.out / REPORT} ({metrics['timing']['total_seconds']:.0f} s)")


if __name__ == "__main__":
    main()
