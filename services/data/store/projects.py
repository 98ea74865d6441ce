"""Productions: lists with Zou's extra data, teams, settings links, first episode."""

import datetime as dt
import uuid
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.errors import NotFound
from services.data import serialize
from services.data import tables as t

p = t.project
RELATIONS = {
    "team": (t.project_person_link, "person_id"),
    "asset_types": (t.project_asset_type_link, "asset_type_id"),
    "task_statuses": (t.project_task_status_link, "task_status_id"),
    "task_types": (t.project_task_type_link, "task_type_id"),
    "status_automations": (t.project_status_automation_link, "status_automation_id"),
    "preview_background_files": (
        t.project_preview_background_file_link,
        "preview_background_file_id",
    ),
}


async def exists(conn: AsyncConnection, project_id: uuid.UUID) -> bool:
    found = await conn.execute(sa.select(p.c.id).where(p.c.id == project_id))
    return found.first() is not None


async def name_of(conn: AsyncConnection, project_id) -> str | None:
    return (await conn.execute(sa.select(p.c.name).where(p.c.id == project_id))).scalar()


async def get(conn: AsyncConnection, project_id: uuid.UUID) -> dict | None:
    found = (await conn.execute(sa.select(p).where(p.c.id == project_id))).mappings().first()
    return dict(found) if found else None


def _relation_columns():
    out = []
    for name, (link, column) in RELATIONS.items():
        ids = sa.select(sa.func.array_agg(link.c[column])).where(link.c.project_id == p.c.id)
        out.append(ids.scalar_subquery().label(name))
    return out


async def rows(
    conn: AsyncConnection, *conditions, with_status_name=False, relations=True
) -> list[dict]:
    """Projects, with their link lists (team, task types, ...) unless `relations` is off."""
    columns = [p, *_relation_columns()] if relations else [p]
    statement = sa.select(*columns).where(*conditions).order_by(p.c.name)
    if with_status_name:
        statement = statement.add_columns(t.project_status.c.name.label("project_status_name"))
        statement = statement.outerjoin(
            t.project_status, t.project_status.c.id == p.c.project_status_id
        )
    out = []
    for row in (await conn.execute(statement)).mappings():
        item = dict(row)
        if relations:
            for name in RELATIONS:
                item[name] = item[name] or []
        out.append(item)
    return out


def open_condition():
    status = t.project_status
    return p.c.project_status_id.in_(sa.select(status.c.id).where(status.c.name == "Open"))


def shape(row: dict) -> dict:
    return serialize.row(row, "Project")


async def descriptors(conn, project_ids: list, only_project_type=False, for_client=False) -> dict:
    md, link = t.metadata_descriptor, t.department_metadata_descriptor_link
    departments = (
        sa.select(sa.func.array_agg(link.c.department_id))
        .where(link.c.metadata_descriptor_id == md.c.id)
        .scalar_subquery()
    )
    statement = sa.select(md, departments.label("departments")).where(
        md.c.project_id.in_(project_ids)
    )
    if only_project_type:
        statement = statement.where(md.c.entity_type == "Project")
    if for_client:
        statement = statement.where(md.c.for_client.is_(True))
    out = defaultdict(list)
    for row in (await conn.execute(statement.order_by(md.c.position, md.c.name))).mappings():
        out[row["project_id"]].append(
            {
                "id": str(row["id"]),
                "name": row["name"],
                "field_name": row["field_name"],
                "data_type": row["data_type"],
                "choices": row["choices"],
                "for_client": row["for_client"] or False,
                "entity_type": row["entity_type"],
                "task_type_id": serialize.value(row["task_type_id"]),
                "position": row["position"],
                "departments": [str(d) for d in row["departments"] or []],
            }
        )
    return out


