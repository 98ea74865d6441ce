"""Project teams: who is in which production, with which per-project role."""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.data.tables import department_link, project_person_link


async def roles_of(conn: AsyncConnection, person_id: uuid.UUID) -> dict[uuid.UUID, str | None]:
    """The projects whose team holds the person, with the role set on the link (or None)."""
    link = project_person_link
    rows = await conn.execute(
        sa.select(link.c.project_id, link.c.role).where(link.c.person_id == person_id)
    )
    return dict(rows.all())


async def departments_of(conn: AsyncConnection, person_id: uuid.UUID) -> frozenset:
    rows = await conn.execute(
        sa.select(department_link.c.department_id).where(department_link.c.person_id == person_id)
    )
    return frozenset(rows.scalars())


async def memberships(db, person_id: uuid.UUID) -> tuple[dict, frozenset]:
    """What libs.common.permissions needs to know of a caller: roles by project, departments."""
    async with db.read() as conn:
        return await roles_of(conn, person_id), await departments_of(conn, person_id)
