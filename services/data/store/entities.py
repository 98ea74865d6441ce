"""The polymorphic `entity` table: episodes, sequences, shots, scenes, edits, concepts,
concept folders and assets (every other type). Reads, writes and their Zou events."""

import re
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.errors import NotFound, WrongParameter
from libs.common.events import Outbox
from services.data import serialize
from services.data import tables as t
from services.data.store import news

BASE_TYPES = ("Shot", "Sequence", "Episode", "Scene", "Edit", "Concept", "ConceptFolder")
e = t.entity


def kind_of(type_name: str | None) -> str:
    """Zou's `type` for an entity of this entity type: its name, or Asset."""
    return type_name if type_name in BASE_TYPES else "Asset"


def event_prefix(kind: str) -> str:
    return "-".join(w.lower() for w in re.findall("[A-Z][a-z]*", kind))


def id_key(kind: str) -> str:
    return event_prefix(kind).replace("-", "_") + "_id"


async def types(conn: AsyncConnection) -> dict[str, uuid.UUID]:
    rows = await conn.execute(sa.select(t.entity_type.c.name, t.entity_type.c.id))
    return dict(rows.all())


async def type_id(conn: AsyncConnection, name: str) -> uuid.UUID:
    found = (
        await conn.execute(sa.select(t.entity_type.c.id).where(t.entity_type.c.name == name))
    ).scalar()
    if found is None:
        raise NotFound("Entity type", name)
    return found


def base_type_ids():
    return sa.select(t.entity_type.c.id).where(t.entity_type.c.name.in_(BASE_TYPES))


def is_asset():
    return e.c.entity_type_id.not_in(base_type_ids())


def of_type(name: str):
    return e.c.entity_type_id == (
        sa.select(t.entity_type.c.id).where(t.entity_type.c.name == name).scalar_subquery()
    )


def shape(row: Any, kind: str, **extra: Any) -> dict:
    out = {key: serialize.value(v) for key, v in dict(row).items() if not key.startswith("_")}
    out["type"] = kind
    out.update(extra)
    return out


async def get(conn: AsyncConnection, entity_id: uuid.UUID, lock: bool = False) -> dict | None:
    """The row with `_kind` (Shot, Asset...) and `_type_name` (the entity type's name)."""
    statement = (
        sa.select(e, t.entity_type.c.name.label("_type_name"))
        .join(t.entity_type, t.entity_type.c.id == e.c.entity_type_id)
        .where(e.c.id == entity_id)
    )
    if lock:
        statement = statement.with_for_update(of=e)
    found = (await conn.execute(statement)).mappings().first()
    if found is None:
        return None
    row = dict(found)
    row["_kind"] = kind_of(row["_type_name"])
    return row


async def get_of(conn: AsyncConnection, entity_id: uuid.UUID, *kinds: str, lock=False) -> dict:
    """The entity, 404 when missing or not of one of these kinds."""
    row = await get(conn, entity_id, lock)
    if row is None or (kinds and row["_kind"] not in kinds):
        raise NotFound()
    return row


async def rows(conn: AsyncConnection, *conditions, order=None) -> list[dict]:
    statement = (
        sa.select(e, t.entity_type.c.name.label("_type_name"))
        .join(t.entity_type, t.entity_type.c.id == e.c.entity_type_id)
        .where(*conditions)
        .order_by(*(order if order is not None else [e.c.name]))
    )
    out = []
    for found in (await conn.execute(statement)).mappings():
        row = dict(found)
        row["_kind"] = kind_of(row["_type_name"])
        out.append(row)
    return out


def visible(projects: list | None):
    """Condition keeping entities of these projects (None: every project)."""
    return sa.true() if projects is None else e.c.project_id.in_(projects)


async def find_by_name(conn, project_id, type_id_, name, parent_id=None) -> dict | None:
    conditions = [e.c.project_id == project_id, e.c.entity_type_id == type_id_, e.c.name == name]
    conditions.append(e.c.parent_id == parent_id if parent_id else e.c.parent_id.is_(None))
    found = await rows(conn, *conditions)
    return found[0] if found else None


async def emit(outbox: Outbox, conn, row: dict, action: str, user_id, **extra) -> None:
    kind = row["_kind"]
    data = {id_key(kind): str(row["id"]), **extra}
    await outbox.emit(
        conn, f"{event_prefix(kind)}:{action}", data, project_id=row["project_id"], user_id=user_id
    )


