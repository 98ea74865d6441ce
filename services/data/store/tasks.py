"""Tasks: reads in Zou's shapes, creation per task type, assignment, priorities, deletion."""

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.errors import NotFound, WrongParameter
from libs.common.events import Outbox
from services.data import serialize
from services.data.tables import (
    entity,
    entity_type,
    person,
    project,
    subscription,
    task,
    task_person_link,
    task_status,
    task_type,
)
from services.data.work import Event, emit_all

EMPTY_IDS = sa.cast(sa.literal([]), postgresql.ARRAY(sa.Uuid))
# An alias, so queries that also join the link table keep their own.
_assignee_link = task_person_link.alias("assignee_link")
ASSIGNEES = sa.func.coalesce(
    sa.select(sa.func.array_agg(_assignee_link.c.person_id))
    .where(_assignee_link.c.task_id == task.c.id)
    .scalar_subquery(),
    EMPTY_IDS,
).label("assignees")
BASE_ENTITY_TYPES = ("Shot", "Sequence", "Episode", "Scene", "Edit", "Concept", "ConceptFolder")


def task_select():
    return sa.select(*task.c, ASSIGNEES)


def shape(row: Any) -> dict:
    return serialize.row(row, "Task")


async def get(conn: AsyncConnection, task_id: uuid.UUID, lock: bool = False) -> dict:
    statement = task_select().where(task.c.id == task_id)
    if lock:
        statement = statement.with_for_update(of=task)
    found = (await conn.execute(statement)).mappings().first()
    if found is None:
        raise NotFound()
    return dict(found)


async def get_many(conn: AsyncConnection, task_ids: list[uuid.UUID]) -> list[dict]:
    rows = await conn.execute(task_select().where(task.c.id.in_(task_ids)))
    return [dict(r) for r in rows.mappings()]


async def department_of(conn: AsyncConnection, task_type_id: uuid.UUID) -> uuid.UUID | None:
    return (
        await conn.execute(
            sa.select(task_type.c.department_id).where(task_type.c.id == task_type_id)
        )
    ).scalar()


def _row(table: sa.Table, type_name: str, mapping: Any) -> dict | None:
    return serialize.row(mapping, type_name) if mapping else None


async def full(conn: AsyncConnection, task_id: uuid.UUID, user_id: uuid.UUID) -> dict:
    """GET /data/tasks/{id}/full: the task with its entity, types, status, people."""
    found = await get(conn, task_id)
    out = shape(found)

    async def one(table, key):
        if key is None:
            return None
        rows = await conn.execute(sa.select(table).where(table.c.id == key))
        return rows.mappings().first()

    entity_row = await one(entity, found["entity_id"])
    out["entity"] = _row(entity, "Entity", entity_row)
    type_row = await one(entity_type, entity_row["entity_type_id"]) if entity_row else None
    out["entity_type"] = _row(entity_type, "EntityType", type_row)
    if entity_row and type_row and type_row["name"] in ("Shot", "Scene"):
        sequence = await one(entity, entity_row["parent_id"])
        out["sequence"] = _row(entity, "Sequence", sequence)
        if sequence is not None and sequence["parent_id"]:
            out["episode"] = _row(entity, "Episode", await one(entity, sequence["parent_id"]))
    elif entity_row and type_row and type_row["name"] == "Sequence" and entity_row["parent_id"]:
        out["episode"] = _row(entity, "Episode", await one(entity, entity_row["parent_id"]))
    subscribed = await conn.execute(
        sa.select(subscription.c.id).where(
            subscription.c.task_id == task_id, subscription.c.person_id == user_id
        )
    )
    out["is_subscribed"] = subscribed.first() is not None
    people = await conn.execute(sa.select(person).where(person.c.id.in_(found["assignees"])))
    out["persons"] = [serialize.person(p) for p in people.mappings()]
    assigner = await one(person, found["assigner_id"])
    if assigner is not None:
        from services.data.store import persons

        out["assigner"] = await persons.get(conn, assigner["id"])
    out["project"] = _row(project, "Project", await one(project, found["project_id"]))
    out["task_status"] = _row(
        task_status, "TaskStatus", await one(task_status, found["task_status_id"])
    )
    out["task_type"] = _row(task_type, "TaskType", await one(task_type, found["task_type_id"]))
    return out


