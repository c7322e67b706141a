"""The playbook editor's form: one field per part of a playbook, answers per language
side by side, read back into a `PlaybookContent` with each validation error placed next
to the field it is about."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from playbooks.schemas import SUPPORTED_LANGUAGES, PlaybookContent

# Keywords are typed one per line or separated by commas (ASCII or Japanese).
_KEYWORD_SPLIT = re.compile(r"[\n,、，]+")
TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass
class PlaybookForm:
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)  # field name -> message
    general: list[str] = field(default_factory=list)
    content: PlaybookContent | None = None


def form_values(content: PlaybookContent) -> dict[str, str]:
    """The fields of an existing version, as the form shows them."""
    values = {
        "title_ja": content.title_ja,
        "categories": ",".join(str(c) for c in content.categories),
        "requires_location": "on" if content.requires_location else "",
        "areas": "\n".join(content.areas),
        "valid_from": _local(content.valid_from),
        "valid_until": _local(content.valid_until),
    }
    for language in SUPPORTED_LANGUAGES:
        values[f"answer_{language}"] = content.answers.get(language, "")
        values[f"no_location_{language}"] = content.answers_no_location.get(language, "")
        values[f"keywords_{language}"] = "\n".join(content.keywords.get(language, []))
    return values


def read_form(playbook_id: str, fields: dict[str, Any]) -> PlaybookForm:
    """The submitted form as content, or the errors that stop it."""
    values = {key: str(value) for key, value in fields.items() if isinstance(value, str)}
    categories = [c for c in fields.get("categories_list", []) if c]
    values["categories"] = ",".join(categories)
    data: dict[str, Any] = {
        "id": playbook_id,
        "title_ja": values.get("title_ja", "").strip(),
        "categories": categories,
        "requires_location": values.get("requires_location") == "on",
        "answers": {},
        "answers_no_location": {},
        "keywords": {},
        "areas": [a.strip() for a in _KEYWORD_SPLIT.split(values.get("areas", "")) if a.strip()],
    }
    for name in ("valid_from", "valid_until"):
        moment = _from_local(values.get(name, ""))
        if moment == "invalid":
            data[name] = values.get(name)  # the schema's message says what is wrong
        elif moment is not None:
            data[name] = moment
    for language in SUPPORTED_LANGUAGES:
        answer = values.get(f"answer_{language}", "").strip()
        if answer:
            data["answers"][language] = answer
        fallback = values.get(f"no_location_{language}", "").strip()
        if fallback:
            data["answers_no_location"][language] = fallback
        words = [w.strip() for w in _KEYWORD_SPLIT.split(values.get(f"keywords_{language}", ""))]
        if any(words):
            data["keywords"][language] = [w for w in words if w]
    form = PlaybookForm(values)
    try:
        form.content = PlaybookContent.model_validate(data)
    except ValidationError as error:
        for problem in error.errors():
            _place(form, problem["loc"], problem["msg"])
    return form


def _local(moment: datetime | None) -> str:
    """A stored UTC time as the form's `datetime-local` value, in Japan time."""
    return moment.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _from_local(value: str) -> datetime | str | None:
    """The form's Japan-time `datetime-local` value as an aware datetime."""
    if not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=TOKYO)
    except ValueError:
        return "invalid"


_FIELD_OF = {"answers": "answer", "answers_no_location": "no_location", "keywords": "keywords"}


def _place(form: PlaybookForm, location: tuple[Any, ...], message: str) -> None:
    message = message.removeprefix("Value error, ")
    if location and location[0] in ("title_ja", "categories", "areas", "valid_from", "valid_until"):
        form.errors[str(location[0])] = message
        return
    if len(location) >= 2 and location[0] in _FIELD_OF:
        form.errors[f"{_FIELD_OF[location[0]]}_{location[1]}"] = message
        return
    # A rule about the whole playbook names its field in words: put it there if it does.
    for language in SUPPORTED_LANGUAGES:
        if f"answers_no_location.{language}" in message:
            form.errors[f"no_location_{language}"] = message
            return
        if f"the {language} answer" in message or f"a {language} answer" in message:
            form.errors[f"answer_{language}"] = message
            return
    form.general.append(message)
