"""Text a request may store: no NUL character (PostgreSQL's text and jsonb refuse it).

A NUL in a JSON body reached PostgreSQL as a 500 ("text fields cannot contain NUL");
SQLite stores it. Refused at validation instead (422 with the field named), the same on
both databases. Citizens' inbound text is cleaned of NUL by the channels instead
(`channels.base`): a citizen's message is never refused for a stray byte.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

NUL = "\x00"


def refuse_nul(value: str) -> str:
    if NUL in value:
        raise ValueError("text may not contain NUL (\\u0000) characters")
    return value


StoredText = Annotated[str, AfterValidator(refuse_nul)]
