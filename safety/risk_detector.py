"""Deterministic risk detection: does this message signal a crisis?

Used in two places (defence in depth): inside the Rasa NLU pipeline
(components/risk_component.py) where a hit forces the `crisis` intent, and in
the action server, which re-checks a message before answering it.

Tiers:
  hard  a risk statement: the crisis reply only
  soft  every risk statement is negated ("I'm not suicidal") or told as a past
        the visitor has come through ("I was suicidal 10 years ago, I'm doing
        well now"): the normal answer plus a short resources line. Negation
        and the past soften, they never silence.
  none  nothing found
"""

import itertools
import logging
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from safety.normalize import TextNormalizer
from safety.patterns import SENTENCE_ENDS, Match, Pattern, PatternMatcher, Token, compile_pattern

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LEXICON = PROJECT_ROOT / "content" / "risk_lexicon.yml"
DEFAULT_SPACY_PIPELINE = PROJECT_ROOT / "build" / "spacy_en"

HARD, SOFT, NONE = "hard", "soft", "none"
NEGATION_WINDOW = 4
SUBJECT_WINDOW = 6
CLAUSE_WINDOW = 8  # tokens either side of a match read as its clause
FIRST_PERSON = frozenset({"i", "me", "myself", "my", "mine"})
THIRD_PERSON = "third_person"
IDIOM = "idiom"


def _any_of(sources: Sequence[str], label: str, kind: Optional[str] = None) -> Optional[PatternMatcher]:
    """A matcher that finds any of these patterns (None when there are none)."""
    patterns = [Pattern(source, label, kind or label, compile_pattern(source)) for source in sources]
    return PatternMatcher(patterns) if patterns else None


def _clause(tokens: Iterable[Token], clause_breaks: frozenset) -> List[Token]:
    """The tokens up to the first clause break, in the order given."""
    clause: List[Token] = []
    for token in tokens:
        if token.text in clause_breaks:
            break
        clause.append(token)
    return clause


def _found(matcher: Optional[PatternMatcher], tokens: Sequence[Token], as_written: bool = False) -> bool:
    """Any of the matcher's patterns in the tokens; `as_written`: by the words' own forms, not their lemmas."""
    if matcher is None:
        return False
    terms = matcher.written_terms(tokens) if as_written else matcher.token_terms(tokens)
    return bool(matcher.find(tokens, terms))


def _inside(m: Match, spans: Sequence[Match]) -> bool:
    """The match lies wholly inside one of the spans (an idiom, a death told)."""
    return any(s.start <= m.start and m.end <= s.end for s in spans)


@dataclass(frozen=True)
class RiskAssessment:
    tier: str = NONE
    category: Optional[str] = None  # the primary category
    categories: Tuple[str, ...] = ()  # every category found, primary first
    matches: Tuple[str, ...] = field(default=(), compare=False)  # lexicon lines hit
    # Set by safety/assessment.py: the visitor's language, the learned
    # classifier's risk score, and what decided the tier (lexicon, classifier,
    # context). `idiom`: the lexicon found only an idiom ("kill time").
    language: str = field(default="en", compare=False)
    score: Optional[float] = field(default=None, compare=False)
    source: Optional[str] = field(default=None, compare=False)
    idiom: bool = field(default=False, compare=False)
    # The message tells of a recent loss (the lexicon's means_after_loss
    # `loss` lines): a place or means question in the next turns is risk.
    loss: bool = field(default=False, compare=False)

    @property
    def is_hard(self) -> bool:
        return self.tier == HARD

    def as_dict(self) -> Dict[str, Any]:
        # `matches` stays out: it quotes the visitor's own risk words.
        return {
            "tier": self.tier,
            "category": self.category,
            "categories": list(self.categories),
            "language": self.language,
            "score": None if self.score is None else round(self.score, 3),
            "source": self.source,
            "loss": self.loss,
        }


