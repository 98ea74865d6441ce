"""What a new installation holds before anyone creates anything (Zou's init-data).

Idempotent: run by every `prodtrack migrate` / `prodtrack up`.
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from libs.common.db import Database
from services.data.store import organisation
from services.data.tables import project_status

PROJECT_STATUSES = [("Open", "#000000"), ("Closed", "#000000")]


async def ensure(db: Database) -> None:
    async with db.write() as conn:
        await organisation.get_or_create(conn)
        existing = set((await conn.execute(sa.select(project_status.c.name))).scalars())
        for name, color in PROJECT_STATUSES:
            if name not in existing:
                await conn.execute(
                    insert(project_status).values(name=name, color=color).on_conflict_do_nothing()
                )