async def create(conn, outbox: Outbox, values: dict, user_id, **event_extra) -> dict:
    values = {"data": {}, "created_by": user_id, **values}
    try:
        async with conn.begin_nested():
            new_id = (await conn.execute(sa.insert(e).values(**values).returning(e.c.id))).scalar()
    except sa.exc.IntegrityError as exc:
        raise WrongParameter(_integrity_message(exc)) from None
    row = await get(conn, new_id)
    extra = dict(event_extra)
    if row["_kind"] == "Asset":
        extra.setdefault("asset_type", str(row["entity_type_id"]))
    await emit(outbox, conn, row, "new", user_id, **extra)
    return row


def _integrity_message(exc) -> str:
    code = getattr(getattr(exc, "orig", None), "sqlstate", "")
    if code == "23505":
        return "An entity with the same name already exists here."
    if code == "23503":
        return "A referenced object does not exist."
    return "The data conflicts with database integrity rules."


async def update(conn, outbox: Outbox, row: dict, values: dict, user_id) -> dict:
    if values:
        try:
            async with conn.begin_nested():
                await conn.execute(
                    sa.update(e)
                    .where(e.c.id == row["id"])
                    .values(**values, updated_at=sa.func.timezone("utc", sa.func.now()))
                )
        except sa.exc.IntegrityError as exc:
            raise WrongParameter(_integrity_message(exc)) from None
    updated = await get(conn, row["id"])
    await emit(outbox, conn, updated, "update", user_id)
    return updated


async def has_tasks(conn, entity_id) -> bool:
    found = await conn.execute(
        sa.select(t.task.c.id).where(t.task.c.entity_id == entity_id).limit(1)
    )
    return found.first() is not None


TASK_DEPENDANTS = (
    (t.task_person_link, "task_id"),
    (t.time_spent, "task_id"),
    (t.subscription, "task_id"),
    (t.notification, "task_id"),
    (t.news, "task_id"),
)


async def remove_tasks(conn, entity_ids: list) -> None:
    """Tasks of these entities and what hangs from them only by the task."""
    task_ids = sa.select(t.task.c.id).where(t.task.c.entity_id.in_(entity_ids))
    for table, column in TASK_DEPENDANTS:
        if column in table.c:
            await conn.execute(sa.delete(table).where(table.c[column].in_(task_ids)))
    comments = sa.select(t.comment.c.id).where(t.comment.c.object_id.in_(task_ids))
    for link in (
        t.comment_mentions,
        t.comment_department_mentions,
        t.comment_acknoledgments,
        t.comment_preview_link,
    ):
        await conn.execute(sa.delete(link).where(link.c.comment.in_(comments)))
    await conn.execute(sa.delete(t.comment).where(t.comment.c.object_id.in_(task_ids)))
    await conn.execute(sa.delete(t.task).where(t.task.c.entity_id.in_(entity_ids)))


async def delete(conn, outbox: Outbox, row: dict, user_id, force: bool) -> dict:
    """Zou's removal: an entity with tasks is only canceled unless forced."""
    entity_id = row["id"]
    if row["_kind"] in ("Shot", "Asset", "Edit", "Concept") and not force:
        if await has_tasks(conn, entity_id):
            return await update(conn, outbox, row, {"canceled": True}, user_id)
    try:
        async with conn.begin_nested():
            if force:
                if row["_kind"] in ("Episode", "Sequence"):
                    children = await rows(conn, e.c.parent_id == entity_id)
                    for child in children:
                        await delete(conn, outbox, child, user_id, True)
                await remove_tasks(conn, [entity_id])
            await _unlink(conn, entity_id, row["_kind"] == "Asset")
            await conn.execute(sa.delete(e).where(e.c.id == entity_id))
    except sa.exc.IntegrityError:
        raise WrongParameter(
            f"Some data are still linked to this {row['_kind'].lower()}."
        ) from None
    await emit(outbox, conn, row, "delete", user_id)
    return row


