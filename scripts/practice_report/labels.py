"""Readable names for what the report counts: intents, risk categories, tiers, kinds and channels.

The article's topics are named by their FAQ question or section title
(content/answers.yml, through practice.content); the practice's own questions
by their topic there; everything else by the names below.
"""

from typing import Dict, Optional

from practice import content
from practice import referrals as counts

# Groups of intents, as the report shows them.
ARTICLE, PRACTICE, CONTACT, CRISIS = "the article", "the practice", "contact", "crisis"
NOT_ANSWERED, OTHER = "not answered", "conversation"
FALLBACK, OUT_OF_SCOPE = "nlu_fallback", "out_of_scope"
CONTACT_INTENTS = ("ask_human", "ask_booking", "ask_hours")
OTHER_INTENTS = {
    "ask_human": "Talk to someone at the practice",
    "ask_booking": "Book a session",
    "ask_hours": "Opening hours",
    "ask_more": "Tell me more (on the topic just answered)",
    "ask_clinical_advice": "Medication or treatment advice (declined kindly, sent to a clinician)",
    "bot_challenge": "Is this a person or a bot?",
    "ask_capabilities": "What can the assistant do?",
    "greet": "Saying hello",
    "goodbye": "Saying goodbye",
    "thank": "Saying thanks",
    "crisis": "A crisis or a risk of harm (answered with crisis resources)",
    OUT_OF_SCOPE: "Outside what the assistant covers",
    FALLBACK: "Not understood",
}
NO_INTENT = "(none)"
CATEGORIES = {
    "suicide": "Suicide",
    "self_harm": "Self-harm",
    "harm_to_others": "Harm to others",
    "abuse": "Abuse",
    "medical_emergency": "Medical emergency",
    "third_person": "Someone else at risk",
    "unspecified": "Not specified",
}
TIERS = {
    "hard": "Serious risk: the crisis reply",
    "soft": "Possible risk: an answer with a line of crisis resources",
}
KINDS = {
    counts.CRISIS_REPLY: "Crisis reply",
    counts.FAIL_CLOSED: "Crisis reply from Rasa (action server down)",
    counts.RESOURCES_LINE: "Answer with crisis resources",
    counts.CHANNEL_FAILURE: "Crisis reply from a channel (Rasa down)",
}
CHANNELS = {
    "rest": "REST (web page or app)",
    "socketio": "Chat widget on the web page",
    "slack": "Slack",
    "telegram": "Telegram",
    "unknown": "Not known",
}


def practice_questions() -> Dict[str, Dict[str, str]]:
    """intent -> {field, topic}: questions about the practice answered from content/practice.yml."""
    return content.answers()["practice_questions"]["topics"]


def answered_today(intent: str) -> bool:
    """Whether content/practice.yml gives the practice's answer to this question today."""
    value = content.practice().get(practice_questions()[intent]["field"])
    return bool(value.strip()) if isinstance(value, str) else value is not None


def group(intent: Optional[str]) -> str:
    if intent in content.topics():
        return ARTICLE
    if intent in practice_questions():
        return PRACTICE
    if intent in CONTACT_INTENTS:
        return CONTACT
    if intent == "crisis":
        return CRISIS
    if intent in (FALLBACK, OUT_OF_SCOPE):
        return NOT_ANSWERED
    return OTHER


def intent(name: Optional[str]) -> str:
    if not name:
        return NO_INTENT
    if name in content.topics():
        return content.title(name)
    if name in practice_questions():
        topic = practice_questions()[name]["topic"]
        return f"The practice: {topic}"
    return OTHER_INTENTS.get(name) or name.replace("_", " ").capitalize()


def _named(names: Dict[str, str], key: str) -> str:
    return names.get(key) or key.replace("_", " ").capitalize()


def category(key: str) -> str:
    return _named(CATEGORIES, key)


def tier(key: str) -> str:
    return _named(TIERS, key)


def kind(key: str) -> str:
    return _named(KINDS, key)


def channel(key: str) -> str:
    return _named(CHANNELS, key)
