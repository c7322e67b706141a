"""Reproducible training of the local model: `triage model train` calls `train`.

Fixed inputs (the project's own `training/*.jsonl`, sorted), fixed solver and seed:
running it twice gives the same artefact. The vectoriser is fitted by scikit-learn with
our own analyzer, then stored as plain arrays that `LocalModel` evaluates with numpy.

`extra_examples` (responders' corrections, `triage model train --with-corrections`) are
added after the project's own; without them the artefact is byte for byte the one
trained before they existed.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from triage.assessment.features import char_ngrams
from triage.assessment.local_model import Thresholds
from triage.assessment.schemas import Category, Priority

MIN_DOCUMENT_FREQUENCY = 2
REGULARISATION_C = 8.0
# How much one responder's correction weighs against one written training example. The
# weight goes into the loss (`sample_weight`), not into copies of the text: copies would
# also count as documents, so n-grams of a single citizen's message would pass
# MIN_DOCUMENT_FREQUENCY and enter the vocabulary (and the shipped arrays) on their own.
# A judgement, not a tuned figure: a correction is a real message a person checked,
# worth a little more than a written example, and one mistaken click must not outvote
# its neighbours. `triage model train --with-corrections` shows its effect on our dev set.
CORRECTION_WEIGHT = 2.0


def load_training_examples() -> list[dict[str, Any]]:
    """Every example in `training/*.jsonl`, in file then line order."""
    examples: list[dict[str, Any]] = []
    folder = resources.files("triage.assessment.training")
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if not item.name.endswith(".jsonl"):
            continue
        for line in item.read_text("utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                Priority(record["priority"])
                Category(record["category"])
                examples.append(record)
    return examples


def _checked(example: Mapping[str, Any]) -> dict[str, Any]:
    """An extra example with the fields training reads, refused if not one of ours."""
    if not isinstance(example.get("text"), str) or not example["text"].strip():
        raise ValueError("an extra training example needs a non-empty text")
    return {
        "text": example["text"],
        "priority": Priority(example["priority"]).value,
        "category": Category(example["category"]).value,
    }


def _fit_head(features: Any, labels: list[str], weights: Any = None) -> LogisticRegression:
    head = LogisticRegression(C=REGULARISATION_C, max_iter=3000, class_weight="balanced")
    # No weights at all (not ones) without extras: the default run stays the same call.
    head.fit(features, labels, sample_weight=weights)
    return head


def _write_npz(path: Path, arrays: dict[str, Any]) -> None:
    """Like np.savez_compressed, but with fixed zip timestamps: training the same data
    twice gives the same bytes, so a retrain with no change shows no diff."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())


def train(out_path: Path, extra_examples: Sequence[Mapping[str, Any]] = ()) -> Path:
    """Fit both heads on the project's examples plus `extra_examples` (weighted
    CORRECTION_WEIGHT each) and write the artefact to `out_path`."""
    own = load_training_examples()
    extras = [_checked(e) for e in extra_examples]
    examples = [*own, *extras]
    weights = None
    if extras:
        weights = np.array([1.0] * len(own) + [CORRECTION_WEIGHT] * len(extras))
    texts = [e["text"] for e in examples]
    vectorizer = TfidfVectorizer(
        analyzer=char_ngrams, sublinear_tf=True, min_df=MIN_DOCUMENT_FREQUENCY, dtype=np.float32
    )
    features = vectorizer.fit_transform(texts)
    priority = _fit_head(features, [e["priority"] for e in examples], weights)
    category = _fit_head(features, [e["category"] for e in examples], weights)
    vocabulary = sorted(vectorizer.vocabulary_, key=lambda g: vectorizer.vocabulary_[g])
    meta = {
        "priority_classes": [str(c) for c in priority.classes_],
        "category_classes": [str(c) for c in category.classes_],
        "thresholds": asdict(Thresholds()),
        "examples": len(own),
    }
    if extras:  # only then: the default artefact keeps its exact bytes
        meta["extra_examples"] = len(extras)
        meta["extra_weight"] = CORRECTION_WEIGHT
    arrays = {
        "vocabulary": np.array(vocabulary, dtype=str),
        "idf": vectorizer.idf_.astype(np.float16),
        "priority_coef": priority.coef_.astype(np.float16),
        "priority_intercept": priority.intercept_.astype(np.float32),
        "category_coef": category.coef_.astype(np.float16),
        "category_intercept": category.intercept_.astype(np.float32),
        "meta": np.array(json.dumps(meta, sort_keys=True)),
    }
    _write_npz(out_path, arrays)
    return out_path