# --- Creation ---------------------------------------------------------------------------


async def default_status(conn: AsyncConnection, for_concept: bool = False) -> dict:
    rows = await conn.execute(
        sa.select(task_status)
        .where(task_status.c.is_default.is_(True))
        .order_by((task_status.c.for_concept == for_concept).desc())
        .limit(1)
    )
    found = rows.mappings().first()
    if found is None:
        raise WrongParameter("No default task status is defined.")
    return dict(found)


async def project_entities(
    conn: AsyncConnection,
    project_id: uuid.UUID,
    kind: str,
    entity_ids: list[uuid.UUID] | None,
) -> list[dict]:
    """Entities of a kind (Asset, Shot, Edit, Concept, Sequence, Episode) in a project."""
    statement = (
        sa.select(entity.c.id, entity.c.entity_type_id, entity_type.c.name.label("type_name"))
        .join(entity_type, entity_type.c.id == entity.c.entity_type_id)
        .where(entity.c.project_id == project_id)
    )
    if kind == "Asset":
        statement = statement.where(entity_type.c.name.not_in(BASE_ENTITY_TYPES))
    else:
        statement = statement.where(entity_type.c.name == kind)
    if entity_ids:
        statement = statement.where(entity.c.id.in_(entity_ids))
    else:
        statement = statement.where(entity.c.canceled.is_not(True))
    return [dict(r) for r in (await conn.execute(statement)).mappings()]


async def create_for_entities(
    conn: AsyncConnection,
    outbox: Outbox,
    type_row: dict,
    entities: list[dict],
    user_id: uuid.UUID,
) -> list[dict]:
    """One `main` task of the type per entity that has none yet (Zou skips existing ones)."""
    if not entities:
        return []
    existing = await conn.execute(
        sa.select(task.c.entity_id).where(
            task.c.entity_id.in_([e["id"] for e in entities]),
            task.c.task_type_id == type_row["id"],
        )
    )
    skip = set(existing.scalars())
    status = await default_status(conn, entities[0]["type_name"] == "Concept")
    values = [
        {
            "id": uuid.uuid4(),
            "name": "main",
            "project_id": await _project_of(conn, e["id"]),
            "task_type_id": type_row["id"],
            "task_status_id": status["id"],
            "entity_id": e["id"],
            "assigner_id": user_id,
        }
        for e in entities
        if e["id"] not in skip
    ]
    if not values:
        return []
    await conn.execute(sa.insert(task), values)
    rows = await get_many(conn, [v["id"] for v in values])
    await emit_all(
        conn,
        outbox,
        [("task:new", {"task_id": r["id"]}, r["project_id"]) for r in rows],
        user_id,
    )
    out = []
    for r in rows:
        shaped = shape(r)
        shaped.update(
            task_status_name=status["name"],
            task_status_short_name=status["short_name"],
            task_status_color=status["color"],
            task_type_name=type_row["name"],
            task_type_color=type_row["color"],
            task_type_priority=type_row["priority"],
        )
        out.append(shaped)
    return out


async def _project_of(conn: AsyncConnection, entity_id: uuid.UUID) -> uuid.UUID:
    return (
        await conn.execute(sa.select(entity.c.project_id).where(entity.c.id == entity_id))
    ).scalar()


async def get_task_type(conn: AsyncConnection, task_type_id: uuid.UUID) -> dict:
    found = (
        (await conn.execute(sa.select(task_type).where(task_type.c.id == task_type_id)))
        .mappings()
        .first()
    )
    if found is None:
        raise NotFound()
    return dict(found)


# --- Assignment -------------------------------------------------------------------------


