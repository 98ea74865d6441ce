"""SQL behind the importer's and reporting's internal API: upserts keyed by external ids
(each with its Zou event, through data's outbox) and the facts reporting's projections
keep."""

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.errors import WrongParameter
from libs.common.events import Outbox
from services.data import serialize
from services.data import tables as t

BASE_TYPES = ("Shot", "Sequence", "Episode", "Scene", "Edit", "Concept", "ConceptFolder")
e = t.entity


def _kind(type_name: str | None) -> str:
    return type_name if type_name in BASE_TYPES else "Asset"


def _event_prefix(kind: str) -> str:
    return "concept-folder" if kind == "ConceptFolder" else kind.lower()


async def emit_entity(outbox: Outbox, conn, row: dict, type_name: str, action: str, user_id):
    kind = _kind(type_name)
    prefix = _event_prefix(kind)
    data = {f"{prefix.replace('-', '_')}_id": str(row["id"])}
    if kind == "Asset":
        data["asset_type"] = str(row["entity_type_id"])
    await outbox.emit(
        conn, f"{prefix}:{action}", data, project_id=row["project_id"], user_id=user_id
    )


async def entity_type_id(conn: AsyncConnection, name: str, create: bool = False) -> uuid.UUID:
    et = t.entity_type
    found = (await conn.execute(sa.select(et.c.id).where(et.c.name == name))).scalar()
    if found is None and create:
        found = (await conn.execute(sa.insert(et).values(name=name).returning(et.c.id))).scalar()
    return found


async def entity_by_shotgun_id(conn, type_id: uuid.UUID, shotgun_id: Any) -> dict | None:
    found = await conn.execute(
        sa.select(e).where(e.c.shotgun_id == shotgun_id, e.c.entity_type_id == type_id)
    )
    row = found.mappings().first()
    return dict(row) if row else None


async def project_ids_by_name(conn: AsyncConnection) -> dict[str, uuid.UUID]:
    return dict((await conn.execute(sa.select(t.project.c.name, t.project.c.id))).all())


def _integrity(exc: sa.exc.DBAPIError) -> WrongParameter:
    orig = getattr(exc, "orig", None)
    return WrongParameter(str(getattr(orig, "diag", None) and orig.diag.message_primary or exc))


async def upsert_entity(
    conn: AsyncConnection,
    outbox: Outbox,
    type_name: str,
    shotgun_id: Any,
    values: dict,
    user_id,
    merge_data: bool = False,
) -> dict:
    """The entity of this type holding `shotgun_id`, created or updated with `values`."""
    type_id = await entity_type_id(conn, type_name)
    existing = await entity_by_shotgun_id(conn, type_id, shotgun_id)
    values = {**values, "shotgun_id": shotgun_id, "entity_type_id": type_id}
    try:
        async with conn.begin_nested():
            if existing is None:
                row_id = (
                    await conn.execute(
                        sa.insert(e).values(**values, created_by=user_id).returning(e.c.id)
                    )
                ).scalar()
                action = "new"
            else:
                if merge_data and values.get("data") is not None:
                    values["data"] = {**(existing["data"] or {}), **values["data"]}
                row_id = existing["id"]
                await conn.execute(
                    sa.update(e)
                    .where(e.c.id == row_id)
                    .values(**values, updated_at=sa.func.timezone("utc", sa.func.now()))
                )
                action = "update"
    except sa.exc.IntegrityError as exc:
        raise _integrity(exc) from None
    row = dict((await conn.execute(sa.select(e).where(e.c.id == row_id))).mappings().one())
    await emit_entity(outbox, conn, row, type_name, action, user_id)
    return row


def shape_entity(row: dict, type_label: str = "Entity") -> dict:
    return serialize.row(row, type_label)


