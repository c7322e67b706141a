"""Turn a published playbook into the exact text a citizen receives.

Only three things happen here, all fixed: choose the language, fill `{variables}` from
facts the caller looked up in data (the municipality, the nearest open shelter), append
the mandatory footer. Nothing from the citizen's message is ever put into a reply; the
facts are substituted in one pass, so a value can never be read as a variable itself.
Pure: the shelter search lives with the routing layer (`triage.routing.answers`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from playbooks.schemas import LOCATION_VARIABLES, SITUATION_PREFIX, PlaybookContent, variables_in

# DESIGN.md policy 4: every automatic reply says a person will follow up if needed and to
# call 119/110 when life is in danger. Kept short: Japanese SMS is 70 characters a segment.
FOOTERS: Mapping[str, str] = {
    "ja": "必要に応じ職員から連絡します。命の危険がある時は119番・110番へ。",
    "ja-easy": "ひつようなら やくしょの 人から れんらく します。"
    "いのちが あぶない ときは 119か 110へ。",
    "en": "Staff will contact you if needed. If a life is in danger, call 119 or 110.",
    "zh": "如有需要，工作人员会与您联系。如有生命危险，请拨打119或110。",
    "ko": "필요하면 담당자가 연락드립니다. 생명이 위험하면 119 또는 110에 전화하세요.",
    "vi": "Nếu cần, nhân viên sẽ liên lạc. Nguy hiểm tính mạng: gọi 119 hoặc 110.",
    "pt": "Se preciso, um funcionário entrará em contato. Risco de vida: ligue 119 ou 110.",
    "es": "Si hace falta, un funcionario le contactará. Peligro de vida: llame al 119 o 110.",
    "tl": "Kung kailangan, may kawaning tatawag sa iyo."
    " Kapag nanganganib ang buhay, tumawag sa 119 o 110.",
    "ne": "आवश्यक परे कर्मचारीले सम्पर्क गर्नेछन्। ज्यान खतरामा भए 119 वा 110 मा फोन गर्नुहोस्।",
    "id": "Jika perlu, petugas akan menghubungi Anda. Jika nyawa terancam, hubungi 119 atau 110.",
}

# What `{municipality}` becomes when the inquiry's municipality is unknown.
MUNICIPALITY_FALLBACK: Mapping[str, str] = {
    "ja": "お住まいの市区町村",
    "ja-easy": "すんで いる 市や 町",
    "en": "your city or town",
    "zh": "您所在的市町村",
    "ko": "거주지 지자체",
    "vi": "chính quyền địa phương",
    "pt": "sua prefeitura",
    "es": "su municipio",
    "tl": "inyong munisipyo",
    "ne": "तपाईंको नगरपालिका",
    "id": "pemerintah daerah Anda",
}

FALLBACK_LANGUAGES = ("ja-easy", "ja")

_VARIABLE = re.compile(r"\{([a-z_]+)\}")


def answer_language(playbook: PlaybookContent, language: str) -> str:
    """The citizen's language if the playbook has it (zh-CN counts as zh), else やさしい日本語,
    else Japanese (always present)."""
    wanted = language.strip().lower()
    for candidate in (wanted, wanted.split("-")[0], *FALLBACK_LANGUAGES):
        if candidate in playbook.answers:
            return candidate
    return "ja"


def footer(language: str) -> str:
    return FOOTERS.get(language, FOOTERS["ja"])


def _fill(template: str, values: Mapping[str, str]) -> str:
    # A variable with no value stays as written: callers that send (Answers.choose, the
    # console's suggestions) never pick a playbook whose situation values are unset, and
    # the editor's preview then shows which one is missing.
    return _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), template)


# After an answer that names the nearest shelter, when a coordinator reported on it: how
# fresh that is, so a citizen can judge it (a shelter can close within the hour).
STATUS_AS_OF: Mapping[str, str] = {
    "ja": "（避難所の状況は{t}時点）",
    "ja-easy": "（ひなんじょの ようすは {t} の じょうほう です）",
    "en": "(Shelter status as of {t})",
    "zh": "（避难所状况截至{t}）",
    "ko": "(대피소 현황: {t} 기준)",
    "vi": "(Tình trạng nơi sơ tán tính đến {t})",
    "pt": "(Situação do abrigo em {t})",
    "es": "(Estado del refugio a las {t})",
    "tl": "(Kalagayan ng evacuation center noong {t})",
    "ne": "(आश्रयस्थलको अवस्था {t} सम्मको)",
    "id": "(Status tempat pengungsian per {t})",
}


def _status_as_of(language: str, facts: Mapping[str, str]) -> str:
    japanese = language in ("ja", "ja-easy")
    moment = facts.get(
        "shelter_status_updated_at" if japanese else "shelter_status_updated_at:intl"
    )
    if not moment:
        return ""
    return "\n" + STATUS_AS_OF.get(language, STATUS_AS_OF["en"]).format(t=moment)


def render_reply(playbook: PlaybookContent, language: str, facts: Mapping[str, str]) -> str:
    """The full reply: answer in the chosen language, variables filled, footer appended.

    `facts` may hold `municipality` and the location variables (`nearest_shelter_name`,
    `nearest_shelter_distance_km`). When an answer needs a location fact that is not
    there (no location, too vague, no open shelter near), the playbook's no-location
    variant in the same language is sent instead.
    """
    chosen = answer_language(playbook, language)
    body = playbook.answers[chosen]
    values = {
        "municipality": facts.get("municipality")
        or MUNICIPALITY_FALLBACK.get(chosen, MUNICIPALITY_FALLBACK["ja"])
    }
    # Situation values, in this language where a coordinator wrote one, else Japanese.
    values |= {
        name: facts.get(f"{name}:{chosen}") or facts[name]
        for name in facts
        if name.startswith(SITUATION_PREFIX) and ":" not in name
    }
    needs_location = playbook.requires_location or bool(variables_in(body) & LOCATION_VARIABLES)
    as_of = ""
    if needs_location:
        if facts.keys() >= LOCATION_VARIABLES:
            values |= {name: facts[name] for name in LOCATION_VARIABLES}
            if variables_in(body) & {"nearest_shelter_name"}:
                as_of = _status_as_of(chosen, facts)
        else:
            body = _no_location_body(playbook, chosen)
    return _fill(body.strip(), values) + as_of + "\n" + footer(chosen)


def _no_location_body(playbook: PlaybookContent, language: str) -> str:
    for candidate in (language, *FALLBACK_LANGUAGES):
        if candidate in playbook.answers_no_location:
            return playbook.answers_no_location[candidate]
    # Schema validation guarantees a variant wherever location variables are used.
    return playbook.answers_no_location.get("ja", playbook.answers[language])
