"""`triage assess`, `triage eval` and `triage model train`: plain functions the CLI registers.

`assess` is offline and has no side effects: rules + local model, the bundled gazetteer,
and the default playbooks when the playbook package provides them. It never calls the
LLM, whatever the settings say, so its output is reproducible.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from triage.assessment.engine import AssessmentEngine
from triage.assessment.evaluation import Outcome, Report, report
from triage.assessment.schemas import Assessment, Category, Priority, Route
from triage.routing import decide_route, has_words
from triage.settings import Settings

if TYPE_CHECKING:
    # rich is imported where it is used: `triage assess` into a pipe never draws a
    # progress bar or a table, and the import cost every process ~50 ms.
    from rich.console import Console

# (assessment, text) -> (playbook id, score) or None.
PlaybookMatcher = Callable[[Assessment, str], tuple[str, float] | None]
Geotagger = Callable[[str], dict[str, Any] | None]


def _no_playbooks(assessment: Assessment, text: str) -> tuple[str, float] | None:
    return None


def load_playbook_matcher() -> PlaybookMatcher:
    """The playbook matcher over the default playbooks, or a matcher of nothing when the
    playbooks package is not there yet (routing then uses decide_route(a, None))."""
    try:
        from playbooks.files import default_playbooks
        from playbooks.matcher import match
    except ImportError:
        return _no_playbooks
    playbooks = default_playbooks()
    if not playbooks:
        return _no_playbooks

    def matcher(assessment: Assessment, text: str) -> tuple[str, float] | None:
        found = match(assessment, text, playbooks)
        return (found.playbook_id, found.score) if found else None

    return matcher


def load_geotagger() -> Geotagger:
    from triage.geo.gazetteer import load_gazetteer
    from triage.geo.geotag import geotag

    gazetteer = load_gazetteer()

    def tag(text: str) -> dict[str, Any] | None:
        found = geotag(text, gazetteer=gazetteer)
        if found is None:
            return None
        return {
            "text": found.text,
            "prefecture": found.prefecture,
            "municipality": found.municipality,
            "lat": found.lat,
            "lon": found.lon,
        }

    return tag


# What `triage assess` says about a text, whatever the message id: (priority, category,
# language, location, route, playbook, engine).
_Verdict = tuple[str, str, str, dict[str, Any] | None, str, str | None, str]
# Distinct texts remembered by `Pipeline.record`. In a surge the same text arrives many
# times (retweets, copied appeals, a resident resending); a few thousand entries of a
# few hundred bytes each cover a burst of them at no real cost in memory.
VERDICT_CACHE_SIZE = 8192


@dataclass(frozen=True)
class Pipeline:
    """Everything `triage assess` does to one message, loaded once."""

    engine: AssessmentEngine
    matcher: PlaybookMatcher
    geotagger: Geotagger | None
    _verdicts: Callable[[str], _Verdict] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Every layer is a pure function of the text (assess_local, geotag, match), so a
        # repeated text can reuse the first verdict; only the message id differs.
        object.__setattr__(self, "_verdicts", lru_cache(VERDICT_CACHE_SIZE)(self._verdict))

    @classmethod
    def load(cls, *, with_geotagging: bool = True) -> Pipeline:
        # Offline by construction: an engine without the LLM.
        engine = AssessmentEngine.load(Settings(llm_base_url=None, llm_model=None))
        return cls(engine, load_playbook_matcher(), load_geotagger() if with_geotagging else None)

    def run(
        self, text: str, language_hint: str | None = None
    ) -> tuple[Assessment, Route, str | None]:
        assessment = self.engine.assess_local(text, language_hint=language_hint)
        found = self.matcher(assessment, text)
        route = decide_route(assessment, found[1] if found else None, has_words=has_words(text))
        playbook = found[0] if found and route is Route.AUTO_REPLY else None
        return assessment, route, playbook

    def _verdict(self, text: str) -> _Verdict:
        assessment, route, playbook = self.run(text)
        return (
            assessment.priority.value,
            assessment.category.value,
            assessment.language,
            self.geotagger(text) if self.geotagger else None,
            route.value,
            playbook,
            assessment.engine.value,
        )

    def record(self, message: dict[str, Any]) -> dict[str, Any]:
        text = str(message.get("text", ""))
        priority, category, language, location, route, playbook, engine = self._verdicts(text)
        return {
            "id": message.get("id"),
            "priority": priority,
            "category": category,
            "language": language,
            # A copy: the cached verdict is shared by every message with this text.
            "location": dict(location) if location is not None else None,
            "route": route,
            "playbook": playbook,
            "engine": engine,
        }


@contextmanager
def _progress(total: int | None, description: str) -> Iterator[Callable[[], None]]:
    """A rich progress bar on stderr when stderr is a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = [TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda: progress.advance(task)


def _json_lines(stream: Iterable[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            value = {"id": None, "text": line.rstrip("\r\n"), "error": f"line {number}: not JSON"}
        if not isinstance(value, dict):
            value = {"id": None, "text": str(value)}
        yield value


# One encoder for every output line: `json.dumps` with any keyword argument builds a
# new JSONEncoder per call. Same settings as `json.dumps(..., ensure_ascii=False)`.
_ENCODE_RECORD = json.JSONEncoder(ensure_ascii=False).encode


def assess_stream(lines: Iterable[str], out: TextIO, pipeline: Pipeline) -> int:
    count = 0
    with _progress(None, "assessing") as advance:
        for message in _json_lines(lines):
            out.write(_ENCODE_RECORD(pipeline.record(message)) + "\n")
            count += 1
            advance()
    return count


def assess_command() -> None:
    """stdin JSON lines {"id","text","channel"?} -> stdout JSON lines (DESIGN.md)."""
    pipeline = Pipeline.load()
    # Everything loaded so far (modules, model, playbooks, gazetteer) lives as long as
    # the process: moved out of the collector's sight, the full collections a long
    # stream triggers no longer walk those objects each time (about 1% of a run).
    gc.freeze()
    assess_stream(sys.stdin, sys.stdout, pipeline)


def load_labelled(path: Path) -> list[dict[str, Any]]:
    records = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            Priority(record["priority"])
            records.append(record)
    return records


def evaluate_records(records: list[dict[str, Any]], pipeline: Pipeline) -> Report:
    outcomes: list[Outcome] = []
    with _progress(len(records), "evaluating") as advance:
        for index, record in enumerate(records):
            assessment, route, _playbook = pipeline.run(record["text"])
            gold_category = record.get("category")
            outcomes.append(
                Outcome(
                    id=str(record.get("id", index)),
                    text=record["text"],
                    gold_priority=Priority(record["priority"]),
                    gold_category=Category(gold_category) if gold_category else None,
                    gold_language=record.get("language"),
                    priority=assessment.priority,
                    category=assessment.category,
                    language=assessment.language,
                    route=route,
                )
            )
            advance()
    return report(outcomes)


def print_report(result: Report, console: Console) -> None:
    from rich.table import Table

    table = Table(title=f"Triage evaluation ({result.count} messages)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    rows = [
        ("P1 recall", result.p1_recall),
        ("P1+P2 reaching a human", result.p1_p2_to_human),
        ("urgent precision", result.urgent_precision),
        ("P1/P2 answered only automatically (must be 0)", result.p1_p2_auto_answered),
        ("P3 answered automatically", result.p3_auto_answered),
        ("category macro-F1", result.category_macro_f1),
        ("language accuracy", result.language_accuracy),
    ]
    for name, value in rows:
        table.add_row(name, "-" if value is None else f"{value:.3f}")
    console.print(table)
    matrix = Table(title="priority confusion (rows: gold, columns: assessed)")
    matrix.add_column("gold")
    for priority in Priority:
        matrix.add_column(priority.value, justify="right")
    for gold, row in result.confusion.items():
        matrix.add_row(gold, *(str(row[p.value]) for p in Priority))
    console.print(matrix)


def eval_command(file: Path, json_output: bool) -> None:
    """Print the triage metrics of a labelled JSON-lines file (`--json` for machines)."""
    result = evaluate_records(load_labelled(file), Pipeline.load(with_geotagging=False))
    if json_output:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        from rich.console import Console

        print_report(result, Console())


def train_command() -> None:
    """Retrain the local model from `triage/assessment/training/*.jsonl`."""
    from triage.assessment.local_model import train_local_model

    path = train_local_model()
    sys.stderr.write(f"wrote {path}\n")
