"""The offline triage pipeline: assess, geotag, match a playbook, decide the route.

Pure with respect to storage: it reads text and returns a `TriageOutcome`. Workers apply
the outcome to the record; `triage assess` prints it. Loaded once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from channels.base import GeoPoint
from triage.assessment.engine import AssessmentEngine
from triage.assessment.schemas import Assessment, Route
from triage.geo.gazetteer import Gazetteer, load_gazetteer
from triage.geo.geocoder import build_geocoder
from triage.geo.geotag import geotag
from triage.geo.schemas import GeoLocation
from triage.routing import decide_route, has_words
from triage.settings import Settings

if TYPE_CHECKING:
    from geopy.geocoders.base import Geocoder

# The playbook id recorded for the short acknowledgement of a closed (P4) inquiry.
ACKNOWLEDGEMENT_ID = "thanks"


@dataclass(frozen=True)
class PlannedReply:
    """A reply chosen from a published playbook (never free text from a model)."""

    playbook_id: str
    score: float
    text: str
    language: str


class ReplyPlanner(Protocol):
    """Chooses and renders a playbook answer; implemented by the playbooks package."""

    def plan(
        self, assessment: Assessment, text: str, location: GeoLocation | None
    ) -> PlannedReply | None: ...

    def acknowledgement(self, language: str) -> str: ...


@dataclass(frozen=True)
class TriageOutcome:
    assessment: Assessment
    location: GeoLocation | None
    route: Route
    reply: PlannedReply | None


class TriagePipeline:
    def __init__(
        self,
        engine: AssessmentEngine,
        gazetteer: Gazetteer,
        planner: ReplyPlanner,
        area_hint: str | None = None,
        geocoder: Geocoder | None = None,
    ) -> None:
        self.engine = engine
        self.gazetteer = gazetteer
        self.planner = planner
        self.area_hint = area_hint
        self.geocoder = geocoder

    @classmethod
    def load(cls, settings: Settings) -> TriagePipeline:
        from playbooks.planner import load_reply_planner

        return cls(
            AssessmentEngine.load(settings),
            load_gazetteer(),
            load_reply_planner(settings),
            area_hint=settings.home_area,
            geocoder=build_geocoder(settings),
        )

    def run(
        self, text: str, *, language_hint: str | None = None, gps: GeoPoint | None = None
    ) -> TriageOutcome:
        assessment = self.engine.assess_local(text, language_hint=language_hint)
        location = geotag(
            text,
            gazetteer=self.gazetteer,
            gps=gps,
            hints=assessment.location_expressions,
            area_hint=self.area_hint,
            geocoder=self.geocoder,
        )
        reply = None
        if not assessment.priority.needs_human:
            reply = self.planner.plan(assessment, text, location)
        route = decide_route(assessment, reply.score if reply else None, has_words=has_words(text))
        if route is Route.CLOSED:
            # Closed only when sure it needs no action, with a short acknowledgement.
            reply = PlannedReply(
                playbook_id=ACKNOWLEDGEMENT_ID,
                score=1.0,
                text=self.planner.acknowledgement(assessment.language),
                language=assessment.language,
            )
        elif route is not Route.AUTO_REPLY:
            reply = None
        return TriageOutcome(assessment=assessment, location=location, route=route, reply=reply)
