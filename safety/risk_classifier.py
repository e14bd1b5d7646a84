"""A learned risk classifier that reads meaning, not words.

Multinomial logistic regression over sentence embeddings (safety/encoder.py):
classes `none` and the risk categories. The risk score of a message is
1 - P(none); its category is the most likely risk class. Two thresholds, chosen
by scripts/train_risk_classifier.py from out-of-fold predictions (each writer's
lines scored by a model that never saw that writer), turn the score into a tier:

  hard  score >= hard_threshold: the crisis reply
  soft  score >= soft_threshold: the normal answer plus a resources line

It can add a hit to the lexicon's verdict, never remove one (safety/assessment.py).
The model is a few numpy arrays and a JSON file in build/risk_classifier/,
rebuilt by `make install` when the training data changes.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from safety.encoder import SentenceEncoder

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_DIR = PROJECT_ROOT / "build" / "risk_classifier"
NONE_CLASS = "none"


@dataclass(frozen=True)
class RiskScore:
    score: float  # 1 - P(none)
    category: str  # the most likely risk class

    def tier(self, thresholds: Dict[str, float]) -> str:
        if self.score >= thresholds["hard"]:
            return "hard"
        return "soft" if self.score >= thresholds["soft"] else "none"


class RiskClassifier:
    def __init__(
        self,
        encoder: Optional[SentenceEncoder],
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
        thresholds: Dict[str, float],
    ) -> None:
        self._encoder = encoder
        self._coef = coef
        self._intercept = intercept
        self.classes: List[str] = list(classes)
        self._none = self.classes.index(NONE_CLASS)
        self.thresholds = dict(thresholds)

    @classmethod
    def load(cls, model_dir: Path = DEFAULT_MODEL_DIR, encoder: Optional[SentenceEncoder] = None) -> "RiskClassifier":
        meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
        arrays = np.load(model_dir / "weights.npz")
        return cls(encoder, arrays["coef"], arrays["intercept"], meta["classes"], meta["thresholds"])

    @property
    def encoder(self) -> SentenceEncoder:
        """Loaded on first use (~175 MB, 1 s): the action server, which reads
        the NLU pipeline's scores, mostly never needs it."""
        if self._encoder is None:
            self._encoder = SentenceEncoder.load()
        return self._encoder

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        logits = embeddings @ self._coef.T + self._intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def scores_from_embeddings(self, embeddings: np.ndarray) -> List[RiskScore]:
        result = []
        for row in self.probabilities(embeddings):
            risk = row.copy()
            risk[self._none] = -1.0
            result.append(RiskScore(float(1.0 - row[self._none]), self.classes[int(risk.argmax())]))
        return result

    def score(self, text: str) -> RiskScore:
        return self.scores_from_embeddings(self.encoder.encode([text]))[0]

    def tier(self, score: RiskScore) -> str:
        return score.tier(self.thresholds)
