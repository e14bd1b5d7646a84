"""The whole risk assessment of a visitor's message: lexicon, language, meaning, context.

1. The English and Spanish lexicons (safety/risk_detector.py): the
   deterministic floor. A hard match is never overruled.
2. The language (safety/language.py), so that replies can be in Spanish.
3. The learned classifier on sentence embeddings (safety/risk_classifier.py):
   it reads meaning, so it catches wording no lexicon line holds. It can add
   a hit, never remove one; where the lexicon recognised an idiom ("kill
   time", "a dress to die for") and nothing else, it can only add a
   resources line, not the crisis reply.
4. Context (`assess_in_context`): a risk signal (a hard verdict, or a soft
   one the classifier agrees with) in the visitor's last few turns lowers the
   bar for this one. A plan, time or means statement, or anything the
   classifier finds faintly risky (the `context` threshold), then gets the
   crisis reply ("I've settled it" ... "by Sunday it's done").
"""

import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, FrozenSet, Optional, Sequence

from safety import language as languages
from safety.own_questions import normalized, own_questions
from safety.risk_classifier import DEFAULT_MODEL_DIR, RiskClassifier, RiskScore
from safety.risk_detector import (
    DEFAULT_LEXICON,
    DEFAULT_SPACY_PIPELINE,
    HARD,
    NONE,
    PROJECT_ROOT,
    SOFT,
    RiskAssessment,
    RiskDetector,
)

SPANISH = languages.SPANISH
SPANISH_LEXICON = PROJECT_ROOT / "content" / "risk_lexicon_es.yml"
SPANISH_SPACY_PIPELINE = PROJECT_ROOT / "build" / "spacy_es"
TIER_RANK = {NONE: 0, SOFT: 1, HARD: 2}
_WORD = re.compile(r"[^\W\d_]{2,}")
# How many earlier visitor turns the context step looks at.
CONTEXT_TURNS = 4


def stronger(a: RiskAssessment, b: RiskAssessment) -> RiskAssessment:
    return b if TIER_RANK[b.tier] > TIER_RANK[a.tier] else a


