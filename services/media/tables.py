"""Tables of the media service's schema: stored files, attachments and build jobs.

Preview-file records are the data service's; media keeps the bytes and their state.
"""

from functools import partial

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from libs.common import columns
from libs.common.columns import base_columns, defaulted
from libs.common.events import event_tables
from libs.common.people import people_table

# Names follow PostgreSQL's own defaults (and so Zou's database), except indexes, which
# keep SQLAlchemy's `ix_<table>_<column>` as Zou's do.
metadata = sa.MetaData(
    schema="media",
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "%(table_name)s_%(column_0_N_name)s_key",
        "fk": "%(table_name)s_%(column_0_name)s_fkey",
        "pk": "%(table_name)s_pkey",
    },
)

# Allowed values of Zou's ChoiceType columns, stored as plain VARCHAR; writes are
# validated against this.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("build_job", "status"): ("running", "failed", "succeeded"),
    ("build_job", "job_type"): ("archive", "movie"),
    ("preview_file_storage_state", "state"): ("ok", "missing", "failed"),
}

choice = partial(columns.choice, CHOICES)

# Columns marked "-> ... (data)" name rows of the data service: same ids, no foreign key
# across schemas.

build_job = sa.Table(
    "build_job",
    metadata,
    *base_columns(),
    choice("build_job", "status", default="running", nullable=False),
    choice("build_job", "job_type", default="movie", nullable=False),
    sa.Column("ended_at", sa.DateTime),
    sa.Column("message", sa.Text),
    sa.Column("playlist_id", sa.Uuid, nullable=False, index=True),  # -> playlist.id (data)
)

# Per-bucket presence of each preview's stored files; instance-local, never exposed.
preview_file_storage_state = sa.Table(
    "preview_file_storage_state",
    metadata,
    *base_columns(),
    # Zou cascades deletes from preview_file; here a preview_file:delete event must.
    sa.Column("preview_file_id", sa.Uuid, nullable=False, index=True),  # -> preview_file.id (data)
    sa.Column("bucket", sa.String(20), nullable=False),
    sa.Column("prefix", sa.String(40), nullable=False),
    choice("preview_file_storage_state", "state", nullable=False),
    sa.UniqueConstraint(
        "preview_file_id", "bucket", "prefix", name="preview_file_storage_state_uc"
    ),
    sa.Index("ix_preview_file_storage_state_bucket_prefix_state", "bucket", "prefix", "state"),
)

# Every object written to storage. Deleting marks the row; a purge job removes the
# object later, so the partial index holds only what is still waiting for it.
stored_file = sa.Table(
    "stored_file",
    metadata,
    *base_columns(),
    sa.Column("bucket", sa.String(20), nullable=False),
    sa.Column("key", sa.String(255), nullable=False),
    sa.Column("prefix", sa.String(40), nullable=False),
    sa.Column("file_id", sa.String(200), nullable=False, index=True),
    sa.Column("size", sa.BigInteger),
    sa.Column("deleted_at", sa.DateTime),
    defaulted("purge_forced", sa.Boolean, False, nullable=False),
    sa.Column("purged_at", sa.DateTime),
    defaulted("purge_attempts", sa.Integer, 0, nullable=False),
    sa.Column("last_error", sa.Text),
    defaulted("journal", postgresql.JSONB, [], nullable=False),
    sa.UniqueConstraint("bucket", "key", name="stored_file_uc"),
    sa.Index(
        "ix_stored_file_to_purge",
        "purge_forced",
        "deleted_at",
        postgresql_where=sa.text("deleted_at IS NOT NULL AND purged_at IS NULL"),
    ),
)

outbox, inbox = event_tables(metadata)
people = people_table(metadata)
