"""What file paths are built from: the production's tree and the rows its tokens read,
Zou's default software and output type, and paths read back into ids (guess from path)."""

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.errors import NotFound
from libs.common.events import Outbox
from services.data import file_tree, serialize
from services.data import tables as t
from services.data.file_tree import Context

# Zou's fallbacks: the path route's software, the new working file's, and the tokens'.
PATH_SOFTWARE = {"name": "3ds Max", "short_name": "max", "file_extension": ".max"}
NEW_FILE_SOFTWARE = {"name": "Blender", "short_name": "blender", "file_extension": ".blend"}
TOKEN_SOFTWARE = {"name": "3dsmax", "short_name": "max", "file_extension": ".max"}
TOKEN_OUTPUT_TYPE = {"name": "Geometry", "short_name": ""}
DEFAULT_FILE_STATUS = "To review"


async def row(conn: AsyncConnection, table: sa.Table, row_id: Any) -> dict | None:
    if row_id is None:
        return None
    found = (await conn.execute(sa.select(table).where(table.c.id == row_id))).mappings().first()
    return dict(found) if found else None


async def must(conn: AsyncConnection, table: sa.Table, row_id: Any) -> dict:
    found = await row(conn, table, row_id)
    if found is None:
        raise NotFound()
    return found


async def get_or_create(
    conn: AsyncConnection, outbox: Outbox, table: sa.Table, values: dict, user_id: Any
) -> dict:
    """A row found by name, created (with its `<table>:new` event) when missing."""
    created = (
        (
            await conn.execute(
                postgresql.insert(table)
                .values(id=uuid.uuid4(), **values)
                .on_conflict_do_nothing(index_elements=["name"])
                .returning(*table.c)
            )
        )
        .mappings()
        .first()
    )
    if created is not None:
        await outbox.emit(
            conn, f"{table.name}:new", {f"{table.name}_id": created["id"]}, user_id=user_id
        )
        return dict(created)
    found = (await conn.execute(sa.select(table).where(table.c.name == values["name"]))).mappings()
    return dict(found.one())


async def default_file_status(conn: AsyncConnection) -> uuid.UUID:
    found = (
        await conn.execute(
            sa.select(t.file_status.c.id).where(t.file_status.c.name == DEFAULT_FILE_STATUS)
        )
    ).scalar()
    if found is None:
        found = (
            await conn.execute(
                postgresql.insert(t.file_status)
                .values(id=uuid.uuid4(), name=DEFAULT_FILE_STATUS, color="#FFFFFF")
                .on_conflict_do_nothing(index_elements=["name"])
                .returning(t.file_status.c.id)
            )
        ).scalar()
        if found is None:
            return await default_file_status(conn)
    return found


async def context(
    conn: AsyncConnection,
    entity: dict,
    *,
    task: dict | None = None,
    task_type: dict | None = None,
    asset_instance: dict | None = None,
    **given: Any,
) -> Context:
    """The rows a path of this entity may read: its project and type, its sequence and
    episode, the task type and its department, the instance's asset."""
    project = await must(conn, t.project, entity["project_id"])
    entity_type = await must(conn, t.entity_type, entity["entity_type_id"])
    kind = entity_type["name"]
    parent = await row(conn, t.entity, entity.get("parent_id"))
    sequence = episode = None
    if kind in ("Shot", "Scene"):
        sequence = parent
        episode = await row(conn, t.entity, sequence and sequence.get("parent_id"))
    elif kind == "Sequence":
        sequence, episode = entity, parent
    elif kind == "Episode":
        episode = entity
    if task is not None and task_type is None:
        task_type = await row(conn, t.task_type, task["task_type_id"])
    department = await row(conn, t.department, task_type and task_type.get("department_id"))
    asset = asset_type = None
    if asset_instance is not None:
        asset = await must(conn, t.entity, asset_instance["asset_id"])
        asset_type = await row(conn, t.entity_type, asset["entity_type_id"])
    return Context(
        project=project,
        entity=entity,
        kind=kind,
        entity_type=entity_type,
        sequence=sequence,
        episode=episode,
        task=task,
        task_type=task_type,
        department=department,
        asset=asset,
        asset_type=asset_type,
        asset_instance=asset_instance,
        **given,
    )


async def with_defaults(
    conn: AsyncConnection, outbox: Outbox, ctx: Context, mode: str, user_id: Any
) -> Context:
    """Zou creates 3dsmax and Geometry on the fly when a template names a software or an
    output type and the caller gave none."""
    tree = ctx.project.get("file_tree")
    if ctx.software is None and file_tree.needs(tree, mode, "Software"):
        ctx.defaults["software"] = await get_or_create(
            conn, outbox, t.software, TOKEN_SOFTWARE, user_id
        )
    if ctx.output_type is None and file_tree.needs(tree, mode, "OutputType"):
        ctx.defaults["output_type"] = await get_or_create(
            conn, outbox, t.output_type, TOKEN_OUTPUT_TYPE, user_id
        )
    return ctx


async def next_working_revision(conn: AsyncConnection, task_id: uuid.UUID, name: str) -> int:
    last = (
        await conn.execute(
            sa.select(sa.func.max(t.working_file.c.revision)).where(
                t.working_file.c.task_id == task_id, t.working_file.c.name == name
            )
        )
    ).scalar()
    return (last or 0) + 1


