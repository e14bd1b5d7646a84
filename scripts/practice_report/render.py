"""The report as one self-contained HTML page (templates/practice-report.html.j2).

Styles are in the page and plots are PNGs inside it: it opens offline, from a
file or an email attachment, with nothing fetched. Every value is escaped.
"""

from pathlib import Path
from typing import Any, Dict, Optional

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "practice-report.html.j2"


def pct(x: Optional[float]) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # HTML: every label and name escaped
        undefined=jinja2.StrictUndefined,  # a misspelt name fails instead of leaving a blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(pct=pct)
    return env


def render(figures: Dict[str, Any], plots: Dict[str, Optional[str]], about: Dict[str, Any]) -> str:
    """`about`: the practice's name, when the report was made, by which command, from which sources."""
    return environment().get_template(TEMPLATE).render(f=figures, plots=plots, about=about)


def write(path: Path, html: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
