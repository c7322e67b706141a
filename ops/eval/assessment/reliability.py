"""How well the local model's probabilities are calibrated, and what drives a P1.

    .venv/bin/python ops/eval/assessment/reliability.py [LABELLED.jsonl ...]

Prints markdown for docs/EVALUATION.md:
- a reliability table of P(P1) and of P(P1+P2): for each probability bin, how many
  messages fell in it and how often they really were P1 (P1 or P2). First on
  out-of-fold predictions over the project's own training set (5-fold cross-validation,
  the model never sees the message it scores), then with the shipped model on each
  labelled file given (for example ../shared/data/dev/inquiries.jsonl: evaluation only,
  nothing is fitted on it);
- the character n-grams with the largest weight toward P1 in the shipped model, the
  features that drive a P1 when no rule fires.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from triage.assessment.features import char_ngrams
from triage.assessment.local_model import LocalModel, default_model_path
from triage.assessment.training_run import REGULARISATION_C, load_training_examples

BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)
TOP_FEATURES = 30

FloatArray = npt.NDArray[np.float64]


def out_of_fold(texts: list[str], labels: npt.NDArray[np.str_]) -> FloatArray:
    """P1..P4 probabilities of each training text from a model that did not see it."""
    probabilities = np.zeros((len(texts), 4))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, labels):
        vectorizer = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, min_df=2)
        features = vectorizer.fit_transform([texts[i] for i in train])
        model = LogisticRegression(C=REGULARISATION_C, max_iter=3000, class_weight="balanced")
        model.fit(features, labels[train])
        probabilities[test] = model.predict_proba(vectorizer.transform([texts[i] for i in test]))
    return probabilities


def shipped(texts: list[str]) -> FloatArray:
    model = LocalModel.load()
    rows = []
    for text in texts:
        priority, _category = model.probabilities(text)
        rows.append([priority.get(p, 0.0) for p in ("P1", "P2", "P3", "P4")])
    return np.array(rows)


def reliability_rows(predicted: FloatArray, observed: npt.NDArray[np.bool_]) -> list[str]:
    rows = []
    for low, high in itertools.pairwise(BINS):
        inside = (predicted >= low) & (predicted < high)
        count = int(inside.sum())
        if count == 0:
            continue
        mean = float(predicted[inside].mean())
        rate = float(observed[inside].mean())
        rows.append(f"| {low:.1f}–{min(high, 1.0):.1f} | {count} | {mean:.2f} | {rate:.2f} |")
    return rows


def print_reliability(title: str, probabilities: FloatArray, labels: list[str]) -> None:
    gold = np.array(labels)
    for name, predicted, observed in (
        ("P(P1)", probabilities[:, 0], gold == "P1"),
        ("P(P1+P2)", probabilities[:, 0] + probabilities[:, 1], np.isin(gold, ["P1", "P2"])),
    ):
        print(f"\n{title}, {name} ({len(labels)} messages)\n")
        print("| predicted | messages | mean predicted | observed rate |")
        print("|---|---|---|---|")
        print("\n".join(reliability_rows(predicted, observed)))


def print_p1_features() -> None:
    with np.load(default_model_path(), allow_pickle=False) as data:
        vocabulary = data["vocabulary"].tolist()
        meta = json.loads(str(data["meta"]))
        coef = data["priority_coef"].astype(np.float32)
        idf = data["idf"].astype(np.float32)
    p1 = meta["priority_classes"].index("P1")
    # Weight toward P1 against the mean of the other classes, scaled by idf (a rare
    # n-gram with a large coefficient moves a message more than a common one).
    others = np.delete(coef, p1, axis=0).mean(axis=0)
    weight = (coef[p1] - others) * idf
    order = np.argsort(-weight)
    shown = [i for i in order if len(vocabulary[i].strip()) >= 2][:TOP_FEATURES]
    print(f"\nThe {TOP_FEATURES} n-grams (2-3 characters) that push hardest toward P1\n")
    print(", ".join(f"「{vocabulary[i]}」 {weight[i]:.1f}" for i in shown))


def main(paths: list[str]) -> None:
    examples = load_training_examples()
    texts = [e["text"] for e in examples]
    labels = [e["priority"] for e in examples]
    print_reliability("Training set, out of fold", out_of_fold(texts, np.array(labels)), labels)
    for path in paths:
        rows = [json.loads(line) for line in Path(path).read_text("utf-8").splitlines() if line]
        print_reliability(
            f"{Path(path).name}, shipped model",
            shipped([r["text"] for r in rows]),
            [r["priority"] for r in rows],
        )
    print_p1_features()


if __name__ == "__main__":
    main(sys.argv[1:])
