"""Single-use codes that expire (reset tokens, email OTP counters, app-login codes)."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.auth.tables import one_time_codes as codes


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


async def put(conn: AsyncConnection, key: str, value: str, ttl: dt.timedelta) -> None:
    await conn.execute(sa.delete(codes).where(codes.c.expires_at < _now()))
    values = {"value": value, "expires_at": _now() + ttl}
    await conn.execute(
        insert(codes)
        .values(key=key, **values)
        .on_conflict_do_update(index_elements=["key"], set_=values)
    )


async def peek(conn: AsyncConnection, key: str) -> str | None:
    found = await conn.execute(
        sa.select(codes.c.value).where(codes.c.key == key, codes.c.expires_at > _now())
    )
    return found.scalar()


async def take(conn: AsyncConnection, key: str) -> str | None:
    """The value, once: of two concurrent takers only one gets it."""
    found = await conn.execute(
        sa.delete(codes).where(codes.c.key == key).returning(codes.c.value, codes.c.expires_at)
    )
    row = found.first()
    return row.value if row is not None and row.expires_at > _now() else None


async def drop(conn: AsyncConnection, key: str) -> None:
    await conn.execute(sa.delete(codes).where(codes.c.key == key))


async def drop_prefix(conn: AsyncConnection, prefix: str) -> None:
    await conn.execute(sa.delete(codes).where(codes.c.key.startswith(prefix, autoescape=True)))
