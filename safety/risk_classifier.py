"""A learned risk classifier that reads meaning, not words.

Two classifiers, classes `none` and the risk categories, averaged: a
one-hidden-layer perceptron over sentence embeddings from the multilingual
Universal Sentence Encoder (safety/multilingual_encoder.py), which reads
meaning in English and Spanish, and a multinomial logistic regression over
character and word n-grams (safety/ngram_features.py), which reads spelling:
slang, typos, Spanish. Together they catch more at the same false-alarm rate
than either alone (docs/safety.md). The risk score of a message is
1 - P(none); its category is the most likely risk class. Two
thresholds, chosen by scripts/train_risk_classifier.py from out-of-fold
predictions (each writer's lines scored by a model that never saw that
writer), turn the score into a tier:

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

from safety import ngram_features
from safety.linear_head import HiddenLayerHead, LinearHead
from safety.multilingual_encoder import MultilingualEncoder, shared_multilingual_encoder

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_DIR = PROJECT_ROOT / "build" / "risk_classifier"
NONE_CLASS = "none"


def meaning_features(texts: Sequence[str], encoder: MultilingualEncoder) -> np.ndarray:
    """What the meaning head reads. One encoder, not MiniLM beside it: both
    side by side caught ~2 points more out of fold, no more on new writers
    in English, and cost the whole assessment's p99 its 15 ms (docs/safety.md)."""
    return encoder.encode(list(texts))


@dataclass(frozen=True)
class RiskScore:
    score: float  # 1 - P(none)
    category: str  # the most likely risk class
    # False when the encoder was skipped (RiskClassifier.score): `score` is
    # then an upper bound, below every threshold.
    exact: bool = True

    def tier(self, thresholds: Dict[str, float]) -> str:
        if self.score >= thresholds["hard"]:
            return "hard"
        return "soft" if self.score >= thresholds["soft"] else "none"


class RiskClassifier:
    def __init__(
        self,
        meaning: HiddenLayerHead,
        spelling: LinearHead,
        idf: np.ndarray,
        classes: Sequence[str],
        thresholds: Dict[str, float],
        meaning_weight: float,
    ) -> None:
        self.meaning = meaning
        self.spelling = spelling
        self._idf = idf
        self.classes: List[str] = list(classes)
        self._none = self.classes.index(NONE_CLASS)
        self.thresholds = dict(thresholds)
        self.meaning_weight = meaning_weight

    @classmethod
    def load(cls, model_dir: Path = DEFAULT_MODEL_DIR) -> "RiskClassifier":
        meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
        arrays = np.load(model_dir / "weights.npz")
        return cls(
            HiddenLayerHead.from_coefs(
                [arrays["meaning_hidden_coef"], arrays["meaning_output_coef"]],
                [arrays["meaning_hidden_intercept"], arrays["meaning_output_intercept"]],
            ),
            LinearHead.from_coef(arrays["spelling_coef"], arrays["spelling_intercept"]),
            arrays["idf"],
            meta["classes"],
            meta["thresholds"],
            meta["meaning_weight"],
        )

    @property
    def encoder(self) -> MultilingualEncoder:
        """Loaded on first use (~130 MB, 1 s): the action server, which reads
        the NLU pipeline's scores, mostly never needs it. One per process."""
        return shared_multilingual_encoder()

    def probabilities(
        self, texts: Sequence[str], embeddings: Optional[np.ndarray] = None, by_spelling: Optional[np.ndarray] = None
    ) -> np.ndarray:
        """`embeddings`, `by_spelling`: meaning_features() of the texts and the
        spelling head's probabilities, when already computed."""
        if embeddings is None:
            embeddings = meaning_features(texts, self.encoder)
        by_meaning = self.meaning.probabilities(embeddings)
        if by_spelling is None:
            by_spelling = self._spelling_probabilities(texts)
        return self.meaning_weight * by_meaning + (1.0 - self.meaning_weight) * by_spelling

    def scores(
        self, texts: Sequence[str], embeddings: Optional[np.ndarray] = None, by_spelling: Optional[np.ndarray] = None
    ) -> List[RiskScore]:
        return [
            RiskScore(float(1.0 - row[self._none]), self._riskiest(row))
            for row in self.probabilities(texts, embeddings, by_spelling)
        ]

    def _spelling_probabilities(self, texts: Sequence[str]) -> np.ndarray:
        return self.spelling.probabilities(ngram_features.features(texts, self._idf))

    def _riskiest(self, probabilities: np.ndarray) -> str:
        risk = probabilities.copy()
        risk[self._none] = -1.0
        return self.classes[int(risk.argmax())]

    def score(self, text: str, lowest: Optional[float] = None) -> RiskScore:
        """One message, as the servers score it. The encoder is most of the
        whole assessment's time, so it runs only when its
        answer could matter: if even a meaning head certain of risk could not
        lift the average to `lowest` (by default the soft threshold), the tier
        is `none` whatever the encoder says, and the score returned is that
        ceiling, marked inexact. The context threshold matters only after an
        earlier risk signal; RiskAssessor.assess_in_context then scores exactly.
        Same tiers as scores() (docs/performance.md)."""
        lowest = self.thresholds["soft"] if lowest is None else lowest
        by_spelling = self._spelling_probabilities([text])
        ceiling = self.meaning_weight + (1.0 - self.meaning_weight) * (1.0 - by_spelling[0, self._none])
        if ceiling < lowest:
            return RiskScore(float(ceiling), self._riskiest(by_spelling[0]), exact=False)
        # The spelling head's answer is kept: computing it twice cost ~1 ms at the tail.
        return self.scores([text], by_spelling=by_spelling)[0]

    def tier(self, score: RiskScore) -> str:
        return score.tier(self.thresholds)
