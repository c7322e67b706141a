"""Learning from responders: reclassifications read back as labelled examples, a model
trained with them, and the commands that train and compare (`triage model train
--with-corrections`, `triage eval --model`). Two trainings in all: one here, one by the
command."""

from __future__ import annotations

import json
import logging
import secrets
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from triage.assessment.corrections import Correction, distinct_texts
from triage.assessment.local_model import LocalModel
from triage.assessment.schemas import Category, Priority
from triage.assessment.training_run import train
from triage.cli.main import app
from triage.cli.purge import anonymise
from triage.core.db import utcnow
from triage.core.settings import Settings
from triage.inquiries import state
from triage.inquiries.corrections import read_corrections
from triage.inquiries.service import new_inquiry_id
from triage.inquiries.tables import Inquiry, InquiryStatus

# Read by the shipped model as P3 roads_transport; a responder files it under shelters.
KEYS = "町内会の集会所の鍵は誰が持っていますか"
# Read as P1 by the shipped model (nothing in it is a rule's); a responder calms it down.
BARKING = "うちの犬がずっと吠えていて落ち着かない"


def triaged_inquiry(
    session_factory: sessionmaker[Session], text: str, priority: str, category: str
) -> str:
    """An inquiry as the triage worker leaves it: assessed, routed, waiting for a person."""
    inquiry_id = new_inquiry_id()
    with session_factory() as session:
        session.add(
            Inquiry(
                id=inquiry_id,
                public_token=secrets.token_urlsafe(16),
                channel="web",
                provider_message_id=inquiry_id,
                text=text,
                received_at=utcnow(),
                status=InquiryStatus.TRIAGED,
                priority=priority,
                category=category,
                language="ja",
                route="staff",
            )
        )
        session.commit()
    return inquiry_id


def reclassify(
    session_factory: sessionmaker[Session],
    inquiry_id: str,
    actor: str,
    *,
    reason: str,
    priority: str | None = None,
    category: str | None = None,
) -> None:
    """A responder's correction through the console's own transition."""
    with session_factory() as session:
        state.reclassify(
            inquiry_id, actor, session=session, reason=reason, priority=priority, category=category
        )
        session.commit()


def test_the_latest_correction_wins_and_purged_or_empty_texts_are_skipped(
    session_factory: sessionmaker[Session], db_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    keys = triaged_inquiry(session_factory, KEYS, "P3", "roads_transport")
    reclassify(session_factory, keys, "aya", reason="急ぎではない", priority="P4")
    reclassify(
        session_factory,
        keys,
        "ken",
        reason="避難所の件",
        priority="P3",
        category="evacuation_shelter",
    )
    barking = triaged_inquiry(session_factory, BARKING, "P1", "pets")
    reclassify(session_factory, barking, "aya", reason="けが人なし", priority="P3")
    purged = triaged_inquiry(session_factory, "輪島市河井町で母が倒れています", "P3", "other")
    reclassify(session_factory, purged, "aya", reason="救急", priority="P1", category="medical")
    anonymise(db_engine, [purged])
    empty = triaged_inquiry(session_factory, "  ", "P3", "other")
    reclassify(session_factory, empty, "aya", reason="空", priority="P4")
    triaged_inquiry(session_factory, "給水車は何時に来ますか", "P3", "water_food_supplies")

    with caplog.at_level(logging.INFO), session_factory() as session:
        corrections = read_corrections(session=session)

    assert [(c.text, c.priority, c.category, c.corrected_by) for c in corrections] == [
        (KEYS, Priority.ROUTINE, Category.EVACUATION_SHELTER, "ken"),
        # Only the priority was changed: the category is the inquiry's own.
        (BARKING, Priority.ROUTINE, Category.PETS, "aya"),
    ]
    example = corrections[0].as_example()
    assert set(example) == {
        "text", "priority", "category", "language", "reason", "corrected_by", "corrected_at"
    }  # fmt: skip
    assert (example["reason"], example["language"]) == ("避難所の件", "ja")
    assert datetime.fromisoformat(example["corrected_at"]).tzinfo is not None
    assert "read 2 corrections; skipped 1" in caplog.text  # the purged one is never read
    assert KEYS not in caplog.text and BARKING not in caplog.text


def test_one_text_corrected_on_many_inquiries_is_one_example_the_latest() -> None:
    def correction(category: Category, minute: int) -> Correction:
        at = datetime(2026, 1, 1, 9, minute, tzinfo=UTC)
        return Correction(KEYS, Priority.ROUTINE, category, "ja", "", "aya", at)

    later = correction(Category.EVACUATION_SHELTER, 5)
    assert distinct_texts([later, correction(Category.INFORMATION_OTHER, 1)]) == [later]


@pytest.fixture(scope="module")
def corrected_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The model trained on the project's examples plus one responder's correction."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    correction = Correction(
        KEYS, Priority.ROUTINE, Category.EVACUATION_SHELTER, "ja", "", "ken", at
    )
    return train(tmp_path_factory.mktemp("model") / "corrected.npz", [correction.as_example()])


