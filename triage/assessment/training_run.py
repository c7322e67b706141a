"""Reproducible training of the local model: `triage model train` calls `train`.

Fixed inputs (the project's own `training/*.jsonl`, sorted), fixed solver and seed:
running it twice gives the same artefact. The vectoriser is fitted by scikit-learn with
our own analyzer, then stored as plain arrays that `LocalModel` evaluates with numpy.
"""

from __future__ import annotations

import io
import json
import zipfile
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


def _fit_head(features: Any, labels: list[str]) -> LogisticRegression:
    head = LogisticRegression(C=REGULARISATION_C, max_iter=3000, class_weight="balanced")
    head.fit(features, labels)
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


def train(out_path: Path) -> Path:
    examples = load_training_examples()
    texts = [e["text"] for e in examples]
    vectorizer = TfidfVectorizer(
        analyzer=char_ngrams, sublinear_tf=True, min_df=MIN_DOCUMENT_FREQUENCY, dtype=np.float32
    )
    features = vectorizer.fit_transform(texts)
    priority = _fit_head(features, [e["priority"] for e in examples])
    category = _fit_head(features, [e["category"] for e in examples])
    vocabulary = sorted(vectorizer.vocabulary_, key=lambda g: vectorizer.vocabulary_[g])
    meta = {
        "priority_classes": [str(c) for c in priority.classes_],
        "category_classes": [str(c) for c in category.classes_],
        "thresholds": asdict(Thresholds()),
        "examples": len(examples),
    }
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