async def with_extra_data(conn, projects: list[dict], for_client=False) -> list[dict]:
    """Zou's open-projects shape: descriptors, task type and status links, first episode."""
    ids = [row["id"] for row in projects]
    if not ids:
        return []
    described = await descriptors(conn, ids, for_client=for_client)
    tt, ts = t.project_task_type_link, t.project_task_status_link
    type_links = defaultdict(dict)
    for row in (await conn.execute(sa.select(tt).where(tt.c.project_id.in_(ids)))).mappings():
        type_links[row["project_id"]][str(row["task_type_id"])] = {
            "priority": row["priority"],
            "hd_bitrate_compression": row["hd_bitrate_compression"],
            "ld_bitrate_compression": row["ld_bitrate_compression"],
            "is_client_visible": row["is_client_visible"],
        }
    status_links = defaultdict(dict)
    for row in (await conn.execute(sa.select(ts).where(ts.c.project_id.in_(ids)))).mappings():
        status_links[row["project_id"]][str(row["task_status_id"])] = {
            "priority": row["priority"],
            "roles_for_board": list(row["roles_for_board"] or []),
            "is_client_allowed": row["is_client_allowed"],
        }
    firsts = await first_episodes(
        conn, [r["id"] for r in projects if r["production_type"] == "tvshow"]
    )
    out = []
    for row in projects:
        item = shape(row)
        item["descriptors"] = described.get(row["id"], [])
        links = type_links.get(row["id"], {})
        item["task_type_links"] = links
        item["task_types_priority"] = {k: v["priority"] for k, v in links.items()}
        item["task_statuses_link"] = status_links.get(row["id"], {})
        if row["id"] in firsts:
            item["first_episode_id"] = str(firsts[row["id"]])
        out.append(item)
    return out


async def first_episodes(conn, project_ids: list) -> dict:
    """Each project's first running episode by name, else its first episode at all."""
    if not project_ids:
        return {}
    e, et = t.entity, t.entity_type
    episode_type = sa.select(et.c.id).where(et.c.name == "Episode").scalar_subquery()
    statement = (
        sa.select(e.c.project_id, e.c.id)
        .distinct(e.c.project_id)
        .where(e.c.project_id.in_(project_ids), e.c.entity_type_id == episode_type)
        .order_by(e.c.project_id, (e.c.status != "running"), e.c.name)
    )
    return dict((await conn.execute(statement)).all())


async def team(conn, project_id) -> list[dict]:
    """Team members (every person column but secrets) with their departments and role."""
    person, link, dep = t.person, t.project_person_link, t.department_link
    departments = (
        sa.select(sa.func.array_agg(dep.c.department_id))
        .where(dep.c.person_id == person.c.id)
        .scalar_subquery()
    )
    statement = (
        sa.select(person, departments.label("departments"), link.c.role.label("project_role"))
        .join(link, link.c.person_id == person.c.id)
        .where(link.c.project_id == project_id)
        .order_by(person.c.first_name, person.c.last_name)
    )
    return [dict(row) for row in (await conn.execute(statement)).mappings()]


async def add_member(conn, outbox, project_id, person_id, role, user_id) -> None:
    link = t.project_person_link
    statement = (
        sa.dialects.postgresql.insert(link)
        .values(project_id=project_id, person_id=person_id, role=role)
        .on_conflict_do_update(index_elements=["project_id", "person_id"], set_={"role": role})
    )
    await conn.execute(statement)
    await touch(conn, outbox, project_id, user_id)


async def remove_member(conn, outbox, project_id, person_id, user_id) -> None:
    link = t.project_person_link
    await conn.execute(
        sa.delete(link).where(link.c.project_id == project_id, link.c.person_id == person_id)
    )
    await touch(conn, outbox, project_id, user_id)


async def touch(conn, outbox, project_id, user_id) -> None:
    """A settings change is a project change: `project:update`."""
    await conn.execute(
        sa.update(p)
        .where(p.c.id == project_id)
        .values(updated_at=sa.func.timezone("utc", sa.func.now()))
    )
    await outbox.emit(
        conn,
        "project:update",
        {"project_id": str(project_id)},
        project_id=project_id,
        user_id=user_id,
    )


async def add_link(conn, name: str, project_id, other_id, **values) -> None:
    link, column = RELATIONS[name]
    statement = (
        sa.dialects.postgresql.insert(link)
        .values(project_id=project_id, **{column: other_id}, **values)
        .on_conflict_do_nothing()
    )
    await conn.execute(statement)


