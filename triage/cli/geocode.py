"""`triage geocode`: one JSON line per line of stdin (an address or a message), offline.

Output fields: text, prefecture, municipality, lgcode, town, lat, lon, confidence (null
where unknown). The progress bar goes to stderr, and only when stderr is a terminal, so
piped output stays clean.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from triage.geo.gazetteer import Gazetteer, load_gazetteer
from triage.geo.geotag import geotag


def geocode_line(text: str, gazetteer: Gazetteer) -> dict[str, Any]:
    """The output record of one input line."""
    found = geotag(text, gazetteer=gazetteer)
    return {
        "text": text,
        "prefecture": found.prefecture if found else None,
        "municipality": found.municipality if found else None,
        "lgcode": found.lgcode if found else None,
        "town": found.town if found else None,
        "lat": found.lat if found else None,
        "lon": found.lon if found else None,
        "confidence": found.confidence if found else None,
    }


def _lines(stream: TextIO) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\r\n")


def geocode_stream(lines: Iterable[str], out: TextIO, gazetteer: Gazetteer) -> int:
    count = 0
    for line in lines:
        out.write(json.dumps(geocode_line(line, gazetteer), ensure_ascii=False) + "\n")
        count += 1
    return count


def geocode_command() -> None:
    """Read stdin, write JSON lines to stdout."""
    gazetteer = load_gazetteer()
    if not sys.stderr.isatty():
        geocode_stream(_lines(sys.stdin), sys.stdout, gazetteer)
        return
    columns = (SpinnerColumn(), TextColumn("geocoded {task.completed} lines"), TimeElapsedColumn())
    with Progress(*columns, transient=True, console=None) as progress:
        task = progress.add_task("geocode", total=None)

        def counted() -> Iterator[str]:
            for line in _lines(sys.stdin):
                yield line
                progress.advance(task)

        geocode_stream(counted(), sys.stdout, gazetteer)
