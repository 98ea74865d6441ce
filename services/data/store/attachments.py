"""Attachment-file records of comments (the bytes are the media service's): created with a
comment posted with files, listed per task and per project in Zou's shapes."""

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.columns import utcnow
from services.data import serialize
from services.data.tables import attachment_file, comment, task
from services.data.work import Event


@dataclass(frozen=True)
class Upload:
    """What data keeps of an uploaded file: its name, type and size."""

    filename: str
    mimetype: str | None
    size: int


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower()[:6]


async def record(
    conn: AsyncConnection,
    comment_id: uuid.UUID,
    project_id: uuid.UUID,
    uploads: list[Upload],
    reply_id: uuid.UUID | None = None,
) -> tuple[list[dict], list[Event]]:
    """Rows for the uploads of a comment (or of one of its replies); Zou's short shape."""
    if not uploads:
        return [], []
    now = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "name": u.filename,
            "size": u.size,
            "extension": extension_of(u.filename),
            "mimetype": u.mimetype,
            "comment_id": comment_id,
            "reply_id": reply_id,
            "created_at": now,
            "updated_at": now,
        }
        for u in uploads
    ]
    await conn.execute(sa.insert(attachment_file), rows)
    short = [
        {"id": str(r["id"]), "name": r["name"], "extension": r["extension"], "size": r["size"]}
        for r in rows
    ]
    events: list[Event] = [
        ("attachment-file:new", {"attachment_file_id": r["id"]}, project_id) for r in rows
    ]
    return short, events


async def map_for_comments(conn: AsyncConnection, comment_ids: list) -> dict:
    """comment id -> [{id, name, extension, reply_id, size}], as Zou lists them."""
    if not comment_ids:
        return {}
    rows = await conn.execute(
        sa.select(attachment_file).where(attachment_file.c.comment_id.in_(comment_ids))
    )
    out: dict = {}
    for r in rows.mappings():
        out.setdefault(r["comment_id"], []).append(
            {
                "id": str(r["id"]),
                "name": r["name"],
                "extension": r["extension"],
                "reply_id": serialize.value(r["reply_id"]),
                "size": r["size"],
            }
        )
    return out


async def _listed(conn: AsyncConnection, condition) -> list[dict]:
    comment_columns = [c.label(f"_c_{c.name}") for c in comment.c]
    rows = await conn.execute(
        sa.select(attachment_file, *comment_columns)
        .join(comment, comment.c.id == attachment_file.c.comment_id)
        .join(task, task.c.id == comment.c.object_id)
        .where(condition)
        .order_by(attachment_file.c.created_at)
    )
    out = []
    for r in rows.mappings():
        item = serialize.row({k: v for k, v in r.items() if not k.startswith("_c_")}, "")
        item.pop("type")
        item["comment"] = serialize.row(
            {k[3:]: v for k, v in r.items() if k.startswith("_c_")}, "Comment"
        )
        item["chat_message"] = None
        item["type"] = "AttachmentFile"
        out.append(item)
    return out


async def for_task(conn: AsyncConnection, task_id: uuid.UUID) -> list[dict]:
    return await _listed(conn, task.c.id == task_id)


async def for_project(conn: AsyncConnection, project_id: uuid.UUID) -> list[dict]:
    return await _listed(conn, task.c.project_id == project_id)
