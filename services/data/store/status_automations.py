"""Status automations run after a comment: when a task type of an entity reaches a status,
another task type of the same entity gets a comment moving it to a status, or the asset
becomes ready for a task type. Inside the comment's transaction."""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.events import Outbox
from services.data import tables as t
from services.data.store import comments as comment_store
from services.data.store.tasks import BASE_ENTITY_TYPES

sa_ = t.status_automation
# A chain of automations ends here at the latest (Zou relies on priorities alone).
MAX_DEPTH = 8


async def _triggered(conn: AsyncConnection, task_id: uuid.UUID) -> list[dict]:
    """The production's automations the task's status triggers, each with the task's
    facts, in one query (most comments trigger none)."""
    link = t.project_status_automation_link
    rows = await conn.execute(
        sa.select(
            sa_,
            t.task.c.project_id,
            t.task.c.entity_id,
            t.entity_type.c.name.label("entity_type_name"),
        )
        .select_from(t.task)
        .join(t.entity, t.entity.c.id == t.task.c.entity_id)
        .join(t.entity_type, t.entity_type.c.id == t.entity.c.entity_type_id)
        .join(link, link.c.project_id == t.task.c.project_id)
        .join(sa_, sa_.c.id == link.c.status_automation_id)
        .where(
            t.task.c.id == task_id,
            sa_.c.in_task_type_id == t.task.c.task_type_id,
            sa_.c.in_task_status_id == t.task.c.task_status_id,
            sa.not_(sa.func.coalesce(sa_.c.archived, False)),
        )
        .order_by(sa_.c.created_at)
    )
    return [dict(r) for r in rows.mappings()]


def _applies(automation: dict, entity_type_name: str) -> bool:
    wanted = (automation["entity_type"] or "").lower()
    if wanted == "asset":
        return entity_type_name not in BASE_ENTITY_TYPES
    return entity_type_name.lower() == wanted


async def _is_rollback(conn: AsyncConnection, task: dict, automation: dict) -> bool:
    """A move to a task type of lower priority is a rollback, never applied (no cycles)."""
    if automation["out_field_type"] == "ready_for":
        return False
    link = t.project_task_type_link
    rows = await conn.execute(
        sa.select(link.c.task_type_id, link.c.priority)
        .join(t.task_type, t.task_type.c.id == link.c.task_type_id)
        .where(
            link.c.project_id == task["project_id"],
            t.task_type.c.for_entity == (automation["entity_type"] or "").capitalize(),
        )
    )
    priorities = dict(rows.all())
    inbound = priorities.get(automation["in_task_type_id"]) or 0
    outbound = priorities.get(automation["out_task_type_id"]) or 0
    return inbound > outbound


async def run(
    conn: AsyncConnection,
    outbox: Outbox,
    task_id: uuid.UUID,
    author: dict,
    by: uuid.UUID,
    depth: int = 0,
) -> None:
    """Applies the automations the task's new status triggers."""
    if depth >= MAX_DEPTH:
        return
    for automation in await _triggered(conn, task_id):
        task = automation  # carries the task's project, entity and entity type
        if not _applies(automation, task["entity_type_name"]):
            continue
        if await _is_rollback(conn, task, automation):
            continue
        if automation["out_field_type"] == "status":
            await _move_status(conn, outbox, task, automation, author, by, depth)
        elif automation["out_field_type"] == "ready_for":
            await _set_ready_for(conn, outbox, task, automation, by)


async def _move_status(conn, outbox, task, automation, author, by, depth) -> None:
    target_id = (
        await conn.execute(
            sa.select(t.task.c.id)
            .where(
                t.task.c.entity_id == task["entity_id"],
                t.task.c.task_type_id == automation["out_task_type_id"],
            )
            .order_by(t.task.c.name, t.task.c.created_at)
            .limit(1)
        )
    ).scalar()
    if target_id is None:
        return
    names = (
        await conn.execute(
            sa.select(
                sa.select(t.task_type.c.name)
                .where(t.task_type.c.id == automation["in_task_type_id"])
                .scalar_subquery(),
                sa.select(t.task_status.c.name)
                .where(t.task_status.c.id == automation["in_task_status_id"])
                .scalar_subquery(),
            )
        )
    ).one()
    facts = await comment_store.task_facts(conn, target_id, lock=True)
    status = await comment_store.get_status(conn, automation["out_task_status_id"])
    await comment_store.create(
        conn,
        outbox,
        facts,
        status,
        author,
        f"Change triggered by {names[0]} set to {names[1]}",
        by,
    )
    await run(conn, outbox, target_id, author, by, depth + 1)


async def _set_ready_for(conn, outbox, task, automation, by) -> None:
    data = {"ready_for": automation["out_task_type_id"]}
    await conn.execute(
        sa.update(t.entity)
        .where(t.entity.c.id == task["entity_id"])
        .values(ready_for=automation["out_task_type_id"])
    )
    await outbox.emit(
        conn,
        "asset:update",
        {"asset_id": task["entity_id"], "data": data},
        project_id=task["project_id"],
        user_id=by,
    )
