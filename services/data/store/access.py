"""What a person may see, in one query: their role and the projects whose team they are in."""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.data.tables import person, project_person_link


async def of_person(conn: AsyncConnection, person_id: uuid.UUID) -> dict | None:
    projects = (
        sa.select(sa.func.array_agg(project_person_link.c.project_id))
        .where(project_person_link.c.person_id == person.c.id)
        .scalar_subquery()
    )
    row = (
        await conn.execute(
            sa.select(person.c.role, person.c.active, projects.label("project_ids")).where(
                person.c.id == person_id
            )
        )
    ).first()
    if row is None:
        return None
    return {
        "role": row.role,
        "active": row.active,
        "project_ids": [str(project_id) for project_id in row.project_ids or []],
    }
