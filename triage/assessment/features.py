"""Character n-grams of normalised text: the only features the local model sees.

Character n-grams work across all our scripts without a tokenizer (Japanese and
Chinese have no spaces) and tolerate typos and dialect endings. Training and
inference both call `char_ngrams`, so the shipped model needs no scikit-learn.
"""

from __future__ import annotations

import re
from collections import Counter
from operator import add

from triage.assessment.normalize import normalize

# `char_ngrams` is written out for exactly these sizes (a model trained on others needs it changed).
NGRAM_SIZES = (1, 2, 3)
# Links and account names are random characters to a character model; one token each.
_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")


def char_ngrams(text: str) -> list[str]:
    """Every 1- to 3-character window of the normalised text, padded with spaces."""
    normalized = _MENTION.sub(" @user ", _URL.sub(" url ", normalize(text)))
    padded = f" {normalized} "
    # Built by `map(add, ...)` over shifted copies rather than a slice per position:
    # the same windows in the same order (sizes 1, 2, 3), with the loop in C. This runs
    # on every message, so it was a visible share of the local model's time.
    bigrams = list(map(add, padded, padded[1:]))
    return [*padded, *bigrams, *map(add, bigrams, padded[2:])]


def ngram_counts(text: str) -> Counter[str]:
    return Counter(char_ngrams(text))
