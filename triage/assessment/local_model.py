"""Layer 2, the local model: a linear classifier on character n-grams, offline, ~0.1 ms.

Trained with scikit-learn (`train_local_model`), shipped as plain arrays in
`model/local_model.npz` (no pickle: loading runs no code and survives scikit-learn
upgrades), and evaluated here with numpy alone. Two heads share the features: priority
(P1-P4) and category (15 classes).

The priority is chosen fail-urgent from the probabilities, not by argmax: P1 when its
probability passes a low threshold, else P2 when P1+P2 together do, else P4 only when
the model is sure, else P3. The thresholds are stored with the model.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from itertools import repeat
from pathlib import Path

import numpy as np
import numpy.typing as npt

from triage.assessment.features import ngram_counts
from triage.assessment.schemas import Category, Engine, LayerVerdict, Priority

MODEL_FILENAME = "local_model.npz"
FloatArray = npt.NDArray[np.float32]
# Sublinear term frequency 1 + ln(count), precomputed with `math.log` (the same float64
# values the per-gram Python loop used to compute) for the counts a message can have.
_SUBLINEAR_TABLE_SIZE = 4096
# A category the model gives at least this probability is kept as an alternative reading
# (at most two): the category head spreads its mass over 15 classes, and on messages
# unlike its training the right one is often second (see the playbook matcher).
CATEGORY_ALTERNATIVE_MIN = 0.15
CATEGORY_ALTERNATIVES = 2


@dataclass(frozen=True)
class Thresholds:
    """Fail-urgent decision thresholds on the priority head's probabilities."""

    # Chosen by `ops/eval/assessment/calibrate.py` (5-fold cross-validation on the
    # training set, never a dev set). P1: the highest threshold keeping rules+model P1
    # recall at 0.99 there (0.40: recall 0.992, precision 0.87; 0.30 gave 0.998 / 0.80,
    # and a P1 the model puts under 0.40 still reaches the urgent queue when P1+P2 passes
    # `needs_human`). P1+P2: urgent must be the more likely reading (a four-class model
    # spreads text it has never seen around 0.25 each, and social-media chatter went
    # urgent under 0.4); rules+model recall 0.986 there, and the routing guard brings the
    # rest to a person. A message under it is P3 and still reaches staff unless a
    # playbook matches it confidently.
    life_threat: float = 0.4
    needs_human: float = 0.5
    no_action: float = 0.6


def default_model_path() -> Path:
    return Path(str(resources.files("triage.assessment.model").joinpath(MODEL_FILENAME)))


@dataclass(frozen=True)
class _Head:
    classes: tuple[str, ...]
    coef: FloatArray  # (n_classes, n_features)
    intercept: FloatArray  # (n_classes,)


def _softmax(classes: tuple[str, ...], scores: FloatArray) -> dict[str, float]:
    # The ufunc reductions directly: `ndarray.max()`/`.sum()` are these same reductions
    # behind a Python-level wrapper that cost more than the arithmetic on 4-15 numbers.
    exp = np.exp(scores - np.maximum.reduce(scores))
    return dict(zip(classes, (exp / np.add.reduce(exp)).tolist(), strict=True))


