"""Preview-file records (the bytes are the media service's): new revisions attached to
comments, entity thumbnails chosen from them, their order and drawn annotations, and the
admin lists of a production's previews, notifications and subscriptions."""

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.columns import utcnow
from libs.common.errors import NotFound, WrongParameter
from libs.common.events import Outbox
from services.data import serialize
from services.data.store import entities
from services.data.tables import (
    comment,
    comment_preview_link,
    entity,
    entity_type,
    news,
    notification,
    preview_file,
    project,
    subscription,
    task,
)
from services.data.work import Event, emit_all, paginated


def shape(row: Any) -> dict:
    return serialize.row(row, "PreviewFile")


async def get(conn: AsyncConnection, preview_file_id: uuid.UUID, lock: bool = False) -> dict:
    statement = sa.select(preview_file).where(preview_file.c.id == preview_file_id)
    if lock:
        statement = statement.with_for_update()
    found = (await conn.execute(statement)).mappings().first()
    if found is None:
        raise NotFound()
    return dict(found)


async def _comment_of_task(conn, comment_id: uuid.UUID, task_id: uuid.UUID) -> dict:
    found = (
        (await conn.execute(sa.select(comment).where(comment.c.id == comment_id).with_for_update()))
        .mappings()
        .first()
    )
    if found is None:
        raise NotFound()
    if found["object_id"] != task_id:
        raise WrongParameter("This comment does not belong to this task.")
    return dict(found)


async def add_to_comment(
    conn: AsyncConnection,
    outbox: Outbox,
    task_row: dict,
    comment_id: uuid.UUID,
    person_id: uuid.UUID,
    revision: int | None,
) -> dict:
    """A new preview record on the comment (the task row is locked by the caller, which
    serialises revision numbering per task): the next revision of the task, or the
    comment's revision when it already has previews, or the one asked for."""
    task_id = task_row["id"]
    found = await _comment_of_task(conn, comment_id, task_id)
    current = await conn.execute(
        sa.select(preview_file.c.revision)
        .join(comment_preview_link, comment_preview_link.c.preview_file == preview_file.c.id)
        .where(comment_preview_link.c.comment == comment_id)
        .order_by(preview_file.c.revision, preview_file.c.position)
        .limit(1)
    )
    comment_revision = current.scalar()

    async def count(rev: int, first_only: bool = False) -> int:
        condition = [preview_file.c.task_id == task_id, preview_file.c.revision == rev]
        if first_only:
            condition.append(preview_file.c.position == 1)
        statement = sa.select(sa.func.count()).select_from(preview_file).where(*condition)
        return (await conn.execute(statement)).scalar()

    position = 1
    if revision is None and comment_revision is None:
        latest = await conn.execute(
            sa.select(sa.func.max(preview_file.c.revision)).where(preview_file.c.task_id == task_id)
        )
        revision = (latest.scalar() or 0) + 1
    elif revision is None:
        revision = comment_revision
        position = await count(revision) + 1
    else:
        if comment_revision is None and await count(revision, first_only=True):
            raise WrongParameter(
                f"Revision {revision} already exists for this task. Choose a different "
                "revision number, or omit it to let the revision auto-increment."
            )
        position = await count(revision) + 1
    if position > 1:
        single = await conn.execute(
            sa.select(project.c.is_single_preview_per_revision).where(
                project.c.id == task_row["project_id"]
            )
        )
        if single.scalar():
            raise WrongParameter("Only one preview file is allowed per revision for this project.")
    now = utcnow()
    inserted = await conn.execute(
        sa.insert(preview_file)
        .values(
            id=uuid.uuid4(),
            name=str(uuid.uuid4())[:13],
            revision=revision,
            position=position,
            source="webgui",
            extension="mp4",
            status="processing",
            task_id=task_id,
            person_id=person_id,
            created_at=now,
            updated_at=now,
        )
        .returning(*preview_file.c)
    )
    row = dict(inserted.mappings().one())
    await conn.execute(
        sa.insert(comment_preview_link).values(comment=comment_id, preview_file=row["id"])
    )
    await conn.execute(
        sa.update(news).where(news.c.comment_id == comment_id).values(preview_file_id=row["id"])
    )
    project_id = task_row["project_id"]
    await emit_all(
        conn,
        outbox,
        [
            (
                "preview-file:new",
                {"preview_file_id": row["id"], "comment_id": comment_id},
                project_id,
            ),
            (
                "comment:update",
                {
                    "comment_id": comment_id,
                    "task_id": task_id,
                    "person_id": found["person_id"],
                    "for_client": found["for_client"],
                },
                project_id,
            ),
        ],
        person_id,
    )
    return {**shape(row), "comments": [str(comment_id)]}


