"""Choose the local model's thresholds by cross-validation on the TRAINING set.

Prints, for each candidate threshold, the P1 recall and precision of rules + model on
held-out folds of `triage/assessment/training/*.jsonl`; the same for P1+P2; and for the
routing guard (`triage.routing.decision.REVIEW_MIN_URGENT_PROBABILITY`: a P3/P4 whose P1+P2
probability reaches it goes to staff instead of an automatic reply) how many P1+P2
messages it brings back to a person against how many P3 messages it takes from the
automatic reply. The dev set is never used here,
so its figures stay an honest estimate. Run: `.venv/bin/python ops/eval/assessment/calibrate.py`.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from triage.assessment.features import char_ngrams
from triage.assessment.language import detect_language
from triage.assessment.rules import assess_by_rules
from triage.assessment.training_run import REGULARISATION_C, load_training_examples

CANDIDATES = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
NEEDS_HUMAN_CANDIDATES = (0.4, 0.5, 0.55, 0.6, 0.65, 0.7)
REVIEW_CANDIDATES = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
CLOSE_CANDIDATES = (0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
REVIEW = 0.2  # the shipped routing guard (decision.REVIEW_MIN_URGENT_PROBABILITY)
NEEDS_HUMAN = 0.5  # the shipped P1+P2 threshold (local_model.Thresholds.needs_human)


def main() -> None:
    examples = load_training_examples()
    texts = [e["text"] for e in examples]
    labels = np.array([e["priority"] for e in examples])
    probabilities = np.zeros((len(texts), 4))
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for train, test in folds.split(texts, labels):
        vectorizer = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, min_df=2)
        features = vectorizer.fit_transform([texts[i] for i in train])
        model = LogisticRegression(C=REGULARISATION_C, max_iter=3000, class_weight="balanced")
        model.fit(features, labels[train])
        probabilities[test] = model.predict_proba(vectorizer.transform([texts[i] for i in test]))
    rules = [assess_by_rules(t, detect_language(t)) for t in texts]
    rules_p1 = np.array([v is not None and v.priority.value == "P1" for v in rules])
    rules_urgent = np.array([v is not None for v in rules])
    gold = labels == "P1"
    for threshold in CANDIDATES:
        predicted = (probabilities[:, 0] >= threshold) | rules_p1
        recall = (predicted & gold).sum() / gold.sum()
        precision = (predicted & gold).sum() / max(1, predicted.sum())
        print(f"P1 threshold {threshold:.2f}: P1 recall {recall:.4f}, precision {precision:.4f}")
    gold_urgent = np.isin(labels, ["P1", "P2"])
    for threshold in NEEDS_HUMAN_CANDIDATES:
        predicted = (probabilities[:, 0] + probabilities[:, 1] >= threshold) | rules_urgent
        recall = (predicted & gold_urgent).sum() / gold_urgent.sum()
        precision = (predicted & gold_urgent).sum() / max(1, predicted.sum())
        print(f"P1+P2 threshold {threshold:.2f}: recall {recall:.4f}, precision {precision:.4f}")
    urgent_probability = probabilities[:, 0] + probabilities[:, 1]
    read_urgent = (urgent_probability >= NEEDS_HUMAN) | rules_urgent
    missed = gold_urgent & ~read_urgent
    gold_routine = labels == "P3"
    routine_read_routine = gold_routine & ~read_urgent
    print(f"routing guard: {missed.sum()} P1+P2 read as P3/P4 at P1+P2 threshold {NEEDS_HUMAN}")
    for threshold in REVIEW_CANDIDATES:
        held = urgent_probability >= threshold
        recovered = (missed & held).sum()
        to_human = (read_urgent | held)[gold_urgent].mean()
        routine_held = (routine_read_routine & held).sum() / max(1, routine_read_routine.sum())
        print(
            f"review threshold {threshold:.2f}: P1+P2 to a person {to_human:.4f} "
            f"({recovered}/{missed.sum()} recovered), P3 held from auto reply {routine_held:.4f}"
        )
    # Closing a P4 (decision.CLOSE_MIN_CONFIDENCE): what would close at each threshold,
    # among messages no rule raised and the guard lets through. A closed P1/P2 is a miss.
    closable = ~rules_urgent & (urgent_probability < REVIEW)
    for threshold in CLOSE_CANDIDATES:
        closed = closable & (probabilities[:, 3] >= threshold)
        print(
            f"close threshold {threshold:.2f}: P4 closed {closed[labels == 'P4'].mean():.4f}, "
            f"P3 closed {closed[labels == 'P3'].sum()}, P1+P2 closed {closed[gold_urgent].sum()}"
        )
    # The P1+P2 examples no threshold above brings back: what to write training for next.
    for index in np.flatnonzero(missed & (urgent_probability < REVIEW_CANDIDATES[0])):
        print(f"not recovered even at {REVIEW_CANDIDATES[0]}: {texts[index][:70]}")
    for index in np.flatnonzero(
        closable & (probabilities[:, 3] >= CLOSE_CANDIDATES[-1]) & gold_urgent
    ):
        print(f"closed even at {CLOSE_CANDIDATES[-1]}: {texts[index][:70]}")


if __name__ == "__main__":
    main()
