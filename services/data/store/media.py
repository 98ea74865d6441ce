"""What the media service asks of data: the records behind stored pictures, and the
changes an upload makes to them (flags, preview-file metadata), with Zou's events."""

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.events import Outbox
from services.data import serialize
from services.data.store import organisation as organisations
from services.data.store import persons
from services.data.tables import (
    comment,
    comment_preview_link,
    entity,
    entity_type,
    organisation,
    preview_file,
    project,
    project_person_link,
    task,
    task_person_link,
    task_type,
)

NOW = sa.func.timezone("utc", sa.func.now())
# What an upload may write on a preview file: what Zou's upload sets.
PREVIEW_FILE_FIELDS = frozenset(
    {"extension", "original_name", "width", "height", "file_size", "status", "duration"}
)


def _member(project_id, person_id):
    link = project_person_link
    return sa.exists().where(link.c.project_id == project_id, link.c.person_id == person_id)


async def preview_file_facts(
    conn: AsyncConnection, preview_file_id: uuid.UUID, person_id: uuid.UUID | None
) -> dict | None:
    """The preview file, where it sits (task, entity, project) and whether the person is
    in that project's team or assigned to the task."""
    assigned = sa.exists().where(
        task_person_link.c.task_id == task.c.id, task_person_link.c.person_id == person_id
    )
    parent = entity.alias("parent")
    grandparent = entity.alias("grandparent")
    use_original = sa.select(organisation.c.use_original_file_name).limit(1).scalar_subquery()
    statement = (
        sa.select(
            preview_file,
            task.c.project_id.label("_project_id"),
            task.c.entity_id.label("_entity_id"),
            entity.c.preview_file_id.label("_entity_preview_file_id"),
            entity.c.is_shared.label("_entity_is_shared"),
            _member(task.c.project_id, person_id).label("_member"),
            assigned.label("_assigned"),
            # What a download is named after, as Zou names it.
            project.c.name.label("_project_name"),
            task_type.c.name.label("_task_type_name"),
            entity_type.c.name.label("_entity_type_name"),
            entity.c.name.label("_entity_name"),
            parent.c.name.label("_parent_name"),
            grandparent.c.name.label("_grandparent_name"),
            use_original.label("_use_original_file_name"),
        )
        .select_from(
            preview_file.outerjoin(task, task.c.id == preview_file.c.task_id)
            .outerjoin(entity, entity.c.id == task.c.entity_id)
            .outerjoin(project, project.c.id == task.c.project_id)
            .outerjoin(task_type, task_type.c.id == task.c.task_type_id)
            .outerjoin(entity_type, entity_type.c.id == entity.c.entity_type_id)
            .outerjoin(parent, parent.c.id == entity.c.parent_id)
            .outerjoin(grandparent, grandparent.c.id == parent.c.parent_id)
        )
        .where(preview_file.c.id == preview_file_id)
    )
    row = (await conn.execute(statement)).mappings().first()
    if row is None:
        return None
    facts = {k[1:]: serialize.value(v) for k, v in row.items() if k.startswith("_")}
    record = {k: v for k, v in row.items() if not k.startswith("_")}
    return {"preview_file": serialize.row(record, "PreviewFile"), **facts}


async def project_facts(
    conn: AsyncConnection, project_id: uuid.UUID, person_id: uuid.UUID | None
) -> dict | None:
    statement = sa.select(
        project.c.id,
        project.c.has_avatar,
        project.c.updated_at,
        _member(project.c.id, person_id).label("member"),
    ).where(project.c.id == project_id)
    row = (await conn.execute(statement)).mappings().first()
    return serialize.row(row, "Project") if row else None


async def set_avatar(
    conn: AsyncConnection, outbox: Outbox, kind: str, instance_id: uuid.UUID, value: bool, by
) -> dict | None:
    """Sets `has_avatar` and announces the change as Zou's update functions do."""
    if kind == "persons":
        if await persons.get(conn, instance_id) is None:
            return None
        return await persons.update(conn, outbox, instance_id, {"has_avatar": value}, by=by)
    if kind == "organisations":
        found = await organisations.get_or_create(conn)
        table, instance_id, name = organisation, uuid.UUID(found["id"]), "organisation"
    else:
        table, name = project, "project"
    changed = await conn.execute(
        sa.update(table)
        .where(table.c.id == instance_id)
        .values(has_avatar=value, updated_at=NOW)
        .returning(*table.c)
    )
    row = changed.mappings().first()
    if row is None:
        return None
    project_id = instance_id if name == "project" else None
    await outbox.emit(
        conn, f"{name}:update", {f"{name}_id": str(instance_id)}, project_id=project_id, user_id=by
    )
    return serialize.row(row, name.capitalize())


