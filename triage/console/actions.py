"""The console's forms: each posts here, calls the same function as its API twin, and
goes back to the page with a message (post, redirect, get: a reload never repeats an
action). A refused action (someone else holds the item, it changed meanwhile) comes back
as a message in words, never as an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import AfterValidator, ValidationError

from triage.auth.tables import Role, StaffUser
from triage.console.deps import ConsoleResponder
from triage.console.suggestions import render_suggestion
from triage.console.views import page_context
from triage.core.deps import RedisDep, ResourcesDep, SessionDep
from triage.core.errors import ConflictError, InvalidInputError, NotFoundError
from triage.core.stored_text import refuse_nul
from triage.core.templating import templates
from triage.inquiries import disputes, incidents, service, staff_actions, state
from triage.inquiries.schemas import ReclassifyRequest, StaffReplyCreate

router = APIRouter(tags=["console"], include_in_schema=False)

# NUL refused as in the staff API (PostgreSQL's text columns would answer a 500).
Text = Annotated[str, Form(max_length=2000), AfterValidator(refuse_nul)]
OptionalText = Annotated[str, Form(max_length=2000), AfterValidator(refuse_nul)]


def _actor(staff: StaffUser) -> state.Actor:
    return state.Actor(staff.name, is_admin=staff.role == Role.ADMIN)


def _page(inquiry_id: str) -> str:
    return f"/console/inquiries/{inquiry_id}"


def _done(request: Request, to: str, message: str, *, error: bool = False) -> Response:
    request.session["flash"] = {"text": message, "error": error}
    return RedirectResponse(to, status_code=303)


def _attempt(request: Request, to: str, done: str, action: Callable[[], object]) -> Response:
    try:
        action()
    except (ConflictError, NotFoundError, InvalidInputError) as refused:
        return _done(request, to, str(refused), error=True)
    return _done(request, to, done)


@router.post("/console/next")
def take_next(request: Request, session: SessionDep, staff: ConsoleResponder) -> Response:
    try:
        inquiry = staff_actions.claim_next(_actor(staff), session=session)
    except (NotFoundError, ConflictError) as refused:
        return _done(request, "/console", str(refused), error=True)
    return _done(request, _page(inquiry.id), "担当しました / claimed")


@router.post("/console/inquiries/{inquiry_id}/claim")
def claim(
    inquiry_id: str, request: Request, session: SessionDep, staff: ConsoleResponder
) -> Response:
    def run() -> None:
        state.claim_inquiry(inquiry_id, _actor(staff), session=session)
        session.commit()

    return _attempt(request, _page(inquiry_id), "担当しました / claimed", run)


@router.post("/console/inquiries/{inquiry_id}/release")
def release(
    inquiry_id: str, request: Request, session: SessionDep, staff: ConsoleResponder
) -> Response:
    def run() -> None:
        state.release_inquiry(inquiry_id, _actor(staff), session=session)
        session.commit()

    return _attempt(request, _page(inquiry_id), "担当を外しました / released", run)


@router.post("/console/inquiries/{inquiry_id}/reply")
def reply(
    inquiry_id: str,
    request: Request,
    session: SessionDep,
    redis_conn: RedisDep,
    resources: ResourcesDep,
    staff: ConsoleResponder,
    text: OptionalText = "",
    client_key: Annotated[str | None, Form(max_length=128)] = None,
    playbook_id: Annotated[str | None, Form(max_length=64)] = None,
    machine_drafted: Annotated[bool, Form()] = False,
) -> Response:
    """A person's own words, or with `playbook_id` a published playbook written out for
    this inquiry ("answer with playbook"). `client_key` is made when the form is
    rendered: a double-clicked or re-posted form finds the first reply instead of
    sending a second."""
    language, version = None, None
    if playbook_id:
        inquiry = service.get_inquiry(inquiry_id, session=session)
        chosen = render_suggestion(inquiry, playbook_id, session_factory=resources.session_factory)
        if chosen is None:
            message = "その回答は公開されていません / that playbook is not published"
            return _done(request, _page(inquiry_id), message, error=True)
        text, language, version = chosen.text, chosen.language, chosen.version
    try:
        body = StaffReplyCreate(text=text.strip())
    except ValidationError:
        return _done(request, _page(inquiry_id), "返信が空です / the reply is empty", error=True)

    def run() -> None:
        staff_actions.reply(
            inquiry_id,
            body.text,
            _actor(staff),
            session=session,
            redis_conn=redis_conn,
            retry_intervals=resources.settings.job_retry_intervals,
            client_key=client_key or None,
            playbook_id=playbook_id or None,
            playbook_version=version,
            language=language,
            machine_drafted=machine_drafted,
        )

    return _attempt(request, _page(inquiry_id), "返信を送信待ちにしました / reply queued", run)


@router.post("/console/inquiries/{inquiry_id}/resolve")
def resolve(
    inquiry_id: str,
    request: Request,
    session: SessionDep,
    staff: ConsoleResponder,
    outcome: Annotated[state.Outcome, Form()],
    note: OptionalText = "",
) -> Response:
    def run() -> None:
        staff_actions.resolve(
            inquiry_id, _actor(staff), session=session, outcome=outcome, note=note.strip() or None
        )

    return _attempt(request, "/console", "完了にしました / resolved", run)


@router.post("/console/inquiries/{inquiry_id}/reopen")
def reopen(
    inquiry_id: str, request: Request, session: SessionDep, staff: ConsoleResponder
) -> Response:
    def run() -> None:
        state.reopen_inquiry(inquiry_id, _actor(staff), session=session)
        session.commit()

    return _attempt(request, _page(inquiry_id), "再開しました / reopened", run)


@router.post("/console/inquiries/{inquiry_id}/note")
def note(
    inquiry_id: str, request: Request, session: SessionDep, staff: ConsoleResponder, text: Text
) -> Response:
    if not text.strip():
        return _done(request, _page(inquiry_id), "メモが空です / the note is empty", error=True)

    def run() -> None:
        state.add_note(inquiry_id, _actor(staff), text.strip(), session=session)
        session.commit()

    return _attempt(request, _page(inquiry_id), "メモを残しました / note added", run)


@router.post("/console/inquiries/{inquiry_id}/reclassify")
def reclassify(
    inquiry_id: str,
    request: Request,
    session: SessionDep,
    staff: ConsoleResponder,
    reason: Text,
    priority: Annotated[str, Form(max_length=2)] = "",
    category: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    try:
        body = ReclassifyRequest(
            priority=priority or None, category=category or None, reason=reason.strip()
        )
    except ValidationError:
        message = "理由を書いてください / give a reason"
        return _done(request, _page(inquiry_id), message, error=True)

    def run() -> None:
        state.reclassify(
            inquiry_id,
            _actor(staff),
            session=session,
            reason=body.reason,
            priority=body.priority.value if body.priority else None,
            category=body.category.value if body.category else None,
        )
        session.commit()

    return _attempt(request, _page(inquiry_id), "修正しました / corrected", run)


@router.post("/console/inquiries/{inquiry_id}/settle")
def settle(
    inquiry_id: str,
    request: Request,
    session: SessionDep,
    staff: ConsoleResponder,
    accept: Annotated[disputes.Reading, Form()],
) -> Response:
    """One reading of a disputed verdict holds: "緊急のまま" (local) or "P…として扱う" (llm)."""

    def run() -> None:
        disputes.settle_dispute(inquiry_id, _actor(staff), accept, session=session)
        session.commit()

    return _attempt(request, _page(inquiry_id), "判定の相違を確認しました / settled", run)


@router.post("/console/inquiries/{inquiry_id}/merge")
async def merge(
    inquiry_id: str, request: Request, session: SessionDep, staff: ConsoleResponder
) -> Response:
    form = await request.form()
    others = [str(v) for v in form.getlist("inquiry_ids")][: incidents.MAX_MERGE]

    def run() -> None:
        incidents.merge(inquiry_id, others, _actor(staff), session=session)
        session.commit()

    return _attempt(request, _page(inquiry_id), "統合しました / merged", run)


@router.post("/console/inquiries/{inquiry_id}/split")
def split(
    inquiry_id: str, request: Request, session: SessionDep, staff: ConsoleResponder
) -> Response:
    def run() -> None:
        incidents.split(inquiry_id, _actor(staff), session=session)
        session.commit()

    return _attempt(request, _page(inquiry_id), "統合を取り消しました / merge undone", run)


@router.post("/console/inquiries/{inquiry_id}/contact", response_class=HTMLResponse)
def reveal_contact(
    inquiry_id: str, request: Request, session: SessionDep, staff: ConsoleResponder
) -> Response:
    """The contact on a page of its own, answered to this POST (never put in the session
    cookie or a URL); the record says who looked, and when."""
    try:
        sender = staff_actions.reveal_contact(inquiry_id, _actor(staff), session=session)
    except NotFoundError as refused:
        return _done(request, "/console", str(refused), error=True)
    context = page_context(request, staff, inquiry_id=inquiry_id, sender=sender)
    return templates.TemplateResponse(request, "console/contact.html", context)
