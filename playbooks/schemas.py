"""What a playbook is, as it crosses a boundary (YAML files, the coordinator API, the planner).

A playbook's content is versioned as a whole: `PlaybookContent` is exactly what one version
stores. Validation is strict because these texts go to citizens unreviewed by anyone but the
coordinator who approved them: unknown languages, unknown `{variables}` and stray braces are
refused at the door rather than discovered in a reply.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from triage.assessment.schemas import Category
from triage.core.stored_text import StoredText, refuse_nul

# The languages an answer may be written in. "ja-easy" is やさしい日本語, the fallback for
# anyone whose own language is missing.
SUPPORTED_LANGUAGES = ("ja", "ja-easy", "en", "zh", "ko", "vi", "pt", "es", "tl", "ne", "id")

# Variables filled from data by `playbooks.render`. The shelter ones exist only when the
# inquiry has a precise enough location, so answers that use them need a no-location variant.
LOCATION_VARIABLES = frozenset({"nearest_shelter_name", "nearest_shelter_distance_km"})
VARIABLES = LOCATION_VARIABLES | {"municipality"}
# Situation values coordinators keep current (water truck times, a hotline): any
# `{situation_<name>}`, filled from the published situation values; a playbook using one
# that is not set is not sent (a person answers instead of a blank).
SITUATION_PREFIX = "situation_"

_VARIABLE = re.compile(r"\{([a-z_]+)\}")
PLAYBOOK_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{1,63}$"


class PlaybookStatus(StrEnum):
    DRAFT = "draft"  # edited, never published (or edited after retirement)
    PUBLISHED = "published"  # `published_version` is what citizens get
    RETIRED = "retired"  # never served, kept for history


def variables_in(text: str) -> set[str]:
    """The `{variable}` names used in an answer body."""
    return set(_VARIABLE.findall(text))


def _check_body(language: str, text: str, *, allowed: frozenset[str] | set[str]) -> None:
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; use one of {SUPPORTED_LANGUAGES}")
    if not text.strip():
        raise ValueError(f"empty answer for {language}")
    refuse_nul(text)
    unknown = {v for v in variables_in(text) - allowed if not v.startswith(SITUATION_PREFIX)}
    if unknown:
        raise ValueError(f"unknown variables {sorted(unknown)} in the {language} answer")
    if "{" in _VARIABLE.sub("", text) or "}" in _VARIABLE.sub("", text):
        raise ValueError(f"stray brace in the {language} answer (variables look like {{name}})")


def situation_variables(content: PlaybookContent) -> set[str]:
    """The situation value names (without the prefix) this playbook's answers use."""
    texts = [*content.answers.values(), *content.answers_no_location.values()]
    return {
        v.removeprefix(SITUATION_PREFIX)
        for text in texts
        for v in variables_in(text)
        if v.startswith(SITUATION_PREFIX)
    }


