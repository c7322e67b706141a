from __future__ import annotations

from collections.abc import Collection

import pytest

from playbooks.render import FOOTERS, answer_language, footer, render_reply
from playbooks.schemas import SUPPORTED_LANGUAGES, PlaybookContent
from tests.playbooks.factories import NANAO, content
from triage.geo.gazetteer import Gazetteer, load_gazetteer
from triage.geo.schemas import GeoLocation, LocationPrecision, LocationSource
from triage.geo.shelters import nearest_shelters
from triage.routing.answers import Answers, LibraryAnswers


def render(
    playbook: PlaybookContent,
    language: str,
    location: GeoLocation | None,
    *,
    gazetteer: Gazetteer | None = None,
    closed_shelter_ids: Collection[str] = (),
) -> str:
    """The playbook rendered with the facts a worker looks up for this location."""
    facts = Answers(LibraryAnswers([]), gazetteer).facts(location, closed_shelter_ids)
    return render_reply(playbook, language, facts)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def shelter_playbook() -> PlaybookContent:
    return content(
        "shelter_test",
        categories=["evacuation_shelter"],
        requires_location=True,
        answers={
            "ja": "最寄りは「{nearest_shelter_name}」(約{nearest_shelter_distance_km}km)。",
            "en": "Nearest: {nearest_shelter_name} ({nearest_shelter_distance_km} km).",
        },
        answers_no_location={
            "ja": "{municipality}の発表をご確認ください。",
            "en": "Check announcements from {municipality}.",
        },
    )


def test_every_supported_language_has_a_footer() -> None:
    assert set(FOOTERS) == set(SUPPORTED_LANGUAGES)
    for text in FOOTERS.values():
        assert "119" in text and "110" in text


@pytest.mark.parametrize(
    ("answers", "asked", "expected"),
    [
        ({"ja": "a", "en": "b", "ja-easy": "c"}, "en", "en"),
        ({"ja": "a", "en": "b", "ja-easy": "c"}, "en-US", "en"),
        ({"ja": "a", "zh": "b", "ja-easy": "c"}, "zh-CN", "zh"),
        ({"ja": "a", "en": "b", "ja-easy": "c"}, "th", "ja-easy"),
        ({"ja": "a", "en": "b"}, "th", "ja"),
        ({"ja": "a", "ja-easy": "c"}, "ja", "ja"),
    ],
)
def test_language_fallback_order(answers: dict[str, str], asked: str, expected: str) -> None:
    assert answer_language(content(answers=answers), asked) == expected


@pytest.mark.parametrize("language", ["ja", "en", "vi", "th", "ja-easy"])
def test_reply_always_ends_with_the_footer_of_its_language(language: str) -> None:
    playbook = content(answers={"ja": "回答", "en": "Answer", "ja-easy": "こたえ"})
    reply = render(playbook, language, None)
    chosen = answer_language(playbook, language)
    assert reply.endswith(footer(chosen))
    assert reply.startswith(playbook.answers[chosen])


def test_nearest_shelter_is_filled_when_the_location_is_known(gazetteer: Gazetteer) -> None:
    reply = render(shelter_playbook(), "ja", NANAO, gazetteer=gazetteer)
    nearest = nearest_shelters(
        NANAO.lat or 0, NANAO.lon or 0, hazard=None, limit=1, gazetteer=gazetteer
    )[0]
    assert f"「{nearest.shelter.name}」" in reply
    assert "km" in reply and "{" not in reply
    assert reply.endswith(footer("ja"))


def test_closed_shelters_are_skipped(gazetteer: Gazetteer) -> None:
    first = nearest_shelters(
        NANAO.lat or 0, NANAO.lon or 0, hazard=None, limit=2, gazetteer=gazetteer
    )
    reply = render(
        shelter_playbook(),
        "ja",
        NANAO,
        gazetteer=gazetteer,
        closed_shelter_ids={first[0].shelter.id},
    )
    assert f"「{first[1].shelter.name}」" in reply


@pytest.mark.parametrize(
    "location",
    [
        None,
        GeoLocation(  # a municipality centroid: too vague to name "the nearest" shelter
            lat=37.0431,
            lon=136.9676,
            municipality="七尾市",
            precision=LocationPrecision.MUNICIPALITY,
            source=LocationSource.TEXT_GAZETTEER,
            confidence=0.8,
        ),
        GeoLocation(  # mid-Pacific: no shelter within reach
            lat=30.0,
            lon=160.0,
            precision=LocationPrecision.POINT,
            source=LocationSource.CHANNEL_GPS,
            confidence=0.9,
        ),
    ],
)
def test_no_location_variant_when_the_shelter_cannot_be_named(
    gazetteer: Gazetteer, location: GeoLocation | None
) -> None:
    reply = render(shelter_playbook(), "en", location, gazetteer=gazetteer)
    assert reply.startswith("Check announcements from ")
    assert "{" not in reply and "Nearest" not in reply


def test_municipality_has_a_fallback_in_the_reply_language() -> None:
    reply = render(shelter_playbook(), "ja", None)
    assert reply.startswith("お住まいの市区町村の発表")


def test_variable_values_are_inserted_once_never_expanded(gazetteer: Gazetteer) -> None:
    sneaky = GeoLocation(
        lat=None,
        lon=None,
        municipality="{nearest_shelter_name}",
        precision=LocationPrecision.MUNICIPALITY,
        source=LocationSource.TEXT_GAZETTEER,
        confidence=0.5,
    )
    reply = render(shelter_playbook(), "ja", sneaky, gazetteer=gazetteer)
    assert reply.startswith("{nearest_shelter_name}の発表")


def test_a_named_shelter_says_how_fresh_its_status_is() -> None:
    from playbooks.files import default_playbooks
    from playbooks.render import render_reply

    shelter = next(p for p in default_playbooks() if p.id == "shelter_location")
    facts = {
        "municipality": "七尾市",
        "nearest_shelter_name": "七尾市立東部中学校",
        "nearest_shelter_distance_km": "0.8",
        "shelter_status_updated_at": "12月1日 14:05",
        "shelter_status_updated_at:intl": "12/01 14:05 JST",
    }
    assert "（避難所の状況は12月1日 14:05時点）" in render_reply(shelter, "ja", facts)
    assert "(Shelter status as of 12/01 14:05 JST)" in render_reply(shelter, "en", facts)
    unreported = {k: v for k, v in facts.items() if not k.startswith("shelter_status")}
    assert "時点" not in render_reply(shelter, "ja", unreported)