class RiskAssessor:
    def __init__(
        self,
        english: RiskDetector,
        spanish: RiskDetector,
        classifier: Optional[RiskClassifier],
        own: FrozenSet[str] = frozenset(),
    ) -> None:
        self.english = english
        self.spanish = spanish
        self.classifier = classifier
        self.own_questions = own  # safety/own_questions.py: the classifier does not raise these

    @classmethod
    def load(
        cls,
        lexicon: Path = DEFAULT_LEXICON,
        spacy_pipeline: Path = DEFAULT_SPACY_PIPELINE,
        classifier_dir: Optional[Path] = DEFAULT_MODEL_DIR,
    ) -> "RiskAssessor":
        return cls(
            RiskDetector.load(lexicon, spacy_pipeline),
            # Loaded on the first message that is more Spanish than English.
            RiskDetector.load(SPANISH_LEXICON, SPANISH_SPACY_PIPELINE, lazy=True),
            RiskClassifier.load(classifier_dir) if classifier_dir else None,
            own_questions(),
        )

    def warm_up(self) -> None:
        """Load the sentence encoder now, at start-up: ordinary messages skip
        it (RiskClassifier.score), so the first one that needs it would
        otherwise wait ~2 s, and its loading peak (~60 MB for a moment)
        would come on top of a server already busy answering."""
        self.assess("warm-up")
        if self.classifier is not None:
            self.classifier.scores(["warm-up"])

    def lexicon(self, text: str) -> RiskAssessment:
        # Spanish patterns only on Spanish text ("suicid*" is English too); on
        # Spanish text the English topic words ("suicid*") heed the Spanish
        # topic context ("¿cómo prevenir el suicidio?" is a topic question)
        # and a past told in Spanish ("hace años ..., ya lo superé").
        is_spanish = languages.more_spanish_than_english(text)
        english = self.english.assess(text, native=self.spanish if is_spanish else None)
        spanish = self.spanish.assess(text) if is_spanish else RiskAssessment()
        found = stronger(english, spanish)
        # The Spanish lexicon as sure as the English one: the reply is in
        # Spanish ("quiero suicidarme", two words, is English to the identifier).
        spanish_found = spanish.tier != NONE and spanish.tier == found.tier
        language = SPANISH if spanish_found else languages.identify(text, spanish_likelier=is_spanish)
        idiom, loss = english.idiom or spanish.idiom, english.loss or spanish.loss
        return replace(found, language=language, idiom=idiom, loss=loss)

    def assess(self, text: Optional[str], lowest: Optional[float] = None) -> RiskAssessment:
        """lowest: the lowest threshold that matters (RiskClassifier.score)."""
        if not text or not text.strip():
            return RiskAssessment()
        lexical = self.lexicon(text)
        # Punctuation or emoji alone ("...", "?") carries no meaning the
        # classifier was trained on: its score there is noise.
        if lexical.is_hard or self.classifier is None or not _WORD.search(text):
            return lexical
        if normalized(text) in self.own_questions:
            return lexical  # "tell me more": one of the bot's own questions
        return self.raised_by(lexical, self.classifier.score(text, lowest=lowest))

    def raised_by(self, lexical: RiskAssessment, score: RiskScore) -> RiskAssessment:
        """The lexicon's verdict, raised (never lowered) by the classifier's score."""
        tier = self.classifier.tier(score)
        if tier == HARD and lexical.idiom and lexical.tier == NONE:
            tier = SOFT  # the lexicon's idiom handling still applies
        if TIER_RANK[tier] <= TIER_RANK[lexical.tier]:
            # An inexact score (the encoder skipped) is only a ceiling: not kept.
            return replace(lexical, score=score.score if score.exact else None)
        categories = tuple(dict.fromkeys(lexical.categories + (score.category,)))
        return replace(
            lexical, tier=tier, category=categories[0], categories=categories, score=score.score, source="classifier"
        )

    def assess_in_context(
        self, text: Optional[str], earlier: Sequence[Dict[str, Any]], current: Optional[RiskAssessment] = None
    ) -> RiskAssessment:
        """`earlier`: the risk verdicts (as_dict) of the visitor's previous turns, oldest first."""
        recent = list(earlier)[-CONTEXT_TURNS:]
        signals = [r for r in recent if self._is_signal(r)]
        # After a signal the context threshold matters: score down to it in
        # the first pass rather than run the classifier twice.
        lowest = self.classifier.thresholds["context"] if signals and self.classifier is not None else None
        current = current or self.assess(text, lowest=lowest)
        if current.is_hard or not text:
            return current
        if any(r.get("loss") for r in recent):
            current = self._as_question_after_a_loss(text, current)
            if current.is_hard:
                return current
        if not signals:
            return current
        if current.score is None and current.tier == NONE:
            current = self._scored_for_context(text, current)
        faintly_risky = current.tier == SOFT or (
            current.score is not None
            and self.classifier is not None
            and current.score >= self.classifier.thresholds["context"]
        )
        if not (faintly_risky or self.english.is_context_statement(text) or self.spanish.is_context_statement(text)):
            return current
        category = current.category or next((r.get("category") for r in reversed(signals) if r.get("category")), None)
        categories = tuple(dict.fromkeys(((category,) if category else ()) + current.categories)) or ("suicide",)
        language = current.language if current.language != "en" else (signals[-1].get("language") or "en")
        return replace(
            current, tier=HARD, category=categories[0], categories=categories, source="context", language=language
        )

    def _as_question_after_a_loss(self, text: str, current: RiskAssessment) -> RiskAssessment:
        """A place or means question a few turns after a loss, as if in the
        same message: "my wife died in march" … "how high is the viaduct on
        the old coast road?" (Moore et al. 2025, spread over turns)."""
        reader = self.spanish if languages.more_spanish_than_english(text) else self.english
        tier = reader.means_question_tier(text)
        if TIER_RANK[tier] <= TIER_RANK[current.tier]:
            return current
        categories = tuple(dict.fromkeys(("suicide",) + current.categories))
        return replace(current, tier=tier, category="suicide", categories=categories, source="context")

    def _scored_for_context(self, text: str, current: RiskAssessment) -> RiskAssessment:
        """The classifier's score down to the context threshold, which the
        first pass skips (RiskClassifier.score): needed only after a signal."""
        if self.classifier is None or not _WORD.search(text):
            return current
        return self.raised_by(current, self.classifier.score(text, lowest=self.classifier.thresholds["context"]))

    def _is_signal(self, verdict: Dict[str, Any]) -> bool:
        """A hard verdict, or a soft one the classifier scored soft too.

        A score merely above the context threshold flagged too many ordinary
        conversations (writers' conversations in data/risk/conversations/: 28
        of 40 benign ones stayed clean this way against 22 with scores, for 47
        against 49 of 50 risky ones reached). So did the lexicon's resources
        line alone, which is what it gives a topic asked about, a past come
        through, a death mourned or a denial ("I used to self harm in high
        school" ... "I've been free of it for 6 years"). Writers' and spent
        blind sets' conversations (make eval-risk, 2026-12-06): 295 of 379
        benign ones clean against 262, 567 of 569 risky ones reached either
        way (docs/safety.md)."""
        tier = verdict.get("tier")
        if tier == HARD:
            return True
        if tier != SOFT:
            return False
        if self.classifier is None:
            return True  # the lexicon alone: its resources line is all there is
        score = verdict.get("score")
        return score is not None and score >= self.classifier.thresholds["soft"]
