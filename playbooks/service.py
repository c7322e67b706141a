"""Playbook persistence: versions, publishing, retiring, and YAML import/export.

Every function takes a keyword-only `session` and leaves committing to the caller, so a
view or command decides what one transaction is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml  # type: ignore[import-untyped]  # no stubs in the project's dependencies
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from playbooks.files import read_directory as read_directory
from playbooks.files import read_playbook_file as read_playbook_file
from playbooks.review import stale_languages
from playbooks.schemas import (
    PlaybookContent,
    PlaybookRead,
    PlaybookStatus,
    PlaybookVersionRead,
    StalePolicy,
)
from playbooks.tables import Playbook, PlaybookEvent, PlaybookVersion
from triage.core.db import utcnow
from triage.core.errors import ConflictError, InvalidInputError, NotFoundError

log = logging.getLogger(__name__)


def _get_row(playbook_id: str, *, session: Session) -> Playbook:
    row = session.get(Playbook, playbook_id)
    if row is None:
        raise NotFoundError(f"no playbook {playbook_id!r}")
    return row


def _get_version_row(playbook_id: str, version: int, *, session: Session) -> PlaybookVersion:
    row = session.get(PlaybookVersion, (playbook_id, version))
    if row is None:
        raise NotFoundError(f"playbook {playbook_id!r} has no version {version}")
    return row


def _read(row: Playbook, *, session: Session, with_versions: bool = False) -> PlaybookRead:
    current = _get_version_row(row.id, row.current_version, session=session)
    return PlaybookRead(
        id=row.id,
        status=PlaybookStatus(row.status),
        current_version=row.current_version,
        published_version=row.published_version,
        updated_at=row.updated_at,
        content=PlaybookContent.model_validate(current.content),
        versions=versions(row.id, session=session) if with_versions else None,
    )


def create(
    content: PlaybookContent, *, actor: str, session: Session, note: str | None = None
) -> PlaybookRead:
    """A new playbook as draft version 1."""
    if session.get(Playbook, content.id) is not None:
        raise ConflictError(f"playbook {content.id!r} exists; add a version instead")
    row = Playbook(
        id=content.id, status=PlaybookStatus.DRAFT, current_version=1, published_version=None
    )
    session.add(row)
    session.flush()  # the parent row first: the version's foreign key points at it
    session.add(_version(content, 1, actor=actor, note=note))
    session.flush()
    return _read(row, session=session)


def _version(
    content: PlaybookContent, number: int, *, actor: str, note: str | None
) -> PlaybookVersion:
    return PlaybookVersion(
        playbook_id=content.id,
        version=number,
        content=content.model_dump(mode="json"),
        created_by=actor,
        created_at=utcnow(),
        note=note,
    )


def update(
    playbook_id: str,
    content: PlaybookContent,
    *,
    actor: str,
    session: Session,
    note: str | None = None,
) -> PlaybookRead:
    """A new version. What citizens get changes only when that version is published."""
    if content.id != playbook_id:
        raise InvalidInputError("a playbook's id cannot change; create a new playbook instead")
    row = _get_row(playbook_id, session=session)
    row.current_version += 1
    row.updated_at = utcnow()
    if row.status == PlaybookStatus.RETIRED:
        row.status = PlaybookStatus.DRAFT
    session.add(_version(content, row.current_version, actor=actor, note=note))
    session.flush()
    return _read(row, session=session)


def publish(
    playbook_id: str,
    version: int,
    *,
    session: Session,
    actor: str = "system",
    note: str | None = None,
    stale: StalePolicy = StalePolicy.SEND,
) -> PlaybookRead:
    """Serve `version` to citizens (an older version too: that is how to roll back).

    Languages whose answer is stale in that version (another language changed since)
    are refused (`StalePolicy.REFUSE`: the coordinator must confirm), sent as they are
    (`SEND`), or withheld (`FALLBACK`: those citizens get easy Japanese or Japanese)."""
    row = _get_row(playbook_id, session=session)
    _get_version_row(playbook_id, version, session=session)
    outdated = stale_languages_of(playbook_id, version, session=session)
    if outdated and stale is StalePolicy.REFUSE:
        raise ConflictError(
            "these answers may be out of date: "
            + ", ".join(outdated)
            + "; confirm them, or publish with stale=send or stale=fallback"
        )
    rollback = row.published_version is not None and version < row.published_version
    row.published_version = version
    row.withheld_languages = outdated if stale is StalePolicy.FALLBACK else None
    row.status = PlaybookStatus.PUBLISHED
    row.updated_at = utcnow()
    _record(
        session,
        playbook_id,
        "published",
        version,
        actor,
        note,
        {"stale": outdated, "policy": str(stale), "rollback": rollback},
    )
    session.flush()
    return _read(row, session=session)


def retire(
    playbook_id: str, *, session: Session, actor: str = "system", note: str | None = None
) -> PlaybookRead:
    """Stop serving the playbook at once; its versions stay for the record."""
    row = _get_row(playbook_id, session=session)
    row.status = PlaybookStatus.RETIRED
    row.updated_at = utcnow()
    _record(session, playbook_id, "retired", row.published_version, actor, note, {})
    session.flush()
    return _read(row, session=session)


def confirm_languages(
    playbook_id: str, languages: list[str], *, session: Session, actor: str
) -> list[str]:
    """A coordinator says these answers are still right in the latest version; returns
    the languages still stale after it."""
    row = _get_row(playbook_id, session=session)
    _record(
        session,
        playbook_id,
        "confirmed",
        row.current_version,
        actor,
        None,
        {"languages": sorted(set(languages))},
    )
    session.flush()
    return stale_languages_of(playbook_id, row.current_version, session=session)


def stale_languages_of(playbook_id: str, version: int, *, session: Session) -> list[str]:
    contents = [
        row.content
        for row in session.scalars(
            select(PlaybookVersion)
            .where(PlaybookVersion.playbook_id == playbook_id, PlaybookVersion.version <= version)
            .order_by(PlaybookVersion.version)
        )
    ]
    confirmed: dict[int, set[str]] = {}
    for event in session.scalars(
        select(PlaybookEvent).where(
            PlaybookEvent.playbook_id == playbook_id, PlaybookEvent.kind == "confirmed"
        )
    ):
        if event.version is not None:
            confirmed.setdefault(event.version, set()).update(event.detail.get("languages", []))
    return stale_languages(contents, confirmed, upto=version)


def events(playbook_id: str, *, session: Session) -> list[PlaybookEvent]:
    """Publications, retirements and confirmations, newest first."""
    return list(
        session.scalars(
            select(PlaybookEvent)
            .where(PlaybookEvent.playbook_id == playbook_id)
            .order_by(PlaybookEvent.id.desc())
        )
    )


def _record(
    session: Session,
    playbook_id: str,
    kind: str,
    version: int | None,
    actor: str,
    note: str | None,
    detail: dict[str, object],
) -> None:
    session.add(
        PlaybookEvent(
            playbook_id=playbook_id,
            kind=kind,
            version=version,
            actor=actor,
            note=note,
            detail=detail,
            at=utcnow(),
        )
    )


def get(playbook_id: str, *, session: Session, with_versions: bool = False) -> PlaybookRead:
    return _read(
        _get_row(playbook_id, session=session), session=session, with_versions=with_versions
    )


def list_playbooks(*, session: Session, status: PlaybookStatus | None = None) -> list[PlaybookRead]:
    query = select(Playbook).order_by(Playbook.id)
    if status is not None:
        query = query.where(Playbook.status == status)
    return [_read(row, session=session) for row in session.scalars(query)]


def versions(playbook_id: str, *, session: Session) -> list[PlaybookVersionRead]:
    """Every version, oldest first."""
    query = (
        select(PlaybookVersion)
        .where(PlaybookVersion.playbook_id == playbook_id)
        .order_by(PlaybookVersion.version)
    )
    return [PlaybookVersionRead.model_validate(row) for row in session.scalars(query)]


def published_playbooks(*, session: Session) -> list[PlaybookContent]:
    """The published version of every published playbook: all the planner may send.

    A stored version that no longer validates (the schema got stricter) is skipped and
    logged rather than sent: an answer nobody can vouch for is worse than a person replying.
    """
    query = (
        select(PlaybookVersion)
        .join(
            Playbook,
            (Playbook.id == PlaybookVersion.playbook_id)
            & (Playbook.published_version == PlaybookVersion.version),
        )
        .where(Playbook.status == PlaybookStatus.PUBLISHED)
        .order_by(Playbook.id)
    )
    withheld = dict(
        session.execute(
            select(Playbook.id, Playbook.withheld_languages).where(
                Playbook.status == PlaybookStatus.PUBLISHED
            )
        ).all()
    )
    found: list[PlaybookContent] = []
    for row in session.scalars(query):
        try:
            found.append(
                _without(PlaybookContent.model_validate(row.content), withheld.get(row.playbook_id))
            )
        except ValidationError:
            log.error(
                "published playbook fails validation; not served",
                extra={"playbook_id": row.playbook_id},
            )
    return found


def published_versions(*, session: Session) -> dict[str, int]:
    """Each published playbook's published version number."""
    rows = session.execute(
        select(Playbook.id, Playbook.published_version).where(
            Playbook.status == PlaybookStatus.PUBLISHED, Playbook.published_version.is_not(None)
        )
    ).all()
    return {playbook_id: version for playbook_id, version in rows if version is not None}


