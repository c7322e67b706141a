"""Character n-grams of normalised text: the only features the local model sees.

Character n-grams work across all our scripts without a tokenizer (Japanese and
Chinese have no spaces) and tolerate typos and dialect endings. Training and
inference both call `char_ngrams`, so the shipped model needs no scikit-learn.
"""

from __future__ import annotations

from collections import Counter

from triage.assessment.normalize import normalize

NGRAM_SIZES = (1, 2, 3)


def char_ngrams(text: str) -> list[str]:
    """Every 1- to 3-character window of the normalised text, padded with spaces."""
    padded = f" {normalize(text)} "
    grams: list[str] = []
    for size in NGRAM_SIZES:
        grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


def ngram_counts(text: str) -> Counter[str]:
    return Counter(char_ngrams(text))