async def remove_entity(
    conn: AsyncConnection, outbox: Outbox, type_name: str, shotgun_id: Any, user_id
) -> dict:
    """Zou's webhook removal: a plain delete, `success: false` when rows still hang on it."""
    type_id = await entity_type_id(conn, type_name)
    row = await entity_by_shotgun_id(conn, type_id, shotgun_id)
    if row is None:
        return {"success": True}
    try:
        async with conn.begin_nested():
            for table, column in (
                (t.entity_link, "entity_in_id"),
                (t.entity_link, "entity_out_id"),
            ):
                await conn.execute(sa.delete(table).where(table.c[column] == row["id"]))
            await conn.execute(sa.delete(e).where(e.c.id == row["id"]))
    except sa.exc.IntegrityError:
        return {"removed_instance_id": str(row["id"]), "success": False}
    await emit_entity(outbox, conn, row, type_name, "delete", user_id)
    return {"removed_instance_id": str(row["id"]), "success": True}


async def project_exists(conn: AsyncConnection, project_id: uuid.UUID) -> bool:
    found = await conn.execute(sa.select(t.project.c.id).where(t.project.c.id == project_id))
    return found.first() is not None


async def is_member(conn: AsyncConnection, project_id: uuid.UUID, person_id: uuid.UUID) -> bool:
    ppl = t.project_person_link
    found = await conn.execute(
        sa.select(ppl.c.person_id).where(
            ppl.c.project_id == project_id, ppl.c.person_id == person_id
        )
    )
    return found.first() is not None


# --- Team links (ShotGrid project connections) ------------------------------------------


async def link_team_member(
    conn: AsyncConnection, outbox: Outbox, link_sg_id, project_sg_id, person_sg_id, user_id
) -> dict | None:
    """The project of the link holding `link_sg_id`, adding the member when it is new."""
    ppl, project, person = t.project_person_link, t.project, t.person
    existing = (
        await conn.execute(sa.select(ppl.c.project_id).where(ppl.c.shotgun_id == link_sg_id))
    ).scalar()
    if existing is None:
        project_id = (
            await conn.execute(sa.select(project.c.id).where(project.c.shotgun_id == project_sg_id))
        ).scalar()
        person_id = (
            await conn.execute(sa.select(person.c.id).where(person.c.shotgun_id == person_sg_id))
        ).scalar()
        if project_id is None or person_id is None:
            return None
        await conn.execute(
            sa.dialects.postgresql.insert(ppl)
            .values(project_id=project_id, person_id=person_id, shotgun_id=link_sg_id)
            .on_conflict_do_update(
                index_elements=[ppl.c.project_id, ppl.c.person_id],
                set_={"shotgun_id": link_sg_id},
            )
        )
        await outbox.emit(
            conn,
            "project:update",
            {"project_id": str(project_id)},
            project_id=project_id,
            user_id=user_id,
        )
        existing = project_id
    row = (await conn.execute(sa.select(project).where(project.c.id == existing))).mappings().one()
    return serialize.row(row, "Project")


async def unlink_team_member(conn: AsyncConnection, outbox: Outbox, link_sg_id, user_id) -> dict:
    ppl = t.project_person_link
    found = (
        (await conn.execute(sa.select(ppl).where(ppl.c.shotgun_id == link_sg_id)))
        .mappings()
        .first()
    )
    if found is None:
        return {"success": True}
    await conn.execute(
        sa.delete(ppl).where(
            ppl.c.project_id == found["project_id"], ppl.c.person_id == found["person_id"]
        )
    )
    await outbox.emit(
        conn,
        "project:update",
        {"project_id": str(found["project_id"])},
        project_id=found["project_id"],
        user_id=user_id,
    )
    return {"success": True}


# --- Comments from another Kitsu ---------------------------------------------------------

COMMENT_LINKS = {
    "mentions": (t.comment_mentions, "person"),
    "department_mentions": (t.comment_department_mentions, "department"),
    "acknowledgements": (t.comment_acknoledgments, "person"),
    "previews": (t.comment_preview_link, "preview_file"),
}


def _comment_values(entry: dict) -> dict:
    values = {k: v for k, v in entry.items() if k in t.comment.c}
    for key in ("created_at", "updated_at"):
        if isinstance(values.get(key), str):
            values[key] = dt.datetime.fromisoformat(values[key]).replace(tzinfo=None)
    return values


