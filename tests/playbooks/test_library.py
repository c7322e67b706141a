"""What the shipped default playbooks promise: valid, multilingual, short enough for SMS."""

from __future__ import annotations

import math
import re

import pytest

from playbooks.render import render_reply
from playbooks.schemas import PlaybookContent
from playbooks.seed import LIBRARY_DIR, default_playbooks
from playbooks.service import read_playbook_file
from triage.geo.schemas import GeoLocation, LocationPrecision, LocationSource

# A concatenated SMS in UCS-2 (any Japanese) carries 67 characters a segment.
UCS2_SEGMENT = 67
LIBRARY = default_playbooks()
IDS = [p.id for p in LIBRARY]
REQUIRED_LANGUAGES = {"ja", "ja-easy", "en", "zh", "ko", "vi", "pt"}
# A municipality the geotag knows, but no point: the no-location variant with a name.
LOCATED = GeoLocation(
    lat=None,
    lon=None,
    municipality="七尾市",
    precision=LocationPrecision.MUNICIPALITY,
    source=LocationSource.TEXT_GAZETTEER,
    confidence=0.8,
)


def segments(text: str) -> int:
    return math.ceil(len(text) / UCS2_SEGMENT)


def test_every_file_validates_and_is_named_after_its_id() -> None:
    files = sorted(LIBRARY_DIR.glob("*.yaml"))
    assert len(files) == len(LIBRARY) >= 17
    for path in files:
        assert read_playbook_file(path).id == path.stem


def test_the_library_covers_the_routine_topics() -> None:
    assert set(IDS) >= {
        "shelter_location",
        "water_food_distribution",
        "utilities_outage",
        "damage_certificate",
        "disaster_waste",
        "volunteer",
        "donations",
        "pets",
        "roads_transport",
        "safety_confirmation",
        "health_info",
        "thanks",
        "general_info",
        "school_status",
        "mail_delivery",
        "phone_charging_wifi",
        "bathing_laundry",
        "tarps_and_sandbags",
        "toilets",
        "mud_and_sediment_cleanup",
        "fee_reductions",
        "returning_home_and_restricted_areas",
        "information_in_other_languages",
        "feedback_and_complaints",
        "damaged_vehicles",
        "volcanic_ash",
    }


@pytest.mark.parametrize("playbook", LIBRARY, ids=IDS)
def test_languages(playbook: PlaybookContent) -> None:
    assert set(playbook.answers) >= REQUIRED_LANGUAGES
    assert set(playbook.keywords) >= REQUIRED_LANGUAGES - {"ja-easy"}
    if playbook.answers_no_location:
        assert set(playbook.answers_no_location) == set(playbook.answers)


@pytest.mark.parametrize("playbook", LIBRARY, ids=IDS)
def test_japanese_reply_with_footer_fits_two_sms_segments(playbook: PlaybookContent) -> None:
    for facts in ({}, {"municipality": LOCATED.municipality or ""}):
        reply = render_reply(playbook, "ja", facts)
        assert segments(reply) <= 2, (len(reply), reply)
    # With a shelter named: fill the template as render does, with a long name.
    if "{nearest_shelter_name}" in playbook.answers["ja"]:
        filled = playbook.answers["ja"].format(
            nearest_shelter_name="七尾市立御祓小学校体育館(第二避難所)",
            nearest_shelter_distance_km="12.5",
            municipality="七尾市",
        )
        assert segments(filled + "\n" + render_reply(playbook, "ja", {}).split("\n")[-1]) <= 2


@pytest.mark.parametrize("playbook", LIBRARY, ids=IDS)
def test_easy_japanese_reply_fits_three_sms_segments(playbook: PlaybookContent) -> None:
    assert segments(render_reply(playbook, "ja-easy", {})) <= 3


@pytest.mark.parametrize("playbook", LIBRARY, ids=IDS)
def test_no_invented_phone_numbers(playbook: PlaybookContent) -> None:
    """Only 119, 110 and 171 are numbers we may give: the rest are unknown to the project.

    00000JAPAN is the name of the nationwide disaster Wi-Fi network, not a number."""
    for text in [*playbook.answers.values(), *playbook.answers_no_location.values()]:
        text = text.replace("{nearest_shelter_distance_km}", "").replace("00000JAPAN", "")
        numbers = set(re.findall(r"\d{3,}", text))
        assert numbers <= {"171", "119", "110"}, text
