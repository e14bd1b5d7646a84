"""Trained classifiers as plain arrays: class probabilities from a feature
matrix, without scikit-learn at serving time. A logistic regression (the risk
classifier's spelling head, the intent classifier's meaning head) and a
one-hidden-layer perceptron (the risk classifier's meaning head)."""

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

    def logits(self, features) -> np.ndarray:
        return np.asarray(features @ self.weights) + self.intercept

    def probabilities(self, features) -> np.ndarray:
        logits = self.logits(features)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class HiddenLayerHead:
    """A one-hidden-layer perceptron (scikit-learn's MLPClassifier, ReLU,
    softmax output) as plain arrays: class probabilities from embeddings.
    The risk classifier's meaning head: out of fold by writer it catches far
    more risk than a logistic regression on the same embeddings at the same
    false-alarm rate (docs/safety.md), for ~0.03 ms per message."""

    hidden: LinearHead  # embeddings -> hidden units (before the ReLU)
    output: LinearHead  # hidden units -> classes

    @classmethod
    def from_coefs(cls, coefs, intercepts) -> "HiddenLayerHead":
        """scikit-learn's coefs_ and intercepts_ (already inputs x outputs)."""
        layers = [LinearHead(np.ascontiguousarray(w), b) for w, b in zip(coefs, intercepts)]
        return cls(*layers)

    def probabilities(self, features) -> np.ndarray:
        return self.output.probabilities(np.maximum(self.hidden.logits(features), 0.0))
