"""Schedules: per task type schedule items of asset types, episodes, sequences and edits;
production schedule versions, their task links, and applying one to the real tasks."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from libs.common.errors import NotFound, WrongParameter
from services.data import serialize
from services.data import tables as t
from services.data.store import entities

si, e = t.schedule_item, t.entity
psv, tl, pl = (
    t.production_schedule_version,
    t.production_schedule_version_task_link,
    t.production_schedule_version_task_link_person_link,
)
ITEM_FIELDS = (
    "id",
    "start_date",
    "end_date",
    "man_days",
    "project_id",
    "task_type_id",
    "object_id",
)


async def objects(conn, kind: str, project_id, episode_id=None) -> list[tuple]:
    """(id, name) of what a task type's schedule is split into."""
    if kind == "asset-types":
        et = t.entity_type
        used = sa.select(e.c.entity_type_id).where(
            e.c.project_id == project_id, entities.is_asset()
        )
        if episode_id is not None:
            used = used.where(e.c.source_id == episode_id)
        statement = sa.select(et.c.id, et.c.name).where(et.c.id.in_(used))
    else:
        type_name = {"episodes": "Episode", "sequences": "Sequence", "edits": "Edit"}[kind]
        statement = sa.select(e.c.id, e.c.name).where(
            e.c.project_id == project_id, entities.of_type(type_name)
        )
        if kind == "edits":
            statement = statement.where(e.c.canceled.is_not(True))
        if episode_id is not None:
            column = e.c.id if kind == "episodes" else e.c.parent_id
            statement = statement.where(column == episode_id)
    return list((await conn.execute(statement)).all())


async def object_items(conn, outbox, project_id, task_type_id, found: list, user_id) -> list:
    """The schedule items of these objects for the task type, made on first read as Zou
    does, sorted by the object's name."""
    names = dict(found)
    existing = {
        row["object_id"]: row
        for row in (
            await conn.execute(
                sa.select(*(si.c[f] for f in ITEM_FIELDS)).where(
                    si.c.project_id == project_id,
                    si.c.task_type_id == task_type_id,
                    si.c.object_id.in_(list(names)),
                )
            )
        ).mappings()
    }
    today = dt.date.today()
    for object_id in names:
        if object_id in existing:
            continue
        row = (
            (
                await conn.execute(
                    sa.insert(si)
                    .values(
                        project_id=project_id,
                        task_type_id=task_type_id,
                        object_id=object_id,
                        start_date=today,
                        end_date=today + dt.timedelta(days=1),
                    )
                    .returning(*(si.c[f] for f in ITEM_FIELDS))
                )
            )
            .mappings()
            .first()
        )
        existing[object_id] = row
        await outbox.emit(
            conn,
            "schedule-item:new",
            {"schedule_item_id": str(row["id"])},
            project_id=project_id,
            user_id=user_id,
        )
    out = []
    for object_id, row in existing.items():
        item = {k: serialize.value(v) for k, v in row.items()}
        item["name"] = names[object_id]
        out.append(item)
    return sorted(out, key=lambda item: item["name"])


# --- Production schedule versions -------------------------------------------------------


async def version(conn, version_id) -> dict:
    found = (await conn.execute(sa.select(psv).where(psv.c.id == version_id))).mappings().first()
    if found is None:
        raise NotFound("Production schedule version", version_id)
    return dict(found)


async def task_links(conn, version_id, task_type_id=None, relations=False) -> list[dict]:
    statement = sa.select(tl).where(tl.c.production_schedule_version_id == version_id)
    if task_type_id is not None:
        statement = statement.join(t.task, t.task.c.id == tl.c.task_id).where(
            t.task.c.task_type_id == task_type_id
        )
    if relations:
        assignees = (
            sa.select(sa.func.array_agg(pl.c.person_id))
            .where(pl.c.production_schedule_version_task_link_id == tl.c.id)
            .scalar_subquery()
        )
        statement = statement.add_columns(assignees.label("assignees"))
    out = []
    for row in (await conn.execute(statement.order_by(tl.c.created_at))).mappings():
        item = serialize.row(row, "ProductionScheduleVersionTaskLink")
        if relations:
            item["assignees"] = item["assignees"] or []
        out.append(item)
    return out


