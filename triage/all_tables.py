"""Imports every table module so `Base.metadata` is complete (migrations, tests)."""

from __future__ import annotations

from triage.auth import tables as auth_tables
from triage.db import Base
from triage.inquiries import tables as inquiry_tables

TABLE_MODULES = (auth_tables, inquiry_tables)
metadata = Base.metadata