async def _unlink(conn, entity_id, orphan_children: bool) -> None:
    for table, columns in (
        (t.entity_link, ("entity_in_id", "entity_out_id")),
        (t.entity_concept_link, ("entity_in_id", "entity_out_id")),
        (t.asset_instance_link, ("entity_id",)),
        (t.entity_version, ("entity_id",)),
        (t.subscription, ("entity_id",)),
        (t.schedule_item, ("object_id",)),
    ):
        for column in columns:
            if column in table.c:
                await conn.execute(sa.delete(table).where(table.c[column] == entity_id))
    if orphan_children:
        await conn.execute(sa.update(e).where(e.c.parent_id == entity_id).values(parent_id=None))


async def tasks_of(conn, *conditions) -> list[dict]:
    """Full task rows with the names Zou adds to entity-scoped task lists."""
    task, tt, ts, et, p = t.task, t.task_type, t.task_status, t.entity_type, t.project
    statement = (
        sa.select(
            task,
            p.c.name.label("project_name"),
            tt.c.name.label("task_type_name"),
            ts.c.name.label("task_status_name"),
            et.c.name.label("entity_type_name"),
            e.c.name.label("entity_name"),
        )
        .join(e, e.c.id == task.c.entity_id)
        .join(p, p.c.id == task.c.project_id)
        .join(tt, tt.c.id == task.c.task_type_id)
        .join(ts, ts.c.id == task.c.task_status_id)
        .join(et, et.c.id == e.c.entity_type_id)
        .where(*conditions)
        .order_by(e.c.name, tt.c.name)
    )
    return [shape(row, "Task") for row in (await conn.execute(statement)).mappings()]


async def task_types_of(conn, *conditions) -> list[dict]:
    """Task types used by the tasks of the entities matching the conditions."""
    used = sa.select(t.task.c.task_type_id).join(e, e.c.id == t.task.c.entity_id).where(*conditions)
    statement = (
        sa.select(t.task_type).where(t.task_type.c.id.in_(used)).order_by(t.task_type.c.name)
    )
    return [shape(row, "TaskType") for row in (await conn.execute(statement)).mappings()]


def in_sequence(sequence_id):
    return e.c.parent_id == sequence_id


def in_episode(episode_id):
    sequences = sa.select(e.c.id).where(e.c.parent_id == episode_id).scalar_subquery()
    return e.c.parent_id.in_(sequences)


async def relation_ids(conn, entity_id) -> dict:
    """The id lists Zou adds to a full entity: casting out and in, concept links, instances."""
    link, concept, instance = t.entity_link, t.entity_concept_link, t.asset_instance_link

    async def ids(statement):
        return [str(v) for v in (await conn.execute(statement)).scalars()]

    return {
        "entities_out": await ids(
            sa.select(link.c.entity_out_id).where(link.c.entity_in_id == entity_id)
        ),
        "entity_concept_links": await ids(
            sa.select(concept.c.entity_out_id).where(concept.c.entity_in_id == entity_id)
        ),
        "instance_casting": await ids(
            sa.select(instance.c.asset_instance_id).where(instance.c.entity_id == entity_id)
        ),
        "entities_in": await ids(
            sa.select(link.c.entity_in_id).where(link.c.entity_out_id == entity_id)
        ),
    }


def cast_in_or_from_episode(episode_id):
    cast = sa.select(t.entity_link.c.entity_out_id).where(
        t.entity_link.c.entity_in_id == episode_id
    )
    return sa.or_(e.c.source_id == episode_id, e.c.id.in_(cast))


async def set_shared(conn, is_shared: bool, *conditions) -> list[dict]:
    """Marks the assets matching the conditions shared (or not), in one statement.

    Zou sends no event for this (its service is called with events off)."""
    statement = (
        sa.update(e)
        .where(is_asset(), *conditions)
        .values(is_shared=is_shared, updated_at=sa.func.timezone("utc", sa.func.now()))
        .returning(*e.c)
    )
    return [dict(row) for row in (await conn.execute(statement)).mappings()]


async def shared_used_in(conn, project_id, episode_id=None) -> list[dict]:
    """Other productions' shared assets cast in this project's shots (or one episode's)."""
    link = t.entity_link
    shot, sequence = e.alias("shot"), e.alias("sequence")
    used = (
        sa.select(link.c.entity_out_id)
        .join(shot, shot.c.id == link.c.entity_in_id)
        .join(sequence, sequence.c.id == shot.c.parent_id)
        .where(shot.c.project_id == project_id)
    )
    if episode_id is not None:
        used = used.where(sequence.c.parent_id == episode_id)
    return await rows(
        conn,
        is_asset(),
        e.c.is_shared.is_(True),
        e.c.canceled.isnot(True),
        e.c.project_id != project_id,
        e.c.id.in_(used),
    )


