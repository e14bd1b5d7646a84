"""Write web/about.html: the public "About this assistant" page.

For a visitor and for a regulator alike: what the assistant is and is not,
how it handles a message with a sign of risk (California SB 243 asks operators
to publish this), what it keeps and how to ask for deletion, and the
practice's contact. Every number and contact detail comes from the content
files through the functions the bot itself uses (practice/crisis_resources.py,
practice/content.py), so the page cannot disagree with the replies.

What depends on the environment is read when the page is built: the staff
alert sentence follows STAFF_ALERT_WEBHOOK_URL, and PRACTICE_CONFIG selects
another practice file. `make install` builds the page and scripts/run.sh
rebuilds it at every start. Template: scripts/templates/about.html.j2.

Usage: python scripts/build_about_page.py [OUTPUT]
"""

import os
import sys
from datetime import date
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import jinja2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from practice import content  # noqa: E402
from practice.crisis_resources import LOCAL_EMERGENCY, region_resources, safety_line  # noqa: E402

DEFAULT_OUTPUT = ROOT / "web" / "about.html"
TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "about.html.j2"
STAFF_ALERT_VARIABLE = "STAFF_ALERT_WEBHOOK_URL"  # read by actions/staff_alert.py


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value is text, never HTML
        undefined=jinja2.StrictUndefined,  # a misspelt name fails instead of leaving a blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def article_title() -> str:
    """The article the answers are quoted from: its first line."""
    return (content.CONTENT_DIR / "article.txt").read_text(encoding="utf-8").splitlines()[0].strip()


def _extra_resources(res: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Help for one kind of risk (a domestic violence line...), each once."""
    seen, extra = set(), []
    for resources in (res.get("by_category") or {}).values():
        for resource in resources:
            if resource["label"] not in seen:
                seen.add(resource["label"])
                extra.append(resource)
    return extra


def context(env: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """What the template reads, all from the content files and the environment."""
    env = os.environ if env is None else env
    practice = content.practice()
    res = region_resources()
    spanish = region_resources(language="es")
    questions = content.answers()["practice_questions"]["topics"]
    return {
        "practice": practice,
        "article_title": article_title(),
        "practice_topics": [topic["topic"] for topic in questions.values()],
        "emergency": res["emergency"],
        "emergency_text": res["emergency"]["number"] or LOCAL_EMERGENCY["en"],
        "lines": [r for r in (res["call"], res["text"]) if r],
        "extra": _extra_resources(res),
        "spanish_line": spanish["call"]["detail"],
        "safety_line": safety_line(),
        "safety_line_es": safety_line(language="es"),
        "staff_alert": bool(env.get(STAFF_ALERT_VARIABLE, "").strip()),
        "keep_unanswered_days": practice.get("keep_unanswered_days"),
        "built": date.today().isoformat(),
    }


def render(env: Optional[Mapping[str, str]] = None) -> str:
    return environment().get_template(TEMPLATE).render(**context(env))


if __name__ == "__main__":
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    output.write_text(render(), encoding="utf-8")
    print(f"About page written to {output}")
