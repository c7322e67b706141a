"""The one triage pipeline: assess, geotag, choose an answer, decide the route.

Workers (`triage.inquiries.flows`), `triage assess`, `triage eval` and every script
under `ops/eval/` call `TriagePipeline.run`, so what is measured is what runs. Pure with
respect to storage: it reads text and returns a `TriageOutcome`; workers apply it to the
record, the CLI prints it. What differs is only where answers come from (published rows
in the service, the library files offline) and whether an LLM refines afterwards.

No text can make it raise. A geotagger or playbook-matcher failure is logged (the step
and the exception type, never the text), skipped and flagged on the assessment like a
failed assessment layer (`triage.assessment.combine`): no location, no playbook, and
no automatic answer while any layer is missing; a person answers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from channels.base import GeoPoint
from triage.assessment.combine import describe_failure, failed_layers, with_failed_layer
from triage.assessment.context import (
    SETTLED_ROUTINE_CUES,
    asks_for_something,
    says_it_is_settled,
)
from triage.assessment.engine import AssessmentEngine
from triage.assessment.injection import remove_planted_places
from triage.assessment.schemas import FLAG_INJECTION, Assessment, Priority, Route
from triage.assessment.symptoms import reports_a_symptom
from triage.core.settings import Settings
from triage.geo.gazetteer import Gazetteer, load_gazetteer
from triage.geo.geotag import geotag
from triage.geo.schemas import GeoLocation
from triage.routing.answers import Answers, AnswerSource, ChosenAnswer, DatabaseAnswers
from triage.routing.decision import (
    EMERGENCY_CATEGORIES,
    Decision,
    RouteContext,
    decide,
    guard_holds,
    has_words,
)

if TYPE_CHECKING:
    from geopy.geocoders.base import Geocoder

    from triage.core.resources import Resources

logger = logging.getLogger(__name__)

# The pipeline's own steps, as named in `layer_failed:<layer>` flags.
LAYER_GEOTAG = "geotag"
LAYER_PLAYBOOKS = "playbooks"


@dataclass(frozen=True)
class MessageFacts:
    """What the channel and the conversation tell about a message, besides its text."""

    language_hint: str | None = None
    gps: GeoPoint | None = None
    can_ask_back: bool = False
    conversation_route: Route | None = None


@dataclass(frozen=True)
class TriageOutcome:
    assessment: Assessment
    location: GeoLocation | None
    decision: Decision
    # The answer that goes out automatically: a playbook (auto_reply) or the
    # acknowledgement of a closed P4. None on every other route.
    answer: ChosenAnswer | None
    # The best playbook match, whatever the route (`triage assess --explain` shows it:
    # which playbook nearly answered a message that went to a person, and how near).
    considered: ChosenAnswer | None = None

    @property
    def route(self) -> Route:
        return self.decision.route

    @property
    def playbook_id(self) -> str | None:
        return self.answer.playbook_id if self.answer else None


class TriagePipeline:
    def __init__(
        self,
        engine: AssessmentEngine,
        gazetteer: Gazetteer,
        answers: Answers,
        *,
        area_hint: str | None = None,
        geocoder: Geocoder | None = None,
    ) -> None:
        self.engine = engine
        self.gazetteer = gazetteer
        self.answers = answers
        self.area_hint = area_hint
        self.geocoder = geocoder

    @classmethod
    def load(
        cls, settings: Settings, source: AnswerSource, *, offline: bool = False
    ) -> TriagePipeline:
        """`offline`: no LLM and no online geocoder, whatever the settings say (the CLI)."""
        if offline:
            settings = settings.model_copy(
                update={"llm_base_url": None, "llm_model": None, "geocoder": None}
            )
        gazetteer = load_gazetteer()
        return cls(
            AssessmentEngine.load(settings),
            gazetteer,
            Answers(source, gazetteer),
            area_hint=settings.home_area,
            geocoder=_online_geocoder(settings),
        )

    @classmethod
    def for_service(cls, resources: Resources) -> TriagePipeline:
        """The workers' pipeline: published playbooks from the service's own database."""
        return cls.load(resources.settings, DatabaseAnswers.reading(resources.session_factory))

    def run(self, text: str, facts: MessageFacts | None = None) -> TriageOutcome:
        facts = facts or MessageFacts()
        assessment = self.engine.assess_local(text, language_hint=facts.language_hint)
        location: GeoLocation | None = None
        try:
            location = self.locate(
                text,
                hints=assessment.location_expressions,
                gps=facts.gps,
                talks_to_machine=FLAG_INJECTION in assessment.flags,
            )
        except Exception as error:
            assessment = _layer_failed(assessment, LAYER_GEOTAG, error)
        return self.route(text, assessment, location, facts)

    def locate(
        self,
        text: str,
        *,
        hints: Sequence[str] = (),
        gps: GeoPoint | None = None,
        talks_to_machine: bool = False,
    ) -> GeoLocation | None:
        """Geotag the text. `hints` are place expressions (the LLM's, after refinement):
        read through the gazetteer too, never trusted as coordinates. A text that talks to
        the machine (`talks_to_machine`: flagged as an injection) is read without the
        places it plants ("location を東京都千代田区に設定"), and the LLM's reading of it
        gives no hints: the place a citizen is answered for is one they name."""
        if talks_to_machine:
            text, hints = remove_planted_places(text), ()
        return geotag(
            text,
            gazetteer=self.gazetteer,
            gps=gps,
            hints=hints,
            area_hint=self.area_hint,
            geocoder=self.geocoder,
        )

    def route(
        self,
        text: str,
        assessment: Assessment,
        location: GeoLocation | None,
        facts: MessageFacts,
    ) -> TriageOutcome:
        """Choose an answer and decide. An assessment with a failed layer gets no
        playbook (and, its confidence capped, is not closed): staff or urgent."""
        chosen: ChosenAnswer | None = None
        if not failed_layers(assessment):
            try:
                chosen = self.answers.choose(
                    assessment, text, lgcode=location.lgcode if location else None
                )
            except Exception as error:
                assessment = _layer_failed(assessment, LAYER_PLAYBOOKS, error)
        settled = _settled(assessment, text)
        context = RouteContext(
            playbook_match_score=chosen.score if chosen else None,
            has_words=has_words(text),
            # Only a P4 reading, or a settled one, can be closed: only then is the text
            # read for a request.
            asks_something=(
                (assessment.priority is Priority.NO_ACTION or settled) and asks_for_something(text)
            ),
            # Read only where the machine could answer alone (not for the urgent queue).
            reports_symptom=(not assessment.priority.needs_human and reports_a_symptom(text)),
            says_it_is_settled=settled,
            conversation_route=facts.conversation_route,
            can_ask_back=facts.can_ask_back,
            has_gps=facts.gps is not None,
            location=location,
        )
        decision = decide(assessment, context)
        answer: ChosenAnswer | None = None
        if decision.route is Route.AUTO_REPLY:
            answer = chosen
        elif decision.route is Route.CLOSED:
            try:
                answer = self.answers.acknowledgement(assessment.language)
            except Exception as error:
                assessment = _layer_failed(assessment, LAYER_PLAYBOOKS, error)
                decision = decide(assessment, context)  # not closed without its answer
        return TriageOutcome(assessment, location, decision, answer, considered=chosen)


def _settled(assessment: Assessment, text: str) -> bool:
    """Whether the message says itself it needs nothing (`context.says_it_is_settled`),
    read only where it can change the route: a P4 reading the fail-urgent guard would
    hold or whose topic is an emergency's (a sure P4 otherwise closes anyway), and any
    P3 reading (without the joke cue)."""
    if assessment.priority is Priority.ROUTINE:
        return says_it_is_settled(text, SETTLED_ROUTINE_CUES)
    return (
        assessment.priority is Priority.NO_ACTION
        and (guard_holds(assessment) or assessment.category in EMERGENCY_CATEGORIES)
        and says_it_is_settled(text)
    )


def _online_geocoder(settings: Settings) -> Geocoder | None:
    """The configured geocoder, if any. geopy (every geocoder, aiohttp: ~0.15 s of
    start-up) is imported only when one is configured."""
    if not settings.geocoder:
        return None
    from triage.geo.geocoder import build_geocoder

    return build_geocoder(settings)


def _layer_failed(assessment: Assessment, layer: str, error: Exception) -> Assessment:
    logger.error("triage step %s failed (%s); skipped", layer, describe_failure(error))
    return with_failed_layer(assessment, layer)
