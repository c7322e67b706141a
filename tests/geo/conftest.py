from __future__ import annotations

import pytest

from triage.geo.gazetteer import Gazetteer, load_gazetteer


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The bundled gazetteer, loaded once for the whole session (it is cached anyway)."""
    return load_gazetteer()
