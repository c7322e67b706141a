"""Staff accounts: argon2 password hashes and bearer tokens (stored as SHA-256 only)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from triage.auth.tables import ApiToken, Role, StaffUser
from triage.core.errors import AuthenticationError, ConflictError, InvalidInputError

_hasher = PasswordHasher()
TOKEN_PREFIX = "trg_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    name: str, role: Role, *, session: Session, password: str | None = None
) -> StaffUser:
    name = name.strip()
    if not name or len(name) > 64:
        raise InvalidInputError("a user name must be 1 to 64 characters")
    if password is not None and len(password) < 8:
        raise InvalidInputError("a password must be at least 8 characters")
    user = StaffUser(
        name=name, role=role, password_hash=_hasher.hash(password) if password else None
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise ConflictError(f"user {name!r} already exists") from error
    return user


def issue_token(user: StaffUser, *, session: Session) -> str:
    """A new bearer token; only its hash is kept, so it is shown once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_sha256=hash_token(token)))
    session.flush()
    return token


def user_for_token(token: str, *, session: Session) -> StaffUser:
    row = session.scalars(
        select(ApiToken).where(ApiToken.token_sha256 == hash_token(token))
    ).one_or_none()
    if row is None:
        raise AuthenticationError("unknown or revoked token")
    user = session.get(StaffUser, row.user_id)
    if user is None or not user.active:
        raise AuthenticationError("account disabled")
    return user


def user_by_name(name: str, *, session: Session) -> StaffUser | None:
    return session.scalars(select(StaffUser).where(StaffUser.name == name)).one_or_none()


def authenticate_password(name: str, password: str, *, session: Session) -> StaffUser:
    user = user_by_name(name, session=session)
    if user is None or not user.active or not user.password_hash:
        # Hash anyway so a missing user takes as long as a wrong password.
        _hasher.hash(password)
        raise AuthenticationError("wrong name or password")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError) as error:
        raise AuthenticationError("wrong name or password") from error
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def set_password(user: StaffUser, password: str) -> None:
    if len(password) < 8:
        raise InvalidInputError("a password must be at least 8 characters")
    user.password_hash = _hasher.hash(password)