async def upsert_comment(conn: AsyncConnection, outbox: Outbox, entry: dict, user_id) -> dict:
    c = t.comment
    values = _comment_values(entry)
    task_row = (
        (
            await conn.execute(
                sa.select(t.task.c.id, t.task.c.project_id).where(
                    t.task.c.id == values.get("object_id")
                )
            )
        )
        .mappings()
        .first()
    )
    if task_row is None:
        raise WrongParameter(f"Task {values.get('object_id')} not found for comment.")
    exists = (await conn.execute(sa.select(c.c.id).where(c.c.id == values["id"]))).first()
    try:
        async with conn.begin_nested():
            if exists is None:
                await conn.execute(sa.insert(c).values(**values))
            else:
                await conn.execute(sa.update(c).where(c.c.id == values["id"]).values(**values))
            for key, (link, other) in COMMENT_LINKS.items():
                if entry.get(key) is None:
                    continue
                await conn.execute(sa.delete(link).where(link.c.comment == values["id"]))
                if entry[key]:
                    await conn.execute(
                        sa.insert(link),
                        [{"comment": values["id"], other: i} for i in entry[key]],
                    )
    except sa.exc.IntegrityError as exc:
        raise _integrity(exc) from None
    except sa.exc.DBAPIError:
        raise WrongParameter("A value of the comment has a wrong format.") from None
    row = dict((await conn.execute(sa.select(c).where(c.c.id == values["id"]))).mappings().one())
    await outbox.emit(
        conn,
        "comment:update" if exists else "comment:new",
        {
            "comment_id": str(row["id"]),
            "task_id": str(task_row["id"]),
            "person_id": str(row["person_id"]),
            "for_client": row["for_client"],
        },
        project_id=task_row["project_id"],
        user_id=user_id,
    )
    return serialize.row(row, "Comment")


# --- CSV assets ------------------------------------------------------------------------


class RowError(Exception):
    """A row Zou refuses; its message goes back with the line number."""


async def asset_import_context(conn: AsyncConnection, project_id: uuid.UUID) -> dict | None:
    """What every row of an asset CSV is resolved against, read once per import."""
    project = (
        (await conn.execute(sa.select(t.project).where(t.project.c.id == project_id)))
        .mappings()
        .first()
    )
    if project is None:
        return None
    et, tt, ptl = t.entity_type, t.task_type, t.project_task_type_link
    asset_types = await conn.execute(
        sa.select(et.c.name, et.c.id)
        .join(t.project_asset_type_link, t.project_asset_type_link.c.asset_type_id == et.c.id)
        .where(t.project_asset_type_link.c.project_id == project_id)
    )
    task_types = await conn.execute(
        sa.select(tt.c.id, tt.c.name, tt.c.for_entity)
        .join(ptl, ptl.c.task_type_id == tt.c.id)
        .where(ptl.c.project_id == project_id)
        .order_by(ptl.c.priority, tt.c.name)
    )
    task_types = [dict(r) for r in task_types.mappings()]
    statuses = await conn.execute(
        sa.select(t.task_status.c.id, t.task_status.c.name, t.task_status.c.short_name)
    )
    descriptors = await conn.execute(
        sa.select(t.metadata_descriptor).where(
            t.metadata_descriptor.c.project_id == project_id,
            t.metadata_descriptor.c.entity_type == "Asset",
        )
    )
    episodes = await conn.execute(
        sa.select(e.c.name, e.c.id).where(
            e.c.project_id == project_id,
            e.c.entity_type_id == await entity_type_id(conn, "Episode"),
        )
    )
    return {
        "project_id": project_id,
        "is_tv_show": project["production_type"] == "tvshow",
        "episodes": dict(episodes.all()),
        "asset_types": {name.lower(): i for name, i in asset_types.all()},
        "asset_task_types": [x for x in task_types if x["for_entity"] == "Asset"],
        "shot_task_types": {x["name"]: x["id"] for x in task_types if x["for_entity"] == "Shot"},
        "statuses": {r.id: (r.name.lower(), r.short_name.lower()) for r in statuses},
        "descriptors": {d["name"]: dict(d) for d in descriptors.mappings()},
        "default_status_id": (
            await conn.execute(
                sa.select(t.task_status.c.id).where(
                    t.task_status.c.is_default.is_(True), t.task_status.c.for_concept.isnot(True)
                )
            )
        ).scalar(),
    }


