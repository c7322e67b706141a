"""argon2 password hashing with bounded concurrency.

Each argon2 computation takes 64 MiB and tens of milliseconds of CPU (argon2-cffi's
RFC 9106 low-memory profile), in the process that also answers the SMS and LINE
webhooks. Unbounded, a burst of sign-in attempts could exhaust that process's memory.
At most `HASHING_SLOTS` computations run at once in a process (128 MiB); a sign-in that
finds every slot taken is refused at once with `PasswordHashingBusyError` (503 and
Retry-After), so waiting attempts do not hold the threads other requests need. Other
callers (creating an account, setting a password: the CLI) wait for a slot.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher

from triage.core.errors import TriageError

HASHING_SLOTS = 2
RETRY_AFTER_SECONDS = 1


class PasswordHashingBusyError(TriageError):
    """Every hashing slot of this process is taken; try again in a second."""

    def __init__(self) -> None:
        super().__init__("sign-in is busy; please try again in a moment")
        self.retry_after = RETRY_AFTER_SECONDS


class BoundedHasher:
    def __init__(self, slots: int, hasher: PasswordHasher | None = None) -> None:
        self._slots = threading.BoundedSemaphore(slots)
        self._hasher = hasher or PasswordHasher()

    @contextmanager
    def _slot(self, *, wait: bool) -> Iterator[None]:
        if not self._slots.acquire(blocking=wait):
            raise PasswordHashingBusyError()
        try:
            yield
        finally:
            self._slots.release()

    @contextmanager
    def holding_every_slot(self) -> Iterator[None]:
        """Take all the slots (what a flood of sign-ins does); for tests and drills."""
        taken = 0
        try:
            while self._slots.acquire(blocking=False):
                taken += 1
            yield
        finally:
            for _ in range(taken):
                self._slots.release()

    def hash(self, password: str, *, wait: bool = True) -> str:
        with self._slot(wait=wait):
            return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str, *, wait: bool = True) -> bool:
        """True, or raises argon2's VerificationError / InvalidHashError."""
        with self._slot(wait=wait):
            return self._hasher.verify(password_hash, password)

    def check_needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


# One per process, because memory is per process (a lock, not per-request state).
password_hasher = BoundedHasher(HASHING_SLOTS)
