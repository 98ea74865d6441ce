"""The reporting schema: read models built from everyone's events."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from libs.common.events import event_tables
from libs.common.people import people_table

metadata = sa.MetaData(schema="reporting")
outbox, inbox = event_tables(metadata)
people = people_table(metadata)

# Projections of data's rows, each refreshed from data when one of its events arrives.
person_fact = sa.Table(
    "person_fact",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("first_name", sa.String(80)),
    sa.Column("last_name", sa.String(80)),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("is_bot", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("is_guest", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("timezone", sa.String(50)),
    sa.Column("studio_id", sa.Uuid, index=True),
)

project_fact = sa.Table(
    "project_fact",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("is_open", sa.Boolean, nullable=False, server_default=sa.true()),
)

entity_fact = sa.Table(
    "entity_fact",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("project_id", sa.Uuid, nullable=False, index=True),
    sa.Column("type_name", sa.String(80), nullable=False, index=True),
    sa.Column("name", sa.String(160), nullable=False),
    sa.Column("parent_id", sa.Uuid, index=True),
    # Zou's serialization of the row, as the quota routes return it.
    sa.Column("row", postgresql.JSONB, nullable=False),
)

task_fact = sa.Table(
    "task_fact",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("project_id", sa.Uuid, index=True),
    sa.Column("entity_id", sa.Uuid, index=True),
    sa.Column("task_type_id", sa.Uuid, index=True),
    sa.Column("task_type_name", sa.String(40)),
    sa.Column("department_id", sa.Uuid, index=True),
    sa.Column("task_status_name", sa.String(40)),
    sa.Column("assigner_id", sa.Uuid),
    sa.Column("assignees", postgresql.ARRAY(sa.Uuid), nullable=False, server_default="{}"),
    sa.Column("duration", sa.Float),
    sa.Column("estimation", sa.Float),
    sa.Column("nb_drawings", sa.Integer),
    sa.Column("start_date", sa.DateTime),
    sa.Column("due_date", sa.DateTime),
    sa.Column("real_start_date", sa.DateTime),
    sa.Column("end_date", sa.DateTime),
    sa.Column("done_date", sa.DateTime),
    sa.Index("ix_task_fact_assignees", "assignees", postgresql_using="gin"),
)

time_spent_fact = sa.Table(
    "time_spent_fact",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("task_id", sa.Uuid, nullable=False, index=True),
    sa.Column("person_id", sa.Uuid, nullable=False, index=True),
    sa.Column("date", sa.Date, nullable=False, index=True),
    sa.Column("duration", sa.Float, nullable=False),
)