def test_training_with_a_correction_changes_the_verdict_on_its_text(corrected_model: Path) -> None:
    assert LocalModel.load().predict(KEYS).category is not Category.EVACUATION_SHELTER
    verdict = LocalModel.load(corrected_model).predict(KEYS)
    assert (verdict.priority, verdict.category) == (Priority.ROUTINE, Category.EVACUATION_SHELTER)


def _env(settings: Settings) -> dict[str, str | None]:
    return {
        "TRIAGE_HOME": str(settings.home),
        "TRIAGE_DATABASE_URL": settings.resolved_database_url,
        "TRIAGE_LOCAL_MODEL_PATH": None,  # "before" is the shipped model
        "COLUMNS": "200",  # rich's table on one line per row
    }


def test_eval_with_a_model_file_uses_that_model(corrected_model: Path, tmp_path: Path) -> None:
    labelled = tmp_path / "keys.jsonl"
    record = {"text": KEYS, "priority": "P3", "category": "evacuation_shelter"}
    labelled.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    runner = CliRunner()

    env: dict[str, str | None] = {"TRIAGE_LOCAL_MODEL_PATH": None}
    shipped = runner.invoke(app, ["eval", str(labelled), "--json"], env=env)
    corrected = runner.invoke(
        app, ["eval", str(labelled), "--json", "--model", str(corrected_model)], env=env
    )

    assert shipped.exit_code == 0 and corrected.exit_code == 0, shipped.output + corrected.output
    assert json.loads(shipped.stdout)["category_macro_f1"] == 0.0
    assert json.loads(corrected.stdout)["category_macro_f1"] == 1.0


def test_model_train_with_corrections_prints_before_and_after(
    settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    runner = CliRunner()
    out = tmp_path / "models" / "with-corrections.npz"
    command = ["model", "train", "--with-corrections", "--out", str(out)]

    nothing = runner.invoke(app, command, env=_env(settings))
    assert nothing.exit_code == 1 and "nothing trained" in nothing.output
    assert not out.exists()

    barking = triaged_inquiry(session_factory, BARKING, "P1", "pets")
    reclassify(session_factory, barking, "aya", reason="けが人なし", priority="P3")
    result = runner.invoke(app, command, env=_env(settings))

    assert result.exit_code == 0, result.output
    for heading in ("corrections (1) before", "dev set (", "after"):
        assert heading in result.stdout
    for metric in ("P1 recall", "P1+P2 to a human", "urgent precision", "P3 answered"):
        assert metric in result.stdout
    assert "category macro-F1" in result.stdout
    assert BARKING not in result.output  # figures only, never a citizen's words
    assert f"TRIAGE_LOCAL_MODEL_PATH={out}" in result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert LocalModel.load(out).predict(BARKING).priority is Priority.ROUTINE
