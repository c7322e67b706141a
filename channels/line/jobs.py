"""RQ entry points of the LINE channel. They take plain values, never objects."""

from __future__ import annotations

from datetime import datetime

from channels.base import OutboundReply
from channels.line import CHANNEL
from channels.line.outbound import LineSender
from channels.line.texts import WELCOME
from triage.core.resources import current_resources

SEND_WELCOME_JOB = "channels.line.jobs.send_welcome"


def send_welcome(user_id: str, reply_token: str | None, issued_at: str) -> None:
    """Greet a new follower: what the service does and the 119/110 rule.

    A follow is not an inquiry, so there is no reply row; a lost welcome is harmless and
    a duplicate is unlikely (the job id is the webhook event's).
    """
    settings = current_resources().settings
    LineSender.from_settings(settings).send(
        OutboundReply(
            channel=CHANNEL,
            recipient=user_id,
            text=WELCOME,
            reply_token=reply_token,
            reply_token_issued_at=datetime.fromisoformat(issued_at),
            ask_location=False,
        )
    )
