"""The news feed: one row per comment, with what Kitsu shows beside it."""

import math
import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.data import serialize
from services.data import tables as t

BASE_KINDS = ("Shot", "Sequence", "Episode", "Edit", "Scene")


def _select():
    n, task, entity, status = t.news, t.task, t.entity, t.comment
    parent = t.entity.alias("parent")
    grand = t.entity.alias("grand")
    return (
        sa.select(
            n.c.id,
            n.c.author_id,
            n.c.comment_id,
            n.c.task_id,
            task.c.task_type_id,
            status.c.task_status_id,
            task.c.entity_id.label("task_entity_id"),
            n.c.preview_file_id,
            t.preview_file.c.extension.label("preview_file_extension"),
            t.preview_file.c.revision.label("preview_file_revision"),
            task.c.project_id,
            t.project.c.name.label("project_name"),
            n.c.created_at,
            n.c.change,
            entity.c.name.label("_entity_name"),
            t.entity_type.c.name.label("_entity_type"),
            parent.c.name.label("_parent_name"),
            grand.c.id.label("_grand_id"),
            grand.c.name.label("_grand_name"),
            entity.c.preview_file_id.label("entity_preview_file_id"),
            t.person.c.first_name,
            t.person.c.last_name,
            t.person.c.has_avatar,
            t.person.c.role,
        )
        .join(task, task.c.id == n.c.task_id)
        .join(t.project, t.project.c.id == task.c.project_id)
        .join(status, status.c.id == n.c.comment_id, isouter=True)
        .join(entity, entity.c.id == task.c.entity_id)
        .join(t.entity_type, t.entity_type.c.id == entity.c.entity_type_id)
        .join(parent, parent.c.id == entity.c.parent_id, isouter=True)
        .join(grand, grand.c.id == parent.c.parent_id, isouter=True)
        .join(t.preview_file, t.preview_file.c.id == n.c.preview_file_id, isouter=True)
        .join(t.person, t.person.c.id == n.c.author_id)
    )


def _shape(r) -> dict:
    kind = r["_entity_type"]
    if kind == "Shot":
        parts = [r["_grand_name"], r["_parent_name"], r["_entity_name"]]
        full_name = " / ".join(p for p in parts if p)
    elif kind in BASE_KINDS:
        full_name = r["_entity_name"]
    else:
        full_name = f"{kind} / {r['_entity_name']}"
    out = {
        "id": str(r["id"]),
        "type": "News",
        "author_id": str(r["author_id"]),
        "comment_id": serialize.value(r["comment_id"]),
        "task_id": str(r["task_id"]),
        "task_type_id": serialize.value(r["task_type_id"]),
        "task_status_id": serialize.value(r["task_status_id"]),
        "task_entity_id": serialize.value(r["task_entity_id"]),
        "preview_file_id": serialize.value(r["preview_file_id"]),
        "preview_file_extension": r["preview_file_extension"],
        "preview_file_revision": r["preview_file_revision"],
        "project_id": str(r["project_id"]),
        "project_name": r["project_name"],
        "created_at": serialize.value(r["created_at"]),
        "change": r["change"],
        "full_entity_name": full_name,
        "episode_id": serialize.value(r["_grand_id"]) if kind == "Shot" else None,
        "entity_preview_file_id": serialize.value(r["entity_preview_file_id"]),
        "person": {
            "id": str(r["author_id"]),
            "first_name": r["first_name"],
            "last_name": r["last_name"],
            "full_name": f"{r['first_name'] or ''} {r['last_name'] or ''}".strip(),
            "has_avatar": r["has_avatar"],
            "role": r["role"],
        },
    }
    return out


async def feed(
    conn: AsyncConnection,
    project_ids: list | None,
    page: int = 1,
    limit: int = 50,
    before=None,
    after=None,
    task_status_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
    only_preview: bool = False,
    news_id: uuid.UUID | None = None,
) -> dict | list:
    statement = _select()
    conditions = []
    if project_ids is not None:
        conditions.append(t.task.c.project_id.in_(project_ids))
    if before is not None:
        conditions.append(t.news.c.created_at < before)
    if after is not None:
        conditions.append(t.news.c.created_at > after)
    if task_status_id is not None:
        conditions.append(t.comment.c.task_status_id == task_status_id)
    if person_id is not None:
        conditions.append(t.news.c.author_id == person_id)
    if only_preview:
        conditions.append(t.news.c.preview_file_id.is_not(None))
    if news_id is not None:
        conditions.append(t.news.c.id == news_id)
    statement = statement.where(*conditions)
    if news_id is not None:
        rows = (await conn.execute(statement)).mappings().all()
        return [_shape(r) for r in rows]
    page = max(page, 1)
    rows = (
        await conn.execute(
            statement.order_by(t.news.c.created_at.desc()).limit(limit).offset((page - 1) * limit)
        )
    ).mappings()
    counted = (
        sa.select(t.comment.c.task_status_id, sa.func.count())
        .select_from(t.news)
        .join(t.task, t.task.c.id == t.news.c.task_id)
        .join(t.comment, t.comment.c.id == t.news.c.comment_id, isouter=True)
        .where(*conditions)
        .group_by(t.comment.c.task_status_id)
    )
    stats = {str(k): v for k, v in (await conn.execute(counted)).all() if k is not None}
    total = sum(stats.values())
    return {
        "data": [_shape(r) for r in rows],
        "total": total,
        "nb_pages": math.ceil(total / limit) if limit else 0,
        "limit": limit,
        "offset": (page - 1) * limit,
        "page": page,
        "stats": stats,
    }
