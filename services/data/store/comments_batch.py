"""Comments beyond the single post: clients' last comments found for copying, and a
comment moved to another task of its entity."""

import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.columns import utcnow
from libs.common.events import Outbox
from services.data import serialize
from services.data import tables as t
from services.data.store import comments as comment_store
from services.data.work import Event, emit_all


async def last_client_comments(
    conn: AsyncConnection, project_id: uuid.UUID, task_ids: list[uuid.UUID]
) -> list[dict]:
    """The newest comment of a client (by project role, else global role) on each task
    of the project, in one query."""
    c, p = t.comment.c, t.person.c
    link = t.project_person_link
    statement = (
        sa.select(c.object_id, c.text)
        .join(t.task, t.task.c.id == c.object_id)
        .join(t.person, p.id == c.person_id)
        .outerjoin(
            link,
            sa.and_(link.c.person_id == p.id, link.c.project_id == t.task.c.project_id),
        )
        .where(
            t.task.c.project_id == project_id,
            c.object_id.in_(task_ids),
            sa.func.coalesce(link.c.role, p.role) == "client",
        )
        .order_by(c.object_id, c.created_at.desc())
        .distinct(c.object_id)
    )
    return [dict(r) for r in (await conn.execute(statement)).mappings()]


# --- Moving a comment -----------------------------------------------------------------


def _ids(link: sa.Table, other: str, comment_id: uuid.UUID):
    return sa.select(sa.func.coalesce(sa.func.array_agg(link.c[other]), [])).where(
        link.c.comment == comment_id
    )


async def move(
    conn: AsyncConnection,
    outbox: Outbox,
    found: dict,
    source: dict,
    target: dict,
    by: uuid.UUID,
) -> dict:
    """Zou's move: the comment keeps its date, text and status; its notifications and
    news are made again on the target; both tasks' status fields are replayed."""
    comment_id = found["id"]
    await conn.execute(sa.delete(t.notification).where(t.notification.c.comment_id == comment_id))
    await conn.execute(sa.delete(t.news).where(t.news.c.comment_id == comment_id))
    moved = (
        (
            await conn.execute(
                sa.update(t.comment)
                .where(t.comment.c.id == comment_id)
                .values(object_id=target["id"], updated_at=utcnow())
                .returning(*t.comment.c)
            )
        )
        .mappings()
        .one()
    )
    for facts in (source, target):
        values = await comment_store.replay_history(
            conn, facts["id"], facts["entity_type_name"] == "Concept"
        )
        await conn.execute(
            sa.update(t.task)
            .where(t.task.c.id == facts["id"])
            .values(**values, updated_at=utcnow())
        )
    mentions = (await conn.execute(_ids(t.comment_mentions, "person", comment_id))).scalar()
    departments = (
        await conn.execute(_ids(t.comment_department_mentions, "department", comment_id))
    ).scalar()
    acks = (await conn.execute(_ids(t.comment_acknoledgments, "person", comment_id))).scalar()
    files = (
        await conn.execute(
            sa.select(t.attachment_file.c.id).where(t.attachment_file.c.comment_id == comment_id)
        )
    ).scalars()
    author, project_id = moved["person_id"], target["project_id"]
    recipients = set(target["assignees"]) | set(target["task_subscribers"])
    recipients |= set(target["sequence_subscribers"])
    recipients.discard(author)
    notices = [{"person_id": p, "type": "comment"} for p in sorted(recipients)]
    notices += [{"person_id": p, "type": "mention"} for p in mentions if p != author]
    rows = [
        {
            "id": uuid.uuid4(),
            "read": False,
            "change": False,
            "author_id": author,
            "comment_id": comment_id,
            "task_id": target["id"],
            "created_at": moved["created_at"],
            "updated_at": moved["created_at"],
            **n,
        }
        for n in notices
    ]
    if rows:
        await conn.execute(postgresql.insert(t.notification).on_conflict_do_nothing(), rows)
    events: list[Event] = [
        (
            "comment:delete",
            {"comment_id": comment_id, "task_id": source["id"]},
            source["project_id"],
        ),
        (
            "comment:new",
            {
                "comment_id": comment_id,
                "task_id": target["id"],
                "task_status_id": moved["task_status_id"],
                "person_id": author,
                "for_client": moved["for_client"],
            },
            project_id,
        ),
    ]
    events += [
        ("notification:new", {"notification_id": r["id"], "person_id": r["person_id"]}, project_id)
        for r in rows
    ]
    if target["entity_type_name"] != "Concept":
        news_id = uuid.uuid4()
        await conn.execute(
            sa.insert(t.news).values(
                id=news_id,
                change=False,
                author_id=author,
                comment_id=comment_id,
                task_id=target["id"],
                created_at=moved["created_at"],
                updated_at=moved["created_at"],
            )
        )
        events.append(
            (
                "news:new",
                {
                    "news_id": news_id,
                    "task_status_id": moved["task_status_id"],
                    "task_type_id": target["task_type_id"],
                },
                project_id,
            )
        )
    await emit_all(conn, outbox, events, by)
    out = serialize.row(moved, "Comment")
    out.update(
        acknowledgements=[str(p) for p in acks],
        attachment_files=[str(f) for f in files],
        mentions=[str(p) for p in mentions],
        department_mentions=[str(d) for d in departments],
        previews=[],
    )
    return out


async def has_previews(conn: AsyncConnection, found: dict) -> bool:
    if found["preview_file_id"] is not None:
        return True
    linked = sa.select(t.comment_preview_link.c.comment).where(
        t.comment_preview_link.c.comment == found["id"]
    )
    return (await conn.execute(linked.limit(1))).first() is not None
