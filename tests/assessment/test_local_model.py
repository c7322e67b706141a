from pathlib import Path

import numpy as np
import pytest

from triage.assessment.local_model import LocalModel, default_model_path
from triage.assessment.schemas import Category, Engine, Priority
from triage.assessment.training_run import load_training_examples


@pytest.fixture(scope="module")
def model() -> LocalModel:
    return LocalModel.load()


def test_shipped_artefact_is_small_and_pickle_free() -> None:
    path = default_model_path()
    assert path.stat().st_size < 5_000_000
    with np.load(path, allow_pickle=False) as data:  # raises if anything needs pickle
        assert "vocabulary" in data


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("祖母が家の下敷きになっています", Priority.LIFE_THREAT),
        ("近くの避難所はどこですか", Priority.ROUTINE),
        ("ありがとうございました", Priority.NO_ACTION),
        ("Where can I get drinking water?", Priority.ROUTINE),
    ],
)
def test_predicts_plain_cases(model: LocalModel, text: str, priority: Priority) -> None:
    verdict = model.predict(text)
    assert verdict.engine is Engine.LOCAL_MODEL
    assert verdict.priority is priority


def test_category_of_a_certificate_question(model: LocalModel) -> None:
    assert (
        model.predict("罹災証明書はどこで申請できますか").category is Category.CERTIFICATES_SUPPORT
    )


def test_probabilities_sum_to_one(model: LocalModel) -> None:
    priority, category = model.probabilities("水がない")
    assert sum(priority.values()) == pytest.approx(1.0, abs=1e-4)
    assert sum(category.values()) == pytest.approx(1.0, abs=1e-4)


def test_verdict_carries_the_p1_p2_probability(model: LocalModel) -> None:
    text = "食料はどこで配っていますか"
    priority, _ = model.probabilities(text)
    verdict = model.predict(text)
    assert verdict.urgent_probability == pytest.approx(priority["P1"] + priority["P2"], abs=1e-6)
    trapped = model.predict("家が潰れて母が閉じ込められています").urgent_probability
    assert trapped is not None and verdict.urgent_probability is not None
    assert trapped > verdict.urgent_probability


def test_empty_text_is_not_an_error(model: LocalModel) -> None:
    assert model.predict("").priority in set(Priority)


def test_training_data_is_valid_and_covers_every_language() -> None:
    examples = load_training_examples()
    languages = {e["language"] for e in examples}
    assert {"ja", "ja-easy", "en", "zh", "ko", "vi", "pt", "es", "tl", "ne", "id"} <= languages
    assert {e["priority"] for e in examples} == {p.value for p in Priority}


def test_training_and_evaluation_sets_do_not_share_messages() -> None:
    """Our dev set and every helper-written holdout are evaluation only."""
    import json

    folder = Path(__file__).parents[2] / "ops" / "eval" / "assessment"
    sets = [folder / "dev.jsonl", *sorted(folder.glob("*_holdout.jsonl"))]
    if not all(path.exists() for path in sets):
        pytest.skip("evaluation sets not present")
    train_texts = {e["text"] for e in load_training_examples()}
    for path in sets:
        lines = path.read_text("utf-8").splitlines()
        texts = {json.loads(line)["text"] for line in lines if line}
        assert not texts & train_texts, path.name