class LazyPipeline:
    """A spaCy pipeline loaded on its first use (safety/lemmas.py). The Spanish
    one reads only messages that are more Spanish than English
    (safety/assessment.py): many servers never need it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._nlp: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    def __call__(self, text: str) -> Any:
        if self._nlp is None:
            with self._lock:
                if self._nlp is None:
                    from safety import lemmas
                    from safety.memory import give_back_freed_memory

                    started = time.monotonic()
                    self._nlp = lemmas.load(self.path)
                    give_back_freed_memory()
                    logger.info("Loaded the spaCy pipeline %s in %.1f s", self.path.name, time.monotonic() - started)
        return self._nlp(text)


class RiskDetector:
    def __init__(self, lexicon: Dict[str, Any], nlp: Any) -> None:
        """nlp: a spaCy pipeline, or anything that turns a text into a Doc (LazyPipeline)."""
        self._nlp = nlp
        self._normalize = TextNormalizer(
            leet=lexicon.get("leet", {}),
            emoji=lexicon.get("emoji", {}),
            rules=[tuple(rule) for rule in lexicon.get("normalize", [])],
        )
        negation = lexicon.get("negation", {})
        self._negation_cues = frozenset(negation.get("cues", []))
        self._not_negating_before = frozenset(negation.get("not_before", []))
        self._clause_breaks = frozenset(str(b) for b in negation.get("clause_breaks", []))
        categories = lexicon["categories"]
        self.category_order: List[str] = list(categories)
        self._third_person_subjects = frozenset(categories.get(THIRD_PERSON, {}).get("third_person_subjects", []))
        self._fictional_subjects = frozenset(categories.get(THIRD_PERSON, {}).get("fictional_subjects", []))
        self._topic_context = frozenset(lexicon.get("topic_context", []))
        self._idiom_cancel = frozenset(lexicon.get("idiom_cancel", []))
        # First-person words and the possessive that is no subject ("my friend").
        self._first_person = frozenset(lexicon.get("first_person", FIRST_PERSON))
        self._possessive = frozenset(lexicon.get("first_person_possessive", ["my"]))
        patterns = [
            Pattern(source, name, kind, compile_pattern(source))
            for name, spec in categories.items()
            for kind, key in (("hard", "hard"), ("topic", "topics"), ("question", "means_questions"), ("soft", "soft"))
            for source in spec.get(key, [])
        ]
        self._matcher = PatternMatcher(patterns)
        idioms = [Pattern(source, IDIOM, "idiom", compile_pattern(source)) for source in lexicon.get("idioms", [])]
        # Literal uses a sentence encoder reads as risk ("I cut my hair"): they
        # also keep the classifier from the crisis reply (RiskAssessment.idiom).
        idioms += [
            Pattern(source, IDIOM, "literal", compile_pattern(source)) for source in lexicon.get("literal_idioms", [])
        ]
        # Idioms only ever lower a verdict, so they match words as spelled: a
        # misspelling's tolerance read "putting the gloves down" as the
        # literal idiom "cutting … down" and kept a farewell from the crisis reply.
        self._idioms = PatternMatcher(idioms, fuzzy=False)
        # A past the visitor has come through (the lexicon's resolved_past).
        resolved = lexicon.get("resolved_past", {})
        self._past, self._looking_back, self._returning, self._intent = (
            _any_of(resolved.get(key, []), key) for key in ("past", "looking_back", "returning", "intent")
        )
        # A place or means question beside a recent loss in the same message
        # ("funeral was yesterday. how deep is the reservoir"): hard, suicide.
        after_loss = lexicon.get("means_after_loss", {})
        self._loss = _any_of(after_loss.get("loss", []), "loss")
        self._means_after_loss = _any_of(after_loss.get("means", []), "suicide", kind=HARD)
        self._ordinary_reason = _any_of(after_loss.get("ordinary_reason", []), "reason")
        # An ordinary reason said beside a height question ("for her school project").
        self._question_reason = _any_of(lexicon.get("means_question_reasons", []), "reason")
        # Frames that make someone else's risk soft, each with the words that
        # undo it: asked as a hypothetical ("what should I do if a friend tells
        # me they want to die?") unless it is happening now; told as a joke
        # ("my friend joked she'd jump off a bridge") unless said to be meant;
        # dated long ago ("my grandfather shot himself in 1987") unless
        # something of it is happening now; reported as slang ("my son says
        # kms when he loses at fortnite") unless something is happening now.
        self._third_person_frames = [
            (_any_of(section.get("frames", []), name), _any_of(section.get(undone_by, []), undone_by))
            for name, undone_by in (("hypothetical", "now"), ("joking", "meant"), ("long_ago", "now"), ("slang", "now"))
            for section in [lexicon.get(name, {})]
        ]
        # Someone else's death by suicide, told: a loss, not an emergency now.
        bereavement = lexicon.get("bereavement", {})
        self._deaths = _any_of(bereavement.get("deaths", []), "death")
        self._death_now = _any_of(bereavement.get("now", []), "now")
        # Plan, time and means statements that are risk only a few turns after
        # a risk signal ("by Sunday it's done" after "I've settled it").
        context = lexicon.get("context", [])
        self._context_matcher = (
            PatternMatcher([Pattern(source, "context", "context", compile_pattern(source)) for source in context])
            if context
            else None
        )

    @classmethod
    def load(
        cls,
        lexicon_path: Path = DEFAULT_LEXICON,
        spacy_path: Path = DEFAULT_SPACY_PIPELINE,
        lazy: bool = False,
    ) -> "RiskDetector":
        """lazy: load the spaCy pipeline on the first message this detector reads."""
        with open(lexicon_path, encoding="utf-8") as f:
            lexicon = yaml.safe_load(f)
        if lazy:
            return cls(lexicon, LazyPipeline(Path(spacy_path)))
        from safety import lemmas  # imports spaCy: slow, and only needed at load time

        return cls(lexicon, lemmas.load(Path(spacy_path)))

    def tokens(self, text: str) -> List[Token]:
        doc = self._nlp(self._normalize(text))
        return [Token(t.text, t.lemma_ or t.text) for t in doc if not t.is_space]

    def is_context_statement(self, text: Optional[str]) -> bool:
        """A plan, time or means statement (the lexicon's `context` lines)."""
        if self._context_matcher is None or not text or not text.strip():
            return False  # a lexicon without context lines (the Spanish one) needs no parse
        tokens = self.tokens(text)
        return bool(self._context_matcher.find(tokens, self._context_matcher.token_terms(tokens)))

    @property
    def topic_context(self) -> frozenset:
        return self._topic_context

    def assess(self, text: Optional[str], native: Optional["RiskDetector"] = None) -> RiskAssessment:
        """native: the detector of the message's own language, when it is not
        this lexicon's: its topic words and its words of a past come through
        apply too ("prevenir el suicidio", "hace años intenté suicidarme, ya
        lo superé" read by the English lexicon's "suicid*")."""
        if not text or not text.strip():
            return RiskAssessment()
        tokens = self.tokens(text)
        terms = self._matcher.token_terms(tokens)
        matches = self._matcher.find(tokens, terms)
        idioms = self._idioms.find(tokens, self._idioms.token_terms(tokens))
        if idioms and any(t.text in self._idiom_cancel or t.lemma in self._idiom_cancel for t in tokens):
            idioms = []  # "burned myself with the iron on purpose": no kitchen accident
        # A loss word inside an idiom is none ("the train was so slow, I nearly
        # died of boredom" asks about no train).
        loss = self._loss is not None and any(
            not _inside(m, idioms) for m in self._loss.find(tokens, self._loss.token_terms(tokens))
        )
        after_loss = self._means_after_a_loss(tokens) if loss else []
        matches += after_loss
        risks = [m for m in matches if not _inside(m, idioms)]
        if not risks:
            return RiskAssessment(idiom=any(i.pattern.kind == "literal" for i in idioms), loss=loss)
        # A place question beside a loss has no subject to resolve ("¿el edificio …?").
        risks = [m if m in after_loss else self._resolve_subject(m, tokens) for m in risks]
        topic_context = self._topic_context | (native.topic_context if native else frozenset())
        about_topic = any(t.text in topic_context or t.lemma in topic_context for t in tokens)
        # Someone else's risk at a distance (a hypothetical, a joke, long ago):
        # only a third-person match is softened, so look for the frames only then.
        at_a_distance = any(m.label == THIRD_PERSON for m in risks) and any(
            _found(frame, tokens) and not _found(undone, tokens) for frame, undone in self._third_person_frames
        )
        # A place question beside a loss is never negated: "which cliffs don't
        # have fences" asks for the means all the more.
        mourned = self._mourned(risks, tokens)
        fictional = [m for m in risks if m not in after_loss and self._said_of_a_character(m, tokens)]
        hard = [
            m
            for m in risks
            if (m.pattern.kind == HARD if m in after_loss else self._is_hard(m, tokens, terms, about_topic))
            and not (at_a_distance and m.label == THIRD_PERSON)
            and m not in mourned
            and m not in fictional
        ]
        readers = [self] + ([native] if native else [])
        # Only when there is something to soften: the native reader parses the text again.
        if hard and any(r.is_resolved_past(tokens if r is self else r.tokens(text)) for r in readers):
            hard = [m for m in hard if not any(r.told_as_past(m, tokens, self._clause_breaks) for r in readers)]
        decisive = hard or risks
        # Statements outrank bare topic words when choosing the primary category
        # ("I'm going to unalive my ex" is harm to others, not suicide).
        # A topic word about someone else ("my roommate overdosed") is a statement.
        ranked = sorted(
            decisive,
            key=lambda m: (m.pattern.kind == "topic" and m.label != THIRD_PERSON, self.category_order.index(m.label)),
        )
        categories = tuple(dict.fromkeys(m.label for m in ranked))
        assessment = RiskAssessment(
            tier=HARD if hard else SOFT,
            category=categories[0],
            categories=categories,
            matches=tuple(m.pattern.source for m in decisive),
            source="lexicon",
            loss=loss,
        )
        logger.debug("Risk assessment %s from lexicon lines %s", assessment.as_dict(), assessment.matches)
        return assessment

    def means_question_tier(self, text: Optional[str]) -> str:
        """The tier a place or means question would get beside a loss (the
        context step: "my wife died in march" … "how high is the viaduct?")."""
        if self._means_after_loss is None:
            return NONE  # no such lines: no need to parse the text
        kinds = {m.pattern.kind for m in self._means_after_a_loss(self.tokens(text))}
        return HARD if HARD in kinds else SOFT if kinds else NONE

    def _means_after_a_loss(self, tokens: Sequence[Token]) -> List[Match]:
        """The means lines, for a message that tells of a loss or follows one."""
        if self._means_after_loss is None:
            return []
        matches = self._means_after_loss.find(tokens, self._means_after_loss.token_terms(tokens))
        if matches and _found(self._ordinary_reason, tokens):
            # An ordinary reason said ("for her school project"): the resources line.
            matches = [replace(m, pattern=replace(m.pattern, kind=SOFT)) for m in matches]
        return matches

    def _mourned(self, risks: Sequence[Match], tokens: Sequence[Token]) -> List[Match]:
        """The matches that lie wholly inside someone else's death told ("my
        brother died by suicide last year"), unless the message says it is
        happening now ("I just found him") or a wish of the visitor's own ("I
        want to be with him"): the lexicon's `now` words. Everything else
        still counts."""
        if self._deaths is None:
            return []
        deaths = self._deaths.find(tokens, self._deaths.token_terms(tokens))
        if not deaths or _found(self._death_now, tokens):
            return []
        return [m for m in risks if _inside(m, deaths)]

    def _said_of_a_character(self, m: Match, tokens: Sequence[Token]) -> bool:
        """A story's person, not a visitor ("my main character wants to die")."""
        subjects = self._fictional_subjects | self._third_person_subjects
        return self._subject_of(m, tokens, subjects) in self._fictional_subjects

    def _subject_of(self, m: Match, tokens: Sequence[Token], subjects: frozenset) -> Optional[str]:
        """The nearest of `subjects` before the match, or None when the visitor
        comes first. "my" does not count as first person there ("my friend"),
        but it does inside the match ("kill my neighbour" is the visitor's)."""
        if any(t.text in self._first_person for t in tokens[m.start : m.end + 1]):
            return None
        for token in self._clause_before(m, tokens, SUBJECT_WINDOW):
            if token.text in self._first_person and token.text not in self._possessive:
                return None
            if token.text in subjects:
                return token.text
        return None

    def _is_hard(self, m: Match, tokens: Sequence[Token], terms: Sequence[Any], about_topic: bool) -> bool:
        if m.pattern.kind == "soft" or (m.pattern.kind == "topic" and about_topic):
            return False
        if m.pattern.kind == "question" and _found(self._question_reason, tokens):
            return False  # "how tall is the cathedral tower? for her school project"
        return not self._is_negated(m, tokens, terms)

    def is_resolved_past(self, tokens: Sequence[Token]) -> bool:
        """A word of the past and one of looking back, and nothing of a return
        ("again", "lately", "tonight") anywhere in the message."""
        return _found(self._past, tokens) and _found(self._looking_back, tokens) and not _found(self._returning, tokens)

    def told_as_past(self, m: Match, tokens: Sequence[Token], clause_breaks: frozenset) -> bool:
        """The match's own clause, or the next one of its sentence, looks back
        ("I was suicidal 10 years ago") and the clause states no intent:
        "years ago I was fine, now I want to die" and "I survived an overdose
        in 2018 and I've just taken my pills" are no past.
        `tokens` may be another detector's (clause_breaks: that detector's)."""
        start = m.start - len(_clause(reversed(tokens[max(0, m.start - CLAUSE_WINDOW) : m.start]), clause_breaks))
        end = m.end + len(_clause(tokens[m.end : m.end + CLAUSE_WINDOW], clause_breaks))
        clause = tokens[start:end]
        # The next clause of the same sentence may date it or look back ("my
        # ex was abusive, but that was 6 years ago", "wanted to die, got
        # better"); not the next sentence ("he hits me. I left him years ago").
        rest = itertools.dropwhile(
            lambda t: t.text in clause_breaks and t.text not in SENTENCE_ENDS, tokens[end : end + CLAUSE_WINDOW]
        )
        around = clause + _clause(rest, clause_breaks)
        looks_back = _found(self._past, around) or _found(self._looking_back, around)
        # Intent as written: "I want to die" is now, "in 2015 I wanted to die" is told.
        return looks_back and not _found(self._intent, tokens[start : m.end], as_written=True)

    def _clause_before(self, m: Match, tokens: Sequence[Token], window: int) -> List[Token]:
        """The tokens just before a match, back to the start of its clause, nearest first."""
        return _clause(reversed(tokens[max(0, m.start - window) : m.start]), self._clause_breaks)

    def _is_negation_cue(self, i: int, tokens: Sequence[Token]) -> bool:
        following = tokens[i + 1].text if i + 1 < len(tokens) else ""
        return tokens[i].text in self._negation_cues and following not in self._not_negating_before

    def _is_negated(self, m: Match, tokens: Sequence[Token], terms: Sequence[Any]) -> bool:
        """A cue just before the match, or inside it where a gap skipped it
        ("I'm not suicidal" matched by "i ~ suicid*")."""
        start = m.start - len(self._clause_before(m, tokens, NEGATION_WINDOW))
        if any(self._is_negation_cue(i, tokens) for i in range(start, m.start)):
            return True
        own_terms = m.pattern.terms
        return any(self._is_negation_cue(i, tokens) and not (terms[i] & own_terms) for i in range(m.start, m.end))

    def _resolve_subject(self, m: Match, tokens: Sequence[Token]) -> Match:
        """'my brother took too many pills' is about someone else: third_person.
        The nearest subject before the match decides (_subject_of): "my uncle
        molested me" is the visitor's, "kill my neighbour" harm to others."""
        if m.label == THIRD_PERSON or THIRD_PERSON not in self.category_order:
            return m
        if self._subject_of(m, tokens, self._third_person_subjects) is None:
            return m
        return Match(m.pattern, m.start, m.end, THIRD_PERSON)
