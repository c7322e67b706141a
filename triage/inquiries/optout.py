"""Opt-outs: after STOP (SMS) or a block (LINE) nothing more is sent to that address.

Functions take `*, session` and leave committing to the caller, like every service module.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from triage.inquiries.tables import OptOut


def is_opted_out(channel: str, address: str, *, session: Session) -> bool:
    found = session.scalar(
        select(OptOut.id).where(OptOut.channel == channel, OptOut.address == address)
    )
    return found is not None


def opt_out(channel: str, address: str, reason: str, *, session: Session) -> None:
    """Record the opt-out; a second STOP (or a provider retry of the first) changes nothing."""
    if is_opted_out(channel, address, session=session):
        return
    try:
        with session.begin_nested():
            session.add(OptOut(channel=channel, address=address, reason=reason))
    except IntegrityError:
        pass  # a concurrent request recorded it first


def opt_in(channel: str, address: str, *, session: Session) -> None:
    session.execute(delete(OptOut).where(OptOut.channel == channel, OptOut.address == address))
