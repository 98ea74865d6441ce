"""The studio's organisation: one row, created with Zou's defaults when first asked."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.data import serialize
from services.data.tables import organisation

DEFAULT_NAME = "Kitsu"


async def get_or_create(conn: AsyncConnection) -> dict:
    row = (await conn.execute(sa.select(organisation).limit(1))).mappings().first()
    if row is None:
        await conn.execute(insert(organisation).values(name=DEFAULT_NAME).on_conflict_do_nothing())
        row = (await conn.execute(sa.select(organisation).limit(1))).mappings().first()
    return serialize.row(row, "Organisation")