async def assign(
    conn: AsyncConnection,
    outbox: Outbox,
    task_ids: list[uuid.UUID],
    person_id: uuid.UUID,
    by: uuid.UUID,
) -> list[dict]:
    """Adds the person to each task's assignees and to the projects' teams;
    `task:assign` and an `assignation` notification for each new link."""
    from services.data.tables import notification, project_person_link

    rows = await get_many(conn, task_ids)
    fresh = [r for r in rows if person_id not in r["assignees"]]
    if fresh:
        projects = {r["project_id"] for r in fresh}
        await conn.execute(
            postgresql.insert(project_person_link)
            .values([{"project_id": pid, "person_id": person_id} for pid in projects])
            .on_conflict_do_nothing()
        )
        if person_id != by:
            notices = [
                {
                    "id": uuid.uuid4(),
                    "person_id": person_id,
                    "author_id": by,
                    "task_id": r["id"],
                    "type": "assignation",
                    "read": False,
                    "change": False,
                }
                for r in fresh
            ]
            await conn.execute(
                postgresql.insert(notification).values(notices).on_conflict_do_nothing()
            )
        else:
            notices = []
        await conn.execute(
            postgresql.insert(task_person_link)
            .values([{"task_id": r["id"], "person_id": person_id} for r in fresh])
            .on_conflict_do_nothing()
        )
        await conn.execute(
            sa.update(task)
            .where(task.c.id.in_([r["id"] for r in fresh]))
            .values(assigner_id=by, updated_at=sa.func.now())
        )
        events: list[Event] = []
        for r in fresh:
            events.append(
                ("task:assign", {"task_id": r["id"], "person_id": person_id}, r["project_id"])
            )
            events.append(("task:update", {"task_id": r["id"]}, r["project_id"]))
        project_of = {r["id"]: r["project_id"] for r in fresh}
        events += [
            (
                "notification:new",
                {"notification_id": n["id"], "person_id": person_id},
                project_of[n["task_id"]],
            )
            for n in notices
        ]
        await emit_all(conn, outbox, events, by)
    return await get_many(conn, task_ids)


async def unassign(
    conn: AsyncConnection,
    outbox: Outbox,
    task_ids: list[uuid.UUID],
    person_id: uuid.UUID | None,
    by: uuid.UUID,
) -> list[dict]:
    """Removes one person (or everyone) from the tasks; `task:unassign` per removed link."""
    rows = await get_many(conn, task_ids)
    condition = task_person_link.c.task_id.in_(task_ids)
    if person_id is not None:
        condition = condition & (task_person_link.c.person_id == person_id)
    removed = await conn.execute(
        sa.delete(task_person_link)
        .where(condition)
        .returning(task_person_link.c.task_id, task_person_link.c.person_id)
    )
    project_of = {r["id"]: r["project_id"] for r in rows}
    events: list[Event] = [
        ("task:unassign", {"person_id": pid, "task_id": tid}, project_of.get(tid))
        for tid, pid in removed
    ]
    events += [("task:update", {"task_id": r["id"]}, r["project_id"]) for r in rows]
    await emit_all(conn, outbox, events, by)
    return await get_many(conn, task_ids)


async def set_priority(
    conn: AsyncConnection, outbox: Outbox, task_ids: list[uuid.UUID], priority: int, by
) -> list[dict]:
    await conn.execute(
        sa.update(task)
        .where(task.c.id.in_(task_ids))
        .values(priority=priority, updated_at=sa.func.now())
    )
    rows = await get_many(conn, task_ids)
    await emit_all(
        conn, outbox, [("task:update", {"task_id": r["id"]}, r["project_id"]) for r in rows], by
    )
    return rows


