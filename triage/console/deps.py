"""Who is using the console: the signed-in staff member, or off to the sign-in page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from triage.auth.deps import get_current_staff
from triage.auth.tables import Role, StaffUser
from triage.core.deps import ResourcesDep, SessionDep
from triage.core.errors import AuthenticationError, PermissionDeniedError

LOGIN_PATH = "/console/login"


async def console_staff(
    request: Request, session: SessionDep, resources: ResourcesDep
) -> StaffUser:
    """The signed-in staff member; a signed-out browser is sent to the sign-in page
    (DESIGN.md), an API client still gets its 401."""
    try:
        return await get_current_staff(request, session, resources)
    except AuthenticationError:
        if "text/html" in request.headers.get("accept", ""):
            raise HTTPException(303, "sign in first", headers={"Location": LOGIN_PATH}) from None
        raise


ConsoleStaff = Annotated[StaffUser, Depends(console_staff)]


def console_responder(staff: ConsoleStaff) -> StaffUser:
    """The queue and its actions are for responders (and admins)."""
    if staff.role not in (Role.RESPONDER, Role.ADMIN):
        raise PermissionDeniedError(f"role {staff.role} may not work the queue")
    return staff


ConsoleResponder = Annotated[StaffUser, Depends(console_responder)]


def console_coordinator(staff: ConsoleStaff) -> StaffUser:
    """The playbook editor and shelter status are for coordinators (and admins)."""
    if staff.role not in (Role.COORDINATOR, Role.ADMIN):
        raise PermissionDeniedError(f"role {staff.role} may not edit what citizens are told")
    return staff


ConsoleCoordinator = Annotated[StaffUser, Depends(console_coordinator)]
