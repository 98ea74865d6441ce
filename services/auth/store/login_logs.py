"""Zou's login log: who logged in, from which address, by browser or script."""

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.auth.tables import login_log


async def record(
    conn: AsyncConnection, person_id: uuid.UUID, ip_address: str | None, origin: str
) -> None:
    await conn.execute(
        login_log.insert().values(
            person_id=person_id, ip_address=(ip_address or "")[:50] or None, origin=origin
        )
    )


async def created_at(conn: AsyncConnection, log_id: uuid.UUID) -> dt.datetime | None:
    found = await conn.execute(sa.select(login_log.c.created_at).where(login_log.c.id == log_id))
    return found.scalar()


async def last(
    conn: AsyncConnection,
    limit: int,
    after: dt.datetime | None = None,
    before: dt.datetime | None = None,
    person_ids: list[uuid.UUID] | None = None,
) -> list[dict]:
    """Newest first; `before` is also how a cursor pages back."""
    c = login_log.c
    query = sa.select(c.id, c.created_at, c.ip_address, c.person_id, c.origin)
    if person_ids:
        query = query.where(c.person_id.in_(person_ids))
    if after is not None:
        query = query.where(c.created_at > after)
    if before is not None:
        query = query.where(c.created_at < before)
    rows = await conn.execute(query.order_by(c.created_at.desc()).limit(limit))
    return [dict(row) for row in rows.mappings()]
