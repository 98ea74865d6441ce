"""The persisted event log behind `/data/events/*` (Zou's api_event), fed by every
service's events."""

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.events import Event
from services.data import serialize
from services.data.tables import api_event

# Socket.IO-only messages that Zou never persists.
NOT_PERSISTED_PREFIXES = ("preview-room:",)
# Live signals Zou emits with persist=False (reference/events.tsv).
NOT_PERSISTED = frozenset(
    {
        "notification:new",
        "comment:acknowledge",
        "comment:unacknowledge",
        "comment:delete-reply",
        "chat:joined",
        "chat:left",
        "chat:new-message",
        "chat:deleted-message",
        "task:update-casting-stats",
    }
)


def _uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


async def record(conn: AsyncConnection, event: Event) -> None:
    await record_many(conn, [event])


async def record_many(conn: AsyncConnection, events: list[Event]) -> None:
    rows = []
    for event in events:
        if event.name.startswith(NOT_PERSISTED_PREFIXES) or event.name in NOT_PERSISTED:
            continue
        created = _parse_time(event.created_at)
        rows.append(
            {
                "id": event.id,
                "name": event.name[:80],
                "user_id": _uuid_or_none(event.user_id),
                "project_id": _uuid_or_none(event.project_id),
                "data": event.data,
                "created_at": created,
                "updated_at": created,
            }
        )
    if rows:
        # Rows as parameters, not as a VALUES list: SQLAlchemy compiles the statement once
        # (a multi-row VALUES is compiled anew every time) and psycopg pipelines the rows.
        await conn.execute(insert(api_event).on_conflict_do_nothing(index_elements=["id"]), rows)


def _parse_time(text: str | None) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=None)
    except (TypeError, ValueError):
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)


async def last(
    conn: AsyncConnection,
    limit: int = 100,
    before: dt.datetime | None = None,
    after: dt.datetime | None = None,
    project_id: uuid.UUID | None = None,
    name: str | None = None,
    only_files: bool = False,
) -> list[dict]:
    query = sa.select(api_event).order_by(api_event.c.created_at.desc()).limit(limit)
    if before:
        query = query.where(api_event.c.created_at < before)
    if after:
        query = query.where(api_event.c.created_at > after)
    if project_id:
        query = query.where(api_event.c.project_id == project_id)
    if name:
        query = query.where(api_event.c.name == name)
    if only_files:
        query = query.where(
            api_event.c.name.in_(["preview-file:add-file", "preview-file:update", "thumbnail:new"])
        )
    rows = (await conn.execute(query)).mappings()
    return [serialize.row(r, "ApiEvent") for r in rows]


async def names(conn: AsyncConnection) -> list[str]:
    rows = await conn.execute(sa.select(api_event.c.name).distinct().order_by(api_event.c.name))
    return [name for (name,) in rows]
