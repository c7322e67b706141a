import io
import json
from pathlib import Path

import pytest

from triage.cli.assess import (
    Verdicts,
    assess_stream,
    eval_command,
    evaluate_records,
    load_pipeline,
    run_message,
    tolerant_streams,
)
from triage.routing.pipeline import MessageFacts, TriageOutcome, TriagePipeline

FIELDS = {"id", "priority", "category", "language", "location", "route", "playbook", "engine"}


@pytest.fixture(scope="module")
def pipeline() -> TriagePipeline:
    return load_pipeline()


def run_assess(
    pipeline: TriagePipeline, lines: list[str], errors: io.StringIO | None = None
) -> list[dict[str, object]]:
    out = io.StringIO()
    assess_stream(lines, out, Verdicts(pipeline), errors if errors is not None else io.StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_output_line_per_input_with_the_documented_fields(pipeline: TriagePipeline) -> None:
    records = run_assess(
        pipeline,
        [
            json.dumps(
                {"id": "a", "text": "輪島市河井町で母が家に閉じ込められています", "channel": "sms"}
            ),
            json.dumps({"id": "b", "text": "ありがとうございました"}),
            "",
        ],
    )
    assert [r["id"] for r in records] == ["a", "b"]
    assert all(set(r) == FIELDS for r in records)
    urgent = records[0]
    assert (urgent["priority"], urgent["route"], urgent["engine"]) == ("P1", "urgent", "rules")
    assert urgent["playbook"] is None
    location = urgent["location"]
    assert isinstance(location, dict) and location["municipality"] == "輪島市"


def test_urgent_inquiries_never_get_a_playbook(pipeline: TriagePipeline) -> None:
    records = run_assess(
        pipeline, [json.dumps({"id": "x", "text": "避難所で父が倒れて意識がない"})]
    )
    assert records[0]["route"] == "urgent"
    assert records[0]["playbook"] is None


def test_evaluate_records_reports_the_safety_metrics(pipeline: TriagePipeline) -> None:
    records = [
        {
            "text": "家に閉じ込められています",
            "priority": "P1",
            "category": "rescue",
            "language": "ja",
        },
        {"text": "近くの避難所はどこですか", "priority": "P3", "category": "evacuation_shelter"},
        {"text": "ありがとうございました", "priority": "P4", "category": "other"},
    ]
    report = evaluate_records(records, pipeline)
    assert report.count == 3
    assert report.p1_recall == 1.0
    assert report.p1_p2_auto_answered == 0.0
    assert report.confusion["P1"]["P1"] == 1


def test_eval_command_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "set.jsonl"
    file.write_text(
        json.dumps({"text": "隣の家が燃えている", "priority": "P1", "category": "fire"}) + "\n",
        encoding="utf-8",
    )
    eval_command(file, json_output=True)
    result = json.loads(capsys.readouterr().out)
    assert result["p1_recall"] == 1.0
    assert result["count"] == 1


def test_a_message_without_words_goes_to_a_person(pipeline: TriagePipeline) -> None:
    """The same routing as the workers: an emoji alone is never closed automatically."""
    outcome = run_message(pipeline, "🙏")
    assert outcome.route.value == "staff" and outcome.playbook_id is None


def test_a_closed_message_reports_the_acknowledgement_like_the_workers(
    pipeline: TriagePipeline,
) -> None:
    (record,) = run_assess(pipeline, [json.dumps({"id": "t", "text": "ありがとうございました"})])
    assert (record["route"], record["playbook"]) == ("closed", "thanks")


class FailingOn(TriagePipeline):
    """The real pipeline, except that one text makes it raise, as an unforeseen bug would."""

    def __init__(self, inner: TriagePipeline, poison: str) -> None:
        super().__init__(
            inner.engine,
            inner.gazetteer,
            inner.answers,
            area_hint=inner.area_hint,
            geocoder=inner.geocoder,
        )
        self.poison = poison

    def run(self, text: str, facts: MessageFacts | None = None) -> TriageOutcome:
        if text == self.poison:
            raise RuntimeError(f"unexpected, about {text}")
        return super().run(text, facts)


def test_one_bad_message_never_aborts_the_batch(pipeline: TriagePipeline) -> None:
    poison = "住所は秘密の場所"
    lines = [
        json.dumps({"id": "before", "text": "ありがとうございました"}),
        json.dumps({"id": "bad", "text": poison}, ensure_ascii=False),
        "[" * 100_000,  # nested past the JSON decoder's recursion limit
        '{"id": ' + "1" * 5000 + ', "text": "x"}',  # past Python's int(str) digit limit
        json.dumps({"id": "after", "text": "家に閉じ込められています"}, ensure_ascii=False),
    ]
    errors = io.StringIO()
    records = run_assess(FailingOn(pipeline, poison), lines, errors)
    assert [r["id"] for r in records] == ["before", "bad", "after"]
    bad = records[1]
    assert bad["route"] == "staff" and bad["error"] == "RuntimeError"
    assert poison not in json.dumps(bad, ensure_ascii=False)
    assert set(bad) == FIELDS | {"error"}
    assert records[2]["route"] == "urgent"
    assert errors.getvalue().splitlines() == [
        "triage assess: line 3: not valid JSON; skipped",
        "triage assess: line 4: not valid JSON; skipped",
    ]
    assert all(r["route"] in {"urgent", "auto_reply", "staff", "closed"} for r in records)


def test_broken_characters_in_and_out_do_not_stop_the_stream(pipeline: TriagePipeline) -> None:
    raw_in = b'{"id": "a", "text": "\xff\xfe\xe5\xae"}\n{"id": "\\ud800", "text": "\\udc00"}\n'
    stdin, stdout = tolerant_streams(
        io.TextIOWrapper(io.BytesIO(raw_in), encoding="utf-8"),
        io.TextIOWrapper(io.BytesIO(), encoding="utf-8"),
    )
    assess_stream(stdin, stdout, Verdicts(pipeline))
    stdout.flush()
    assert isinstance(stdout, io.TextIOWrapper)
    buffer = stdout.buffer
    assert isinstance(buffer, io.BytesIO)
    records = [json.loads(line) for line in buffer.getvalue().decode("utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a", "\ud800"]
    assert all(r["route"] == "staff" for r in records)


def test_a_line_that_is_not_a_message_is_an_error_with_its_line_number(
    pipeline: TriagePipeline,
) -> None:
    """Not JSON, not an object, or no text: reported on stderr, never guessed into a P1."""
    errors = io.StringIO()
    lines = [
        '{"id": "first", "text": "給水所はどこですか"}',
        '{"id": "cut", "text": "家が',
        '["a", "list"]',
        '{"id": "no-text"}',
        '{"id": "last", "text": "ありがとうございました"}',
    ]
    records = run_assess(pipeline, lines, errors)
    assert [r["id"] for r in records] == ["first", "last"]
    assert all(r["priority"] in {"P3", "P4"} for r in records)
    assert errors.getvalue().splitlines() == [
        "triage assess: line 2: not valid JSON; skipped",
        "triage assess: line 3: a JSON list, not an object; skipped",
        'triage assess: line 4: no "text" string; skipped',
    ]
    assert "家が" not in errors.getvalue()


def test_explain_gives_each_layer_with_its_reasons(pipeline: TriagePipeline) -> None:
    out = io.StringIO()
    line = json.dumps({"id": "e", "text": "家に閉じ込められて動けません"}, ensure_ascii=False)
    assess_stream([line], out, Verdicts(pipeline, explain=True), io.StringIO())
    record = json.loads(out.getvalue())
    assert set(record) == FIELDS | {"explain"}
    explain = record["explain"]
    engines = [layer["engine"] for layer in explain["layers"]]
    assert engines == ["rules", "local_model"]
    rules = explain["layers"][0]
    assert rules["priority"] == "P1" and any("閉じ込め" in r for r in rules["reasons"])
    assert 0.0 <= explain["urgent_probability"] <= 1.0
    assert explain["playbook_score"] is None  # urgent: no playbook answers it
