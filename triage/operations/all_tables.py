"""Imports every table module so `Base.metadata` is complete (migrations, tests)."""

from __future__ import annotations

from playbooks import tables as playbook_tables
from triage.auth import tables as auth_tables
from triage.core.db import Base
from triage.geo import tables as geo_tables
from triage.inquiries import tables as inquiry_tables

TABLE_MODULES = (auth_tables, inquiry_tables, playbook_tables, geo_tables)
metadata = Base.metadata
