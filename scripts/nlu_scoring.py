"""How NLU predictions are scored: one set of definitions for the tests and the report.

Used by tests/test_nlu.py (floors on the project's model) and by
scripts/evaluate.py (`make eval`: the project's pipeline next to Rasa's
default one). Everything here works on Rasa parse results, the dicts that
`Agent.parse_message` returns ({"intent": {"name", "confidence"}, ...}).
"""

import asyncio
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from practice import content

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "tests" / "data"
# Hold-out NLU splits (never trained on), in Rasa's NLU YAML format.
# nlu_holdout_blind.yml is the untouched blind split; nlu_holdout_topics.yml
# was looked at while tuning the topic intents (see its header).
HOLDOUT_FILES = [
    TEST_DATA / name
    for name in (
        "nlu_holdout.yml",
        "nlu_holdout_conversation.yml",
        "nlu_holdout_topics.yml",
        "nlu_holdout_blind.yml",
        "nlu_holdout_visitors.yml",
    )
]
OUT_OF_SCOPE_FILE = TEST_DATA / "out_of_scope_holdout.txt"
CRISIS_CORPUS_FILE = TEST_DATA / "crisis_corpus.yml"

CRISIS_INTENT = "crisis"
# Intents whose reply is "what I can help with": the message was not answered.
REJECTING_INTENTS = ("out_of_scope", "nlu_fallback")
# Intents whose reply gives the practice's contact: a practice question that
# lands on one of them still tells the visitor whom to ask.
CONTACT_INTENTS = ("ask_human", "ask_booking", "ask_hours")
# At or above this confidence an answer is a confident one (no "did you mean").
CONFIDENT = 0.8

Parse = Dict[str, Any]


faq_follow_ups = content.faq_follow_ups


def reaches(expected: str, got: Optional[str], follow_ups: Dict[str, str]) -> bool:
    """Does the visitor get the expected answer, directly or one tap away? A
    question about a section that one of the five FAQ questions also covers
    ("can my therapist be my friend?": boundaries, and FAQ 3) gets the FAQ
    answer first, with the section as its follow-up button (issue 13); that
    counts. Reports show the strict figure beside it."""
    return got == expected or (got is not None and follow_ups.get(got) == expected)


def practice_question_intents() -> List[str]:
    """The intents of questions about the practice itself (insurance, fees, ...)."""
    return list(content.answers()["practice_questions"]["topics"])


def article_intents() -> List[str]:
    """The intents answered with the article's own text: its FAQ and its sections
    (content/answers.yml, practice.content.topics())."""
    return list(content.topics())


def holdout_examples(files: Sequence[Path] = HOLDOUT_FILES) -> List[Tuple[str, str]]:
    """(text, intent) for every example of the hold-out splits, in file order."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [(e.get("text"), e.get("intent")) for f in files for e in load_data(str(f)).intent_examples]


def out_of_scope_texts(path: Path = OUT_OF_SCOPE_FILE) -> List[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def crisis_corpus(path: Path = CRISIS_CORPUS_FILE) -> Dict[str, List[Dict[str, Any]]]:
    """{"risk": [{text, category, kind}], "benign": [{text, kind}], "negated": [{text}]}."""
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def parser(model_path: Path) -> Callable[[List[str]], List[Parse]]:
    """Loads a trained model once; returns parse(texts) -> parse results, in order."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # Outside Rasa's command line structlog is unconfigured and prints every
    # parse with its text; configured, it follows LOG_LEVEL as the servers do.
    configure_structlog()
    agent = Agent.load(str(model_path))

    def parse(texts: List[str]) -> List[Parse]:
        async def all_of_them() -> List[Parse]:
            return [await agent.parse_message(t) for t in texts]

        return asyncio.run(all_of_them())

    return parse


def intent_name(parse: Parse) -> str:
    return (parse.get("intent") or {}).get("name") or "None"


def confidence(parse: Parse) -> float:
    return float((parse.get("intent") or {}).get("confidence") or 0.0)


def is_rejected(parse: Parse) -> bool:
    """The visitor gets the "what I can help with" reply, not an answer."""
    return intent_name(parse) in REJECTING_INTENTS


def is_escalated(parse: Parse) -> bool:
    """The crisis reply. For the project's pipeline the risk detector forces this
    intent (and the classifier alone at >= its classifier_threshold); for a plain
    classifier it is a `crisis` prediction above its FallbackClassifier threshold."""
    return intent_name(parse) == CRISIS_INTENT


def is_confident_faq_answer(parse: Parse, faq: Iterable[str], expected: Optional[str] = None) -> bool:
    """Answered from the article at >= CONFIDENT with an intent other than `expected`
    (None: the message should get no article answer at all, e.g. out of scope)."""
    name = intent_name(parse)
    return name in set(faq) and name != expected and confidence(parse) >= CONFIDENT


def is_wrong_confident_answer(parse: Parse, expected: str) -> bool:
    """A wrong reply given without hesitation: an intent other than `expected`, not
    a rejection, at >= CONFIDENT. For out-of-scope messages expected is
    `out_of_scope`, so any confident answer to them counts."""
    name = intent_name(parse)
    if expected in REJECTING_INTENTS and name in REJECTING_INTENTS:
        return False
    return name != expected and not is_rejected(parse) and confidence(parse) >= CONFIDENT


def rate(hits: int, total: int) -> float:
    return hits / total if total else float("nan")
