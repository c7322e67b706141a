"""Small builders shared by the playbook tests."""

from __future__ import annotations

from typing import Any

from playbooks.schemas import PlaybookContent
from triage.assessment.injection import detect_injection
from triage.assessment.schemas import (
    FLAG_INJECTION,
    FLAG_INJECTION_ENTRY_PREFIX,
    Assessment,
    Category,
    Engine,
    Priority,
)
from triage.geo.schemas import GeoLocation, LocationPrecision, LocationSource

# Nanao city hall (石川県七尾市), a point with designated shelters around it.
NANAO = GeoLocation(
    lat=37.0431,
    lon=136.9676,
    municipality="七尾市",
    prefecture="石川県",
    precision=LocationPrecision.POINT,
    source=LocationSource.CHANNEL_GPS,
    confidence=0.95,
)


def assessment(
    category: Category,
    *,
    language: str = "ja",
    priority: Priority = Priority.ROUTINE,
    text: str = "",
) -> Assessment:
    """An assessment as the engine would make it of `text`: flagged when the rules find
    instructions to the machine in it."""
    injection = detect_injection(text)
    flags = [FLAG_INJECTION, *(f"{FLAG_INJECTION_ENTRY_PREFIX}{e}" for e in injection)]
    return Assessment(
        priority=priority,
        category=category,
        language=language,
        confidence=0.9,
        engine=Engine.LOCAL_MODEL,
        flags=flags if injection else [],
    )


def content(playbook_id: str = "test_pb", **overrides: Any) -> PlaybookContent:
    data: dict[str, Any] = {
        "id": playbook_id,
        "title_ja": "テスト",
        "categories": ["information_other"],
        "keywords": {"ja": ["テスト"], "en": ["test"]},
        "answers": {"ja": "テストの回答です。", "en": "A test answer."},
    }
    data.update(overrides)
    return PlaybookContent.model_validate(data)