async def remove_link(conn, name: str, project_id, other_id) -> None:
    link, column = RELATIONS[name]
    await conn.execute(
        sa.delete(link).where(link.c.project_id == project_id, link.c[column] == other_id)
    )


async def linked(conn, name: str, project_id, table: sa.Table, type_name: str) -> list[dict]:
    link, column = RELATIONS[name]
    statement = (
        sa.select(table)
        .join(link, link.c[column] == table.c.id)
        .where(link.c.project_id == project_id)
        .order_by(table.c.name if "name" in table.c else table.c.id)
    )
    return [serialize.row(row, type_name) for row in (await conn.execute(statement)).mappings()]


async def existing_ids(conn, table: sa.Table, ids: list) -> set:
    if not ids:
        return set()
    return set((await conn.execute(sa.select(table.c.id).where(table.c.id.in_(ids)))).scalars())


async def rows_of(conn, table: sa.Table, type_name: str, *conditions, order=None) -> list[dict]:
    statement = sa.select(table).where(*conditions)
    if order is not None:
        statement = statement.order_by(*order)
    return [serialize.row(row, type_name) for row in (await conn.execute(statement)).mappings()]


async def schedule_items(conn, project_id, **where) -> list[dict]:
    si = t.schedule_item
    conditions = [si.c.project_id == project_id]
    for key, value in where.items():
        conditions.append(si.c[key].is_(None) if value is None else si.c[key] == value)
    return await rows_of(conn, si, "ScheduleItem", *conditions, order=[si.c.start_date])


async def task_type_schedule_items(conn, outbox, project_id, user_id=None) -> list[dict]:
    """One schedule item per task type of the project, made on first read as Zou does."""
    si, link = t.schedule_item, t.project_task_type_link
    missing = await conn.execute(
        sa.select(link.c.task_type_id).where(
            link.c.project_id == project_id,
            ~sa.exists().where(
                si.c.project_id == project_id,
                si.c.task_type_id == link.c.task_type_id,
                si.c.object_id.is_(None),
            ),
        )
    )
    today = dt.date.today()
    for task_type_id in missing.scalars().all():
        new_id = (
            await conn.execute(
                sa.insert(si)
                .values(
                    project_id=project_id,
                    task_type_id=task_type_id,
                    start_date=today,
                    end_date=today + dt.timedelta(days=1),
                )
                .returning(si.c.id)
            )
        ).scalar()
        await outbox.emit(
            conn,
            "schedule-item:new",
            {"schedule_item_id": str(new_id)},
            project_id=project_id,
            user_id=user_id,
        )
    statement = (
        sa.select(
            si.c.id,
            si.c.start_date,
            si.c.end_date,
            si.c.man_days,
            si.c.project_id,
            si.c.task_type_id,
            si.c.object_id,
        )
        .join(
            link, sa.and_(link.c.task_type_id == si.c.task_type_id, link.c.project_id == project_id)
        )
        .join(t.task_type, t.task_type.c.id == si.c.task_type_id)
        .where(si.c.project_id == project_id, si.c.object_id.is_(None))
        .order_by(link.c.priority, t.task_type.c.name)
    )
    return [
        {k: serialize.value(v) for k, v in row.items()}
        for row in (await conn.execute(statement)).mappings()
    ]


async def clear_links(conn, name: str, project_id) -> None:
    link, _ = RELATIONS[name]
    await conn.execute(sa.delete(link).where(link.c.project_id == project_id))


async def update_budget(conn, outbox, project_id, budget_id, values: dict, user_id) -> dict | None:
    b = t.budget
    statement = (
        sa.update(b)
        .where(b.c.id == budget_id, b.c.project_id == project_id)
        .values(**values, updated_at=sa.func.timezone("utc", sa.func.now()))
        .returning(*b.c)
    )
    row = (await conn.execute(statement)).mappings().first()
    if row is None:
        return None
    await outbox.emit(
        conn, "budget:update", {"budget_id": str(budget_id)}, project_id=project_id, user_id=user_id
    )
    return serialize.row(row, "Budget")


async def names_of(conn: AsyncConnection, project_ids) -> dict:
    if not project_ids:
        return {}
    rows = await conn.execute(sa.select(p.c.id, p.c.name).where(p.c.id.in_(list(project_ids))))
    return dict(rows.all())


