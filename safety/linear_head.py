"""A trained logistic regression as plain arrays: class probabilities from a
feature matrix, without scikit-learn at serving time (the risk classifier's
two heads, the intent classifier's meaning head)."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LinearHead:
    """One logistic regression: class probabilities from a feature matrix."""

    # features x classes (scikit-learn's coef_ transposed), contiguous: a
    # sparse row times a transposed view copied all 131,072 x 7 weights on
    # every message (~1.3 ms).
    weights: np.ndarray
    intercept: np.ndarray

    @classmethod
    def from_coef(cls, coef: np.ndarray, intercept: np.ndarray) -> "LinearHead":
        return cls(np.ascontiguousarray(coef.T), intercept)

    def probabilities(self, features) -> np.ndarray:
        logits = np.asarray(features @ self.weights) + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)
