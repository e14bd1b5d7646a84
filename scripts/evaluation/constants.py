"""Names and paths shared by computing the evaluation and rendering it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CACHE = ROOT / "build" / "eval"
SEED = 42
PIPELINES = ("project", "default")
NAMES = {"project": "Project", "default": "Rasa default"}
COLORS = {"project": "#1f5f4a", "default": "#d98c3a"}
# Written to reports/, next to other reports (bench.md).
REPORT, JSON = "evaluation.md", "evaluation.json"
FIGURES = {
    "confusion": "eval-confusion-holdout.png",
    "f1": "eval-f1-per-intent.png",
    "crisis": "eval-crisis-recall.png",
}
