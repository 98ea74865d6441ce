"""Tables of the importer service's schema: what Zou keeps of failed imports."""

from functools import partial

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from libs.common import columns
from libs.common.columns import base_columns
from libs.common.events import event_tables
from libs.common.people import people_table

# Names follow PostgreSQL's own defaults (and so Zou's database), except indexes, which
# keep SQLAlchemy's `ix_<table>_<column>` as Zou's do.
metadata = sa.MetaData(
    schema="importer",
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "%(table_name)s_%(column_0_N_name)s_key",
        "fk": "%(table_name)s_%(column_0_name)s_fkey",
        "pk": "%(table_name)s_pkey",
    },
)

# Allowed values of columns Zou constrains to a fixed set, stored as plain VARCHAR;
# writes are validated against this. Zou's `source` is a PostgreSQL enum; ours is not.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("data_import_error", "source"): ("csv", "shotgun"),
}

choice = partial(columns.choice, CHOICES)


data_import_error = sa.Table(
    "data_import_error",
    metadata,
    *base_columns(),
    sa.Column("event_data", postgresql.JSONB, nullable=False),
    choice("data_import_error", "source"),
)

# One row per import request: who sent what, how many entries came and went in.
import_run = sa.Table(
    "import_run",
    metadata,
    *base_columns(),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("person_id", sa.Uuid, index=True),
    sa.Column("nb_entries", sa.Integer, nullable=False, server_default="0"),
    sa.Column("nb_imported", sa.Integer, nullable=False, server_default="0"),
    sa.Column("error", sa.Text),
)

# Which data row an external record (a ShotGrid id, another Kitsu's id) became.
external_id = sa.Table(
    "external_id",
    metadata,
    sa.Column("source", sa.String(20), primary_key=True),
    sa.Column("kind", sa.String(40), primary_key=True),
    sa.Column("external_id", sa.String(80), primary_key=True),
    sa.Column("internal_id", sa.Uuid, nullable=False, index=True),
    sa.Column("import_run_id", sa.Uuid, index=True),
    sa.Column("updated_at", sa.DateTime, server_default=columns.NOW_UTC, nullable=False),
)

outbox, inbox = event_tables(metadata)
people = people_table(metadata)
