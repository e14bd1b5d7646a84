"""The bot's own questions: the NLU examples the FAQ is built to answer.

A few ordinary follow-ups sit near the risk classifier's resources-line
threshold: after the retraining of 2026-12-06 "tell me more" scored 0.537
against 0.480, so every follow-up would have carried a line of crisis
support. A message that is word for word one of the bot's own NLU examples
(every intent but `crisis`) is what the bot is built to answer, so the
classifier does not raise it. The lexicon still reads it, and so does the
context step after a risk signal (safety/assessment.py).
"""

from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, List

import yaml

NLU_DIR = Path(__file__).resolve().parent.parent / "data" / "nlu"


def normalized(text: str) -> str:
    return " ".join(text.lower().split())


def nlu_examples(nlu_dir: Path = NLU_DIR) -> List[str]:
    """The NLU examples of every intent but `crisis`, in file order (the
    risk classifier also trains on them as harmless lines)."""
    texts = []
    for path in sorted(nlu_dir.rglob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if item.get("intent") in (None, "crisis"):
                continue
            for line in item["examples"].splitlines():
                text = line.strip()[2:].strip() if line.strip().startswith("- ") else ""
                if text:
                    texts.append(text)
    return texts


@lru_cache(maxsize=None)
def own_questions(nlu_dir: Path = NLU_DIR) -> FrozenSet[str]:
    return frozenset(normalized(text) for text in nlu_examples(nlu_dir))
