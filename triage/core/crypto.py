"""Citizens' contact details and words, encrypted at rest.

`EncryptedText` columns hold Fernet tokens (AES-128-CBC with an HMAC-SHA256 tag) made
with the newest of the data keys (`TRIAGE_DATA_KEY`: one or more keys, comma-separated,
newest first); any of the keys reads them (`MultiFernet`), so keys can be rotated
(`triage keys rotate`) while the service runs. A database file, a backup or a raw SQL
select shows only tokens.

A token is different every time, so an encrypted column cannot be searched. Where a
lookup needs it (a sender's open conversation, an opted-out address), a keyed hash sits
next to it: HMAC-SHA256 under a key derived from a data key, hex. A lookup asks for the
hashes under every key (`lookup_hashes`), so rows written before a rotation are still
found; rotation rewrites them under the newest key.

Each engine carries its own `DataCipher` (installed by `make_engine`): the type looks
it up by the engine's dialect, so two engines with different keys (tests, a rotation
that reads with old keys) never mix.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Engine, Text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

from triage.core.errors import TriageError

HASH_LENGTH = 64  # hex of SHA-256
# `Column.info` key of an encrypted column searched by a keyed hash: the hash column's name.
HASHED_AS = "hashed_as"
_HASH_KEY_LABEL = b"triage lookup hash v1"


class DataKeyError(TriageError):
    """A data key is missing or wrong, or a token was made with a key no longer held."""


def parse_data_keys(value: str) -> list[str]:
    """The keys of a `TRIAGE_DATA_KEY` value, newest first; refuses anything that is not
    a Fernet key (32 bytes, URL-safe base64)."""
    keys = [part.strip() for part in value.split(",") if part.strip()]
    if not keys:
        raise ValueError("no data key given")
    for position, key in enumerate(keys, start=1):
        try:
            raw = base64.urlsafe_b64decode(key.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ValueError(
                f"data key {position} is not a Fernet key (44 characters of URL-safe "
                "base64; make one with `triage keys generate`)"
            )
    return keys


def generate_data_key() -> str:
    return Fernet.generate_key().decode("ascii")


class DataCipher:
    """Encrypts with the newest key, decrypts with any; keyed hashes for lookups."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise DataKeyError("no data key")
        self._fernet = MultiFernet([Fernet(key.encode("ascii")) for key in keys])
        self._newest = Fernet(keys[0].encode("ascii"))
        self._hash_keys = [
            hmac.new(base64.urlsafe_b64decode(key), _HASH_KEY_LABEL, hashlib.sha256).digest()
            for key in keys
        ]
        self.key_count = len(keys)

    def encrypt(self, value: str) -> str:
        return self._newest.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError) as error:
            raise DataKeyError(
                "a stored value cannot be decrypted with the data keys held "
                "(TRIAGE_DATA_KEY lost a key that rows still need?)"
            ) from error

    def reencrypt(self, token: str) -> tuple[str, str | None]:
        """The value of `token`, and the same value under the newest key, or None when
        `token` already is (a re-run of a rotation rewrites nothing twice)."""
        try:
            return self._newest.decrypt(token.encode("ascii")).decode("utf-8"), None
        except InvalidToken:
            value = self.decrypt(token)
            return value, self.encrypt(value)

    def lookup_hash(self, value: str) -> str:
        """The keyed hash stored next to an encrypted value (newest key)."""
        return self._hash(self._hash_keys[0], value)

    def lookup_hashes(self, value: str) -> list[str]:
        """The hashes `value` may be stored under: one per held key, newest first."""
        return [self._hash(key, value) for key in self._hash_keys]

    @staticmethod
    def _hash(key: bytes, value: str) -> str:
        return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


_CIPHERS: WeakKeyDictionary[Dialect, DataCipher] = WeakKeyDictionary()


def install_cipher(engine: Engine, cipher: DataCipher) -> None:
    """Let `EncryptedText` columns on this engine use `cipher` (done by `make_engine`)."""
    _CIPHERS[engine.dialect] = cipher


def cipher_for(bind: Engine | Connection | Session | Dialect) -> DataCipher:
    """The cipher of the engine behind `bind`."""
    if isinstance(bind, Session):
        bind = bind.get_bind()
    dialect = bind if isinstance(bind, Dialect) else bind.dialect
    try:
        return _CIPHERS[dialect]
    except KeyError:
        raise DataKeyError(
            "this engine has no data key: build it with triage.core.db.make_engine(settings)"
        ) from None


_ALLOWED_OPERATORS = frozenset({operators.is_, operators.is_not})


class _NotComparable(TypeDecorator.Comparator[str]):
    """Each token differs, so `==`, `IN`, `LIKE` or ORDER BY on one would silently find
    nothing or sort noise: refused at once instead. IS NULL still works."""

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        _refuse(op)
        return super().operate(op, *other, **kwargs)

    def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
        _refuse(op)
        return super().reverse_operate(op, other, **kwargs)


def _refuse(op: Any) -> None:
    if op not in _ALLOWED_OPERATORS:
        name = getattr(op, "__name__", str(op))
        raise TypeError(
            f"an encrypted column cannot be used with {name}: search its keyed-hash column"
        )


class EncryptedText(TypeDecorator[str]):
    """Text stored as a Fernet token, made with the engine's `DataCipher`."""

    impl = Text
    cache_ok = True
    comparator_factory = _NotComparable

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return cipher_for(dialect).encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return cipher_for(dialect).decrypt(value)
