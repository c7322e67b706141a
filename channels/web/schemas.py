"""What crosses the web channel's JSON API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from channels.base import GeoPoint

# Absolute cap for a JSON body; the text limit itself comes from Settings.
MAX_BODY_BYTES = 64 * 1024


class InquiryCreate(BaseModel):
    """The JSON API's body. Unknown fields are refused so typos do not pass silently."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "七尾市府中町の自宅で水が止まりました。高齢の母と二人です。",
                    "language": "ja",
                    "contact": "+819012345678",
                    "location": {"lat": 37.0431, "lon": 136.9672},
                },
                {"text": "Where is the nearest open shelter? We are in Wajima."},
            ]
        },
    )

    text: str = Field(description="the citizen's message")
    language: str | None = Field(
        default=None,
        max_length=16,
        pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
        description="BCP 47 tag, e.g. ja, en, pt-BR, ja-easy",
    )
    contact: str | None = Field(default=None, max_length=256, description="phone or e-mail")
    location: GeoPoint | None = None

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must not be empty")
        return value


class InquiryAccepted(BaseModel):
    id: str
    status_url: str


def inquiry_create_schema() -> dict[str, Any]:
    """`InquiryCreate` for the OpenAPI document. The view reads its body itself (to answer
    415 and 413 before parsing), so FastAPI cannot describe it; it goes in by hand, with
    `GeoPoint` inlined: there, a `#/$defs/...` reference would point at nothing."""
    schema = InquiryCreate.model_json_schema()
    definitions = schema.pop("$defs", {})
    inlined: dict[str, Any] = _inline_refs(schema, definitions)
    return inlined


def _inline_refs(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline_refs(definitions[node["$ref"].removeprefix("#/$defs/")], definitions)
        return {key: _inline_refs(value, definitions) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(item, definitions) for item in node]
    return node
