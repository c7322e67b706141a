"""Errors from the database never carry the statement's parameters: they are citizens'
words and phone numbers, and an error's text ends up in logs and RQ's failed registry."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

PHONE = "+819012345678"
WORDS = "家が倒れて母が下敷きに"


def test_a_failed_statement_does_not_show_its_parameters(db_engine: Engine) -> None:
    with pytest.raises(DBAPIError) as caught, db_engine.connect() as connection:
        connection.execute(
            text("SELECT :phone AS phone, :words AS words FROM no_such_table"),
            {"phone": PHONE, "words": WORDS},
        )
    message = str(caught.value)
    assert "no_such_table" in message  # the SQL is still there to debug with
    assert PHONE not in message
    assert WORDS not in message
