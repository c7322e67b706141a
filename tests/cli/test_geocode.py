from __future__ import annotations

import io
import json

from triage.cli.geocode import geocode_stream
from triage.geo.gazetteer import load_gazetteer


def test_one_json_line_per_input_line() -> None:
    out = io.StringIO()
    geocode_stream(["石川県輪島市河井町", "水がほしい"], out, load_gazetteer())
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["municipality"] == "輪島市" and first["lgcode"] == "172049"
    assert first["town"] == "河井町" and first["confidence"] > 0.5
    assert set(second) == {
        "text",
        "prefecture",
        "municipality",
        "lgcode",
        "town",
        "lat",
        "lon",
        "confidence",
    }
    assert second["municipality"] is None and second["lat"] is None
