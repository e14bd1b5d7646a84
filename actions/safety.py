"""Safety checks shared by every answering action (defence in depth).

The NLU pipeline already routes risk messages to the crisis action. The action
server checks again, with the same detector, so that a risk message can never
get a plain FAQ answer even if the NLU pipeline was misconfigured.
"""
from functools import lru_cache
from typing import Any, Dict, Optional

from rasa_sdk import Tracker

from safety.risk_detector import HARD, NONE, SOFT, RiskAssessment, RiskDetector

_TIER_RANK = {NONE: 0, SOFT: 1, HARD: 2}


@lru_cache(maxsize=None)
def detector() -> RiskDetector:
    return RiskDetector.load()


def assess(tracker: Tracker) -> RiskAssessment:
    """The stronger of the NLU pipeline's verdict and a fresh check of the text."""
    message = tracker.latest_message or {}
    fresh = detector().assess(message.get("text"))
    nlu: Optional[Dict[str, Any]] = message.get("risk")
    if nlu and _TIER_RANK.get(nlu.get("tier"), 0) > _TIER_RANK[fresh.tier]:
        return RiskAssessment(nlu["tier"], nlu.get("category"), tuple(nlu.get("categories") or ()))
    return fresh


def escalated_before(tracker: Tracker) -> bool:
    return bool(tracker.get_slot("crisis_escalated"))
