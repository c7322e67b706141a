"""Situation values: named facts answers cite (`{situation_<name>}`), per language, with
who changed them and when. Keyword-only `session`; the caller commits."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from playbooks.schemas import SITUATION_PREFIX, SUPPORTED_LANGUAGES
from playbooks.tables import SituationValue
from triage.core.db import utcnow
from triage.core.errors import InvalidInputError, NotFoundError

NAME_PATTERN = r"^[a-z][a-z_]{0,39}$"
MAX_VALUE = 500


def set_value(name: str, values: dict[str, str], *, session: Session, actor: str) -> SituationValue:
    """Create or change one value (its Japanese text is required)."""
    if not re.fullmatch(NAME_PATTERN, name):
        raise InvalidInputError("a name is lowercase letters and _ (e.g. water_truck_times)")
    cleaned = {lang: text.strip() for lang, text in values.items() if text and text.strip()}
    if "ja" not in cleaned:
        raise InvalidInputError("a situation value needs its Japanese text")
    for language, text in cleaned.items():
        if language not in SUPPORTED_LANGUAGES:
            raise InvalidInputError(f"unsupported language {language!r}")
        if len(text) > MAX_VALUE or "{" in text or "}" in text:
            raise InvalidInputError(f"the {language} text is too long or has a brace")
    row = session.get(SituationValue, name)
    if row is None:
        row = SituationValue(name=name, values=cleaned, updated_by=actor)
        session.add(row)
    row.values = cleaned
    row.updated_by = actor
    row.updated_at = utcnow()
    session.flush()
    return row


def delete_value(name: str, *, session: Session) -> None:
    row = session.get(SituationValue, name)
    if row is None:
        raise NotFoundError(f"no situation value {name!r}")
    session.delete(row)
    session.flush()


def all_values(*, session: Session) -> list[SituationValue]:
    return list(session.scalars(select(SituationValue).order_by(SituationValue.name)))


def as_facts(rows: list[SituationValue]) -> dict[str, str]:
    """The values as render facts: `situation_<name>` (Japanese) and
    `situation_<name>:<language>` for each translation."""
    facts: dict[str, str] = {}
    for row in rows:
        key = SITUATION_PREFIX + row.name
        facts[key] = row.values["ja"]
        for language, text in row.values.items():
            if language != "ja":
                facts[f"{key}:{language}"] = text
    return facts
