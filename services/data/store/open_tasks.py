"""The open tasks pool (Kitsu's "Tasks" page across productions): one page of tasks with
their entity, episode and status labels, and the pool's totals, in two queries."""

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.data import serialize
from services.data import tables as t
from services.data.store.tasks import ASSIGNEES

task, tt, ts = t.task, t.task_type, t.task_status
entity, entity_type, project = t.entity, t.entity_type, t.project
sequence = entity.alias("sequence")
episode = entity.alias("episode")
source = entity.alias("source_entity")
source_type = entity_type.alias("source_type")


@dataclass
class Filters:
    project_id: uuid.UUID | None = None
    task_type_id: uuid.UUID | None = None
    task_status_id: uuid.UUID | None = None
    person_ids: list[uuid.UUID] | None = None
    unassigned: bool = False
    studio_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    priority: int | None = None


def _pool(filters: Filters, project_ids: list | None) -> list:
    """Which tasks are in the pool: the asked production, else the open ones the caller
    may see (`project_ids` None for admins)."""
    where = []
    if filters.project_id is not None:
        where.append(task.c.project_id == filters.project_id)
    else:
        open_ids = (
            sa.select(project.c.id)
            .join(t.project_status, t.project_status.c.id == project.c.project_status_id)
            .where(t.project_status.c.name == "Open")
        )
        where.append(task.c.project_id.in_(open_ids))
        if project_ids is not None:
            where.append(task.c.project_id.in_(project_ids or [uuid.UUID(int=0)]))
    if filters.task_type_id is not None:
        where.append(task.c.task_type_id == filters.task_type_id)
    else:
        where.append(sa.func.coalesce(tt.c.for_entity, "") != "Concept")
    if filters.task_status_id is not None:
        where.append(task.c.task_status_id == filters.task_status_id)
    link = t.task_person_link
    assigned = sa.select(link.c.task_id).where(link.c.task_id == task.c.id)
    if filters.unassigned:
        where.append(~sa.exists(assigned))
    elif filters.person_ids:
        where.append(sa.exists(assigned.where(link.c.person_id.in_(filters.person_ids))))
    if filters.studio_id is not None:
        by_studio = assigned.join(t.person, t.person.c.id == link.c.person_id)
        where.append(sa.exists(by_studio.where(t.person.c.studio_id == filters.studio_id)))
    if filters.department_id is not None:
        dl = t.department_link
        in_department = assigned.join(dl, dl.c.person_id == link.c.person_id)
        where.append(sa.exists(in_department.where(dl.c.department_id == filters.department_id)))
    if filters.start_date is not None:
        where.append(task.c.start_date >= filters.start_date)
    if filters.due_date is not None:
        where.append(task.c.due_date <= filters.due_date)
    if filters.priority is not None:
        where.append(tt.c.priority == filters.priority)
    return where


def _joined(statement):
    return (
        statement.select_from(task)
        .join(tt, tt.c.id == task.c.task_type_id)
        .join(ts, ts.c.id == task.c.task_status_id)
        .join(entity, entity.c.id == task.c.entity_id)
        .join(entity_type, entity_type.c.id == entity.c.entity_type_id)
        .join(project, project.c.id == task.c.project_id)
        .outerjoin(sequence, sequence.c.id == entity.c.parent_id)
        .outerjoin(episode, episode.c.id == sequence.c.parent_id)
    )