async def update_preview_file(
    conn: AsyncConnection, outbox: Outbox, preview_file_id: uuid.UUID, values: dict, by
) -> dict | None:
    """An uploaded preview's metadata, then what Zou derives from it: the task's last
    preview, the entity's thumbnail when the project automates it, and the events."""
    values = {k: v for k, v in values.items() if k in PREVIEW_FILE_FIELDS}
    changed = await conn.execute(
        sa.update(preview_file)
        .where(preview_file.c.id == preview_file_id)
        .values(**values, updated_at=NOW)
        .returning(*preview_file.c)
    )
    row = changed.mappings().first()
    if row is None:
        return None
    where = (
        await conn.execute(
            sa.select(
                task.c.id, task.c.project_id, task.c.entity_id, project.c.is_set_preview_automated
            )
            .join(project, project.c.id == task.c.project_id)
            .where(task.c.id == row["task_id"])
        )
    ).first()
    project_id = where.project_id if where else None
    if where is not None and row["status"] == "ready" and row["position"] == 1:
        await conn.execute(
            sa.update(task).where(task.c.id == where.id).values(last_preview_file_id=row["id"])
        )
        if where.is_set_preview_automated:
            await conn.execute(
                sa.update(entity)
                .where(entity.c.id == where.entity_id)
                .values(preview_file_id=row["id"], updated_at=NOW)
            )
    data: dict[str, Any] = {"preview_file_id": str(row["id"])}
    if "status" in values or row["status"] == "processing":
        data["status"] = row["status"]
    await outbox.emit(conn, "preview-file:update", data, project_id=project_id, user_id=by)
    await _announce_added_file(conn, outbox, row, project_id, by)
    return serialize.row(row, "PreviewFile")


async def _announce_added_file(conn, outbox: Outbox, row, project_id, by) -> None:
    """The comment a preview belongs to changes with it (Zou's comment:update and
    preview-file:add-file)."""
    found = (
        await conn.execute(
            sa.select(comment.c.id, comment.c.object_id, comment.c.person_id, comment.c.for_client)
            .join(comment_preview_link, comment_preview_link.c.comment == comment.c.id)
            .where(comment_preview_link.c.preview_file == row["id"])
            .limit(1)
        )
    ).first()
    if found is None:
        return
    await outbox.emit(
        conn,
        "comment:update",
        {
            "comment_id": str(found.id),
            "task_id": str(found.object_id),
            "person_id": serialize.value(found.person_id),
            "for_client": found.for_client,
        },
        project_id=project_id,
        user_id=by,
    )
    await outbox.emit(
        conn,
        "preview-file:add-file",
        {
            "comment_id": str(found.id),
            "task_id": serialize.value(row["task_id"]),
            "preview_file_id": str(row["id"]),
            "revision": row["revision"],
            "extension": row["extension"],
            "status": row["status"],
        },
        project_id=project_id,
        user_id=by,
    )


async def delete_preview_file(
    conn: AsyncConnection, outbox: Outbox, preview_file_id: uuid.UUID, by
) -> bool:
    """A preview whose upload was refused goes away, as in Zou: its links first."""
    project_id = (
        await conn.execute(
            sa.select(task.c.project_id)
            .join(preview_file, preview_file.c.task_id == task.c.id)
            .where(preview_file.c.id == preview_file_id)
        )
    ).scalar()
    await conn.execute(
        sa.delete(comment_preview_link).where(
            comment_preview_link.c.preview_file == preview_file_id
        )
    )
    for table, column in ((task, task.c.last_preview_file_id), (entity, entity.c.preview_file_id)):
        await conn.execute(sa.update(table).where(column == preview_file_id).values({column: None}))
    await conn.execute(
        sa.update(comment)
        .where(comment.c.preview_file_id == preview_file_id)
        .values(preview_file_id=None)
    )
    deleted = await conn.execute(
        sa.delete(preview_file)
        .where(preview_file.c.id == preview_file_id)
        .returning(preview_file.c.id)
    )
    if deleted.first() is None:
        return False
    await outbox.emit(
        conn,
        "preview-file:delete",
        {"preview_file_id": str(preview_file_id)},
        project_id=project_id,
        user_id=by,
    )
    return True