class LocalModel:
    """The shipped classifier. `LocalModel.load()` reads the packaged artefact."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        idf: FloatArray,
        priority: _Head,
        category: _Head,
        thresholds: Thresholds,
    ) -> None:
        self._vocabulary = vocabulary
        self._idf = idf
        self._priority = priority
        self._category = category
        self._thresholds = thresholds
        self._idf64 = idf.astype(np.float64)
        self._sublinear = np.array(
            [1.0] + [1.0 + math.log(count) for count in range(1, _SUBLINEAR_TABLE_SIZE)]
        )
        # Both heads in one (n_features, n_classes) matrix: one gather, one product.
        self._stacked_coef: FloatArray = np.ascontiguousarray(
            np.vstack([priority.coef, category.coef]).T
        )
        self._stacked_intercept: FloatArray = np.concatenate(
            [priority.intercept, category.intercept]
        )

    @classmethod
    def load(cls, path: Path | None = None) -> LocalModel:
        with np.load(path or default_model_path(), allow_pickle=False) as data:
            vocabulary = {gram: i for i, gram in enumerate(data["vocabulary"].tolist())}
            meta = json.loads(str(data["meta"]))
            return cls(
                vocabulary=vocabulary,
                idf=data["idf"].astype(np.float32),
                priority=_Head(
                    tuple(meta["priority_classes"]),
                    data["priority_coef"].astype(np.float32),
                    data["priority_intercept"].astype(np.float32),
                ),
                category=_Head(
                    tuple(meta["category_classes"]),
                    data["category_coef"].astype(np.float32),
                    data["category_intercept"].astype(np.float32),
                ),
                thresholds=Thresholds(**meta["thresholds"]),
            )

    def _vectorize(self, text: str) -> tuple[npt.NDArray[np.intp], FloatArray]:
        """Sublinear tf-idf, l2-normalised: the same transform as training.

        Vocabulary look-ups run through `map` and the arithmetic in numpy rather than a
        Python loop per n-gram. The features keep their first-occurrence order and the
        weights are computed in float64 before rounding to float32, exactly as the loop
        did, so the float32 dot products (and every probability) are unchanged.
        """
        counts = ngram_counts(text)
        most = max(counts.values(), default=0)
        found = np.fromiter(
            map(self._vocabulary.get, counts, repeat(-1)), dtype=np.intp, count=len(counts)
        )
        known = found >= 0
        indices = found[known]
        frequency = np.fromiter(counts.values(), dtype=np.intp, count=len(counts))[known]
        if most >= _SUBLINEAR_TABLE_SIZE:
            tf = np.array([1.0 + math.log(c) for c in frequency.tolist()])
        else:
            tf = self._sublinear[frequency]
        values = (tf * self._idf64[indices]).astype(np.float32)
        norm = math.sqrt(float(values @ values)) if values.size else 0.0
        if norm > 0:
            values /= norm
        return indices, values

    def probabilities(self, text: str) -> tuple[dict[str, float], dict[str, float]]:
        """(priority probabilities, category probabilities), keyed by class value."""
        indices, values = self._vectorize(text)
        scores = self._stacked_intercept + values @ self._stacked_coef[indices]
        split = len(self._priority.classes)
        return (
            _softmax(self._priority.classes, scores[:split]),
            _softmax(self._category.classes, scores[split:]),
        )

    def decide_priority(self, probs: dict[str, float]) -> tuple[Priority, float]:
        t = self._thresholds
        p1 = probs.get(Priority.LIFE_THREAT.value, 0.0)
        p2 = probs.get(Priority.URGENT_NEED.value, 0.0)
        p4 = probs.get(Priority.NO_ACTION.value, 0.0)
        if p1 >= t.life_threat:
            return Priority.LIFE_THREAT, p1
        if p1 + p2 >= t.needs_human:
            return Priority.URGENT_NEED, p1 + p2
        if p4 >= t.no_action:
            return Priority.NO_ACTION, p4
        return Priority.ROUTINE, probs.get(Priority.ROUTINE.value, 0.0) + p4

    def predict(self, text: str) -> LayerVerdict:
        priority_probs, category_probs = self.probabilities(text)
        priority, confidence = self.decide_priority(priority_probs)
        ranked = sorted(category_probs, key=lambda c: -category_probs[c])
        category = ranked[0]
        alternatives = [
            Category(c)
            for c in ranked[1 : 1 + CATEGORY_ALTERNATIVES]
            if category_probs[c] >= CATEGORY_ALTERNATIVE_MIN
        ]
        top = ", ".join(f"{p} {priority_probs[p]:.2f}" for p in sorted(priority_probs))
        return LayerVerdict(
            engine=Engine.LOCAL_MODEL,
            priority=priority,
            category=Category(category),
            confidence=min(1.0, max(0.0, confidence)),
            reasons=[f"local model: {top}; {category} {category_probs[category]:.2f}"],
            category_alternatives=alternatives,
            urgent_probability=min(
                1.0,
                max(
                    0.0,
                    priority_probs.get(Priority.LIFE_THREAT.value, 0.0)
                    + priority_probs.get(Priority.URGENT_NEED.value, 0.0),
                ),
            ),
        )


def train_local_model(out_path: Path | None = None) -> Path:
    """Train on `training/*.jsonl` and write the artefact (default: the packaged one).

    scikit-learn is imported only here: serving needs numpy alone.
    """
    from triage.assessment.training_run import train

    return train(out_path or default_model_path())
