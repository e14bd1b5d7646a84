"""Loads and checks the practice's configuration file (content/practice.yml).

A practice owner edits that file by hand, so a mistake must stop start-up with
a message that names the field, not a stack trace halfway through a crisis
reply. Set PRACTICE_CONFIG to use another file.

The action server checks it when it starts (actions/__init__.py); scripts/run.sh
checks it first, with `python -m practice.config`.
"""

import os
import re
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Optional

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "content" / "practice.yml"
# The longest the text of unanswered questions may be kept (keep_unanswered_days).
MAX_KEEP_UNANSWERED_DAYS = 90
REGIONS = ("US", "CA", "UK", "IE", "EU", "AU", "OTHER")


class PracticeConfigError(ValueError):
    pass


def _text(value: Any) -> Optional[str]:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty text"


def _email(value: Any) -> Optional[str]:
    ok = isinstance(value, str) and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value)
    return None if ok else "must be an email address like hello@example.com"


def _phone(value: Any) -> Optional[str]:
    ok = isinstance(value, str) and len(re.sub(r"\D", "", value)) >= 3 and re.fullmatch(r"[+\d][\d\s().-]*", value)
    return None if ok else "must be a phone number like +1-555-0142"


def _url(value: Any) -> Optional[str]:
    ok = isinstance(value, str) and re.fullmatch(r"https?://\S+", value)
    return None if ok else "must be a web address starting with https://"


def _days(value: Any) -> Optional[str]:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_KEEP_UNANSWERED_DAYS
    return None if ok else f"must be a whole number of days from 0 to {MAX_KEEP_UNANSWERED_DAYS}"


def _region(value: Any) -> Optional[str]:
    return None if value in REGIONS else f"must be one of {', '.join(REGIONS)}"


FIELDS: Dict[str, Callable[[Any], Optional[str]]] = {
    "name": _text,
    "phone": _phone,
    "email": _email,
    "website": _url,
    "booking_url": _url,
    "hours": _text,
    "region": _region,
}

# Answers to what visitors ask a practice most, in the practice's own words.
# Each is optional: without it the bot says the practice can answer, and how
# to reach it (never a guess). content/answers.yml (practice_questions) names
# the intent that asks each.
OPTIONAL_FIELDS: Dict[str, Callable[[Any], Optional[str]]] = {
    "insurance": _text,
    "fees": _text,
    "telehealth": _text,
    "location": _text,
    "first_appointment": _text,
    "cancellation": _text,
    "therapists": _text,
    # Off unless set: keep the text of questions the bot could not answer for
    # this many days, so the practice sees what visitors ask (make unanswered).
    # Never a message with any sign of risk. Named on web/about.html when on.
    "keep_unanswered_days": _days,
}


def config_path() -> Path:
    return Path(os.environ.get("PRACTICE_CONFIG") or DEFAULT_PATH)


def load(path: Optional[Path] = None) -> Dict[str, Any]:
    path = path or config_path()
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise PracticeConfigError(f"{path}: cannot read the practice configuration ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise PracticeConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise PracticeConfigError(f"{path}: must be a list of fields like 'name: ...'")
    for field, check in FIELDS.items():
        if field not in data:
            raise PracticeConfigError(f"{path}: field '{field}' is missing")
        problem = check(data[field])
        if problem:
            raise PracticeConfigError(f"{path}: field '{field}' {problem} (got {data[field]!r})")
    for field, check in OPTIONAL_FIELDS.items():
        problem = check(data[field]) if data.get(field) is not None else None
        if problem:
            raise PracticeConfigError(f"{path}: field '{field}' {problem}, or leave it out (got {data[field]!r})")
    known = {**FIELDS, **OPTIONAL_FIELDS}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise PracticeConfigError(f"{path}: unknown field '{unknown[0]}' (known: {', '.join(known)})")
    return data


def load_or_exit() -> Dict[str, Any]:
    """The configuration, or exit with a message naming the bad field (not a
    stack trace): at start-up, before anything else runs."""
    try:
        return load()
    except PracticeConfigError as error:
        sys.exit(f"Practice configuration error: {error}")


if __name__ == "__main__":
    load_or_exit()
