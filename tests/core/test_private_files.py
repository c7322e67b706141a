"""TRIAGE_HOME, the SQLite file and generated keys are private to the service's user,
from the moment they exist."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from triage.core.db import make_engine
from triage.core.private_files import read_or_create_secret
from triage.core.settings import Settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common default, under which plain creation gives 0o644 files, 0o755 folders."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def no_chmod(monkeypatch: pytest.MonkeyPatch) -> None:
    """Narrowing after the fact is too late: the file was readable while it was written."""
    monkeypatch.setattr(Path, "chmod", lambda self, mode: None)
    monkeypatch.setattr(os, "chmod", lambda *args, **kwargs: None)


@pytest.mark.usefixtures("no_chmod")
def test_the_session_secret_is_created_private(tmp_path: Path) -> None:
    home = tmp_path / "new" / "home"
    secret = Settings(home=home).session_secret()
    assert len(secret) > 40
    assert _mode(home) == 0o700
    assert _mode(home / "secret_key") == 0o600
    assert Settings(home=home).session_secret() == secret
    assert [p.name for p in home.iterdir()] == ["secret_key"]  # no draft left behind


def test_two_processes_agree_on_one_secret(tmp_path: Path) -> None:
    """Whoever links the file first wins; the other reads the winner's key."""
    first = read_or_create_secret(tmp_path / "key", lambda: "first")
    second = read_or_create_secret(tmp_path / "key", lambda: "second")
    assert first == second == "first"


@pytest.mark.usefixtures("no_chmod")
def test_the_sqlite_file_and_its_wal_are_private(tmp_path: Path) -> None:
    home = tmp_path / "home"
    engine = make_engine(Settings(home=home))
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x TEXT)"))
            connection.execute(text("INSERT INTO t VALUES ('a')"))
        files = sorted(p.name for p in home.iterdir())
        assert {"triage.db", "triage.db-wal", "triage.db-shm"} <= set(files)
        assert _mode(home) == 0o700
        for name in ("triage.db", "triage.db-wal", "triage.db-shm"):
            assert _mode(home / name) == 0o600, name
    finally:
        engine.dispose()


def test_an_existing_home_open_to_others_is_narrowed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    (home / "triage.db").touch(mode=0o644)
    make_engine(Settings(home=home)).dispose()
    assert _mode(home) == 0o700
    assert _mode(home / "triage.db") == 0o600


def test_a_shared_sticky_folder_is_left_alone(tmp_path: Path) -> None:
    """TRIAGE_HOME=/tmp must not lock everyone else out of /tmp."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    Settings(home=shared).session_secret()
    assert _mode(shared) == 0o1777
    assert _mode(shared / "secret_key") == 0o600
