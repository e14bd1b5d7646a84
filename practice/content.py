"""Loads the content data files (answers, practice details, crisis resources) once."""

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List

import yaml

from practice import config

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


def _load(name: str) -> Dict[str, Any]:
    with open(CONTENT_DIR / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


@lru_cache(maxsize=None)
def answers() -> Dict[str, Any]:
    return _load("answers.yml")


@lru_cache(maxsize=None)
def practice() -> Dict[str, Any]:
    return config.load()


@lru_cache(maxsize=None)
def crisis_resources() -> Dict[str, Any]:
    return _load("crisis_resources.yml")


def topics() -> Dict[str, Dict[str, str]]:
    """Every answerable topic: the FAQ and the article's sections, by intent."""
    return {**answers()["faq"], **answers()["article"]}


def faq_follow_ups() -> Dict[str, str]:
    """{FAQ intent: the article section its answer's button opens} (follow_up)."""
    return {faq: section for faq, section in answers()["follow_up"].items() if faq in answers()["faq"]}


def faq_answer(intent: str) -> str:
    return topics()[intent]["answer"]


def title(intent: str) -> str:
    item = topics().get(intent) or {}
    return item.get("question") or item.get("title") or answers()["button_titles"][intent]


def button(intent: str) -> Dict[str, str]:
    # The payload "/intent" triggers the intent directly, without NLU.
    return {"title": title(intent), "payload": f"/{intent}"}


def menu_buttons() -> List[Dict[str, str]]:
    return [button(intent) for intent in answers()["menu"]]
