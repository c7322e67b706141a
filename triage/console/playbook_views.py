"""The coordinator's playbook editor (`/console/playbooks`): find, edit (answers per
language side by side, errors next to their field), preview as citizens will see it,
publish, roll back, retire, confirm translations; every change is a version or an event
with who and why. The API twins are `/api/v1/playbooks/...`."""

from __future__ import annotations

import difflib
from typing import Annotated, Any

import yaml  # type: ignore[import-untyped]
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import AfterValidator, ValidationError

from channels.registry import sms_segments
from playbooks import service
from playbooks.gaps import GapDraftRequest, draft_for_gap
from playbooks.impact import ImpactReport
from playbooks.render import render_reply
from playbooks.schemas import (
    PLAYBOOK_ID_PATTERN,
    SUPPORTED_LANGUAGES,
    PlaybookContent,
    PlaybookStatus,
    StalePolicy,
)
from playbooks.situation import all_values, as_facts
from triage.assessment.schemas import Category
from triage.console.deps import ConsoleCoordinator
from triage.console.playbook_analysis import gaps, impact_of
from triage.console.playbook_forms import PlaybookForm, form_values, read_form
from triage.console.views import page_context, render_page
from triage.core.deps import SessionDep
from triage.core.errors import ConflictError, InvalidInputError, NotFoundError
from triage.core.stored_text import refuse_nul

router = APIRouter(include_in_schema=False)

# What the preview fills in: a sample place and shelter, marked as samples.
SAMPLE_FACTS = {
    "municipality": "七尾市",
    "nearest_shelter_name": "（例）七尾市立東部中学校",
    "nearest_shelter_distance_km": "0.8",
}
LANGUAGE_NAMES = {
    "ja": "日本語",
    "ja-easy": "やさしい日本語",
    "en": "English",
    "zh": "中文",
    "ko": "한국어",
    "vi": "Tiếng Việt",
    "pt": "Português",
    "es": "Español",
    "tl": "Tagalog",
    "ne": "नेपाली",
    "id": "Bahasa Indonesia",
}


def _page(playbook_id: str) -> str:
    return f"/console/playbooks/{playbook_id}"


def _flash(request: Request, to: str, text: str, *, error: bool = False) -> Response:
    request.session["flash"] = {"text": text, "error": error}
    return RedirectResponse(to, status_code=303)


def previews(content: PlaybookContent, situation: dict[str, str]) -> list[dict[str, Any]]:
    """Each language's answer exactly as a citizen gets it (sample place, today's
    situation values), with the SMS segment count, and the no-location variant where
    there is one. An unset situation value shows as its `{name}`."""
    found = []
    for language in SUPPORTED_LANGUAGES:
        if language not in content.answers:
            continue
        text = render_reply(content, language, {**situation, **SAMPLE_FACTS})
        without = (
            render_reply(content, language, situation) if content.answers_no_location else None
        )
        found.append(
            {
                "language": language,
                "text": text,
                "segments": sms_segments(text),
                "without_place": without if without != text else None,
            }
        )
    return found


