"""Opt-outs: after STOP (SMS) or a block (LINE) nothing more is sent to that address.

Functions take `*, session` and leave committing to the caller, like every service module.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from triage.core.crypto import cipher_for
from triage.inquiries.tables import OptOut

# Addresses are stored encrypted and found by their keyed hash (under any held key, so
# an opt-out recorded before a key rotation still counts).


def is_opted_out(channel: str, address: str, *, session: Session) -> bool:
    hashes = cipher_for(session).lookup_hashes(address)
    found = session.scalar(
        select(OptOut.id).where(OptOut.channel == channel, OptOut.address_hash.in_(hashes))
    )
    return found is not None


def opt_out(channel: str, address: str, reason: str, *, session: Session) -> None:
    """Record the opt-out; a second STOP (or a provider retry of the first) changes nothing."""
    if is_opted_out(channel, address, session=session):
        return
    address_hash = cipher_for(session).lookup_hash(address)
    try:
        with session.begin_nested():
            session.add(
                OptOut(channel=channel, address=address, address_hash=address_hash, reason=reason)
            )
    except IntegrityError:
        pass  # a concurrent request recorded it first


def opt_in(channel: str, address: str, *, session: Session) -> None:
    hashes = cipher_for(session).lookup_hashes(address)
    session.execute(
        delete(OptOut).where(OptOut.channel == channel, OptOut.address_hash.in_(hashes))
    )