async def linked_to_comment(
    conn: AsyncConnection, task_id: uuid.UUID, comment_id: uuid.UUID, preview_file_id: uuid.UUID
) -> None:
    """404 unless the preview is one of the comment's, on that task."""
    found = await conn.execute(
        sa.select(comment_preview_link.c.preview_file)
        .join(comment, comment.c.id == comment_preview_link.c.comment)
        .where(
            comment.c.id == comment_id,
            comment.c.object_id == task_id,
            comment_preview_link.c.preview_file == preview_file_id,
        )
    )
    if found.first() is None:
        raise NotFound()


async def release(conn: AsyncConnection, preview_file_id: uuid.UUID) -> None:
    """What points at a preview besides what media's removal clears (news entries)."""
    await conn.execute(
        sa.update(news)
        .where(news.c.preview_file_id == preview_file_id)
        .values(preview_file_id=None)
    )


async def for_task(conn: AsyncConnection, task_id: uuid.UUID, client: bool) -> list[dict]:
    statement = (
        sa.select(preview_file)
        .where(preview_file.c.task_id == task_id)
        .order_by(preview_file.c.revision.desc())
    )
    if client:
        statement = statement.where(preview_file.c.validation_status != "rejected")
    return [shape(r) for r in (await conn.execute(statement)).mappings()]


async def last_of_task(conn: AsyncConnection, task_id: uuid.UUID) -> uuid.UUID | None:
    found = await conn.execute(
        sa.select(preview_file.c.id)
        .where(preview_file.c.task_id == task_id)
        .order_by(preview_file.c.revision.desc(), preview_file.c.created_at)
        .limit(1)
    )
    return found.scalar()


async def set_entity_preview(
    conn: AsyncConnection, outbox: Outbox, entity_id: uuid.UUID, preview_file_id, by
) -> dict:
    """The entity's thumbnail becomes this preview: Zou's `preview-file:set-main` and the
    entity's own update event; the answer carries the preview's status."""
    updated = await conn.execute(
        sa.update(entity)
        .where(entity.c.id == entity_id)
        .values(preview_file_id=preview_file_id, updated_at=utcnow())
        .returning(*entity.c)
    )
    row = updated.mappings().first()
    if row is None:
        raise NotFound()
    status = (
        await conn.execute(
            sa.select(preview_file.c.status).where(preview_file.c.id == preview_file_id)
        )
    ).scalar()
    type_name = (
        await conn.execute(
            sa.select(entity_type.c.name).where(entity_type.c.id == row["entity_type_id"])
        )
    ).scalar()
    kind = entities.kind_of(type_name)
    prefix = "asset" if kind not in ("Shot", "Sequence", "Episode", "Edit") else kind.lower()
    events: list[Event] = [
        (
            "preview-file:set-main",
            {
                "entity_id": entity_id,
                "preview_file_id": preview_file_id,
                "preview_file_status": status,
            },
            row["project_id"],
        ),
        (f"{prefix}:update", {f"{prefix}_id": entity_id}, row["project_id"]),
    ]
    await emit_all(conn, outbox, events, by)
    return {**serialize.row(row, "Entity"), "preview_file_status": status}