async def create_working_file(
    conn: AsyncConnection, outbox: Outbox, values: dict, project_id, user_id
) -> dict | None:
    """A new working file revision with `working-file:new`; None when it already exists."""
    created = (
        (
            await conn.execute(
                postgresql.insert(t.working_file)
                .values(id=uuid.uuid4(), **values)
                .on_conflict_do_nothing(constraint="working_file_uc")
                .returning(*t.working_file.c)
            )
        )
        .mappings()
        .first()
    )
    if created is None:
        return None
    await outbox.emit(
        conn,
        "working-file:new",
        {"working_file_id": created["id"]},
        project_id=project_id,
        user_id=user_id,
    )
    return serialize.row(created, "WorkingFile")


# --- Guessing from a path ---------------------------------------------------------------


def _ilike(column, value: str):
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(escaped, escape="\\")


async def _first_id(conn: AsyncConnection, table: sa.Table, *where) -> uuid.UUID | None:
    return (await conn.execute(sa.select(table.c.id).where(*where).limit(1))).scalar()


async def _type_id(conn: AsyncConnection, name: str) -> uuid.UUID | None:
    return await _first_id(conn, t.entity_type, t.entity_type.c.name == name)


async def _token_data(conn: AsyncConnection, token: str, value: str, found: dict) -> str | None:
    """The id (or value) a path token names, narrowed by the tokens read before it."""
    project = found.get("Project")
    e = t.entity.c

    async def entity_named(type_id, **parents):
        where = [_ilike(e.name, value), e.entity_type_id == type_id, e.project_id == project]
        where += [getattr(e, col) == v for col, v in parents.items()]
        return await _first_id(conn, t.entity, *where)

    if token == "Project":
        return await _first_id(conn, t.project, _ilike(t.project.c.name, value))
    if token in ("AssetType", "TemporalEntityType"):
        return await _first_id(conn, t.entity_type, _ilike(t.entity_type.c.name, value))
    if token == "Department":
        return await _first_id(conn, t.department, _ilike(t.department.c.name, value))
    if token == "TaskType":
        return await _first_id(conn, t.task_type, _ilike(t.task_type.c.name, value))
    if token == "OutputType":
        return await _first_id(conn, t.output_type, _ilike(t.output_type.c.name, value))
    if token in ("Name", "Representation"):
        return value
    if token == "Version":
        try:
            return str(int(value))
        except ValueError:
            return None
    if not project:
        return None
    if token == "Asset":
        return found.get("AssetType") and await entity_named(found["AssetType"])
    if token == "TemporalEntity":
        return found.get("TemporalEntityType") and await entity_named(found["TemporalEntityType"])
    if token == "Episode":
        return await entity_named(await _type_id(conn, "Episode"))
    if token == "Sequence":
        parents = {"parent_id": found["Episode"]} if found.get("Episode") else {}
        return await entity_named(await _type_id(conn, "Sequence"), **parents)
    if token == "Scene":
        parents = {"parent_id": found["Sequence"]} if found.get("Sequence") else {}
        return await entity_named(await _type_id(conn, "Scene"), **parents)
    if token == "Shot":
        if not found.get("Sequence"):
            return None
        return await entity_named(await _type_id(conn, "Shot"), parent_id=found["Sequence"])
    if token == "Task":
        entity_id = found.get("Scene") or found.get("Asset") or found.get("Shot")
        if not found.get("TaskType") or not entity_id:
            return None
        tc = t.task.c
        return await _first_id(
            conn,
            t.task,
            _ilike(tc.name, value),
            tc.task_type_id == found["TaskType"],
            tc.project_id == project,
            tc.entity_id == entity_id,
        )
    if token == "Instance":
        return None  # Zou looks instances up by an episode column they do not have.
    return None


async def guess(conn: AsyncConnection, project: dict, file_path: str, sep: str) -> list[dict]:
    """Every folder template the path fits, with the ids its tokens name, read left to
    right and stopping at the first token that names nothing."""
    matches: list[dict] = []
    for _mode, template, elements, tokens in file_tree.candidates(
        project.get("file_tree"), file_path, sep
    ):
        found: dict = {"Template": template}
        for element in elements:
            token = next((k for k in tokens if f"<{k}>" in element), None)
            if token is None:
                continue
            data = await _token_data(conn, token, tokens[token], found)
            if not data:
                break
            # A path naming another production is not filled with its ids.
            if token == "Project" and str(data) != str(project["id"]):
                break
            found[token] = str(data)
        if found not in matches:
            matches.append(found)
    return matches


async def assigned_on(conn: AsyncConnection, entity_id: uuid.UUID, person_id: uuid.UUID) -> bool:
    """Whether the person holds a task of the entity (what lets a vendor reach it)."""
    link = t.task_person_link
    found = await conn.execute(
        sa.select(t.task.c.id)
        .join(link, link.c.task_id == t.task.c.id)
        .where(t.task.c.entity_id == entity_id, link.c.person_id == person_id)
        .limit(1)
    )
    return found.first() is not None
