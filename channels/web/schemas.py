"""What crosses the web channel's JSON API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from channels.base import GeoPoint

# Absolute cap for a JSON body; the text limit itself comes from Settings.
MAX_BODY_BYTES = 64 * 1024


class InquiryCreate(BaseModel):
    """The JSON API's body. Unknown fields are refused so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid")

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
