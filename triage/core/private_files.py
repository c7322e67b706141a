"""Files only this service's user may read: TRIAGE_HOME, the SQLite file, generated keys.

Modes are given when a file or folder is created (never narrowed after it was written,
which leaves a moment when others can read it), and an existing one that is open to
others is narrowed.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and its parents) with mode 0o700, or narrow it if others may enter."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    _narrow(path, PRIVATE_DIR_MODE)
    return path


def ensure_private_file(path: Path) -> Path:
    """Create an empty `path` with mode 0o600 if it is missing (SQLite gives its -wal and
    -shm files the database file's mode), or narrow it if others may read it. A missing
    folder above it is created 0o700; an existing one is left as it is."""
    path.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    except FileExistsError:
        _narrow(path, PRIVATE_FILE_MODE)
    return path


def read_or_create_secret(path: Path, generate: Callable[[], str]) -> str:
    """The secret kept in `path`, generated once: written to a 0o600 file of its own and
    linked into place, so no process ever reads a half-written or world-readable key and
    two processes starting together agree on one."""
    if not path.exists():
        ensure_private_dir(path.parent)
        draft = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(generate())
                file.flush()
                os.fsync(file.fileno())
            with contextlib.suppress(FileExistsError):  # another process was first: theirs
                os.link(draft, path)
        finally:
            draft.unlink(missing_ok=True)
    else:
        _narrow(path, PRIVATE_FILE_MODE)
    return path.read_text().strip()


def _narrow(path: Path, mode: int) -> None:
    """Take others' access away from what this user owns; a shared sticky folder (/tmp
    given as TRIAGE_HOME) is left alone: narrowing it would break everyone else."""
    current = path.stat()
    bits = stat.S_IMODE(current.st_mode)
    if current.st_uid != os.getuid() or bits & stat.S_ISVTX or not bits & ~mode:
        return
    path.chmod(bits & mode)
