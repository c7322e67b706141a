"""`triage playbooks import|export`: deploy reviewed files, back up the current versions."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from playbooks import service
from playbooks.seed import LIBRARY_DIR, default_playbooks
from tests.helpers import run_cli
from triage.core.settings import Settings


def test_import_publishes_then_export_writes_the_same_files(
    settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    imported = run_cli(settings, "playbooks", "import", str(LIBRARY_DIR))
    assert imported.returncode == 0, imported.stderr
    assert f"created {len(default_playbooks())}" in imported.stdout
    with session_factory() as session:
        assert service.published_playbooks(session=session) == sorted(
            default_playbooks(), key=lambda p: p.id
        )

    out = tmp_path / "export"
    exported = run_cli(settings, "playbooks", "export", str(out))
    assert exported.returncode == 0, exported.stderr
    assert service.read_directory(out) == service.read_directory(LIBRARY_DIR)

    again = run_cli(settings, "playbooks", "import", str(out))
    assert f"unchanged {len(default_playbooks())}" in again.stdout


def test_invalid_files_are_refused(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("id: bad\n", encoding="utf-8")
    result = run_cli(settings, "playbooks", "import", str(tmp_path))
    assert result.returncode == 1
    assert "import refused" in result.stderr
