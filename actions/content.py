"""Loads the content data files (answers, practice details, crisis resources) once."""
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


def _load(name: str) -> Dict[str, Any]:
    with open(CONTENT_DIR / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


@lru_cache(maxsize=None)
def answers() -> Dict[str, Any]:
    return _load("answers.yml")


@lru_cache(maxsize=None)
def practice() -> Dict[str, Any]:
    return _load("practice.yml")


@lru_cache(maxsize=None)
def crisis_resources() -> Dict[str, Any]:
    return _load("crisis_resources.yml")


def faq_answer(intent: str) -> str:
    return answers()["faq"][intent]["answer"]


def faq_buttons() -> list:
    """The five FAQ questions as buttons; the payload triggers the intent directly."""
    return [
        {"title": item["question"], "payload": f"/{intent}"}
        for intent, item in answers()["faq"].items()
    ]
