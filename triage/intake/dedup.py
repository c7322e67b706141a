"""Dedup ids for deliveries that carry a client-chosen key (Idempotency-Key, form nonce).

A key alone is not enough: two citizens (or a shared kiosk's cached form) may send the
same key with different messages, and the second must neither be dropped nor be handed
the first one's status link. So the stored id is a hash of the key *and* the request's
content: a true retry (same key, same content) maps to the first inquiry; anything else
is a new inquiry. The hash also keeps the id within its column whatever the key length.
"""

from __future__ import annotations

import hashlib

SEPARATOR = "\x1f"  # the ASCII unit separator cannot appear in a header value


def keyed_dedup_id(prefix: str, key: str, *content: str | None) -> str:
    material = SEPARATOR.join([key, *(part or "" for part in content)])
    return f"{prefix}:{hashlib.sha256(material.encode()).hexdigest()}"