async def cast_assets(conn, entity_id) -> list[dict]:
    """The live assets cast in an entity, as full rows."""
    cast = sa.select(t.entity_link.c.entity_out_id).where(t.entity_link.c.entity_in_id == entity_id)
    return await rows(conn, e.c.id.in_(cast), e.c.canceled.is_not(True))


async def asset_types_cast_in(conn, entity_id) -> list[dict]:
    cast = sa.select(t.entity_link.c.entity_out_id).where(t.entity_link.c.entity_in_id == entity_id)
    used = sa.select(e.c.entity_type_id).where(e.c.id.in_(cast))
    statement = (
        sa.select(t.entity_type).where(t.entity_type.c.id.in_(used)).order_by(t.entity_type.c.name)
    )
    return [shape(row, "AssetType") for row in (await conn.execute(statement)).mappings()]


async def asset_types(conn, type_id=None) -> list[dict]:
    """Entity types that are asset types, with the task types linked to each."""
    et, tl = t.entity_type, t.task_type_asset_type_link
    task_types = (
        sa.select(sa.func.coalesce(sa.func.array_agg(tl.c.task_type_id), sa.text("'{}'")))
        .where(tl.c.asset_type_id == et.c.id)
        .scalar_subquery()
    )
    statement = sa.select(et, task_types.label("task_types")).where(et.c.name.not_in(BASE_TYPES))
    if type_id is not None:
        statement = statement.where(et.c.id == type_id)
    statement = statement.order_by(et.c.name)
    return [shape(row, "AssetType") for row in (await conn.execute(statement)).mappings()]


async def versions_of(conn, entity_id) -> list[dict]:
    v = t.entity_version
    statement = sa.select(v).where(v.c.entity_id == entity_id).order_by(v.c.created_at.desc())
    return [shape(row, "EntityVersion") for row in (await conn.execute(statement)).mappings()]


async def preview_files_of(conn, entity_id) -> list[dict]:
    pf = t.preview_file
    statement = (
        sa.select(pf)
        .join(t.task, t.task.c.id == pf.c.task_id)
        .where(t.task.c.entity_id == entity_id)
        .order_by(pf.c.created_at.desc())
    )
    return [shape(row, "PreviewFile") for row in (await conn.execute(statement)).mappings()]


async def time_spents_of(conn, entity_id) -> list[dict]:
    ts = t.time_spent
    statement = (
        sa.select(ts)
        .join(t.task, t.task.c.id == ts.c.task_id)
        .where(t.task.c.entity_id == entity_id)
        .order_by(ts.c.date)
    )
    return [shape(row, "TimeSpent") for row in (await conn.execute(statement)).mappings()]


async def link_to_scene(conn, outbox, shot: dict, scene: dict, user_id, add: bool) -> dict:
    """A shot's scene is its `source_id`: set or cleared, with Zou's scene events."""
    row = await update(conn, outbox, shot, {"source_id": scene["id"] if add else None}, user_id)
    await outbox.emit(
        conn,
        "shot:add-to-scene" if add else "shot:remove-from-scene",
        {"scene_id": str(scene["id"]), "shot_id": str(shot["id"])},
        project_id=shot["project_id"],
        user_id=user_id,
    )
    return row


# --- Linked entities, news, frames from previews -----------------------------------------

LINKED_TASK_COLUMNS = (
    "id duration due_date end_date entity_id estimation last_comment_date nb_assets_ready "
    "priority real_start_date retake_count start_date task_status_id task_type_id assigner_id"
).split()


