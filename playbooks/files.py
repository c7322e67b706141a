"""Playbook YAML files: one file per playbook, the shape of `playbooks/library/*.yaml`.

Kept apart from `playbooks.service` because reading files needs neither SQLAlchemy nor
the database layer: `triage assess` reads the library at start-up, and importing the
ORM just to parse seven YAML files cost it a third of a second per process.
"""

from __future__ import annotations

from pathlib import Path

import yaml  # type: ignore[import-untyped]  # no stubs in the project's dependencies
from pydantic import ValidationError

from playbooks.schemas import PlaybookContent
from triage.core.errors import InvalidInputError

LIBRARY_DIR = Path(__file__).parent / "library"
# libyaml's parser when PyYAML was built with it (the wheels are): the same safe
# constructors, about ten times faster than the pure-Python parser, which took most
# of the ~0.1 s `triage assess` spent reading the library at every start.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_playbook_file(path: Path) -> PlaybookContent:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
        return PlaybookContent.model_validate(data)
    except (yaml.YAMLError, ValidationError) as error:
        raise InvalidInputError(f"{path.name}: {error}") from error


def read_directory(directory: Path) -> list[PlaybookContent]:
    """Every `*.yaml` in `directory`, validated; any invalid file fails the whole read."""
    contents = [read_playbook_file(path) for path in sorted(directory.glob("*.yaml"))]
    ids = [content.id for content in contents]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InvalidInputError(f"playbook ids defined twice: {duplicates}")
    return contents


def default_playbooks() -> list[PlaybookContent]:
    """The library the project ships."""
    return read_directory(LIBRARY_DIR)
