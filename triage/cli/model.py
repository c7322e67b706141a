"""`triage model train [--with-corrections] [--out PATH]`: retrain the local model.

Without corrections it is the reproducible training of the shipped model (the project's
own `training/*.jsonl`, same bytes every time). With `--with-corrections` responders'
reclassifications from TRIAGE_DATABASE_URL are added, the model goes to a new file under
TRIAGE_HOME, and a before/after table shows what it changes: on the corrections
themselves and on the project's dev set, through the workers' own pipeline.

Nothing retrains by itself: an operator runs this, reads the table, and only then points
TRIAGE_LOCAL_MODEL_PATH at the new file and restarts the workers. A model that learnt
from corrections carries n-grams of citizens' messages, so it is written private (0600)
and never over the shipped model, which must stay trained on the project's text alone.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from triage.assessment.corrections import distinct_texts
from triage.assessment.evaluation import Report
from triage.core.db import make_engine, make_session_factory, utcnow
from triage.core.private_files import ensure_private_dir, ensure_private_file
from triage.core.settings import Settings, get_settings

if TYPE_CHECKING:
    from rich.console import Console

# The project's own dev set; present in a checkout, not in an installed package (the
# Docker image), where only the corrections are compared.
DEV_SET = Path(__file__).resolve().parents[2] / "ops" / "eval" / "assessment" / "dev.jsonl"
# The figures of docs/EVALUATION.md that a correction can move, as `Report` fields.
COMPARED = (
    ("P1 recall", "p1_recall"),
    ("P1+P2 to a human", "p1_p2_to_human"),
    ("P1/P2 answered only automatically (must be 0)", "p1_p2_auto_answered"),
    ("urgent precision", "urgent_precision"),
    ("P3 answered", "p3_auto_answered"),
    ("category macro-F1", "category_macro_f1"),
)


@dataclass(frozen=True)
class Comparison:
    """One labelled set measured with the model in use and with the new one."""

    name: str
    before: Report
    after: Report


def train_command(*, with_corrections: bool = False, out: Path | None = None) -> None:
    # scikit-learn is imported only here: serving needs numpy alone.
    from triage.assessment.local_model import default_model_path
    from triage.assessment.training_run import train

    if not with_corrections:
        path = train(out or default_model_path())
        sys.stderr.write(f"wrote {path}\n")
        return
    settings = get_settings()
    examples = correction_examples(settings)
    if not examples:
        typer.echo("no reclassified inquiries with words to learn from: nothing trained", err=True)
        raise typer.Exit(1)
    path = _corrected_model_path(settings, out, shipped=default_model_path())
    sys.stderr.write(f"training with {len(examples)} corrections ...\n")
    train(path, examples)
    in_use = settings.local_model_path or default_model_path()
    if _examples_of(in_use) != _examples_of(path):
        sys.stderr.write(
            "note: the model in use was trained on another set of the project's examples; "
            "the difference below is not the corrections' alone\n"
        )
    sets = [("corrections", examples)]
    if DEV_SET.is_file():
        from triage.cli.assess import load_labelled

        dev = load_labelled(DEV_SET)
        sets.append(("dev set", dev))
        shared = {e["text"] for e in examples} & {r["text"] for r in dev}
        if shared:
            sys.stderr.write(
                f"{len(shared)} corrections are dev-set messages: the dev figures after "
                "training on them are not independent\n"
            )
    else:
        sys.stderr.write(f"{DEV_SET} not found: comparing on the corrections only\n")
    from rich.console import Console

    print_comparison(compare(sets, path), Console())
    sys.stderr.write(
        f"wrote {path}\nnothing uses it yet: to run it, set TRIAGE_LOCAL_MODEL_PATH={path} "
        "and restart the workers (`triage eval FILE --model PATH` compares on any set)\n"
    )


def correction_examples(settings: Settings) -> list[dict[str, Any]]:
    """The latest correction of each distinct text, as labelled records."""
    from triage.inquiries.corrections import read_corrections

    engine = make_engine(settings)
    try:
        with make_session_factory(engine)() as session:
            corrections = read_corrections(session=session)
    finally:
        engine.dispose()
    return [c.as_example() for c in distinct_texts(corrections)]


def _corrected_model_path(settings: Settings, out: Path | None, *, shipped: Path) -> Path:
    """Where a model with corrections goes: `--out`, else a new file under TRIAGE_HOME;
    a private file either way, and never the shipped artefact."""
    if out is None:
        folder = ensure_private_dir(settings.home / "models")
        out = folder / f"local_model-{utcnow():%Y%m%dT%H%M%SZ}.npz"
        if out.exists():
            raise typer.BadParameter(f"{out} exists; try again in a second or give --out")
    if out.resolve() == shipped.resolve():
        raise typer.BadParameter(
            "the shipped model is trained on the project's examples only; give another --out"
        )
    return ensure_private_file(out)


def _examples_of(model_path: Path) -> object:
    """How many of the project's own examples a model file was trained on (its meta)."""
    import numpy as np

    with np.load(model_path, allow_pickle=False) as data:
        return json.loads(str(data["meta"])).get("examples")


def compare(sets: list[tuple[str, list[dict[str, Any]]]], model_path: Path) -> list[Comparison]:
    """Each set through the pipeline with the configured model, then with `model_path`."""
    from triage.cli.assess import evaluate_records, load_pipeline

    before, after = load_pipeline(), load_pipeline(model_path=model_path)
    return [
        Comparison(name, evaluate_records(records, before), evaluate_records(records, after))
        for name, records in sets
    ]


def _figure(report: Report, field: str) -> str:
    value = getattr(report, field)
    return "-" if value is None else f"{value:.3f}"


def print_comparison(comparisons: list[Comparison], console: Console) -> None:
    """Figures only, never a message: the corrections are citizens' words."""
    from rich.table import Table

    table = Table(title="Before (the model in use) and after (with corrections)")
    table.add_column("metric")
    for comparison in comparisons:
        count = comparison.before.count
        table.add_column(f"{comparison.name} ({count}) before", justify="right")
        table.add_column("after", justify="right")
    for name, field in COMPARED:
        cells = [
            _figure(report, field)
            for comparison in comparisons
            for report in (comparison.before, comparison.after)
        ]
        table.add_row(name, *cells)
    console.print(table)
