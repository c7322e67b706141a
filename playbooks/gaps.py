"""Gaps: routine questions no playbook answers, grouped by similar wording.

Pure: no database, no network. The reading layer (`triage.console.playbook_analysis`)
finds the routine inquiries that went to staff for want of a playbook; this module
groups them and turns a group into the start of a playbook.

Wording is compared as TF-IDF vectors of character 2- and 3-grams (`char_wb`), which
needs no word segmentation (Japanese has no spaces) and forgives spelling. A message
is compared by its Japanese translation when the LLM made one, so the same question in
English and in Japanese lands in one group. Groups are agglomerative with average
linkage: two groups merge while their members' mean cosine similarity exceeds the
threshold. At most a few thousand messages are grouped at once (the reading layer
bounds them): the similarity matrix is quadratic, 16 MB and about half a second for
2,000.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import numpy as np
from pydantic import AfterValidator, BaseModel, Field, StringConstraints
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

from playbooks.impact import excerpt
from playbooks.schemas import PlaybookContent
from triage.assessment.normalize import normalize
from triage.assessment.schemas import Category

# Chosen on short questions: the same question with a few words more or less (「近くの」,
# 「？」) scores 0.3-0.9; different questions sharing a word (「ガソリン」) 0.25 and
# below. A paraphrase in other words (「場所を教えて」 for 「どこ」) can fall below and
# stay a group of its own: this groups wording, not meaning.
SIMILARITY_THRESHOLD = 0.3
EXAMPLES = 5
MAX_EXAMPLES = 10
PLACEHOLDER_ANSWER = "（回答を書いてください）"
NOTE_MAX_CHARS = 500  # `PlaybookCreate.note`'s limit


def _clean(text: str) -> str:
    """Control characters out (a database text column may refuse NUL), one line."""
    kept = "".join(c for c in text if unicodedata.category(c) != "Cc" or c in "\t\n")
    flat = " ".join(kept.split())
    if not flat:
        raise ValueError("an example needs words")
    return flat


Example = Annotated[str, StringConstraints(min_length=1, max_length=1000), AfterValidator(_clean)]


class GapDraftRequest(BaseModel):
    """The start of a playbook for a gap: its examples become the draft's test questions."""

    examples: list[Example] = Field(min_length=1, max_length=MAX_EXAMPLES)
    category: Category


@dataclass(frozen=True, slots=True)
class GapInquiry:
    id: str
    text: str
    language: str
    category: str | None
    received_at: datetime
    translation_ja: str | None = None


class GapGroup(BaseModel):
    count: int
    category: Category = Field(description="the group's most common category")
    languages: list[str]
    examples: list[str] = Field(description=f"the newest texts, at most {EXAMPLES}, excerpts")
    inquiry_ids: list[str] = Field(description="the examples' inquiries, in the same order")
    first_seen: datetime
    last_seen: datetime
    draft: GapDraftRequest = Field(
        description="'write a playbook for this': POST it to /api/v1/playbooks/gaps/draft"
    )


def _category(value: str | None) -> Category:
    try:
        return Category(value) if value else Category.INFORMATION_OTHER
    except ValueError:
        return Category.INFORMATION_OTHER


def _labels(texts: Sequence[str], threshold: float) -> list[int]:
    """A group number for each text: average-linkage clustering on cosine similarity,
    groups merged while their mean similarity exceeds `threshold` (the result does not
    depend on the order of the texts)."""
    if len(texts) < 2:
        return [0] * len(texts)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), dtype=np.float32)
    try:
        vectors = vectorizer.fit_transform(texts)  # rows are L2-normalised
    except ValueError:  # no text has two characters in a row: nothing to compare
        return list(range(len(texts)))
    distance = 1.0 - (vectors @ vectors.T).toarray()
    np.clip(distance, 0.0, None, out=distance)
    clustering = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=1.0 - threshold,
    )
    return [int(label) for label in clustering.fit_predict(distance)]


def group_gaps(
    inquiries: Sequence[GapInquiry],
    *,
    threshold: float = SIMILARITY_THRESHOLD,
    examples: int = EXAMPLES,
) -> list[GapGroup]:
    """Groups of similar questions, the most asked first (then the most recent)."""
    ordered = sorted(inquiries, key=lambda i: (i.received_at, i.id), reverse=True)
    if not ordered:
        return []
    texts = [normalize(i.translation_ja or i.text) for i in ordered]
    members: dict[int, list[GapInquiry]] = {}
    for inquiry, label in zip(ordered, _labels(texts, threshold), strict=True):
        members.setdefault(label, []).append(inquiry)
    groups = [_group(found, examples) for found in members.values()]
    groups.sort(key=lambda g: (-g.count, -g.last_seen.timestamp(), g.inquiry_ids[0]))
    return groups


def _group(found: list[GapInquiry], examples: int) -> GapGroup:
    """One group; `found` is newest first."""
    category = _category(Counter(i.category for i in found).most_common(1)[0][0])
    shown = found[:examples]
    texts = [excerpt(i.text) for i in shown]
    return GapGroup(
        count=len(found),
        category=category,
        languages=sorted({i.language for i in found}),
        examples=texts,
        inquiry_ids=[i.id for i in shown],
        first_seen=found[-1].received_at,
        last_seen=found[0].received_at,
        draft=GapDraftRequest(examples=_usable(texts) or ["?"], category=category),
    )


def _usable(texts: Sequence[str]) -> list[str]:
    """The texts that can be a draft's examples (some words in them), at most the limit."""
    usable = []
    for text in texts:
        try:
            usable.append(_clean(text))
        except ValueError:
            continue
    return usable[:MAX_EXAMPLES]


def draft_for_gap(request: GapDraftRequest) -> tuple[PlaybookContent, str]:
    """A draft playbook for a gap, and the version note listing its test questions.

    The id is derived from the examples, so asking twice for the same group finds the
    draft already made (a conflict) instead of making a second one. Keywords are left
    empty: until a coordinator writes some, the draft matches nothing.
    """
    examples = [excerpt(example) for example in request.examples]
    digest = hashlib.sha256("\n".join([request.category, *examples]).encode()).hexdigest()
    content = PlaybookContent(
        id=f"gap_{digest[:8]}",
        title_ja=examples[0],
        categories=[request.category],
        keywords={},
        answers={"ja": PLACEHOLDER_ANSWER},
    )
    lines = ["test questions (from the gaps list):"]
    for number, example in enumerate(examples, start=1):
        line = f"{number}. {example}"
        if len("\n".join([*lines, line])) > NOTE_MAX_CHARS:
            break
        lines.append(line)
    return content, "\n".join(lines)
