"""Text clean-up before risk matching: undo the ways people hide or mistype words.

Lower-cases, maps emoji that stand for a means to words, undoes leetspeak and
symbol obfuscation inside words ("su1cide", "k!ll", "s*icide"), joins spaced
letters ("s u i c i d e"), expands contractions and applies the lexicon's
regex rules, and squeezes long letter runs ("killlll" -> "kill").
All the tables come from the lexicon data file.
"""

import re
import unicodedata
from typing import Dict, List, Sequence, Tuple

_EDGE_PUNCT = ".,!?;:()\"'[]{}<>…"
_LETTER_RUN = re.compile(r"([a-z])\1{2,}")
_SPACED_LETTERS = re.compile(r"\b(?:[a-z] ){3,}[a-z]\b")


class TextNormalizer:
    def __init__(
        self,
        leet: Dict[str, str],
        emoji: Dict[str, str],
        rules: Sequence[Tuple[str, str]],
    ) -> None:
        self._leet = {str(k): str(v) for k, v in leet.items()}
        self._emoji = dict(emoji)
        self._rules = [(re.compile(pattern), repl) for pattern, repl in rules]

    def __call__(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text).lower()
        for symbol, word in self._emoji.items():
            text = text.replace(symbol, f" {word} ")
        text = " ".join(self._clean_word(word) for word in text.split())
        text = _SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), text)
        for pattern, repl in self._rules:
            text = pattern.sub(repl, text)
        return _LETTER_RUN.sub(r"\1\1", text)

    def _clean_word(self, word: str) -> str:
        """Undo obfuscation inside one whitespace-separated word.

        Edge punctuation is split off as its own token (it marks clause breaks
        for the negation rule); a word made only of digits ("30") is kept.
        """
        core = word.strip(_EDGE_PUNCT)
        if not core:
            return " ".join(word)
        start = word.index(core)
        lead, trail = word[:start], word[start + len(core) :]
        if any(ch.isalpha() for ch in core) and not core.isalpha():
            core = self._unleet(core)
        parts: List[str] = [p for p in (lead.strip(), core, trail.strip()) if p]
        return " ".join(parts)

    def _unleet(self, core: str) -> str:
        # Apostrophes and hyphens between letters are real spelling ("don't",
        # "self-harm"); `*` masks one letter ("k*ll") and is kept for the
        # matcher; any other symbol is obfuscation and is dropped.
        mapped = "".join(self._leet.get(ch, ch) for ch in core)
        return re.sub(r"[^a-z0-9'\-*]", "", mapped)
