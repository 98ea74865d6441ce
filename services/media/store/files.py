"""Media's record of what it stored: one stored_file row per object, the per-prefix
state of each preview's pictures, and the events that announce new pictures."""

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.columns import utcnow
from libs.common.events import Outbox
from services.media.tables import preview_file_storage_state, stored_file


@dataclass(frozen=True)
class Stored:
    bucket: str
    key: str
    prefix: str
    file_id: str
    size: int


async def record(conn: AsyncConnection, stored: list[Stored]) -> None:
    """Objects just written; a key written again is live again."""
    now = utcnow()
    for item in stored:
        values = {
            "bucket": item.bucket,
            "key": item.key,
            "prefix": item.prefix,
            "file_id": item.file_id,
            "size": item.size,
        }
        await conn.execute(
            insert(stored_file)
            .values(**values)
            .on_conflict_do_update(
                constraint="stored_file_uc",
                set_={
                    **values,
                    "updated_at": now,
                    "deleted_at": None,
                    "purged_at": None,
                    "purge_forced": False,
                },
            )
        )


async def mark_deleted(conn: AsyncConnection, bucket: str, key: str) -> None:
    now = utcnow()
    await conn.execute(
        sa.update(stored_file)
        .where(stored_file.c.bucket == bucket, stored_file.c.key == key)
        .values(deleted_at=now, purged_at=now, updated_at=now)
    )


async def record_preview_states(
    conn: AsyncConnection, preview_file_id: uuid.UUID, bucket: str, prefixes: list[str]
) -> None:
    table = preview_file_storage_state
    now = utcnow()
    for prefix in prefixes:
        await conn.execute(
            insert(table)
            .values(preview_file_id=preview_file_id, bucket=bucket, prefix=prefix, state="ok")
            .on_conflict_do_update(
                constraint="preview_file_storage_state_uc", set_={"state": "ok", "updated_at": now}
            )
        )


async def announce_thumbnail(
    conn: AsyncConnection, outbox: Outbox, kind: str, instance_id: uuid.UUID, user_id
) -> None:
    """Zou's `<model>:set-thumbnail`, keyed `<model>_id`."""
    model = kind[:-1]
    project_id = instance_id if model == "project" else None
    await outbox.emit(
        conn,
        f"{model}:set-thumbnail",
        {f"{model}_id": str(instance_id)},
        project_id=project_id,
        user_id=user_id,
    )