async def task_of(conn: AsyncConnection, task_id: uuid.UUID) -> dict:
    found = await conn.execute(
        sa.select(task.c.id, task.c.project_id, task.c.entity_id, task.c.task_type_id).where(
            task.c.id == task_id
        )
    )
    row = found.mappings().first()
    if row is None:
        raise NotFound()
    return dict(row)


async def tasks_of(conn: AsyncConnection, task_ids: list[uuid.UUID]) -> list[dict]:
    found = await conn.execute(
        sa.select(task.c.id, task.c.project_id, task.c.entity_id).where(task.c.id.in_(task_ids))
    )
    rows = {r["id"]: dict(r) for r in found.mappings()}
    missing = [t for t in task_ids if t not in rows]
    if missing:
        raise NotFound()
    return [rows[t] for t in task_ids]


async def move(
    conn: AsyncConnection, outbox: Outbox, row: dict, position: int, project_id, by
) -> list[dict]:
    """Moves the preview to `position` among its revision's previews (out of range: no
    change) and answers the revision's previews in their order."""
    siblings = list(
        (
            await conn.execute(
                sa.select(preview_file)
                .where(
                    preview_file.c.task_id == row["task_id"],
                    preview_file.c.revision == row["revision"],
                )
                .order_by(preview_file.c.position, preview_file.c.created_at)
                .with_for_update()
            )
        ).mappings()
    )
    siblings = [dict(s) for s in siblings]
    if 0 < position <= len(siblings):
        moved = next(s for s in siblings if s["id"] == row["id"])
        siblings = [s for s in siblings if s["id"] != row["id"]]
        siblings.insert(position - 1, moved)
        events: list[Event] = []
        for index, sibling in enumerate(siblings, start=1):
            if sibling["position"] != index:
                sibling["position"] = index
                await conn.execute(
                    sa.update(preview_file)
                    .where(preview_file.c.id == sibling["id"])
                    .values(position=index)
                )
                events.append(
                    ("preview-file:update", {"preview_file_id": sibling["id"]}, project_id)
                )
        await emit_all(conn, outbox, events, by)
    return [shape(s) for s in siblings]


async def set_annotations(
    conn: AsyncConnection, outbox: Outbox, row: dict, annotations: list, project_id, by
) -> dict:
    now = utcnow()
    updated = await conn.execute(
        sa.update(preview_file)
        .where(preview_file.c.id == row["id"])
        .values(annotations=annotations, updated_at=now)
        .returning(*preview_file.c)
    )
    out = shape(updated.mappings().one())
    await emit_all(
        conn,
        outbox,
        [
            (
                "preview-file:annotation-update",
                {"preview_file_id": row["id"], "person_id": by, "updated_at": out["updated_at"]},
                project_id,
            )
        ],
        by,
    )
    return out


# --- Admin lists of a production -------------------------------------------------------


async def project_exists(conn: AsyncConnection, project_id: uuid.UUID) -> None:
    found = await conn.execute(sa.select(project.c.id).where(project.c.id == project_id))
    if found.first() is None:
        raise NotFound()


async def for_project(conn: AsyncConnection, project_id: uuid.UUID, page: int):
    statement = (
        sa.select(preview_file)
        .join(task, task.c.id == preview_file.c.task_id)
        .where(task.c.project_id == project_id)
        .order_by(preview_file.c.updated_at.desc())
    )
    return await paginated(conn, statement, page, lambda r: shape(r))


async def notifications_of_project(conn: AsyncConnection, project_id: uuid.UUID, page: int):
    statement = (
        sa.select(notification)
        .join(task, task.c.id == notification.c.task_id)
        .where(task.c.project_id == project_id)
        .order_by(notification.c.updated_at.desc())
    )
    return await paginated(conn, statement, page, lambda r: serialize.row(r, "Notification"))


async def subscriptions_of_project(conn: AsyncConnection, project_id: uuid.UUID) -> list[dict]:
    rows = await conn.execute(
        sa.select(subscription)
        .join(task, task.c.id == subscription.c.task_id)
        .where(task.c.project_id == project_id)
    )
    return [serialize.row(r, "Subscription") for r in rows.mappings()]
