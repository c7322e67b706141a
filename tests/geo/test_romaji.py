"""Place names in the reader's script: romaji first, the kanji in brackets."""

from __future__ import annotations

import pytest

from triage.cli.assess import load_pipeline, run_message
from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.romaji import municipality_romaji, with_romaji


def _municipality(gazetteer: Gazetteer, name: str) -> Municipality:
    [found] = [m for m in gazetteer.municipalities if m.name == name]
    return found


@pytest.mark.parametrize(
    ("name", "romaji"),
    [
        ("輪島市", "Wajima-shi"),
        ("気仙沼市", "Kesennuma-shi"),
        ("南阿蘇村", "Minamiaso-mura"),
        ("穴水町", "Anamizu-machi"),
        ("札幌市中央区", "Sapporo-shi Chuo-ku"),
        # Read from kana by jaconv, with Hepburn's n' before a vowel and t before ch.
        ("天栄村", "Ten'ei-mura"),
        ("倶知安町", "Kutchan-cho"),
        ("南陽市", "Nanyo-shi"),
        ("豊後大野市", "Bungoono-shi"),
    ],
)
def test_municipalities_from_their_official_kana(
    gazetteer: Gazetteer, name: str, romaji: str
) -> None:
    assert municipality_romaji(_municipality(gazetteer, name), gazetteer) == romaji


def test_a_shelter_keeps_its_kanji_for_whoever_reads_it_aloud(gazetteer: Gazetteer) -> None:
    shown = with_romaji("輪島市文化会館", _municipality(gazetteer, "輪島市"), gazetteer)
    assert shown.startswith("Wajima-shi ") and shown.endswith("(輪島市文化会館)")
    assert with_romaji("輪島市", _municipality(gazetteer, "輪島市"), gazetteer) == (
        "Wajima-shi (輪島市)"
    )


def test_replies_name_the_place_in_the_readers_script() -> None:
    pipeline = load_pipeline()
    for text, expected, absent in (
        ("Where is the nearest shelter? I am in Wajima city", "Wajima-shi (輪島市)", None),
        ("Nơi sơ tán gần nhất ở Wajima ở đâu?", "Wajima-shi (輪島市)", None),
        ("輪島市の避難所はどこですか", "輪島市", "Wajima"),
        ("轮岛市的避难所在哪里？", "輪島市", "Wajima"),
    ):
        outcome = run_message(pipeline, text)
        assert outcome.answer is not None, text
        reply = pipeline.answers.render(outcome.answer, outcome.location)
        assert expected in reply, (text, reply)
        if absent is not None:
            assert absent not in reply, (text, reply)
