"""Impact replay: what publishing a draft would change, over inquiries already stored.

Pure: no database, no network. The reading layer (`triage.console.playbook_analysis`)
turns stored rows into `StoredInquiry` values (an `Assessment` rebuilt from the stored
priority, category, language and flags, and whether routing would send a confident
match at all); this module runs the matcher over them twice, with the published library
("before") and with the draft in place of the published version of its id, or added
when it is new ("after"), and counts:

- `would_answer`: the draft is the playbook that answers it after;
- `changes_answer`: the answer moves from another playbook to the draft, or from the
  draft to another;
- `stops_answering`: the published version answers it, the draft leaves it to a person;
- `urgent_touched`: P1/P2 inquiries containing the draft's keywords. Found by the
  keywords alone, not through `match` (which refuses P1/P2), so these are the urgent
  messages the draft's words reach; they go to a person whatever the draft says;
- `urgent_answered`: P1/P2 inquiries `match` would answer with the draft. Must be 0:
  anything else is a regression of the matcher's guard.

"Answers" means what routing would send by itself: the chosen playbook's score reaches
`min_score` (routing's `AUTO_REPLY_MIN_MATCH_SCORE`) on an inquiry routing answers
automatically. Only inquiries where the draft or the version it replaces finds a
keyword can change, so the matcher runs in full only for those; the rest cost one
keyword screen each.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field

from playbooks.matcher import keyword_hits, match, matchable
from playbooks.schemas import PlaybookContent, PlaybookMatch
from triage.assessment.schemas import Assessment, Category, Engine, Priority

EXCERPT_CHARS = 80
SAMPLES = 5
BUCKETS = (
    "would_answer",
    "changes_answer",
    "stops_answering",
    "urgent_touched",
    "urgent_answered",
)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The text on one line, at most `limit` characters (an ellipsis marks a cut)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def stored_assessment(
    *,
    priority: str,
    category: str,
    language: str | None,
    flags: Sequence[str] = (),
    urgent_probability: float | None = None,
) -> Assessment:
    """An `Assessment` from what an inquiry row keeps: what the matcher and routing read
    (priority, category, language, flags, the model's urgency). Confidence and engine
    are placeholders: neither decides a playbook answer. Raises ValueError for values
    that are not ours (a priority or category no enumeration holds)."""
    return Assessment(
        priority=Priority(priority),
        category=Category(category),
        language=language or "ja",
        confidence=1.0,
        engine=Engine.RULES,
        flags=[str(flag) for flag in flags],
        urgent_probability=urgent_probability,
    )


@dataclass(frozen=True, slots=True)
class StoredInquiry:
    id: str
    text: str
    assessment: Assessment
    # Routing would send a confident playbook match for it by itself (routine, words,
    # urgency unlikely, no failed layer). False: a person answers whatever matches.
    answerable: bool
    # The playbook that answered it when it arrived (the row's `playbook_id`).
    recorded_playbook_id: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """One inquiry the draft could affect: who answers it before and after."""

    inquiry: StoredInquiry
    before: str | None
    after: str | None
    urgent_hit: bool = False  # P1/P2 with the draft's keywords in it
    urgent_chosen: bool = False  # P1/P2 that `match` gives the draft (must never happen)


class ImpactSample(BaseModel):
    inquiry_id: str
    excerpt: str = Field(description=f"the citizen's words, at most {EXCERPT_CHARS} characters")
    language: str
    before: str | None = Field(description="the playbook answering it now (None: a person)")
    after: str | None = Field(description="the playbook answering it with the draft")
    recorded: str | None = Field(description="the playbook that answered it when it arrived")


class ImpactBucket(BaseModel):
    count: int = 0
    samples: list[ImpactSample] = Field(default_factory=list, description=f"at most {SAMPLES}")


class ImpactReport(BaseModel):
    playbook_id: str
    new_playbook: bool = Field(description="no published version of this id: the draft is added")
    scanned: int = Field(description="stored inquiries replayed")
    would_answer: ImpactBucket
    changes_answer: ImpactBucket
    stops_answering: ImpactBucket
    urgent_touched: ImpactBucket = Field(
        description="P1/P2 inquiries with the draft's keywords (a person answers them anyway)"
    )
    urgent_answered: ImpactBucket = Field(
        description="P1/P2 inquiries the matcher would answer with the draft: must be 0"
    )


def with_draft(
    draft: PlaybookContent, published: Sequence[PlaybookContent]
) -> tuple[PlaybookContent, ...]:
    """The library as it would be with the draft published: in place of the published
    version of its id, or added."""
    replaced = tuple(draft if playbook.id == draft.id else playbook for playbook in published)
    return replaced if any(p.id == draft.id for p in published) else (*replaced, draft)


def _answered(found: PlaybookMatch | None, min_score: float) -> str | None:
    return found.playbook_id if found is not None and found.score >= min_score else None


def outcomes(
    draft: PlaybookContent,
    published: Sequence[PlaybookContent],
    inquiries: Sequence[StoredInquiry],
    *,
    min_score: float,
) -> Iterator[Outcome]:
    """The inquiries whose answer involves the draft's id, before or after, and the
    urgent ones its keywords reach. Every other inquiry keeps its answer."""
    before_library = tuple(published)
    after_library = with_draft(draft, published)
    current = next((p for p in published if p.id == draft.id), None)
    for inquiry in inquiries:
        normalized = matchable(inquiry.text)
        new_hits = bool(keyword_hits(normalized, draft))
        old_hits = current is not None and bool(keyword_hits(normalized, current))
        if not (new_hits or old_hits):
            continue  # neither version can be chosen: the answer cannot change
        assessment = inquiry.assessment
        if assessment.priority.needs_human:
            if new_hits:
                chosen = match(assessment, inquiry.text, after_library)
                urgent_chosen = chosen is not None and chosen.playbook_id == draft.id
                yield Outcome(inquiry, None, None, urgent_hit=True, urgent_chosen=urgent_chosen)
            continue
        if not inquiry.answerable:
            continue
        before = _answered(match(assessment, inquiry.text, before_library), min_score)
        after = _answered(match(assessment, inquiry.text, after_library), min_score)
        if draft.id in (before, after):
            yield Outcome(inquiry, before, after)


class _Collected:
    def __init__(self, samples: int) -> None:
        self.count = 0
        self.samples: list[ImpactSample] = []
        self._limit = samples

    def add(self, outcome: Outcome) -> None:
        self.count += 1
        if len(self.samples) < self._limit:
            inquiry = outcome.inquiry
            self.samples.append(
                ImpactSample(
                    inquiry_id=inquiry.id,
                    excerpt=excerpt(inquiry.text),
                    language=inquiry.assessment.language,
                    before=outcome.before,
                    after=outcome.after,
                    recorded=inquiry.recorded_playbook_id,
                )
            )

    def bucket(self) -> ImpactBucket:
        return ImpactBucket(count=self.count, samples=self.samples)


def replay(
    draft: PlaybookContent,
    published: Sequence[PlaybookContent],
    inquiries: Sequence[StoredInquiry],
    *,
    min_score: float,
    samples: int = SAMPLES,
) -> ImpactReport:
    """Counts and samples of what publishing `draft` would change over `inquiries`
    (in the order given: pass the newest first to sample the newest)."""
    collected = {name: _Collected(samples) for name in BUCKETS}
    for outcome in outcomes(draft, published, inquiries, min_score=min_score):
        if outcome.urgent_hit:
            collected["urgent_touched"].add(outcome)
            if outcome.urgent_chosen:
                collected["urgent_answered"].add(outcome)
            continue
        before, after = outcome.before, outcome.after
        if after == draft.id:
            collected["would_answer"].add(outcome)
        if before is not None and after is not None and before != after:
            collected["changes_answer"].add(outcome)
        elif before == draft.id and after is None:
            collected["stops_answering"].add(outcome)
    return ImpactReport(
        playbook_id=draft.id,
        new_playbook=all(p.id != draft.id for p in published),
        scanned=len(inquiries),
        would_answer=collected["would_answer"].bucket(),
        changes_answer=collected["changes_answer"].bucket(),
        stops_answering=collected["stops_answering"].bucket(),
        urgent_touched=collected["urgent_touched"].bucket(),
        urgent_answered=collected["urgent_answered"].bucket(),
    )