def _shape(row) -> dict:
    out = serialize.row({c.name: row[c.name] for c in task.c}, "Task")
    episode_id, episode_name = row["episode_id"], row["episode_name"]
    source_id = row["entity_source_id"]
    if episode_id is None:
        episode_id = source_id or ""
        if source_id is not None:
            # Zou names a source that is not an episode "MP".
            episode_name = row["source_name"] if row["source_is_episode"] else "MP"
    if row["entity_type_name"] == "Sequence" and row["entity_parent_id"] is not None:
        episode_id, episode_name = row["entity_parent_id"], row["parent_name"]
    out.update(
        project_name=row["project_name"],
        project_has_avatar=row["project_has_avatar"],
        entity_id=str(row["entity_id"]),
        entity_name=row["entity_name"],
        entity_description=row["entity_description"],
        entity_data=row["entity_data"],
        entity_preview_file_id=str(row["entity_preview_file_id"] or ""),
        entity_source_id=str(source_id or ""),
        entity_type_name=row["entity_type_name"],
        entity_canceled=row["entity_canceled"],
        sequence_name=row["sequence_name"],
        episode_id=str(episode_id),
        episode_name=episode_name,
        task_type_for_entity=row["task_type_for_entity"],
        type_name=row["type_name"],
        status_name=row["status_name"],
        type_color=row["type_color"],
        status_color=row["status_color"],
        status_short_name=row["status_short_name"],
        assignees=[str(p) for p in row["assignees"]],
    )
    return out


async def page(
    conn: AsyncConnection,
    filters: Filters,
    project_ids: list | None,
    number: int | None,
    limit: int,
) -> dict:
    where = _pool(filters, project_ids)
    offset = (number - 1) * limit if number and number > 0 else 0
    parent = entity.alias("parent_entity")
    statement = (
        _joined(
            sa.select(
                *task.c,
                ASSIGNEES,
                project.c.name.label("project_name"),
                project.c.has_avatar.label("project_has_avatar"),
                entity.c.name.label("entity_name"),
                entity.c.description.label("entity_description"),
                entity.c.data.label("entity_data"),
                entity.c.preview_file_id.label("entity_preview_file_id"),
                entity.c.canceled.label("entity_canceled"),
                entity.c.parent_id.label("entity_parent_id"),
                entity.c.source_id.label("entity_source_id"),
                entity_type.c.name.label("entity_type_name"),
                sequence.c.name.label("sequence_name"),
                episode.c.id.label("episode_id"),
                episode.c.name.label("episode_name"),
                source.c.name.label("source_name"),
                (source_type.c.name == "Episode").label("source_is_episode"),
                parent.c.name.label("parent_name"),
                tt.c.name.label("type_name"),
                tt.c.for_entity.label("task_type_for_entity"),
                tt.c.color.label("type_color"),
                ts.c.name.label("status_name"),
                ts.c.color.label("status_color"),
                ts.c.short_name.label("status_short_name"),
                sa.func.count().over().label("_total"),
            )
        )
        .outerjoin(source, source.c.id == entity.c.source_id)
        .outerjoin(source_type, source_type.c.id == source.c.entity_type_id)
        .outerjoin(parent, parent.c.id == entity.c.parent_id)
        .where(*where)
        .order_by(
            project.c.name,
            episode.c.name,
            sequence.c.name,
            entity_type.c.name,
            entity.c.name,
            tt.c.name,
        )
        .offset(offset)
        .limit(limit)
    )
    rows = (await conn.execute(statement)).mappings().all()
    result = {
        "data": [],
        "stats": {"total_duration": 0, "total_estimation": 0, "total": 0, "status": []},
        "limit": limit,
        "is_more": False,
        "page": number or 1,
    }
    if not rows:
        return result
    # Zou counts the rows left after the page's offset, and compares that with the page end.
    count = max(rows[0]["_total"] - offset, 0)
    by_status = await conn.execute(
        _joined(
            sa.select(
                ts.c.id,
                sa.func.count().label("amount"),
                sa.func.sum(task.c.duration).label("duration"),
                sa.func.sum(task.c.estimation).label("estimation"),
            )
        )
        .where(*where)
        .group_by(ts.c.id)
    )
    stats = by_status.mappings().all()
    result.update(
        data=[_shape(r) for r in rows],
        stats={
            "total_duration": _sum(s["duration"] for s in stats),
            "total_estimation": _sum(s["estimation"] for s in stats),
            "total": count,
            "status": [{"task_status_id": str(s["id"]), "amount": s["amount"]} for s in stats],
        },
        is_more=(number or 1) * limit < count,
    )
    return result


def _sum(values) -> float | None:
    present = [v for v in values if v is not None]
    return float(sum(present)) if present else None
