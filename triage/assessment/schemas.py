"""What an assessment says about an inquiry: the enumerations every layer shares.

Every layer (rules, local model, LLM) returns a `LayerVerdict`; `Assessment` is their
combination. Values are fixed enumerations so that nothing a citizen writes can
introduce a new priority, category or route.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

# Set by the combination of layers when the text reads like instructions to the machine;
# each detector entry that fired adds `injection:<id>` next to it.
FLAG_INJECTION = "injection_suspected"
FLAG_INJECTION_ENTRY_PREFIX = "injection:"
# Set by the combination when the LLM and the local layers disagree on whether a person
# is needed now (P1/P2 against P3/P4): the priority stays the most urgent, and a person
# settles which reading holds (`triage.inquiries.disputes`).
FLAG_DISPUTED = "disputed"


class Priority(StrEnum):
    """P1 is the most urgent. String order equals urgency order ("P1" < "P4")."""

    LIFE_THREAT = "P1"
    URGENT_NEED = "P2"
    ROUTINE = "P3"
    NO_ACTION = "P4"

    @property
    def needs_human(self) -> bool:
        return self in (Priority.LIFE_THREAT, Priority.URGENT_NEED)


def most_urgent(*priorities: Priority | None) -> Priority:
    """The most urgent of the given priorities; ROUTINE when none is given.

    This is the fail-urgent rule: a later layer can raise a priority, never lower it.
    """
    present = [p for p in priorities if p is not None]
    return min(present) if present else Priority.ROUTINE


class Category(StrEnum):
    RESCUE = "rescue"
    MEDICAL = "medical"
    FIRE = "fire"
    MISSING_PERSON = "missing_person"
    SAFETY_CHECK = "safety_check"
    EVACUATION_SHELTER = "evacuation_shelter"
    WATER_FOOD_SUPPLIES = "water_food_supplies"
    UTILITIES = "utilities"
    ROADS_TRANSPORT = "roads_transport"
    DAMAGE_REPORT = "damage_report"
    CERTIFICATES_SUPPORT = "certificates_support"
    VOLUNTEER_DONATION = "volunteer_donation"
    PETS = "pets"
    INFORMATION_OTHER = "information_other"
    OTHER = "other"


class Route(StrEnum):
    URGENT = "urgent"
    AUTO_REPLY = "auto_reply"
    STAFF = "staff"
    CLOSED = "closed"


class Engine(StrEnum):
    RULES = "rules"
    LOCAL_MODEL = "local_model"
    LLM = "llm"


class LayerVerdict(BaseModel):
    """One layer's opinion, kept on the record so a responder can see why."""

    model_config = ConfigDict(frozen=True)

    engine: Engine
    priority: Priority
    category: Category
    confidence: float = Field(ge=0.0, le=1.0)
    reasons: list[str] = Field(default_factory=list)
    urgent_probability: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="P1+P2 probability, from layers that give one (the local model)",
    )
    category_alternatives: list[Category] = Field(
        default_factory=list,
        description="the local model's next readings of the category, most likely first",
    )


class Assessment(BaseModel):
    """The combined verdict that routing acts on."""

    model_config = ConfigDict(frozen=True)

    priority: Priority
    category: Category
    language: str = Field(
        description="BCP-47-ish code: ja, en, zh, ko, vi, pt, es, tl, ne, id, ja-easy"
    )
    confidence: float = Field(ge=0.0, le=1.0)
    engine: Engine = Field(description="the layer that decided the final priority")
    verdicts: list[LayerVerdict] = Field(default_factory=list)
    summary_ja: str | None = None
    translation_ja: str | None = None
    location_expressions: list[str] = Field(default_factory=list)
    people_count: int | None = None
    needs: list[str] = Field(default_factory=list)
    flags: list[str] = Field(
        default_factory=list,
        description="why a person should look: injection_suspected, llm_unavailable, ...",
    )
    urgent_probability: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description=(
            "the local model's P1+P2 probability (None without it): routing holds an "
            "automatic answer for a person when urgency is not unlikely"
        ),
    )
    category_alternatives: list[Category] = Field(
        default_factory=list,
        description=(
            "the local model's next readings of the category (probability at least "
            "`local_model.CATEGORY_ALTERNATIVE_MIN`): the playbook matcher accepts one of "
            "them, at a lower score, as the category signal"
        ),
    )
