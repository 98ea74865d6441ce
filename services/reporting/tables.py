"""The reporting schema: read models built from everyone's events."""

import sqlalchemy as sa

from libs.common.events import event_tables
from libs.common.people import people_table

metadata = sa.MetaData(schema="reporting")
outbox, inbox = event_tables(metadata)
people = people_table(metadata)
