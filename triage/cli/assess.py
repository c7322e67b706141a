"""`triage assess` and `triage eval`: plain functions the CLI registers.

Both run the service's own pipeline (`triage.routing.pipeline.TriagePipeline`), so what
they print is what the workers do: rules + local model, the bundled gazetteer with the
deployment's home area, the playbook choice and the route. Offline and reproducible:
never the LLM or an online geocoder, whatever the settings say. Answers come from the
default library files, or from the published playbooks of the configured database with
`--database`.

One bad message never stops a batch: every message gets its output line (an unexpected
error gives route "staff" and an "error" field with the exception type), and the command
exits 0. A line that is not a message (not JSON, not an object, no text) is not guessed
at: it is an error on stderr with its line number, and the batch goes on.

`--explain` adds an "explain" object per line: each layer's verdict with its reasons,
the flags, the model's urgent probability and the playbook score behind the route.
"""

from __future__ import annotations

import gc
import io
import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from triage.assessment.combine import describe_failure
from triage.assessment.evaluation import Outcome, Report, report
from triage.assessment.schemas import Category, Priority, Route
from triage.core.settings import get_settings
from triage.routing.answers import AnswerSource, DatabaseAnswers, LibraryAnswers
from triage.routing.pipeline import MessageFacts, TriageOutcome, TriagePipeline

if TYPE_CHECKING:
    # rich is imported where it is used: `triage assess` into a pipe never draws a
    # progress bar or a table, and the import cost every process ~50 ms.
    from rich.console import Console

# Distinct (text, channel) pairs remembered by `Verdicts`. In a surge the same text
# arrives many times (retweets, copied appeals, a resident resending); a few thousand
# entries of a few hundred bytes each cover a burst of them at no real cost in memory.
VERDICT_CACHE_SIZE = 8192

logger = logging.getLogger(__name__)


def load_pipeline(*, database: bool = False, model_path: Path | None = None) -> TriagePipeline:
    """The pipeline `triage assess` and `triage eval` run, offline; `model_path`: this
    local model file instead of the configured one (a before/after comparison)."""
    settings = get_settings()
    if model_path is not None:
        settings = settings.model_copy(update={"local_model_path": model_path})
    source: AnswerSource
    if database:
        from triage.core.db import make_engine, make_session_factory

        source = DatabaseAnswers.reading(make_session_factory(make_engine(settings)))
    else:
        source = LibraryAnswers()
    return TriagePipeline.load(settings, source, offline=True)


def run_message(pipeline: TriagePipeline, text: str, channel: str | None = None) -> TriageOutcome:
    """One message as the workers would triage it as a conversation's first message."""
    can_ask_back = False
    if channel:
        # The channel registry imports every provider SDK (~40 ms): only when asked.
        from channels.registry import capabilities_of

        can_ask_back = capabilities_of(channel).can_ask_back
    return pipeline.run(text, MessageFacts(can_ask_back=can_ask_back))


def location_record(outcome: TriageOutcome) -> dict[str, Any] | None:
    found = outcome.location
    if found is None:
        return None
    return {
        "text": found.text,
        "prefecture": found.prefecture,
        "municipality": found.municipality,
        "lat": found.lat,
        "lon": found.lon,
    }


def explanation(outcome: TriageOutcome) -> dict[str, Any]:
    """Why the route is what it is: every layer's view, as a responder's console shows it."""
    assessment = outcome.assessment
    urgent = assessment.urgent_probability
    return {
        "layers": [
            {
                "engine": verdict.engine.value,
                "priority": verdict.priority.value,
                "category": verdict.category.value,
                "confidence": round(verdict.confidence, 3),
                "reasons": list(verdict.reasons),
            }
            for verdict in assessment.verdicts
        ],
        "flags": list(assessment.flags),
        "urgent_probability": None if urgent is None else round(urgent, 3),
        "playbook_score": None if outcome.answer is None else round(outcome.answer.score, 3),
        "playbook_considered": _considered(outcome),
    }


def _considered(outcome: TriageOutcome) -> dict[str, Any] | None:
    considered = outcome.considered
    if considered is None:
        return None
    return {"id": considered.playbook_id, "score": round(considered.score, 3)}