async def _upsert_links(conn, source) -> int:
    statement = insert(tl).from_select(
        ["production_schedule_version_id", "task_id", "start_date", "due_date", "estimation"],
        source,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["production_schedule_version_id", "task_id"],
        set_={
            "start_date": statement.excluded.start_date,
            "due_date": statement.excluded.due_date,
            "estimation": statement.excluded.estimation,
        },
    ).returning(tl.c.id)
    return len((await conn.execute(statement)).all())


async def _replace_assignees(conn, refreshed_ids, source) -> None:
    await conn.execute(
        sa.delete(pl).where(pl.c.production_schedule_version_task_link_id.in_(refreshed_ids))
    )
    await conn.execute(
        insert(pl)
        .from_select(["production_schedule_version_task_link_id", "person_id"], source)
        .on_conflict_do_nothing()
    )


async def links_from_production(conn, row: dict) -> dict:
    task, tpl = t.task, t.task_person_link
    version_id = sa.literal(row["id"], sa.Uuid)
    count = await _upsert_links(
        conn,
        sa.select(
            version_id, task.c.id, task.c.start_date, task.c.due_date, task.c.estimation
        ).where(task.c.project_id == row["project_id"]),
    )
    mine = tl.c.production_schedule_version_id == row["id"]
    await _replace_assignees(
        conn,
        sa.select(tl.c.id).where(mine),
        sa.select(tl.c.id, tpl.c.person_id).join(tpl, tpl.c.task_id == tl.c.task_id).where(mine),
    )
    return {"success": True, "task_link_count": count}


async def _touch_version(conn, outbox, row: dict, values: dict, user_id) -> None:
    await conn.execute(
        sa.update(psv)
        .where(psv.c.id == row["id"])
        .values(**values, updated_at=sa.func.timezone("utc", sa.func.now()))
    )
    await outbox.emit(
        conn,
        "production_schedule_version:update",
        {"production_schedule_version_id": str(row["id"])},
        project_id=row["project_id"],
        user_id=user_id,
    )


async def links_from_version(conn, outbox, row: dict, other: dict, user_id) -> dict:
    if row["id"] == other["id"]:
        raise WrongParameter("A production schedule version cannot be copied onto itself.")
    source_tl = tl.alias("source")
    version_id = sa.literal(row["id"], sa.Uuid)
    count = await _upsert_links(
        conn,
        sa.select(
            version_id,
            source_tl.c.task_id,
            source_tl.c.start_date,
            source_tl.c.due_date,
            source_tl.c.estimation,
        ).where(source_tl.c.production_schedule_version_id == other["id"]),
    )
    source_tasks = sa.select(source_tl.c.task_id).where(
        source_tl.c.production_schedule_version_id == other["id"]
    )
    await _replace_assignees(
        conn,
        sa.select(tl.c.id).where(
            tl.c.production_schedule_version_id == row["id"], tl.c.task_id.in_(source_tasks)
        ),
        sa.select(tl.c.id, pl.c.person_id)
        .join(
            source_tl,
            sa.and_(
                source_tl.c.task_id == tl.c.task_id,
                source_tl.c.production_schedule_version_id == other["id"],
            ),
        )
        .join(pl, pl.c.production_schedule_version_task_link_id == source_tl.c.id)
        .where(tl.c.production_schedule_version_id == row["id"]),
    )
    await _touch_version(conn, outbox, row, {"production_schedule_from": other["id"]}, user_id)
    return {"success": True, "task_link_count": count}


async def apply_to_production(conn, outbox, row: dict, user_id) -> dict:
    """The version's dates and estimations onto the tasks; the version is then locked."""
    task = t.task
    updated = (
        await conn.execute(
            sa.update(task)
            .values(start_date=tl.c.start_date, due_date=tl.c.due_date, estimation=tl.c.estimation)
            .where(task.c.id == tl.c.task_id, tl.c.production_schedule_version_id == row["id"])
            .returning(task.c.id, task.c.project_id)
        )
    ).all()
    for task_id, project_id in updated:
        await outbox.emit(
            conn, "task:update", {"task_id": str(task_id)}, project_id=project_id, user_id=user_id
        )
    await _touch_version(conn, outbox, row, {"locked": True}, user_id)
    await conn.execute(
        sa.update(t.project)
        .where(t.project.c.id == row["project_id"])
        .values(from_schedule_version_id=row["id"])
    )
    await outbox.emit(
        conn,
        "project:update",
        {"project_id": str(row["project_id"])},
        project_id=row["project_id"],
        user_id=user_id,
    )
    return {"success": True, "task_count": len(updated)}