async def linked_with_tasks(conn, concept_id) -> list[dict]:
    """Entities a concept is linked to, each with its tasks (Zou's board task fields)."""
    concept = t.entity_concept_link
    linked = sa.select(concept.c.entity_in_id).where(concept.c.entity_out_id == concept_id)
    concepts = (
        sa.select(sa.func.array_agg(concept.c.entity_out_id))
        .where(concept.c.entity_in_id == e.c.id)
        .scalar_subquery()
    )
    statement = (
        sa.select(
            e,
            t.entity_type.c.name.label("_type_name"),
            t.project.c.name.label("project_name"),
            concepts.label("_concepts"),
        )
        .join(t.entity_type, t.entity_type.c.id == e.c.entity_type_id)
        .join(t.project, t.project.c.id == e.c.project_id)
        .where(e.c.id.in_(linked))
        .order_by(e.c.name)
    )
    out, by_id = [], {}
    for row in (await conn.execute(statement)).mappings():
        data = row["data"] or {}
        item = {
            key: serialize.value(row[key])
            for key in (
                "canceled description entity_type_id id name nb_frames parent_id "
                "preview_file_id project_id project_name source_id nb_entities_out "
                "is_casting_standby updated_at created_at created_by"
            ).split()
        }
        item.update(
            data=data,
            fps=data.get("fps"),
            frame_in=data.get("frame_in"),
            frame_out=data.get("frame_out"),
            tasks=[],
            entity_concept_links=[str(c) for c in row["_concepts"] or []],
            type=kind_of(row["_type_name"]),
        )
        out.append(item)
        by_id[row["id"]] = item
    if not by_id:
        return out
    task, assignee = t.task, t.task_person_link
    assignees = (
        sa.select(sa.func.array_agg(assignee.c.person_id))
        .where(assignee.c.task_id == task.c.id)
        .scalar_subquery()
    )
    statement = (
        sa.select(*(task.c[name] for name in LINKED_TASK_COLUMNS), assignees.label("assignees"))
        .where(task.c.entity_id.in_(list(by_id)))
        .order_by(task.c.created_at)
    )
    for row in (await conn.execute(statement)).mappings():
        shaped = {key: serialize.value(v) for key, v in row.items()}
        shaped["priority"] = shaped["priority"] or 0
        shaped["assignees"] = shaped["assignees"] or []
        by_id[row["entity_id"]]["tasks"].append(shaped)
    return out


NEWS_LIMIT = 2000