async def _person_lookup(conn: AsyncConnection) -> dict[str, uuid.UUID]:
    p = t.person
    lookup = {}
    for r in (
        await conn.execute(sa.select(p.c.id, p.c.first_name, p.c.last_name, p.c.email))
    ).all():
        lookup[str(r.id)] = r.id
        lookup[f"{r.first_name or ''} {r.last_name or ''}".strip().lower()] = r.id
        if r.email:
            lookup[r.email.lower()] = r.id
    return lookup


def _task_updates(ctx: dict, cells: dict, persons: dict) -> list[dict]:
    updates = []
    for task_type in ctx["asset_task_types"]:
        name = task_type["name"]
        status_name = cells.get(name)
        status_id = None
        if status_name not in (None, ""):
            status_id = next(
                (i for i, names in ctx["statuses"].items() if status_name.lower() in names), None
            )
            if status_id is None:
                raise RowError(f"Task status not found for {status_name}")
        comment = cells.get(f"{name} comment")
        assignees = []
        for person in (cells.get(f"{name} assignations") or "").split(","):
            if person.strip():
                found = persons.get(person.strip().lower())
                if found is None:
                    raise RowError(f"Person not found for {person}")
                assignees.append(found)
        if status_id is not None or comment not in (None, "") or assignees:
            updates.append(
                {
                    "task_type_id": task_type["id"],
                    "task_status_id": status_id,
                    "comment": comment,
                    "assignees": assignees,
                }
            )
    return updates


def _descriptor_values(ctx: dict, cells: dict, data: dict | None) -> dict:
    out = dict(data or {})
    for name, descriptor in ctx["descriptors"].items():
        value = cells.get(name)
        if value is None:
            continue
        if value != "" and descriptor["data_type"] == "boolean":
            value = "true" if value.strip().lower() in ("1", "true", "yes", "y", "on") else "false"
        out[descriptor["field_name"]] = value
    return out


async def _workflow_task_types(conn: AsyncConnection, ctx: dict, asset_type_id) -> list:
    ids = [x["id"] for x in ctx["asset_task_types"]]
    link = t.task_type_asset_type_link
    own = set(
        (
            await conn.execute(
                sa.select(link.c.task_type_id).where(link.c.asset_type_id == asset_type_id)
            )
        ).scalars()
    )
    return [i for i in ids if i in own] if own else ids


async def _tasks_of(conn: AsyncConnection, entity_id) -> dict:
    rows = await conn.execute(sa.select(t.task).where(t.task.c.entity_id == entity_id))
    return {r["task_type_id"]: dict(r) for r in rows.mappings()}


async def _create_task(conn, outbox, ctx, entity: dict, task_type_id, user_id) -> dict:
    values = {
        "id": uuid.uuid4(),
        "name": "main",
        "project_id": entity["project_id"],
        "task_type_id": task_type_id,
        "task_status_id": ctx["default_status_id"],
        "entity_id": entity["id"],
        "assigner_id": user_id,
    }
    await conn.execute(sa.insert(t.task).values(**values))
    await outbox.emit(
        conn,
        "task:new",
        {"task_id": str(values["id"])},
        project_id=values["project_id"],
        user_id=user_id,
    )
    return {**values, "assignees": []}


