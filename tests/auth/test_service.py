from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from triage.auth import service
from triage.auth.tables import ApiToken, Role
from triage.core.errors import AuthenticationError, ConflictError, InvalidInputError


def test_passwords_are_argon2_and_verify(session: Session) -> None:
    user = service.create_user("aya", Role.RESPONDER, session=session, password="correct horse")
    assert user.password_hash is not None and user.password_hash.startswith("$argon2")
    assert service.authenticate_password("aya", "correct horse", session=session).id == user.id
    with pytest.raises(AuthenticationError):
        service.authenticate_password("aya", "wrong horse", session=session)
    with pytest.raises(AuthenticationError):
        service.authenticate_password("nobody", "correct horse", session=session)


def test_tokens_are_stored_only_as_hashes(session: Session) -> None:
    user = service.create_user("aya", Role.RESPONDER, session=session)
    token = service.issue_token(user, session=session)
    stored = session.scalars(select(ApiToken.token_sha256)).all()
    assert token not in stored and service.hash_token(token) in stored
    assert service.user_for_token(token, session=session).name == "aya"


def test_duplicate_name_and_short_password_are_refused(session: Session) -> None:
    service.create_user("aya", Role.RESPONDER, session=session)
    with pytest.raises(ConflictError):
        service.create_user("aya", Role.ADMIN, session=session)
    with pytest.raises(InvalidInputError):
        service.create_user("ken", Role.ADMIN, session=session, password="short")