async def news_of(conn, entity_id) -> dict:
    """The news of an entity's tasks, newest first, as one page of Zou's feed."""
    statement = news._select().where(t.task.c.entity_id == entity_id)
    found = await conn.execute(
        statement.order_by(t.news.c.created_at.desc(), t.news.c.id.desc()).limit(NEWS_LIMIT)
    )
    data = [news._shape(r) for r in found.mappings()]
    total = (
        await conn.execute(
            sa.select(sa.func.count())
            .select_from(t.news)
            .join(t.task, t.task.c.id == t.news.c.task_id)
            .where(t.task.c.entity_id == entity_id)
        )
    ).scalar()
    return {
        "data": data,
        "total": total,
        "nb_pages": -(-total // NEWS_LIMIT),
        "limit": NEWS_LIMIT,
        "offset": 0,
        "page": 1,
    }


async def set_frames_from_previews(conn, project_id, task_type_id, episode_id=None) -> list:
    """Each shot's frame count from the duration of its task type's latest preview."""
    shot, task, pf = e, t.task, t.preview_file
    fps = (
        await conn.execute(sa.select(t.project.c.fps).where(t.project.c.id == project_id))
    ).scalar()
    try:
        rate = float(fps or 25)
    except ValueError:
        rate = 25.0
    latest = (
        sa.select(shot.c.id, pf.c.duration)
        .distinct(shot.c.id)
        .join(task, task.c.entity_id == shot.c.id)
        .join(pf, pf.c.task_id == task.c.id)
        .where(
            shot.c.project_id == project_id,
            of_type("Shot"),
            task.c.task_type_id == task_type_id,
        )
        .order_by(shot.c.id, pf.c.created_at.desc())
    )
    if episode_id is not None:
        latest = latest.where(in_episode(episode_id))
    updates = [
        {"id": str(shot_id), "nb_frames": round((duration or 0) * rate)}
        for shot_id, duration in (await conn.execute(latest)).all()
    ]
    for update in updates:
        await conn.execute(
            sa.update(e)
            .where(e.c.id == uuid.UUID(update["id"]))
            .values(nb_frames=update["nb_frames"])
        )
    return updates


async def task_types_to_create(conn, entity: dict, requested: list) -> list[dict]:
    """The task types to give an entity: those asked for, checked against the project's
    task types, the asset type's workflow and each type's `for_entity`; else all of them."""
    tt = t.task_type
    kind = entity["_kind"]
    enabled = set(
        (
            await conn.execute(
                sa.select(t.project_task_type_link.c.task_type_id).where(
                    t.project_task_type_link.c.project_id == entity["project_id"]
                )
            )
        ).scalars()
    )
    workflow = None
    if kind == "Asset":
        link = t.task_type_asset_type_link
        workflow = (
            set(
                (
                    await conn.execute(
                        sa.select(link.c.task_type_id).where(
                            link.c.asset_type_id == entity["entity_type_id"]
                        )
                    )
                ).scalars()
            )
            or None
        )
    if not requested:
        candidates = enabled if workflow is None else enabled & workflow
        found = await conn.execute(sa.select(tt).where(tt.c.id.in_(candidates)).order_by(tt.c.name))
        return [dict(r) for r in found.mappings() if not r["for_entity"] or r["for_entity"] == kind]
    found = {
        r["id"]: dict(r)
        for r in (await conn.execute(sa.select(tt).where(tt.c.id.in_(requested)))).mappings()
    }
    out = []
    for type_id_ in requested:
        row = found.get(type_id_)
        if row is None:
            raise NotFound("Task type", type_id_)
        if row["for_entity"] and row["for_entity"] != kind:
            raise WrongParameter(
                f"Task type {type_id_} is for {row['for_entity']} entities, got {kind}."
            )
        if type_id_ not in enabled:
            raise WrongParameter(
                f"Task type {type_id_} is not enabled in project {entity['project_id']}."
            )
        if workflow is not None and type_id_ not in workflow:
            raise WrongParameter(
                f"Task type {type_id_} is not in the workflow of asset type "
                f"{entity['entity_type_id']}."
            )
        out.append(row)
    return out


# --- Concept folders -----------------------------------------------------------------


async def create_concept_folder(conn, outbox, project_id, name, user_id) -> dict:
    """A project's folder of this name, made (with `concept-folder:new`) when missing."""
    folder_type = await type_id(conn, "ConceptFolder")
    found = await rows(
        conn, e.c.project_id == project_id, e.c.entity_type_id == folder_type, e.c.name == name
    )
    if found:
        return found[0]
    values = {"project_id": project_id, "entity_type_id": folder_type, "name": name, "data": None}
    return await create(conn, outbox, values, user_id)


async def rename_concept_folder(conn, outbox, folder: dict, name, user_id) -> dict:
    namesake = await rows(
        conn,
        e.c.project_id == folder["project_id"],
        e.c.entity_type_id == folder["entity_type_id"],
        e.c.name == name,
        e.c.id != folder["id"],
    )
    if namesake:
        raise WrongParameter("A concept folder with this name already exists.")
    return await update(conn, outbox, folder, {"name": name}, user_id)


async def move_concepts(conn, outbox, project_id, concept_ids: list, folder_id, user_id) -> list:
    """Concepts of the project put in a folder (None: the project's root)."""
    if not concept_ids:
        return []
    moved = (
        await conn.execute(
            sa.update(e)
            .where(e.c.id.in_(concept_ids), e.c.project_id == project_id, of_type("Concept"))
            .values(parent_id=folder_id, updated_at=sa.func.timezone("utc", sa.func.now()))
            .returning(e.c.id)
        )
    ).scalars()
    moved = [str(i) for i in moved]
    for concept_id in moved:
        await outbox.emit(
            conn,
            "concept:update",
            {"concept_id": concept_id},
            project_id=project_id,
            user_id=user_id,
        )
    return moved


async def remove_concept_folder(conn, outbox, folder: dict, user_id) -> None:
    """Its concepts go back to the project's root, then the folder goes."""
    inside = await conn.execute(sa.select(e.c.id).where(e.c.parent_id == folder["id"]))
    await move_concepts(conn, outbox, folder["project_id"], list(inside.scalars()), None, user_id)
    await delete(conn, outbox, folder, user_id, force=True)


async def link_concepts(conn, entity_id, concept_ids: list) -> None:
    if concept_ids:
        await conn.execute(
            sa.insert(t.entity_concept_link),
            [{"entity_in_id": entity_id, "entity_out_id": c} for c in set(concept_ids)],
        )