async def open_ids(conn: AsyncConnection) -> list:
    return list((await conn.execute(sa.select(p.c.id).where(open_condition()))).scalars())


# --- Task type softwares, client-allowed statuses -----------------------------------


async def task_type_softwares(conn, project_id) -> list[dict]:
    link = t.project_task_type_software_link
    rows = await conn.execute(
        sa.select(link.c.project_id, link.c.task_type_id, link.c.software_id)
        .where(link.c.project_id == project_id)
        .order_by(link.c.task_type_id, link.c.software_id)
    )
    return [{k: str(v) for k, v in r.items()} for r in rows.mappings()]


async def set_task_type_software(
    conn, outbox, project_id, task_type_id, software_id, user_id, linked: bool
):
    link = t.project_task_type_software_link
    where = (
        link.c.project_id == project_id,
        link.c.task_type_id == task_type_id,
        link.c.software_id == software_id,
    )
    if linked:
        changed = await conn.execute(
            sa.dialects.postgresql.insert(link)
            .values(project_id=project_id, task_type_id=task_type_id, software_id=software_id)
            .on_conflict_do_nothing()
            .returning(link.c.id)
        )
    else:
        changed = await conn.execute(sa.delete(link).where(*where).returning(link.c.id))
    if changed.first() is not None:
        await touch(conn, outbox, project_id, user_id)
    return {
        "project_id": str(project_id),
        "task_type_id": str(task_type_id),
        "software_id": str(software_id),
    }


async def has_task_type(conn, project_id, task_type_id) -> bool:
    link = t.project_task_type_link
    found = await conn.execute(
        sa.select(link.c.task_type_id).where(
            link.c.project_id == project_id, link.c.task_type_id == task_type_id
        )
    )
    return found.first() is not None


async def set_status_client_allowed(conn, outbox, project_id, task_status_id, value, user_id):
    link = t.project_task_status_link
    row = (
        (
            await conn.execute(
                sa.update(link)
                .where(link.c.project_id == project_id, link.c.task_status_id == task_status_id)
                .values(is_client_allowed=value, updated_at=sa.func.timezone("utc", sa.func.now()))
                .returning(*link.c)
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    await touch(conn, outbox, project_id, user_id)
    return serialize.row(row, "ProjectTaskStatusLink")


# --- Time and days off of a production -----------------------------------------------


async def time_spents(conn, project_id, task_type_id=None, start=None, end=None) -> list[dict]:
    ts, task = t.time_spent, t.task
    statement = (
        sa.select(ts).join(task, task.c.id == ts.c.task_id).where(task.c.project_id == project_id)
    )
    if task_type_id is not None:
        statement = statement.where(task.c.task_type_id == task_type_id)
    if start is not None:
        statement = statement.where(ts.c.date >= start)
    if end is not None:
        statement = statement.where(ts.c.date <= end)
    rows = await conn.execute(statement.order_by(ts.c.date.desc()))
    return [serialize.row(r, "TimeSpent") for r in rows.mappings()]


async def team_day_offs(conn, project_id, start=None, end=None) -> list[dict]:
    day_off, link = t.day_off, t.project_person_link
    team = sa.select(link.c.person_id).where(link.c.project_id == project_id)
    statement = sa.select(day_off).where(day_off.c.person_id.in_(team))
    if start is not None:
        statement = statement.where(day_off.c.end_date >= start)
    if end is not None:
        statement = statement.where(day_off.c.date <= end)
    rows = await conn.execute(statement.order_by(day_off.c.date))
    return [serialize.row(r, "DayOff") for r in rows.mappings()]


async def task_type_department(conn, task_type_id):
    tt = t.task_type
    found = await conn.execute(sa.select(tt.c.department_id).where(tt.c.id == task_type_id))
    row = found.first()
    if row is None:
        raise NotFound("Task type", task_type_id)
    return row[0]


async def software(conn, software_id) -> dict | None:
    found = await conn.execute(sa.select(t.software).where(t.software.c.id == software_id))
    row = found.mappings().first()
    return dict(row) if row else None