async def _apply_task_update(conn, outbox, task: dict, update: dict, user_id) -> None:
    link = t.task_person_link
    assigned = set(
        (
            await conn.execute(sa.select(link.c.person_id).where(link.c.task_id == task["id"]))
        ).scalars()
    )
    for person_id in update["assignees"]:
        if person_id in assigned:
            continue
        await conn.execute(sa.insert(link).values(task_id=task["id"], person_id=person_id))
        await outbox.emit(
            conn,
            "task:assign",
            {"task_id": str(task["id"]), "person_id": str(person_id)},
            project_id=task["project_id"],
            user_id=user_id,
        )
    status_id = update["task_status_id"] or task["task_status_id"]
    if update["comment"] is None and status_id == task["task_status_id"]:
        return
    comment_id = (
        await conn.execute(
            sa.insert(t.comment)
            .values(
                object_id=task["id"],
                object_type="Task",
                text=update["comment"] or "",
                task_status_id=status_id,
                person_id=user_id,
            )
            .returning(t.comment.c.id)
        )
    ).scalar()
    now = sa.func.timezone("utc", sa.func.now())
    await conn.execute(
        sa.update(t.task)
        .where(t.task.c.id == task["id"])
        .values(task_status_id=status_id, last_comment_date=now, updated_at=now)
    )
    facts = {"task_id": str(task["id"]), "project_id": task["project_id"], "user_id": user_id}
    await outbox.emit(
        conn,
        "comment:new",
        {
            "comment_id": str(comment_id),
            "task_id": facts["task_id"],
            "task_status_id": str(status_id),
            "person_id": str(user_id),
            "for_client": False,
        },
        project_id=task["project_id"],
        user_id=user_id,
    )
    if status_id != task["task_status_id"]:
        await outbox.emit(
            conn,
            "task:status-changed",
            {
                "task_id": facts["task_id"],
                "new_task_status_id": str(status_id),
                "previous_task_status_id": str(task["task_status_id"]),
                "person_id": str(user_id),
            },
            project_id=task["project_id"],
            user_id=user_id,
        )
    await outbox.emit(
        conn,
        "task:update",
        {"task_id": facts["task_id"]},
        project_id=task["project_id"],
        user_id=user_id,
    )


async def _ensure_tasks(conn, outbox, ctx, entity, updates, user_id) -> None:
    tasks = await _tasks_of(conn, entity["id"])
    for task_type_id in await _workflow_task_types(conn, ctx, entity["entity_type_id"]):
        if task_type_id not in tasks:
            tasks[task_type_id] = await _create_task(
                conn, outbox, ctx, entity, task_type_id, user_id
            )
    for update in updates:
        task = tasks.get(update["task_type_id"])
        if task is None:
            task = await _create_task(conn, outbox, ctx, entity, update["task_type_id"], user_id)
            tasks[update["task_type_id"]] = task
        await _apply_task_update(conn, outbox, task, update, user_id)


async def _asset_type(conn: AsyncConnection, ctx: dict, name: str) -> uuid.UUID:
    if not ctx["asset_types"]:
        return await entity_type_id(conn, name, create=True)
    found = ctx["asset_types"].get(name.lower())
    if found is not None:
        return found
    et = t.entity_type
    found = (
        await conn.execute(sa.select(et.c.id).where(sa.func.lower(et.c.name) == name.lower()))
    ).scalar()
    if found is None or found in (await conn.execute(_base_type_ids())).scalars().all():
        raise RowError(f"Asset type {name} is not configured for this project")
    await conn.execute(
        sa.insert(t.project_asset_type_link).values(
            project_id=ctx["project_id"], asset_type_id=found
        )
    )
    ctx["asset_types"][name.lower()] = found
    return found


def _base_type_ids():
    return sa.select(t.entity_type.c.id).where(t.entity_type.c.name.in_(BASE_TYPES))


