"""The report's plots, as PNG images written into the page itself (data: URIs)."""

import base64
import io
from typing import Any, Dict, List, Optional

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

GREEN, ORANGE, RED = "#1f5f4a", "#d98c3a", "#a33b3b"
MOST_TOPICS = 15  # the plot shows the most asked; the table lists them all


def data_uri(fig: "plt.Figure") -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _style(ax: "plt.Axes", axis: str) -> None:
    ax.grid(axis=axis, color="#ddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)


def weekly(weeks: List[Dict[str, Any]]) -> Optional[str]:
    """Conversations and visitor messages per week, side by side."""
    if not any(w["messages"] for w in weeks):
        return None
    x = range(len(weeks))
    fig, ax = plt.subplots(figsize=(min(11, 4 + 0.3 * len(weeks)), 3.2), dpi=90)
    ax.bar([i - 0.2 for i in x], [w["conversations"] for w in weeks], 0.4, color=GREEN, label="conversations")
    ax.bar([i + 0.2 for i in x], [w["messages"] for w in weeks], 0.4, color=ORANGE, label="visitor messages")
    step = max(1, len(weeks) // 20)  # at most about 20 dates under the bars
    ax.set_xticks(list(x)[::step])
    ax.set_xticklabels([w["week"].isoformat() for w in weeks][::step], rotation=45, ha="right")
    ax.set_xlabel("week starting (Monday, UTC)", fontsize=8)
    ax.set_xlim(-0.7, max(len(weeks), 8) - 0.3)  # a few weeks keep narrow bars
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8, frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2)
    _style(ax, "y")
    return data_uri(fig)


def horizontal(rows: List[Dict[str, Any]], title: str, color: str) -> Optional[str]:
    """One bar per row (label, count), largest first."""
    rows = [r for r in rows if r["count"]]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(rows) + 1.0), dpi=90)
    bars = ax.barh(range(len(rows)), [r["count"] for r in rows], color=color)
    for bar, row in zip(bars, rows):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {row['count']}", va="center", fontsize=7.5)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([_short(r["label"]) for r in rows])
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title, fontsize=9)
    _style(ax, "x")
    return data_uri(fig)


def _short(label: str, most: int = 60) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def topics(rows: List[Dict[str, Any]]) -> Optional[str]:
    shown = rows[:MOST_TOPICS]
    title = "Visitor messages per topic" + (f" (the {MOST_TOPICS} most asked)" if len(rows) > len(shown) else "")
    return horizontal(shown, title, GREEN)


def referrals(by_category: List[Dict[str, Any]]) -> Optional[str]:
    return horizontal(by_category, "Crisis referrals per risk category", RED)


def all_plots(figures: Dict[str, Any]) -> Dict[str, Optional[str]]:
    return {
        "weekly": weekly(figures["weeks"]),
        "topics": topics(figures["topics"]),
        "referrals": referrals(figures["referrals_by"]["category"]),
    }