class Verdicts:
    """What `triage assess` prints for a message. Every layer is a pure function of the
    text and channel, so a repeated message reuses the first verdict; only its id differs."""

    def __init__(self, pipeline: TriagePipeline, *, explain: bool = False) -> None:
        self.pipeline = pipeline
        self.explain = explain
        self._verdict = lru_cache(VERDICT_CACHE_SIZE)(self._compute)

    def _compute(self, text: str, channel: str | None) -> dict[str, Any]:
        outcome = run_message(self.pipeline, text, channel)
        verdict = {
            "priority": outcome.assessment.priority.value,
            "category": outcome.assessment.category.value,
            "language": outcome.assessment.language,
            "location": location_record(outcome),
            "route": outcome.route.value,
            "playbook": outcome.playbook_id,
            "engine": outcome.assessment.engine.value,
        }
        if self.explain:
            verdict["explain"] = explanation(outcome)
        return verdict

    def record(self, message: dict[str, Any]) -> dict[str, Any]:
        channel = message.get("channel")
        verdict = self._verdict(str(message.get("text", "")), str(channel) if channel else None)
        location = verdict["location"]
        # A copy: the cached verdict is shared by every message with this text.
        return {
            "id": message.get("id"),
            **verdict,
            "location": dict(location) if location is not None else None,
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


def _json_lines(stream: Iterable[str], errors: TextIO) -> Iterator[dict[str, Any]]:
    """The messages in the stream; a line that is not one is reported and skipped."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        message = _parse_message(line)
        if isinstance(message, str):
            # The line number and what is wrong, never the line (it may be a citizen's text).
            errors.write(f"triage assess: line {number}: {message}; skipped\n")
            continue
        yield message


def _parse_message(line: str) -> dict[str, Any] | str:
    """The message {"id","text","channel"?} on the line, or why the line is not one.
    Parsed once: a second `json.loads` of every line cost ~2% of a run."""
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):  # not JSON, nested too deep, a 4,301-digit number
        return "not valid JSON"
    if not isinstance(value, dict):
        return f"a JSON {type(value).__name__}, not an object"
    if not isinstance(value.get("text"), str):
        return 'no "text" string'
    return value


# One encoder for every output line: `json.dumps` with any keyword argument builds a
# new JSONEncoder per call. Same settings as `json.dumps(..., ensure_ascii=False)`.
_ENCODE_RECORD = json.JSONEncoder(ensure_ascii=False).encode


def failed_record(message: dict[str, Any], error: Exception) -> dict[str, Any]:
    """The output line of a message the pipeline raised on: a person looks at it."""
    return {
        "id": message.get("id"),
        "priority": None,
        "category": None,
        "language": None,
        "location": None,
        "route": Route.STAFF.value,
        "playbook": None,
        "engine": None,
        "error": type(error).__name__,
    }


def assess_stream(
    lines: Iterable[str], out: TextIO, verdicts: Verdicts, errors: TextIO | None = None
) -> int:
    """One output line per message, whatever a message does to the pipeline."""
    count = 0
    with _progress(None, "assessing") as advance:
        for message in _json_lines(lines, errors or sys.stderr):
            try:
                record = verdicts.record(message)
            except Exception as error:
                # The error's type and origin only: its message may quote the text.
                logger.error("message %d failed (%s)", count + 1, describe_failure(error))
                record = failed_record(message, error)
            out.write(_ENCODE_RECORD(record) + "\n")
            count += 1
            advance()
    return count


def tolerant_streams(stdin: TextIO, stdout: TextIO) -> tuple[TextIO, TextIO]:
    """stdin and stdout that a broken character cannot stop: invalid UTF-8 is read as
    U+FFFD, and a lone surrogate (a JSON "\\ud800" in an id) is written back as the same
    JSON escape, so every line still comes out as JSON."""
    if isinstance(stdin, io.TextIOWrapper):
        stdin.reconfigure(errors="replace")
    if isinstance(stdout, io.TextIOWrapper):
        stdout.reconfigure(errors="backslashreplace")
    return stdin, stdout


def assess_command(*, database: bool = False, explain: bool = False) -> None:
    """stdin JSON lines {"id","text","channel"?} -> stdout JSON lines (DESIGN.md)."""
    verdicts = Verdicts(load_pipeline(database=database), explain=explain)
    # Everything loaded so far (modules, model, playbooks, gazetteer) lives as long as
    # the process: moved out of the collector's sight, the full collections a long
    # stream triggers no longer walk those objects each time (about 1% of a run).
    gc.freeze()
    assess_stream(*tolerant_streams(sys.stdin, sys.stdout), verdicts)


def load_labelled(path: Path) -> list[dict[str, Any]]:
    records = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            Priority(record["priority"])
            records.append(record)
    return records


def evaluate_records(records: list[dict[str, Any]], pipeline: TriagePipeline) -> Report:
    outcomes: list[Outcome] = []
    with _progress(len(records), "evaluating") as advance:
        for index, record in enumerate(records):
            outcome = run_message(pipeline, record["text"], record.get("channel"))
            assessment, route = outcome.assessment, outcome.route
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


def eval_command(
    file: Path, json_output: bool, *, database: bool = False, model_path: Path | None = None
) -> None:
    """Print the triage metrics of a labelled JSON-lines file (`--json` for machines)."""
    pipeline = load_pipeline(database=database, model_path=model_path)
    result = evaluate_records(load_labelled(file), pipeline)
    if json_output:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        from rich.console import Console

        print_report(result, Console())
