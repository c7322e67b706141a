"""What the LLM must answer, as a Pydantic schema with fixed enumerations.

Kept apart from the client (`llm.py`) so that `combine`, the engine and tests can use
the schema and `LLMUnavailable` without importing the OpenAI SDK (about 0.8 s of every
worker's and CLI's start-up when no LLM is configured).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from triage.assessment.schemas import Category, Engine, LayerVerdict, Priority


class LLMUnavailable(Exception):
    """The LLM gave no usable verdict; the reason is in the message. Keep the local one."""


LanguageCode = Literal["ja", "ja-easy", "en", "zh", "ko", "vi", "pt", "es", "tl", "ne", "id"]


class LLMVerdict(BaseModel):
    """The LLM's structured reading of one inquiry. Unknown fields are ignored; any value
    outside the enumerations fails validation (and the local verdict stands)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    priority: Priority
    category: Category
    language: LanguageCode
    location_expressions: list[str] = Field(default_factory=list, max_length=10)
    people_count: int | None = Field(default=None, ge=0, le=10000)
    needs: list[str] = Field(default_factory=list, max_length=10)
    summary_ja: str = Field(max_length=200)
    translation_ja: str = Field(default="", max_length=4000)
    confidence: float = Field(default=0.7, ge=0.0, le=1.0)

    def as_layer_verdict(self) -> LayerVerdict:
        return LayerVerdict(
            engine=Engine.LLM,
            priority=self.priority,
            category=self.category,
            confidence=self.confidence,
            reasons=[f"llm: {self.summary_ja}"],
        )
