"""The report's figures (reports/eval-*.png), drawn from the metrics dict alone."""

import math
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

from scripts import nlu_scoring as scoring  # noqa: E402
from scripts.evaluation.constants import COLORS, FIGURES, NAMES, PIPELINES  # noqa: E402


def draw_figures(metrics: Dict[str, Any], out: Path) -> None:
    """The three PNGs named in constants.FIGURES, into the directory `out`."""
    rows = metrics["holdout_rows"]
    holdout_intents = list(dict.fromkeys(r["expected"] for r in rows))  # the hold-out files' order: FAQ first, ...
    predictions = {n: [(r["expected"], r[n]["got"]) for r in rows] for n in PIPELINES}
    plot_confusion(holdout_intents, predictions, out / FIGURES["confusion"])
    plot_f1(metrics["holdout"], holdout_intents, out / FIGURES["f1"])
    plot_crisis(metrics["crisis"], out / FIGURES["crisis"])


def save(fig: "plt.Figure", path: Path) -> None:
    """PNG with a 256-colour palette: legible and small enough to commit."""
    from PIL import Image

    fig.savefig(path, dpi=fig.dpi, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    with Image.open(path) as image:
        quantized = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    quantized.save(path, optimize=True)


def plot_confusion(intents: List[str], rows: Dict[str, List[Tuple[str, str]]], path: Path) -> None:
    """`rows`: (expected, predicted) per hold-out message and pipeline."""
    from sklearn.metrics import confusion_matrix

    extra = sorted({g for name in PIPELINES for _, g in rows[name]} - set(intents))
    columns = intents + extra
    # One above the other: each panel keeps the page's width when the report is shown.
    fig, axes = plt.subplots(2, 1, figsize=(2.6 + 0.36 * len(columns), 2 * (0.3 * len(intents) + 2.2)), dpi=85)
    for ax, name in zip(axes, PIPELINES):
        expected = [e for e, _ in rows[name]]
        predicted = [g for _, g in rows[name]]
        matrix = confusion_matrix(expected, predicted, labels=columns)[: len(intents)]
        totals = matrix.sum(axis=1, keepdims=True).clip(min=1)
        ax.imshow(matrix / totals, cmap="Greens" if name == "project" else "Oranges", vmin=0, vmax=1, aspect="auto")
        for i in range(matrix.shape[0]):
            for j in range(matrix.shape[1]):
                if matrix[i, j]:
                    share = matrix[i, j] / totals[i, 0]
                    color = "white" if share > 0.6 else "black"
                    ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=7, color=color)
        ax.set_xticks(range(len(columns)))
        ax.set_xticklabels(columns, rotation=60, ha="right", fontsize=7.5)
        ax.set_yticks(range(len(intents)))
        ax.set_yticklabels(intents, fontsize=7.5)
        ax.axvline(len(intents) - 0.5, color="#888", linewidth=0.8)
        accuracy = scoring.rate(sum(e == g for e, g in rows[name]), len(rows[name]))
        ax.set_title(f"{NAMES[name]}: accuracy {accuracy:.3f}", fontsize=10)
        ax.set_xlabel("predicted", fontsize=8)
        ax.set_ylabel("expected (hold-out)", fontsize=8)
    height = fig.get_size_inches()[1]
    fig.suptitle("Hold-out confusion matrices (counts; colour = share of the row)", fontsize=10, y=1 - 0.1 / height)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.15 / height))
    save(fig, path)


def grouped_bars(
    ax: "plt.Axes",
    labels: List[str],
    values: Dict[str, List[float]],
    title: str,
    counts: Optional[List[int]] = None,
    start: float = 0.0,
) -> None:
    """Horizontal bars, one per pipeline and label, each with its value written beside it."""
    import numpy as np

    y = np.arange(len(labels))
    height = 0.38
    for k, name in enumerate(PIPELINES):
        bars = ax.barh(y + (k - 0.5) * height, values[name], height, label=NAMES[name], color=COLORS[name])
        for bar, value in zip(bars, values[name]):
            x = max(min(value, 1.0), start) + 0.01 * (1.0 - start)
            ax.text(x, bar.get_y() + bar.get_height() / 2, f"{value:.2f}", va="center", fontsize=6.5)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{label} ({c})" for label, c in zip(labels, counts)] if counts else labels, fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlim(start, 1.0 + 0.12 * (1.0 - start))
    ax.set_title(title, fontsize=9)
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", color="#ddd", linewidth=0.6)
    ax.set_axisbelow(True)


def plot_f1(holdout: Dict[str, Dict[str, Any]], intents: List[str], path: Path) -> None:
    values = {n: [holdout[n]["per_intent"][i]["f1"] for i in intents] for n in PIPELINES}
    # The F1s are close to 1: start the axis a little below the lowest so differences show.
    start = max(0.0, math.floor(10 * min(min(v) for v in values.values())) / 10 - 0.1)
    fig, ax = plt.subplots(figsize=(6.4, 0.3 * len(intents) + 1.4), dpi=85)
    title = "Hold-out F1 per intent (n)" + (f"; axis starts at {start:.1f}" if start else "")
    grouped_bars(ax, intents, values, title, [holdout["project"]["per_intent"][i]["support"] for i in intents], start)
    ax.legend(fontsize=7.5, loc="lower center", bbox_to_anchor=(0.5, 1.04), ncol=2, frameon=False)
    fig.tight_layout()
    save(fig, path)


def plot_crisis(crisis: Dict[str, Dict[str, Any]], path: Path) -> None:
    categories = list(crisis["project"]["per_category"])
    kinds = list(crisis["project"]["per_kind"])
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.32 * max(len(categories), len(kinds)) + 1.9), dpi=85)
    grouped_bars(
        axes[0],
        categories,
        {n: [crisis[n]["per_category"][c]["recall"] for c in categories] for n in PIPELINES},
        "Escalated, per category (n)",
        [crisis["project"]["per_category"][c]["n"] for c in categories],
    )
    grouped_bars(
        axes[1],
        kinds,
        {n: [crisis[n]["per_kind"][k]["recall"] for k in kinds] for n in PIPELINES},
        "Escalated, per kind of wording (n)",
        [crisis["project"]["per_kind"][k]["n"] for k in kinds],
    )
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, -0.04), ncol=2, frameon=False)
    benign = ", ".join(f"{NAMES[n]} {crisis[n]['benign']['escalated']}/{crisis[n]['benign']['n']}" for n in PIPELINES)
    fig.suptitle(
        f"Crisis corpus: recall on {crisis['project']['n']} risk messages (benign escalated: {benign})", fontsize=10
    )
    fig.tight_layout()
    save(fig, path)
