"""The lexicon's small pattern language, compiled and matched over tokens.

A pattern is a sequence of elements separated by spaces:
  word          a token whose text or lemma is `word`
  a|b|c         any one of the alternatives
  pre*          a token starting with `pre`
  [0-9]+        a token matching that regular expression (starts with "[")
  for_good      an alternative of several consecutive tokens
  ~  ~~         a gap of 0 to 3 / 0 to 8 tokens (never across a sentence end)
Long literal words also match misspellings (see `_allowed_edits`) unless the
matcher is built with fuzzy=False, and a masked token ("k*ll") matches a word
of the same length with `*` as any letter.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, Union

from rapidfuzz.distance import OSA

GAPS = {"~": 3, "~~": 8}  # gap symbol -> the most tokens it may skip
SENTENCE_ENDS = frozenset({".", "!", "?", "\n"})


def _allowed_edits(word: str) -> int:
    if len(word) >= 10:
        return 2
    if len(word) >= 7:
        return 1
    return 0


def _is_affixed(form: str, word: str) -> bool:
    """One word is the other with letters only added in front ("un-", "non-"):
    a different word, not a misspelling."""
    return form != word and (word.endswith(form) or form.endswith(word))


@dataclass(frozen=True)
class Token:
    text: str
    lemma: str


# An alternative is a tuple of terms; a term is ("lit"|"pre"|"re", value).
Term = Tuple[str, str]
Alternative = Tuple[Term, ...]
Element = Union[int, Tuple[Alternative, ...]]  # an int is a gap of that many tokens


def _parse_term(raw: str) -> Term:
    if raw.startswith("["):
        return ("re", raw)
    if raw.endswith("*"):
        return ("pre", raw[:-1])
    return ("lit", raw)


def compile_pattern(source: str) -> Tuple[Element, ...]:
    elements: List[Element] = []
    for chunk in source.split():
        if chunk in GAPS:
            elements.append(GAPS[chunk])
            continue
        alternatives = tuple(tuple(_parse_term(word) for word in alt.split("_")) for alt in chunk.split("|") if alt)
        elements.append(alternatives)
    if not elements or isinstance(elements[0], int) or isinstance(elements[-1], int):
        raise ValueError(f"pattern must start and end with a word: {source!r}")
    return tuple(elements)


@dataclass(frozen=True)
class Pattern:
    source: str
    label: str  # a category, or "idiom"
    kind: str  # hard | topic | question | soft
    elements: Tuple[Element, ...]

    @property
    def terms(self) -> FrozenSet[Term]:
        return frozenset(
            term for element in self.elements if not isinstance(element, int) for alt in element for term in alt
        )


@dataclass(frozen=True)
class Match:
    pattern: Pattern
    start: int
    end: int  # exclusive
    label: str  # the category; may differ from pattern.label (third person)


class TermIndex:
    """Finds, for one token, every lexicon term it satisfies (cached per form)."""

    def __init__(self, terms: Iterable[Term], fuzzy: bool = True) -> None:
        terms = set(terms)
        self._literals = {v for kind, v in terms if kind == "lit"}
        self._misspellings_match = fuzzy
        self._fuzzy = sorted(v for v in self._literals if fuzzy and _allowed_edits(v))
        self._prefixes = sorted(v for kind, v in terms if kind == "pre")
        self._regexes = {v: re.compile(v) for kind, v in terms if kind == "re"}
        self.terms_of = lru_cache(maxsize=50_000)(self._terms_of)

    def _terms_of(self, form: str) -> FrozenSet[Term]:
        if "*" in form.strip("*"):
            return self._masked_terms_of(form)
        found = set()
        if form in self._literals:
            found.add(("lit", form))
        for prefix in self._prefixes:
            if form.startswith(prefix) or (self._misspellings_match and self._fuzzy_prefix(form, prefix)):
                found.add(("pre", prefix))
        for source, regex in self._regexes.items():
            if regex.fullmatch(form):
                found.add(("re", source))
        if len(form) >= 6:
            for word in self._fuzzy:
                if _is_affixed(form, word):
                    continue  # "conscious" is no typo of "unconscious": it is its opposite
                if abs(len(word) - len(form)) <= 2 and OSA.distance(
                    form, word, score_cutoff=_allowed_edits(word)
                ) <= _allowed_edits(word):
                    found.add(("lit", word))
        return frozenset(found)

    def _masked_terms_of(self, form: str) -> FrozenSet[Term]:
        """'k*ll' -> kill, 's*icide' -> suicid*: each `*` hides one letter."""

        def fits(word: str) -> bool:
            return all(f == "*" or f == w for f, w in zip(form, word))

        found = {("lit", w) for w in self._literals if len(w) == len(form) and fits(w)}
        found |= {("pre", p) for p in self._prefixes if len(form) >= len(p) and fits(p)}
        return frozenset(found)

    @staticmethod
    def _fuzzy_prefix(form: str, prefix: str) -> bool:
        edits = _allowed_edits(prefix + "x")  # a 6-letter prefix stands for a 7+ word
        if not edits or len(form) < len(prefix):
            return False
        return any(
            OSA.distance(form[:n], prefix, score_cutoff=edits) <= edits
            for n in (len(prefix) - 1, len(prefix), len(prefix) + 1)
        )


class PatternMatcher:
    def __init__(self, patterns: Sequence[Pattern], fuzzy: bool = True) -> None:
        """fuzzy: long words also match their misspellings (see `_allowed_edits`)."""
        self._patterns = list(patterns)
        self._index = TermIndex((term for p in self._patterns for term in p.terms), fuzzy=fuzzy)
        # Patterns indexed by the terms their first element can start with.
        self._by_first_term: Dict[Term, List[Pattern]] = {}
        for p in self._patterns:
            for alt in p.elements[0]:
                self._by_first_term.setdefault(alt[0], []).append(p)

    def token_terms(self, tokens: Sequence[Token]) -> List[FrozenSet[Term]]:
        return [self._index.terms_of(t.text) | self._index.terms_of(t.lemma) for t in tokens]

    def written_terms(self, tokens: Sequence[Token]) -> List[FrozenSet[Term]]:
        """Terms of the words as written, not their lemmas: "want" without "wanted"."""
        return [self._index.terms_of(t.text) for t in tokens]

    def find(self, tokens: Sequence[Token], terms: Sequence[FrozenSet[Term]]) -> List[Match]:
        texts = [t.text for t in tokens]
        found = []
        for start, token_terms in enumerate(terms):
            candidates = {id(p): p for term in token_terms for p in self._by_first_term.get(term, ())}
            for pattern in candidates.values():
                end = _match_at(pattern.elements, 0, start, terms, texts)
                if end is not None:
                    found.append(Match(pattern, start, end, pattern.label))
        return found


def _match_at(
    elements: Sequence[Element],
    e: int,
    pos: int,
    terms: Sequence[FrozenSet[Term]],
    texts: Sequence[str],
) -> Optional[int]:
    """Returns the end position if elements[e:] match from token `pos`."""
    if e == len(elements):
        return pos
    element = elements[e]
    if isinstance(element, int):
        for skip in range(element + 1):
            if pos + skip > len(terms):
                break
            if skip and texts[pos + skip - 1] in SENTENCE_ENDS:
                break
            end = _match_at(elements, e + 1, pos + skip, terms, texts)
            if end is not None:
                return end
        return None
    for alt in element:
        if pos + len(alt) <= len(terms) and all(term in terms[pos + i] for i, term in enumerate(alt)):
            end = _match_at(elements, e + 1, pos + len(alt), terms, texts)
            if end is not None:
                return end
    return None
