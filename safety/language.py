"""Which language a visitor writes in: English, Spanish, or another one.

py3langid (offline, a few hundred kilobytes of model, ~0.5 ms a message).
Short messages are where identifiers go wrong ("help me", "ok", "kms" read as
anything), and an English visitor told "I can only answer in English" would be
badly served, so a message is read as another language only when it has at
least MIN_WORDS words and the identifier is at least MIN_CONFIDENCE sure.
"""

import re
from functools import lru_cache
from typing import Any, Optional

ENGLISH, SPANISH = "en", "es"
MIN_WORDS = 3
MIN_CONFIDENCE = 0.95
# The languages visitors of an English-speaking practice are likely to write
# in. Fewer candidates, fewer confusions on short messages (with all 97,
# "are you a real person?" read as Romanian).
CANDIDATES = [
    "en",
    "es",
    "fr",
    "de",
    "pt",
    "it",
    "nl",
    "pl",
    "ru",
    "uk",
    "ar",
    "fa",
    "tr",
    "hi",
    "bn",
    "ur",
    "zh",
    "ja",
    "ko",
    "vi",
    "tl",
    "ht",
    "am",
    "he",
    "el",
]
# A word: letters only, two or more ("7f3a" in an id or a code is no word).
_WORD = re.compile(r"(?<![\w-])[^\W\d_]{2,}(?![\w-])")
# Two of these and a message is English, whatever the identifier says ("do
# you work weekends" read as Dutch). None is a Spanish word too: with "me",
# "si me muero nadie me va a extrañar" was English, and a Spanish visitor the
# classifier caught got the crisis reply in English (1 in 10 of the Spanish
# writers' caught lines, 2026-12-05).
ENGLISH_WORDS = frozenset(
    "you the an to my is are am do does did what how can could would "
    "should it in on and of for with your im i'm it's don't dont this that".split()
)


# Two of these, fewer than two English words, and Spanish likelier than
# English: the message is Spanish, whatever language the identifier puts
# first. Spanish typed without accents reads as Italian or English to it ("ya
# le regale mi moto a mi primo, no la voy a necesitar mas": Italian, 0.76),
# and a Spanish visitor got the crisis reply in English (blind set 34). None
# is a common English word ("soy", "me", "no", "a" are left out).
SPANISH_WORDS = frozenset(
    "que mi mis el los las del por para con una ya voy estoy pero muy mas más "
    "como esta está tengo quiero porque nada nadie todo cuando donde".split()
)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(CANDIDATES)
    return identifier


def identify(text: str, spanish_likelier: Optional[bool] = None) -> str:
    """An ISO 639-1 code; English unless the message is clearly another language.

    spanish_likelier: more_spanish_than_english(text), when the caller has it."""
    words = [w.lower() for w in _WORD.findall(text or "")]
    english = sum(w in ENGLISH_WORDS for w in words)
    if english < 2 and sum(w in SPANISH_WORDS for w in words) >= 2:
        if spanish_likelier is None:
            spanish_likelier = more_spanish_than_english(text)
        if spanish_likelier:
            return SPANISH
    if len(words) < MIN_WORDS or english >= 2:
        return ENGLISH
    language, confidence = _identifier().classify(text)
    return language if confidence >= MIN_CONFIDENCE else ENGLISH


def more_spanish_than_english(text: str) -> bool:
    """For short messages too ("quiero morir"): which of the two is likelier."""
    ranks = dict(_identifier().rank(text or ""))
    return ranks.get(SPANISH, 0.0) > ranks.get(ENGLISH, 0.0)
