"""Staff accounts: argon2 password hashes, bearer tokens (stored as SHA-256 only) that
expire and can be revoked, and a session epoch that signs every console session out."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import datetime, timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from triage.auth.hashing import PasswordHashingBusyError, password_hasher
from triage.auth.tables import ApiToken, Role, StaffUser
from triage.core.db import utcnow
from triage.core.errors import AuthenticationError, ConflictError, InvalidInputError

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
        name=name,
        role=role,
        password_hash=password_hasher.hash(password) if password else None,
        session_epoch=0,
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


def token_expires_at(issued_at: datetime, max_age: timedelta) -> datetime:
    return issued_at + max_age


def user_for_token(token: str, *, session: Session, max_age: timedelta | None = None) -> StaffUser:
    """The active user a token belongs to; refused when unknown, revoked, or issued
    longer than `max_age` ago (`TRIAGE_API_TOKEN_TTL_DAYS`)."""
    row = session.scalars(
        select(ApiToken).where(ApiToken.token_sha256 == hash_token(token))
    ).one_or_none()
    if row is None:
        raise AuthenticationError("unknown or revoked token")
    if max_age is not None and token_expires_at(row.created_at, max_age) <= utcnow():
        raise AuthenticationError("the token has expired; ask an admin for a new one")
    user = session.get(StaffUser, row.user_id)
    if user is None or not user.active:
        raise AuthenticationError("account disabled")
    return user


def revoke_tokens(user: StaffUser, *, session: Session) -> int:
    """Revoke every bearer token of the user (they stop working at once); how many."""
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def end_sessions(user: StaffUser) -> None:
    """Sign the user out of every console session: a session cookie carries the epoch it
    was signed in under, and a cookie of an older epoch is refused."""
    user.session_epoch += 1


def user_by_name(name: str, *, session: Session) -> StaffUser | None:
    return session.scalars(select(StaffUser).where(StaffUser.name == name)).one_or_none()


def authenticate_password(name: str, password: str, *, session: Session) -> StaffUser:
    """The user, when the password is theirs. Never waits for a hashing slot: with all
    of them taken, `PasswordHashingBusyError` (the caller answers 503)."""
    user = user_by_name(name, session=session)
    if user is None or not user.active or not user.password_hash:
        # Hash anyway so a missing user takes as long as a wrong password.
        password_hasher.hash(password, wait=False)
        raise AuthenticationError("wrong name or password")
    try:
        password_hasher.verify(user.password_hash, password, wait=False)
    except (VerificationError, InvalidHashError) as error:
        raise AuthenticationError("wrong name or password") from error
    if password_hasher.check_needs_rehash(user.password_hash):
        # With no slot free the sign-in stands; the hash is upgraded at a quieter one.
        with contextlib.suppress(PasswordHashingBusyError):
            user.password_hash = password_hasher.hash(password, wait=False)
    return user


def set_password(user: StaffUser, password: str) -> None:
    """A new password; every console session signed in with the old one ends."""
    if len(password) < 8:
        raise InvalidInputError("a password must be at least 8 characters")
    user.password_hash = password_hasher.hash(password)
    end_sessions(user)
