"""Character n-grams of normalised text: the only features the local model sees.

Character n-grams work across all our scripts without a tokenizer (Japanese and
Chinese have no spaces) and tolerate typos and dialect endings. Training and
inference both call `char_ngrams`, so the shipped model needs no scikit-learn.
"""

from __future__ import annotations

import re
from collections import Counter

from triage.assessment.normalize import normalize

NGRAM_SIZES = (1, 2, 3)
# Links and account names are random characters to a character model; one token each.
_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")


def char_ngrams(text: str) -> list[str]:
    """Every 1- to 3-character window of the normalised text, padded with spaces."""
    normalized = _MENTION.sub(" @user ", _URL.sub(" url ", normalize(text)))
    padded = f" {normalized} "
    grams: list[str] = []
    for size in NGRAM_SIZES:
        grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


def ngram_counts(text: str) -> Counter[str]:
    return Counter(char_ngrams(text))
