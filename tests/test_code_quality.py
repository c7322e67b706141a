"""The project's own gates: ruff and strict mypy pass on the packages (pyproject.toml
configures both). Run as tests so that CI and a newcomer's one test command enforce them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted() -> None:
    result = run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_finds_nothing() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_are_kept() -> None:
    """The layers in pyproject.toml ([tool.importlinter]): channels call only the intake
    port and core, triage knows no provider outside the app factory and the registry,
    playbooks import only core and the assessment schemas, no cycles between packages."""
    result = run_command(ROOT, "lint-imports")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_wrong_way_import_breaks_the_contracts(tmp_path: Path) -> None:
    """The contracts can fail: a copy of the tree where a channel imports the inquiry
    store directly is refused."""
    for package in ("triage", "channels", "playbooks"):
        for source in (ROOT / package).rglob("*.py"):
            target = tmp_path / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    views = tmp_path / "channels" / "sms" / "views.py"
    views.write_text(views.read_text() + "\nfrom triage.inquiries import service  # noqa\n")

    result = run_command(tmp_path, "lint-imports")

    assert result.returncode != 0
    assert "Channels call only the intake port and core BROKEN" in result.stdout


def run_command(cwd: Path, name: str) -> subprocess.CompletedProcess[str]:
    """A console script of this virtualenv, with `cwd` first on the import path."""
    executable = str(Path(sys.executable).with_name(name))
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [executable], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )


def test_no_module_is_over_400_lines() -> None:
    """Split a module before it grows past one job (STYLE.md)."""
    long = {
        str(path.relative_to(ROOT)): count
        for package in ("triage", "channels", "playbooks")
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        and (count := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
