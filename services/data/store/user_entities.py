"""The caller's own tasks on one asset, shot, scene or sequence, and their task types:
only tasks assigned to them in open productions."""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.errors import NotFound
from services.data import serialize
from services.data import tables as t

NOT_ASSETS = ("Shot", "Sequence", "Scene", "Episode", "Edit", "Concept")


async def check_kind(conn: AsyncConnection, entity_id: uuid.UUID, kind: str) -> None:
    """404 unless the entity exists and is of that kind (`Asset`: any asset type)."""
    type_name = (
        await conn.execute(
            sa.select(t.entity_type.c.name)
            .join(t.entity, t.entity.c.entity_type_id == t.entity_type.c.id)
            .where(t.entity.c.id == entity_id)
        )
    ).scalar()
    if type_name is None:
        raise NotFound()
    if (kind == "Asset" and type_name in NOT_ASSETS) or (kind != "Asset" and type_name != kind):
        raise NotFound()


def _mine(entity_id: uuid.UUID, person_id: uuid.UUID):
    """Conditions on `task`: of this entity, assigned to the person, production open."""
    open_projects = (
        sa.select(t.project.c.id)
        .join(t.project_status, t.project_status.c.id == t.project.c.project_status_id)
        .where(t.project_status.c.name == "Open")
    )
    assigned = sa.select(t.task_person_link.c.task_id).where(
        t.task_person_link.c.person_id == person_id
    )
    return (
        t.task.c.entity_id == entity_id,
        t.task.c.id.in_(assigned),
        t.task.c.project_id.in_(open_projects),
    )


async def tasks(conn: AsyncConnection, entity_id: uuid.UUID, person_id: uuid.UUID) -> list:
    # Zou lists these tasks without their assignees.
    rows = await conn.execute(sa.select(t.task).where(*_mine(entity_id, person_id)))
    return [serialize.row(r, "Task") for r in rows.mappings()]


async def task_types(conn: AsyncConnection, entity_id: uuid.UUID, person_id: uuid.UUID) -> list:
    used = sa.select(t.task.c.task_type_id).where(*_mine(entity_id, person_id))
    rows = await conn.execute(
        sa.select(t.task_type).where(t.task_type.c.id.in_(used)).order_by(t.task_type.c.name)
    )
    return [serialize.row(r, "TaskType") for r in rows.mappings()]
