"""Safety checks shared by every answering action (defence in depth).

The NLU pipeline already routes risk messages to the crisis action. The action
server checks again, with the same assessment (safety/assessment.py), so that
a risk message can never get a plain answer even if the NLU pipeline was
misconfigured, and it adds what the NLU pipeline cannot see: the visitor's
earlier turns (a plan or a date a few turns after a risk signal).
"""

from functools import lru_cache
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from safety.assessment import CONTEXT_TURNS, TIER_RANK, RiskAssessor
from safety.risk_detector import RiskAssessment


@lru_cache(maxsize=None)
def assessor() -> RiskAssessor:
    return RiskAssessor.load()


def _from_nlu(nlu: Optional[Dict[str, Any]]) -> Optional[RiskAssessment]:
    if not nlu or nlu.get("tier") not in TIER_RANK:
        return None
    return RiskAssessment(
        nlu["tier"],
        nlu.get("category"),
        tuple(nlu.get("categories") or ()),
        language=nlu.get("language") or "en",
        score=nlu.get("score"),
        source=nlu.get("source"),
    )


def earlier_verdicts(tracker: Tracker) -> List[Dict[str, Any]]:
    """The NLU risk verdicts of the visitor's previous turns that the context
    step reads, oldest first (no text). Read from the end: a long conversation
    costs no more than a short one."""
    verdicts: List[Dict[str, Any]] = []
    users = (e for e in reversed(tracker.events) if e.get("event") == "user")
    next(users, None)  # the current message
    for event in users:
        verdicts.append((event.get("parse_data") or {}).get("risk") or {})
        if len(verdicts) == CONTEXT_TURNS:
            break
    return verdicts[::-1]


def assess(tracker: Tracker) -> RiskAssessment:
    """The stronger of the NLU pipeline's verdict and a fresh check of the text, in context."""
    message = tracker.latest_message or {}
    text = message.get("text")
    nlu = _from_nlu(message.get("risk"))
    # The NLU pipeline ran the whole assessment; the lexicon again is cheap and
    # catches a pipeline without the risk component. Without an NLU verdict,
    # all of it runs here.
    fresh = assessor().lexicon(text or "") if nlu else assessor().assess(text)
    current = nlu if nlu and TIER_RANK[nlu.tier] > TIER_RANK[fresh.tier] else fresh
    return assessor().assess_in_context(text, earlier_verdicts(tracker), current)


def escalated_before(tracker: Tracker) -> bool:
    return bool(tracker.get_slot("crisis_escalated"))
