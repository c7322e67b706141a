from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from playbooks import service
from playbooks.schemas import PlaybookStatus
from playbooks.seed import default_playbooks, seed_missing
from tests.playbooks.factories import content
from triage.core.errors import ConflictError, InvalidInputError, NotFoundError


def test_create_is_an_unpublished_draft(session: Session) -> None:
    created = service.create(content(), actor="coord", session=session)
    assert (created.status, created.current_version, created.published_version) == (
        PlaybookStatus.DRAFT,
        1,
        None,
    )
    assert service.published_playbooks(session=session) == []
    with pytest.raises(ConflictError):
        service.create(content(), actor="coord", session=session)


def test_every_edit_is_a_new_version_and_publishing_points_at_one(session: Session) -> None:
    service.create(content(), actor="coord", session=session)
    service.publish("test_pb", 1, session=session)
    edited = content(answers={"ja": "新しい回答です。"})
    updated = service.update("test_pb", edited, actor="coord2", session=session, note="wording")
    assert (updated.current_version, updated.published_version) == (2, 1)
    # Citizens still get version 1 until version 2 is published.
    assert service.published_playbooks(session=session)[0].answers["ja"] == "テストの回答です。"
    service.publish("test_pb", 2, session=session)
    assert service.published_playbooks(session=session) == [edited]
    # Rolling back is publishing an older version.
    service.publish("test_pb", 1, session=session)
    assert service.published_playbooks(session=session)[0].answers["ja"] == "テストの回答です。"
    versions = service.versions("test_pb", session=session)
    assert [(v.version, v.created_by, v.note) for v in versions] == [
        (1, "coord", None),
        (2, "coord2", "wording"),
    ]


def test_retired_playbooks_are_not_served(session: Session) -> None:
    service.create(content(), actor="coord", session=session)
    service.publish("test_pb", 1, session=session)
    assert service.retire("test_pb", session=session).status == PlaybookStatus.RETIRED
    assert service.published_playbooks(session=session) == []
    assert service.publish("test_pb", 1, session=session).status == PlaybookStatus.PUBLISHED


def test_errors(session: Session) -> None:
    with pytest.raises(NotFoundError):
        service.publish("nope", 1, session=session)
    service.create(content(), actor="coord", session=session)
    with pytest.raises(NotFoundError):
        service.publish("test_pb", 7, session=session)
    with pytest.raises(InvalidInputError):
        service.update("test_pb", content("other_id"), actor="coord", session=session)


def test_export_then_import_round_trips(session: Session, tmp_path: Path) -> None:
    seed_missing(default_playbooks(), session=session)
    service.update("pets", content("pets", categories=["pets"]), actor="coord", session=session)
    written = service.export_directory(tmp_path, session=session)
    assert len(written) == len(default_playbooks())
    before = {p.id: p.content for p in service.list_playbooks(session=session)}
    again = service.import_directory(tmp_path, actor="cli", session=session, publish_changes=True)
    assert again.created == again.updated == []
    assert sorted(again.unchanged) == sorted(before)
    assert {c.id: c for c in service.read_directory(tmp_path)} == before


def test_import_creates_updates_and_publishes(session: Session, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(service.dump_playbook(content("pb_a")), encoding="utf-8")
    first = service.import_directory(tmp_path, actor="cli", session=session, publish_changes=True)
    assert first.created == ["pb_a"]
    changed = content("pb_a", answers={"ja": "変更後の回答。"})
    (tmp_path / "a.yaml").write_text(service.dump_playbook(changed), encoding="utf-8")
    second = service.import_directory(tmp_path, actor="cli", session=session, publish_changes=True)
    assert second.updated == ["pb_a"]
    assert service.published_playbooks(session=session) == [changed]


def test_import_refuses_invalid_files(session: Session, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("id: x\nanswers: {fr: bonjour}\n", encoding="utf-8")
    with pytest.raises(InvalidInputError):
        service.import_directory(tmp_path, actor="cli", session=session, publish_changes=True)


def test_seed_keeps_coordinator_edits(session: Session) -> None:
    assert seed_missing(default_playbooks(), session=session) == len(default_playbooks())
    service.retire("pets", session=session)
    assert seed_missing(default_playbooks(), session=session) == 0
    assert service.get("pets", session=session).status == PlaybookStatus.RETIRED


@pytest.mark.parametrize(
    "bad",
    [
        {"answers": {"en": "no Japanese"}},
        {"answers": {"ja": "{unknown_variable}"}},
        {"answers": {"ja": "{0.__class__}"}},
        {"answers": {"ja": "stray { brace"}},
        {"answers": {"ja": "{nearest_shelter_name}"}},  # no no-location variant
        {"answers": {"ja": "x", "fr": "y"}},
        {"id": "Bad Id!"},
    ],
)
def test_schema_refuses_what_could_go_wrong_in_a_reply(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        content(**bad)
