"""A spaCy lookup-lemmatizer pipeline with its lemma table kept compact.

spaCy's lookup lemmatizer keeps its table as a Python dict of string hashes to
lemma strings. The Spanish one (build/spacy_es, from spacy-lookups-data) has
~490,000 entries: ~130 MB of memory in the servers, for a lexicon of a few
hundred lines. Here the same table, read from the same file, is two sorted
arrays (hashes and lemma numbers, 12 bytes an entry) and the list of the
~65,000 distinct lemmas: ~10 MB. The file is read entry by entry, so the dict
never exists, not even while loading.

The result is the same Doc as the saved pipeline gives: the pipeline is loaded
without its lemmatizer, and each token gets the lemma spaCy's lookup mode
would give it (Lemmatizer.lookup_lemmatize: the table's value for the token's
text, else the text). A pipeline that is not a tokenizer plus a lookup
lemmatizer with one `lemma_lookup` table is loaded as it is.
"""

import json
from array import array
from bisect import bisect_left
from pathlib import Path
from typing import Any, Dict, List, Optional

LOOKUPS_FILE = Path("lemmatizer") / "lookups" / "lookups.bin"
TABLE = "lemma_lookup"


class LemmaTable:
    def __init__(self, keys: array, lemma_numbers: array, lemmas: List[str]) -> None:
        self._keys = keys  # sorted string hashes (spaCy's hash_string of a token's text)
        self._numbers = lemma_numbers
        self._lemmas = lemmas

    def __len__(self) -> int:
        return len(self._keys)

    @classmethod
    def read(cls, lookups_file: Path) -> "LemmaTable":
        """From a spaCy lookups.bin holding only the `lemma_lookup` table (msgpack)."""
        import numpy as np
        from srsly.msgpack import Unpacker

        hashes, lemma_numbers = array("Q"), array("I")
        numbers: Dict[str, int] = {}
        with open(lookups_file, "rb") as f:
            unpacker = Unpacker(f, raw=False)
            if unpacker.read_map_header() != 1 or unpacker.unpack() != TABLE:
                raise ValueError(f"{lookups_file} does not hold the {TABLE} table alone")
            for _ in range(unpacker.read_map_header()):
                hashes.append(unpacker.unpack())
                lemma_numbers.append(numbers.setdefault(unpacker.unpack(), len(numbers)))
        order = np.argsort(np.frombuffer(hashes, dtype=np.uint64), kind="stable")
        keys = array("Q", np.frombuffer(hashes, dtype=np.uint64)[order].tobytes())
        lemma_numbers = array("I", np.frombuffer(lemma_numbers, dtype=np.uint32)[order].tobytes())
        return cls(keys, lemma_numbers, list(numbers))

    def get(self, key: int, default: Optional[str] = None) -> Optional[str]:
        i = bisect_left(self._keys, key)
        if i < len(self._keys) and self._keys[i] == key:
            return self._lemmas[self._numbers[i]]
        return default


class CompactLookupPipeline:
    """Callable like a spaCy Language: text -> Doc with lemmas."""

    def __init__(self, nlp: Any, table: LemmaTable) -> None:
        from spacy.strings import get_string_id

        self._nlp = nlp
        self._table = table
        self._hash = get_string_id

    def __call__(self, text: str) -> Any:
        doc = self._nlp(text)
        for token in doc:
            if token.lemma == 0:  # as spaCy's lemmatizer: never overwrite a lemma
                token.lemma_ = self._table.get(self._hash(token.text), token.text)
        return doc


def is_lookup_pipeline(path: Path) -> bool:
    """A saved pipeline made of a tokenizer and a lookup lemmatizer with one table."""
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    config = (path / "config.cfg").read_text(encoding="utf-8") if (path / "config.cfg").exists() else ""
    return meta.get("pipeline") == ["lemmatizer"] and 'mode = "lookup"' in config and (path / LOOKUPS_FILE).exists()


def load(path: Path) -> Any:
    """The saved spaCy pipeline at path, with a compact lemma table when it allows one."""
    import spacy

    if not is_lookup_pipeline(path):
        return spacy.load(path)
    table = LemmaTable.read(path / LOOKUPS_FILE)
    return CompactLookupPipeline(spacy.load(path, exclude=["lemmatizer"]), table)
