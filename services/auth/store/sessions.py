"""The tokens handed out to each person, kept until they expire. A family is one login:
its refresh token and every access token obtained with it."""

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.auth.tables import sessions


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


async def record(
    conn: AsyncConnection, person_id: uuid.UUID, family: str, tokens: list[tuple[str, dt.datetime]]
) -> None:
    """`tokens`: (jti, expiry in UTC) of each token issued."""
    await conn.execute(
        sa.delete(sessions).where(sessions.c.person_id == person_id, sessions.c.expires_at < _now())
    )
    await conn.execute(
        sessions.insert(),
        [
            {
                "jti": jti,
                "person_id": person_id,
                "family": family,
                "expires_at": exp.replace(tzinfo=None),
            }
            for jti, exp in tokens
        ],
    )


async def _end(conn: AsyncConnection, *where) -> list[tuple[str, dt.datetime]]:
    found = await conn.execute(
        sa.delete(sessions).where(*where).returning(sessions.c.jti, sessions.c.expires_at)
    )
    now = _now()
    return [(jti, exp) for jti, exp in found if exp > now]


async def end_all(
    conn: AsyncConnection, person_id: uuid.UUID, keep_family: str | None = None
) -> list[tuple[str, dt.datetime]]:
    """Forget every live token of a person but one family; returns (jti, expiry) to revoke."""
    where = [sessions.c.person_id == person_id]
    if keep_family:
        where.append(sessions.c.family != keep_family)
    return await _end(conn, *where)


async def end_family(conn: AsyncConnection, family: str) -> list[tuple[str, dt.datetime]]:
    return await _end(conn, sessions.c.family == family)