def _without(content: PlaybookContent, languages: list[str] | None) -> PlaybookContent:
    """The content with stale answers withheld (never Japanese, the last fallback)."""
    drop = set(languages or ()) - {"ja"}
    if not drop:
        return content
    return content.model_copy(
        update={
            "answers": {k: v for k, v in content.answers.items() if k not in drop},
            "answers_no_location": {
                k: v for k, v in content.answers_no_location.items() if k not in drop
            },
        }
    )


# --- files: one YAML file per playbook, the same shape as playbooks/library/*.yaml ---


@dataclass(frozen=True)
class ImportResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str]


def import_contents(
    contents: list[PlaybookContent],
    *,
    actor: str,
    session: Session,
    publish_changes: bool,
    note: str | None = None,
) -> ImportResult:
    """New playbooks are created, changed ones get a new version, identical ones are left.

    With `publish_changes`, each created or changed playbook has its new version published.
    """
    result = ImportResult(created=[], updated=[], unchanged=[])
    for content in contents:
        row = session.get(Playbook, content.id)
        if row is None:
            create(content, actor=actor, session=session, note=note)
            result.created.append(content.id)
        else:
            current = _get_version_row(row.id, row.current_version, session=session)
            if PlaybookContent.model_validate(current.content) == content:
                result.unchanged.append(content.id)
                continue
            update(content.id, content, actor=actor, session=session, note=note)
            result.updated.append(content.id)
        if publish_changes:
            publish(
                content.id, _get_row(content.id, session=session).current_version, session=session
            )
    return result


def import_directory(
    directory: Path, *, actor: str, session: Session, publish_changes: bool
) -> ImportResult:
    return import_contents(
        read_directory(directory),
        actor=actor,
        session=session,
        publish_changes=publish_changes,
        note=f"imported from {directory.name}",
    )


def dump_playbook(content: PlaybookContent) -> str:
    text: str = yaml.safe_dump(
        content.model_dump(mode="json"), allow_unicode=True, sort_keys=False, width=1000
    )
    return text


def export_directory(directory: Path, *, session: Session) -> list[Path]:
    """The current version of every playbook, one `<id>.yaml` each (retired ones included,
    so an export is a complete backup; importing it does not un-retire anything unchanged)."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for playbook in list_playbooks(session=session):
        path = directory / f"{playbook.id}.yaml"
        path.write_text(dump_playbook(playbook.content), encoding="utf-8")
        written.append(path)
    return written