class PlaybookContent(BaseModel):
    """One version of a playbook: what it answers (categories + keywords) and the answers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=PLAYBOOK_ID_PATTERN, description="stable slug, e.g. shelter_location")
    title_ja: StoredText = Field(min_length=1, max_length=200)
    categories: list[Category] = Field(min_length=1)
    keywords: dict[str, list[str]] = Field(
        default_factory=dict, description="per language; evidence the matcher looks for"
    )
    answers: dict[str, str] = Field(description="per language; must include ja")
    answers_no_location: dict[str, str] = Field(
        default_factory=dict,
        description="per language; sent when a location variable cannot be filled",
    )
    requires_location: bool = Field(
        default=False, description="the answer is about a place near the citizen"
    )
    areas: list[str] = Field(
        default_factory=list,
        description=(
            "local government codes (6 digits) or prefecture codes (2) it answers for;"
            " empty: everywhere. An inquiry whose place is not known is not answered by"
            " a playbook with areas (one city's water trucks must not reach another's)"
        ),
    )
    valid_from: datetime | None = Field(default=None, description="not sent before (UTC)")
    valid_until: datetime | None = Field(default=None, description="not sent after (UTC)")

    def applies_to(self, lgcode: str | None, at: datetime) -> bool:
        """Whether this playbook may answer an inquiry from `lgcode` at `at`."""
        if self.valid_from is not None and at < self.valid_from:
            return False
        if self.valid_until is not None and at >= self.valid_until:
            return False
        if not self.areas:
            return True
        return lgcode is not None and any(lgcode.startswith(area) for area in self.areas)

    @model_validator(mode="after")
    def _check(self) -> PlaybookContent:
        if "ja" not in self.answers:
            raise ValueError("every playbook needs a ja answer (the last fallback)")
        for language, words in self.keywords.items():
            if language not in SUPPORTED_LANGUAGES:
                raise ValueError(f"unsupported keyword language {language!r}")
            if any(not word.strip() for word in words):
                raise ValueError(f"empty keyword in {language}")
        for language, text in self.answers.items():
            _check_body(language, text, allowed=VARIABLES)
            if variables_in(text) & LOCATION_VARIABLES and language not in self.answers_no_location:
                raise ValueError(
                    f"the {language} answer uses a location variable:"
                    f" add answers_no_location.{language}"
                )
        for language, text in self.answers_no_location.items():
            _check_body(language, text, allowed={"municipality"})
        if self.requires_location and "ja" not in self.answers_no_location:
            raise ValueError("requires_location needs answers_no_location.ja")
        for area in self.areas:
            if not re.fullmatch(r"\d{2}|\d{6}", area):
                raise ValueError(
                    f"an area is a 2-digit prefecture or 6-digit municipality code: {area!r}"
                )
        for moment in (self.valid_from, self.valid_until):
            if moment is not None and moment.tzinfo is None:
                raise ValueError("valid_from and valid_until need a time zone (e.g. +09:00)")
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")
        return self


class PlaybookCreate(BaseModel):
    content: PlaybookContent
    note: StoredText | None = Field(default=None, max_length=500)


class PlaybookUpdate(BaseModel):
    """A new version; `content.id` must be the playbook's id (ids never change)."""

    content: PlaybookContent
    note: StoredText | None = Field(default=None, max_length=500)


# The largest version number the `Integer` columns hold (PostgreSQL's 32-bit integer): a
# larger one is refused as invalid (422) rather than failing in the database (500).
MAX_VERSION = 2**31 - 1


class StalePolicy(StrEnum):
    """What publishing does with answers that may be out of date (another language of
    the playbook changed after them)."""

    REFUSE = "refuse"  # ask first: 409 naming them
    SEND = "send"  # the coordinator checked: send them as they are
    FALLBACK = "fallback"  # withhold them: those citizens get easy Japanese or Japanese


class PlaybookPublish(BaseModel):
    version: int = Field(ge=1, le=MAX_VERSION)
    stale: StalePolicy = Field(
        default=StalePolicy.REFUSE,
        description="languages whose answer may be out of date: refuse (409), send, fallback",
    )
    note: StoredText | None = Field(default=None, max_length=500)


class PlaybookConfirm(BaseModel):
    languages: list[str] = Field(min_length=1, max_length=20)


class PlaybookEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    version: int | None
    actor: str
    note: str | None
    detail: dict[str, Any]
    at: datetime


class PlaybookVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    playbook_id: str
    version: int
    content: PlaybookContent
    created_by: str
    created_at: datetime
    note: str | None


class PlaybookRead(BaseModel):
    """A playbook with its current (latest) content; `versions` only where asked for."""

    id: str
    status: PlaybookStatus
    current_version: int
    published_version: int | None
    updated_at: datetime
    content: PlaybookContent
    versions: list[PlaybookVersionRead] | None = None


class PlaybookMatch(BaseModel):
    """The matcher's choice: which playbook, how sure (0..1), and why (for responders)."""

    model_config = ConfigDict(frozen=True)

    playbook_id: str
    score: float = Field(ge=0.0, le=1.0)
    reasons: list[str] = Field(default_factory=list)
