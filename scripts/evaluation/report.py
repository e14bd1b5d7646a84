"""reports/evaluation.md and reports/evaluation.json, rendered from the metrics dict alone.

The Markdown is laid out in templates/evaluation.md.j2; this module gives it the
metrics under short names and the small formatting helpers below. Nothing here
loads a model, so a saved metrics dict can be re-rendered (evaluate.py --render-only).
"""

import json
from pathlib import Path
from typing import Any, Dict, Optional

import jinja2

from scripts import nlu_scoring as scoring
from scripts.evaluation.constants import FIGURES, JSON, NAMES, PIPELINES, REPORT, SEED

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Per-message lists: in the Markdown report, left out of the JSON figures.
MESSAGE_LISTS = ("misses", "wrong_category", "false_escalations", "negated_escalations", "answered", "examples")


def pct(x: Optional[float]) -> str:
    return "–" if x is None or x != x else f"{100 * x:.1f} %"  # x != x: NaN


def frac(hits: Optional[int], n: int) -> str:
    """`3/4 (75.0 %)`, or `–` for a figure the pipeline has none of (category for a plain classifier)."""
    return "–" if hits is None else f"{hits}/{n} ({pct(scoring.rate(hits, n))})"


def fixed(x: float, digits: int) -> str:
    """A number with a fixed count of decimals (Jinja's own `round` drops trailing zeros)."""
    return f"{x:.{digits}f}"


def md(text: str) -> str:
    """A message as a Markdown table cell: code span, pipes and backticks kept harmless."""
    text = " ".join(str(text).split()).replace("|", "\\|").replace("`", "'")
    return f"`{text}`" if text else "*(empty)*"


def prediction(p: Dict[str, Any]) -> str:
    return f"{p['got']} ({p['confidence']:.2f})"


def escalation(r: Dict[str, Any], name: str) -> str:
    """For the project: whether the detector or the classifier alone escalated."""
    return prediction(r) + (f", by the {r['by']}" if name == "project" and r.get("by") else "")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # Markdown, not HTML: md() makes message text safe for a table cell
        undefined=jinja2.StrictUndefined,  # a misspelt name fails instead of leaving a blank
        trim_blocks=True,  # a line holding only {% ... %} leaves no line in the report
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(pct=pct, fixed=fixed, md=md, prediction=prediction)
    env.globals.update(frac=frac, escalation=escalation)
    return env


def context(m: Dict[str, Any], command: str) -> Dict[str, Any]:
    """What the template reads: the metrics under short names, and two selections clumsy in Jinja."""
    misclassified = [r for r in m["holdout_rows"] if any(r[n]["got"] != r["expected"] for n in PIPELINES)]
    answered: Dict[str, Dict[str, Any]] = {}  # out-of-scope text -> {pipeline: its answer}
    for name in PIPELINES:
        for r in m["out_of_scope"][name]["answered"]:
            answered.setdefault(r["text"], {})[name] = r
    return {
        "command": command,
        "info": m["info"],
        "holdout": m["holdout"],
        "holdout_splits": m["holdout_splits"],
        "misclassified": misclassified,
        "cv": m["cv"],
        "crisis": m["crisis"],
        "oos": m["out_of_scope"],
        "oos_answered": answered,
        "wc": m["wrong_confident"],
        "timing": m["timing"],
        "pipelines": PIPELINES,
        "names": NAMES,
        "figures": FIGURES,
        "json_file": JSON,
        "seed": SEED,
        "rejecting_intents": scoring.REJECTING_INTENTS,
        "crisis_intent": scoring.CRISIS_INTENT,
        "confident": scoring.CONFIDENT,
    }


def render_report(metrics: Dict[str, Any], command: str) -> str:
    """The Markdown report; `command` is the one named in its first line (`make eval`)."""
    return environment().get_template("evaluation.md.j2").render(context(metrics, command))


def summary_json(m: Dict[str, Any]) -> Dict[str, Any]:
    """The figures without the per-message lists (those are in the Markdown report)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in MESSAGE_LISTS}
        if isinstance(value, float):
            return round(value, 4)
        return value

    return strip({k: v for k, v in m.items() if k != "holdout_rows"})


def write_report(out: Path, metrics: Dict[str, Any], command: str) -> None:
    """reports/evaluation.md and reports/evaluation.json (the figures are plots.py's)."""
    (out / REPORT).write_text(render_report(metrics, command), encoding="utf-8")
    (out / JSON).write_text(json.dumps(summary_json(metrics), indent=1, sort_keys=True) + "\n")