async def import_asset_row(
    conn: AsyncConnection, outbox: Outbox, ctx: dict, cells: dict, update: bool, user_id
) -> dict:
    """One CSV line, with Zou's columns: Name, Type, Episode, Description, Resolution,
    Ready for, metadata descriptors and, per task type, status, comment, assignations."""
    try:
        name, type_name = cells["Name"], cells["Type"]
    except KeyError as exc:
        raise RowError(f"A columns is missing: {exc}") from None
    if type_name is None or not type_name.strip():
        raise RowError("An asset type is required in the Type column")
    episode_name = (cells.get("Episode") or "").strip() or None
    episode_id = None
    if ctx["is_tv_show"]:
        if episode_name not in (None, "MP") and episode_name not in ctx["episodes"]:
            episode = await upsert_by_name_episode(
                conn, outbox, ctx["project_id"], episode_name, user_id
            )
            ctx["episodes"][episode_name] = episode
        episode_id = ctx["episodes"].get(episode_name)
    elif episode_name is not None:
        raise RowError("An episode column is present for a production that isn't a TV Show")
    type_id = await _asset_type(conn, ctx, type_name)
    existing = (
        (
            await conn.execute(
                sa.select(e).where(
                    e.c.name == name,
                    e.c.project_id == ctx["project_id"],
                    e.c.entity_type_id == type_id,
                )
            )
        )
        .mappings()
        .first()
    )
    values: dict[str, Any] = {}
    if cells.get("Description") is not None:
        values["description"] = cells["Description"]
    data = dict(existing["data"] or {}) if existing else {}
    if cells.get("Resolution") is not None:
        data["resolution"] = cells["Resolution"]
    values["data"] = _descriptor_values(ctx, cells, data)
    ready_for = cells.get("Ready for")
    if ready_for is not None:
        if ready_for == "":
            values["ready_for"] = None
        elif ready_for in ctx["shot_task_types"]:
            values["ready_for"] = ctx["shot_task_types"][ready_for]
        else:
            raise RowError(f"Task type not found for {ready_for}")
    updates = _task_updates(ctx, cells, ctx.setdefault("persons", await _person_lookup(conn)))
    if existing is None:
        row_id = (
            await conn.execute(
                sa.insert(e)
                .values(
                    name=name,
                    project_id=ctx["project_id"],
                    entity_type_id=type_id,
                    source_id=episode_id,
                    created_by=user_id,
                    **values,
                )
                .returning(e.c.id)
            )
        ).scalar()
        action = "new"
    elif update:
        row_id = existing["id"]
        await conn.execute(
            sa.update(e)
            .where(e.c.id == row_id)
            .values(
                source_id=episode_id, updated_at=sa.func.timezone("utc", sa.func.now()), **values
            )
        )
        action = "update"
    else:
        row_id, action = existing["id"], None
    row = dict((await conn.execute(sa.select(e).where(e.c.id == row_id))).mappings().one())
    if action:
        await emit_entity(outbox, conn, row, type_name, action, user_id)
    await _ensure_tasks(conn, outbox, ctx, row, updates if action else [], user_id)
    return serialize.row(row, "Entity")


async def upsert_by_name_episode(conn, outbox, project_id, name, user_id) -> uuid.UUID:
    values = {
        "name": name,
        "project_id": project_id,
        "entity_type_id": await entity_type_id(conn, "Episode"),
        "created_by": user_id,
    }
    row = dict((await conn.execute(sa.insert(e).values(**values).returning(*e.c))).mappings().one())
    await emit_entity(outbox, conn, row, "Episode", "new", user_id)
    return row["id"]


# --- Facts for reporting's projections ----------------------------------------------------