@router.get("/console/playbooks", response_class=HTMLResponse)
def playbook_list(
    request: Request,
    session: SessionDep,
    staff: ConsoleCoordinator,
    q: Annotated[str, Query(max_length=100)] = "",
    category: Annotated[str, Query(max_length=32)] = "",
    language: Annotated[str, Query(max_length=16)] = "",
    status: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    rows = []
    for playbook in service.list_playbooks(session=session):
        content = playbook.content
        words = [content.id, content.title_ja, *content.answers.values()]
        words += [w for ws in content.keywords.values() for w in ws]
        if q and not any(q.lower() in w.lower() for w in words):
            continue
        if category and category not in content.categories:
            continue
        if language and language not in content.answers:
            continue
        if status and playbook.status != status:
            continue
        stale = service.stale_languages_of(playbook.id, playbook.current_version, session=session)
        rows.append({"playbook": playbook, "stale": stale})
    context = page_context(
        request,
        staff,
        rows=rows,
        q=q,
        category=category,
        language=language,
        status=status,
        statuses=[s.value for s in PlaybookStatus],
        languages=SUPPORTED_LANGUAGES,
        language_names=LANGUAGE_NAMES,
    )
    return render_page(request, "console/playbooks.html", context)


def _editor(
    request: Request,
    staff: Any,
    session: Any,
    playbook_id: str,
    form: PlaybookForm | None = None,
    preview_of: PlaybookContent | None = None,
    status_code: int = 200,
    impact: ImpactReport | None = None,
) -> Response:
    playbook = service.get(playbook_id, session=session, with_versions=True)
    if form is None:
        form = PlaybookForm(form_values(playbook.content))
    context = page_context(
        request,
        staff,
        playbook=playbook,
        form=form,
        stale=service.stale_languages_of(playbook_id, playbook.current_version, session=session),
        events=service.events(playbook_id, session=session),
        previews=previews(preview_of or playbook.content, as_facts(all_values(session=session))),
        previewing_draft=preview_of is not None,
        languages=SUPPORTED_LANGUAGES,
        language_names=LANGUAGE_NAMES,
        all_categories=[c.value for c in Category],
        policies=[p.value for p in StalePolicy],
        impact=impact,
    )
    response = render_page(request, "console/playbook.html", context)
    response.status_code = status_code
    return response


@router.get("/console/playbooks/gaps", response_class=HTMLResponse)
def gaps_page(
    request: Request,
    session: SessionDep,
    staff: ConsoleCoordinator,
    hours: Annotated[int, Query(ge=1, le=168)] = 24,
) -> Response:
    """Routine questions no playbook answered, grouped by wording, most asked first."""
    read, groups = gaps(session=session, hours=hours)
    context = page_context(request, staff, groups=groups, read=read, hours=hours)
    return render_page(request, "console/gaps.html", context)


@router.post("/console/playbooks/gaps/draft")
async def draft_for_gap_page(
    request: Request, session: SessionDep, staff: ConsoleCoordinator
) -> Response:
    """ "Write a playbook for this": a draft with the group's examples as its test
    questions, opened in the editor."""
    submitted = await request.form()
    try:
        body = GapDraftRequest(
            examples=[str(v) for v in submitted.getlist("examples")][:5],
            category=str(submitted.get("category", "")),
        )
    except ValidationError:
        return _flash(
            request, "/console/playbooks/gaps", "例が読めません / bad examples", error=True
        )
    content, note = draft_for_gap(body)
    try:
        service.create(content, actor=staff.name, session=session, note=note)
    except ConflictError:
        return _flash(request, _page(content.id), "この下書きはもうあります / draft exists")
    session.commit()
    return _flash(request, _page(content.id), "下書きを作りました / draft created")


@router.get("/console/playbooks/{playbook_id}", response_class=HTMLResponse)
def playbook_page(
    playbook_id: str, request: Request, session: SessionDep, staff: ConsoleCoordinator
) -> Response:
    return _editor(request, staff, session, playbook_id)


@router.post("/console/playbooks/{playbook_id}", response_class=HTMLResponse)
async def save_playbook(
    playbook_id: str, request: Request, session: SessionDep, staff: ConsoleCoordinator
) -> Response:
    """`action=preview` shows the unsaved form as citizens would get it; `impact` replays
    it over the last week's inquiries (what it would answer, change, stop answering, and
    any urgent one it would touch); `save` adds a version (published only when someone
    publishes it)."""
    submitted = await request.form()
    fields: dict[str, Any] = {k: v for k, v in submitted.items() if isinstance(v, str)}
    fields["categories_list"] = [str(v) for v in submitted.getlist("categories")]
    form = read_form(playbook_id, fields)
    if form.content is None:
        return _editor(request, staff, session, playbook_id, form=form, status_code=422)
    if fields.get("action") == "preview":
        return _editor(request, staff, session, playbook_id, form=form, preview_of=form.content)
    if fields.get("action") == "impact":
        report = impact_of(form.content, session=session)
        return _editor(
            request, staff, session, playbook_id, form=form, preview_of=form.content, impact=report
        )
    note = str(fields.get("note", "")).strip()[:500] or None
    updated = service.update(
        playbook_id, form.content, actor=staff.name, session=session, note=note
    )
    session.commit()
    return _flash(
        request, _page(playbook_id), f"版 {updated.current_version} を保存しました / saved"
    )


@router.post("/console/playbooks")
def create_playbook(
    request: Request,
    session: SessionDep,
    staff: ConsoleCoordinator,
    playbook_id: Annotated[str, Form(max_length=64)],
    title_ja: Annotated[str, Form(max_length=200)],
) -> Response:
    """A new playbook as a draft, to be filled in on its page."""
    import re

    if not re.fullmatch(PLAYBOOK_ID_PATTERN, playbook_id):
        return _flash(
            request, "/console/playbooks", "ID は英小文字・数字・_ で / lowercase id", error=True
        )
    draft = PlaybookContent(
        id=playbook_id,
        title_ja=title_ja.strip() or playbook_id,
        categories=[Category.INFORMATION_OTHER],
        answers={"ja": "（回答を書いてください）"},
    )
    try:
        service.create(draft, actor=staff.name, session=session, note="new")
    except ConflictError as refused:
        return _flash(request, "/console/playbooks", str(refused), error=True)
    session.commit()
    return _flash(request, _page(playbook_id), "下書きを作りました / draft created")


@router.post("/console/playbooks/{playbook_id}/publish")
def publish(
    playbook_id: str,
    request: Request,
    session: SessionDep,
    staff: ConsoleCoordinator,
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    stale: Annotated[StalePolicy, Form()] = StalePolicy.REFUSE,
    note: Annotated[str, Form(max_length=500), AfterValidator(refuse_nul)] = "",
) -> Response:
    try:
        service.publish(
            playbook_id, version, session=session, actor=staff.name, note=note or None, stale=stale
        )
    except (ConflictError, NotFoundError, InvalidInputError) as refused:
        return _flash(request, _page(playbook_id), str(refused), error=True)
    session.commit()
    return _flash(request, _page(playbook_id), f"版 {version} を公開しました / published")


@router.post("/console/playbooks/{playbook_id}/retire")
def retire(
    playbook_id: str, request: Request, session: SessionDep, staff: ConsoleCoordinator
) -> Response:
    service.retire(playbook_id, session=session, actor=staff.name)
    session.commit()
    return _flash(request, _page(playbook_id), "公開を止めました / unpublished")


@router.post("/console/playbooks/{playbook_id}/confirm")
async def confirm(
    playbook_id: str, request: Request, session: SessionDep, staff: ConsoleCoordinator
) -> Response:
    submitted = await request.form()
    languages = [str(v) for v in submitted.getlist("languages") if str(v) in SUPPORTED_LANGUAGES]
    if not languages:
        return _flash(
            request, _page(playbook_id), "言語を選んでください / pick a language", error=True
        )
    still = service.confirm_languages(playbook_id, languages, session=session, actor=staff.name)
    session.commit()
    left = "、".join(still) if still else "なし / none"
    return _flash(request, _page(playbook_id), f"確認しました。要確認: {left}")


@router.get("/console/playbooks/{playbook_id}/diff", response_class=HTMLResponse)
def diff(
    playbook_id: str,
    request: Request,
    session: SessionDep,
    staff: ConsoleCoordinator,
    a: Annotated[int, Query(ge=1, le=2**31 - 1)],
    b: Annotated[int, Query(ge=1, le=2**31 - 1)],
) -> Response:
    versions = {v.version: v for v in service.versions(playbook_id, session=session)}
    if a not in versions or b not in versions:
        raise NotFoundError("no such version")

    def lines(number: int) -> list[str]:
        content = versions[number].content.model_dump(mode="json")
        dumped: str = yaml.safe_dump(content, allow_unicode=True, sort_keys=True, width=1000)
        return dumped.splitlines()

    changes = list(difflib.unified_diff(lines(a), lines(b), f"v{a}", f"v{b}", lineterm="", n=2))
    context = page_context(
        request, staff, playbook_id=playbook_id, a=versions[a], b=versions[b], changes=changes
    )
    return render_page(request, "console/playbook_diff.html", context)
