"""Small builders shared by the playbook tests."""

from __future__ import annotations

from typing import Any

from playbooks.schemas import PlaybookContent
from triage.assessment.schemas import Assessment, Category, Engine, Priority
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
    category: Category, *, language: str = "ja", priority: Priority = Priority.ROUTINE
) -> Assessment:
    return Assessment(
        priority=priority,
        category=category,
        language=language,
        confidence=0.9,
        engine=Engine.LOCAL_MODEL,
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