async def person_fact(conn: AsyncConnection, person_id: uuid.UUID) -> dict | None:
    p = t.person
    row = (
        (
            await conn.execute(
                sa.select(
                    p.c.id,
                    p.c.first_name,
                    p.c.last_name,
                    p.c.active,
                    p.c.is_bot,
                    p.c.timezone,
                    p.c.studio_id,
                    (p.c.is_guest.is_(True) | p.c.preview_project_id.isnot(None)).label("is_guest"),
                ).where(p.c.id == person_id)
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    out = {k: serialize.value(v) for k, v in row.items()}
    out["timezone"] = str(row["timezone"]) if row["timezone"] else None
    return out


async def project_fact(conn: AsyncConnection, project_id: uuid.UUID) -> dict | None:
    pr, ps = t.project, t.project_status
    row = (
        (
            await conn.execute(
                sa.select(pr.c.id, pr.c.name, (ps.c.name == "Open").label("is_open"))
                .outerjoin(ps, ps.c.id == pr.c.project_status_id)
                .where(pr.c.id == project_id)
            )
        )
        .mappings()
        .first()
    )
    return {k: serialize.value(v) for k, v in row.items()} if row else None


async def entity_fact(conn: AsyncConnection, entity_id: uuid.UUID) -> dict | None:
    row = (
        (
            await conn.execute(
                sa.select(e, t.entity_type.c.name.label("_type_name"))
                .join(t.entity_type, t.entity_type.c.id == e.c.entity_type_id)
                .where(e.c.id == entity_id)
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    row = dict(row)
    type_name = row.pop("_type_name")
    return {"type_name": type_name, "row": serialize.row(row, "Entity")}


def _task_fact() -> sa.Select:
    k, tt, ts, link = t.task, t.task_type, t.task_status, t.task_person_link
    assignees = (
        sa.select(sa.func.coalesce(sa.func.array_agg(link.c.person_id), sa.text("'{}'")))
        .where(link.c.task_id == k.c.id)
        .scalar_subquery()
    )
    return (
        sa.select(
            k.c.id,
            k.c.name,
            k.c.project_id,
            k.c.entity_id,
            k.c.task_type_id,
            k.c.assigner_id,
            k.c.duration,
            k.c.estimation,
            k.c.nb_drawings,
            k.c.start_date,
            k.c.due_date,
            k.c.real_start_date,
            k.c.end_date,
            k.c.done_date,
            tt.c.name.label("task_type_name"),
            tt.c.department_id,
            ts.c.name.label("task_status_name"),
            assignees.label("assignees"),
        )
        .outerjoin(tt, tt.c.id == k.c.task_type_id)
        .outerjoin(ts, ts.c.id == k.c.task_status_id)
        .where(k.c.id == sa.bindparam("task_id", type_=sa.Uuid))
    )


# Built once: reporting asks for a task's facts after each of its events.
TASK_FACT = _task_fact()


async def task_fact(conn: AsyncConnection, task_id: uuid.UUID) -> dict | None:
    row = (await conn.execute(TASK_FACT, {"task_id": task_id})).mappings().first()
    if row is None:
        return None
    out = {key: serialize.value(v) for key, v in row.items() if key != "assignees"}
    out["assignees"] = [str(i) for i in row["assignees"] or ()]
    return out


async def time_spent_fact(conn: AsyncConnection, time_spent_id: uuid.UUID) -> dict | None:
    ts = t.time_spent
    row = (
        (
            await conn.execute(
                sa.select(ts.c.id, ts.c.task_id, ts.c.person_id, ts.c.date, ts.c.duration).where(
                    ts.c.id == time_spent_id
                )
            )
        )
        .mappings()
        .first()
    )
    return {k: serialize.value(v) for k, v in row.items()} if row else None


async def member_project_ids(conn: AsyncConnection, person_id: uuid.UUID) -> list[str]:
    ppl = t.project_person_link
    rows = await conn.execute(sa.select(ppl.c.project_id).where(ppl.c.person_id == person_id))
    return [str(i) for i in rows.scalars()]


async def presence(conn: AsyncConnection, start: dt.datetime, end: dt.datetime) -> list[dict]:
    """Active, non-guest persons by name, with the days of the month they logged in."""
    p, log = t.person, t.desktop_login_log
    days = (
        sa.select(sa.func.array_agg(sa.distinct(sa.extract("day", log.c.date).cast(sa.Integer))))
        .where(log.c.person_id == p.c.id, log.c.date >= start, log.c.date < end)
        .scalar_subquery()
    )
    rows = await conn.execute(
        sa.select(p.c.first_name, p.c.last_name, days.label("days"))
        .where(p.c.active.is_(True), p.c.is_guest.isnot(True), p.c.preview_project_id.is_(None))
        .order_by(p.c.first_name, p.c.last_name)
    )
    return [
        {
            "full_name": f"{r.first_name or ''} {r.last_name or ''}".strip(),
            "days": sorted(r.days or []),
        }
        for r in rows
    ]