async def delete_tasks(
    conn: AsyncConnection, outbox: Outbox, condition, by: uuid.UUID
) -> list[dict]:
    """Deletes tasks and what hangs on them (comments, notifications, news, time...)."""
    from services.data import tables as t

    rows = [dict(r) for r in (await conn.execute(sa.select(task).where(condition))).mappings()]
    ids = [r["id"] for r in rows]
    if not ids:
        return []
    comment_ids = sa.select(t.comment.c.id).where(t.comment.c.object_id.in_(ids))
    preview_ids = sa.select(t.preview_file.c.id).where(t.preview_file.c.task_id.in_(ids))
    for statement in (
        sa.delete(t.notification).where(t.notification.c.task_id.in_(ids)),
        sa.delete(t.news).where(t.news.c.task_id.in_(ids)),
        sa.delete(t.comment_mentions).where(t.comment_mentions.c.comment.in_(comment_ids)),
        sa.delete(t.comment_department_mentions).where(
            t.comment_department_mentions.c.comment.in_(comment_ids)
        ),
        sa.delete(t.comment_acknoledgments).where(
            t.comment_acknoledgments.c.comment.in_(comment_ids)
        ),
        sa.delete(t.comment_preview_link).where(t.comment_preview_link.c.comment.in_(comment_ids)),
        sa.delete(t.comment).where(t.comment.c.object_id.in_(ids)),
        sa.update(t.entity)
        .where(t.entity.c.preview_file_id.in_(preview_ids))
        .values(preview_file_id=None),
        sa.delete(t.preview_file).where(t.preview_file.c.task_id.in_(ids)),
        sa.delete(t.time_spent).where(t.time_spent.c.task_id.in_(ids)),
        sa.delete(t.subscription).where(t.subscription.c.task_id.in_(ids)),
        sa.delete(t.working_file).where(t.working_file.c.task_id.in_(ids)),
        sa.delete(task_person_link).where(task_person_link.c.task_id.in_(ids)),
        sa.delete(t.production_schedule_version_task_link).where(
            t.production_schedule_version_task_link.c.task_id.in_(ids)
        ),
        sa.delete(task).where(task.c.id.in_(ids)),
    ):
        await conn.execute(statement)
    await emit_all(
        conn,
        outbox,
        [
            (
                "task:delete",
                {
                    "task_id": r["id"],
                    "entity_id": r["entity_id"],
                    "task_type_id": r["task_type_id"],
                },
                r["project_id"],
            )
            for r in rows
        ],
        by,
    )
    return rows


# --- Lists ------------------------------------------------------------------------------


async def list_where(conn: AsyncConnection, *conditions, order=None) -> list[dict]:
    statement = task_select().where(*conditions)
    if order is not None:
        statement = statement.order_by(*order)
    rows = await conn.execute(statement)
    return [shape(r) for r in rows.mappings()]


async def persons_task_dates(
    conn: AsyncConnection, project_ids: list, busy_project_ids: list | None = None
) -> list[dict]:
    """Per active person, the first start and last due date of their tasks in these
    projects; tasks of `busy_project_ids` only as merged, anonymous busy periods."""

    def assigned(*conditions):
        return (
            sa.select(task_person_link.c.person_id, *conditions)
            .join(task, task.c.id == task_person_link.c.task_id)
            .join(person, person.c.id == task_person_link.c.person_id)
            .where(person.c.active.is_(True))
        )

    statement = assigned(sa.func.min(task.c.start_date), sa.func.max(task.c.due_date)).where(
        task.c.project_id.in_(project_ids)
    )
    entries: dict[str, dict] = {}
    for person_id, first, last in await conn.execute(
        statement.group_by(task_person_link.c.person_id)
    ):
        entries[str(person_id)] = {
            "person_id": str(person_id),
            "min_date": serialize.value(first),
            "max_date": serialize.value(last),
            "busy_periods": [],
        }
    if busy_project_ids:
        periods: dict[str, list] = {}
        rows = await conn.execute(
            assigned(task.c.start_date, task.c.due_date).where(
                task.c.project_id.in_(busy_project_ids),
                task.c.start_date.is_not(None),
                task.c.due_date.is_not(None),
            )
        )
        for person_id, start, end in rows:
            periods.setdefault(str(person_id), []).append((start, end))
        for person_id, intervals in periods.items():
            merged: list[list] = []
            for start, end in sorted(intervals):
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            entry = entries.setdefault(
                person_id,
                {"person_id": person_id, "min_date": None, "max_date": None, "busy_periods": []},
            )
            entry["busy_periods"] = [{"start_date": str(s), "end_date": str(e)} for s, e in merged]
    return list(entries.values())
