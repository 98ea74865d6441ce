"""Comments and the status flow they drive: the newest comment sets its task's status and
dates, retakes are counted and capped, a back-dated comment replays the task's history,
and the assignees, subscribers and mentioned people get notifications and news."""

import datetime as dt
import re
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.bulk import column_arrays, insert_columns
from libs.common.columns import utcnow
from libs.common.errors import Forbidden, NotFound, WrongParameter
from libs.common.events import Outbox
from libs.common.events.outbox import array_params, insert_from_arrays
from services.data import serialize
from services.data.store import attachments
from services.data.store import tasks as task_store
from services.data.tables import (
    attachment_file,
    comment,
    comment_acknoledgments,
    comment_department_mentions,
    comment_mentions,
    comment_preview_link,
    department,
    department_link,
    entity,
    entity_type,
    news,
    notification,
    person,
    preview_file,
    project,
    project_person_link,
    project_status_automation_link,
    subscription,
    task,
    task_person_link,
    task_status,
    task_type,
    time_spent,
)
from services.data.tables import outbox as outbox_table
from services.data.work import Event, emit_all


def _ids_of(link: sa.Table, own: str, other: str, parent) -> Any:
    return sa.func.coalesce(
        sa.select(sa.func.array_agg(link.c[other])).where(link.c[own] == parent).scalar_subquery(),
        task_store.EMPTY_IDS,
    )


def _task_facts(task_id: uuid.UUID):
    """Everything a comment needs to know about its task, in one statement."""
    sequence_subscribers = (
        sa.select(sa.func.array_agg(subscription.c.person_id))
        .where(
            subscription.c.entity_id == entity.c.parent_id,
            subscription.c.task_type_id == task.c.task_type_id,
        )
        .scalar_subquery()
    )
    task_subscribers = (
        sa.select(sa.func.array_agg(subscription.c.person_id))
        .where(subscription.c.task_id == task.c.id)
        .scalar_subquery()
    )
    return (
        sa.select(
            *task.c,
            task_store.ASSIGNEES,
            project.c.max_retakes,
            entity.c.data.label("entity_data"),
            entity_type.c.name.label("entity_type_name"),
            task_type.c.department_id,
            sa.func.coalesce(task_subscribers, task_store.EMPTY_IDS).label("task_subscribers"),
            sa.func.coalesce(sequence_subscribers, task_store.EMPTY_IDS).label(
                "sequence_subscribers"
            ),
            # Most productions have no status automation: then a comment skips them.
            sa.exists()
            .where(project_status_automation_link.c.project_id == task.c.project_id)
            .label("has_automations"),
        )
        .join(project, project.c.id == task.c.project_id)
        .join(entity, entity.c.id == task.c.entity_id)
        .join(entity_type, entity_type.c.id == entity.c.entity_type_id)
        .join(task_type, task_type.c.id == task.c.task_type_id)
        .where(task.c.id == task_id)
    )


# Built once: the statements every comment runs (building one anew costs more than
# running it).
TASK_FACTS = _task_facts(sa.bindparam("task_id", type_=sa.Uuid))
LOCKED_TASK_FACTS = TASK_FACTS.with_for_update(of=task)
STATUS = sa.select(task_status).where(task_status.c.id == sa.bindparam("status_id"))
# A comment's task (locked), its new status and its author, in one round trip.
COMMENT_CONTEXT = (
    TASK_FACTS.add_columns(
        *(column.label(f"status__{column.name}") for column in task_status.c),
        *(column.label(f"author__{column.name}") for column in person.c),
    )
    .outerjoin(task_status, task_status.c.id == sa.bindparam("status_id", type_=sa.Uuid))
    .outerjoin(person, person.c.id == sa.bindparam("author_id", type_=sa.Uuid))
    .with_for_update(of=task)
)


NOTICE_COLUMNS = [
    "id", "read", "author_id", "comment_id", "task_id", "created_at", "updated_at",
    "person_id", "type", "change",
]  # fmt: skip
# What a newest comment that mentions no one changes in the task (all set, from the
# locked facts where unchanged).
TASK_FIELDS = (
    "task_status_id",
    "last_comment_date",
    "retake_count",
    "real_start_date",
    "end_date",
    "done_date",
)


def _comment_write() -> sa.Select:
    """A comment, its task's new state, its notifications, its news entry and its
    events: one statement, built once (building it costs more than running it)."""
    p = sa.bindparam
    new_comment = (
        sa.insert(comment)
        .values(
            id=p("c_id"),
            object_id=p("c_task_id"),
            object_type="Task",
            text=p("c_text"),
            task_status_id=p("c_status_id"),
            person_id=p("c_person_id"),
            checklist=p("c_checklist", type_=comment.c.checklist.type),
            links=p("c_links", type_=comment.c.links.type),
            replies=p("c_replies", type_=comment.c.replies.type),
            for_client=p("c_for_client"),
            created_at=p("c_created"),
            updated_at=p("c_created"),
        )
        .returning(*comment.c)
        .cte("new_comment")
    )
    task_write = (
        sa.update(task)
        .where(task.c.id == p("c_task_id"))
        .values(
            **{name: p(f"t_{name}", type_=task.c[name].type) for name in TASK_FIELDS},
            updated_at=p("t_updated_at"),
        )
        .cte("task_write")
    )
    notices = insert_columns(notification, NOTICE_COLUMNS, "n").on_conflict_do_nothing()
    news_columns = [
        "id", "change", "author_id", "comment_id", "task_id", "created_at", "updated_at",
    ]  # fmt: skip
    news_values = sa.select(
        p("news_id", type_=sa.Uuid),
        p("news_change", type_=sa.Boolean),
        p("c_person_id"),
        p("c_id"),
        p("c_task_id"),
        p("c_created"),
        p("c_created"),
    ).where(p("with_news", type_=sa.Boolean))
    news_write = sa.insert(news).from_select(news_columns, news_values)
    events_write = insert_from_arrays(outbox_table, "o")
    return sa.select(new_comment).add_cte(
        task_write,
        notices.cte("notices_write"),
        news_write.cte("news_write"),
        events_write.cte("events_write"),
    )


COMMENT_WRITE = _comment_write()


async def comment_context(
    conn: AsyncConnection, task_id: uuid.UUID, status_id: uuid.UUID, author_id: uuid.UUID
) -> tuple[dict, dict | None, dict | None]:
    """(task facts, status or None, author row or None); 404 when the task is unknown."""
    params = {"task_id": task_id, "status_id": status_id, "author_id": author_id}
    found = (await conn.execute(COMMENT_CONTEXT, params)).mappings().first()
    if found is None:
        raise NotFound()
    parts: dict[str, dict] = {"": {}, "status": {}, "author": {}}
    for key, value in found.items():
        part, _, name = key.rpartition("__")
        parts[part][name] = value
    status, author = parts["status"], parts["author"]
    return parts[""], status if status["id"] else None, author if author["id"] else None


async def task_facts(conn: AsyncConnection, task_id: uuid.UUID, lock: bool = False) -> dict:
    statement = LOCKED_TASK_FACTS if lock else TASK_FACTS
    found = (await conn.execute(statement, {"task_id": task_id})).mappings().first()
    if found is None:
        raise NotFound()
    return dict(found)


async def get_status(conn: AsyncConnection, status_id: uuid.UUID) -> dict:
    found = (await conn.execute(STATUS, {"status_id": status_id})).mappings().first()
    if found is None:
        raise NotFound()
    return dict(found)


def check_retake_cap(facts: dict, status: dict) -> None:
    """The entity's `data.max_retakes` overrides the project's; 0 means no cap."""
    if not status["is_retake"] or not facts["max_retakes"]:
        return
    override = (facts["entity_data"] or {}).get("max_retakes")
    try:
        cap = int(override or facts["max_retakes"])
    except (TypeError, ValueError):
        cap = facts["max_retakes"]
    if cap > 0 and (facts["retake_count"] or 0) >= cap:
        raise WrongParameter("No more retakes allowed on this task")


async def _mentions(
    conn: AsyncConnection, project_id: uuid.UUID, text: str
) -> tuple[list[uuid.UUID], list[uuid.UUID], list[uuid.UUID]]:
    """People (`@Full Name`) and departments (`@Department`) a text mentions, and the
    team members of the mentioned departments."""
    if "@" not in text:
        return [], [], []
    team = await conn.execute(
        sa.select(person.c.id, person.c.first_name, person.c.last_name)
        .join(project_person_link, project_person_link.c.person_id == person.c.id)
        .where(
            project_person_link.c.project_id == project_id, person.c.preview_project_id.is_(None)
        )
    )
    people = []
    for pid, first, last in team:
        full_name = f"{first or ''} {last or ''}".strip()
        if re.search(f"@{re.escape(full_name)}( |$)", text):
            people.append(pid)
    departments = [
        did
        for did, name in await conn.execute(sa.select(department.c.id, department.c.name))
        if re.search(f"@{re.escape(name)}( |$)", text)
    ]
    department_people: list[uuid.UUID] = []
    if departments:
        rows = await conn.execute(
            sa.select(department_link.c.person_id)
            .join(
                project_person_link,
                project_person_link.c.person_id == department_link.c.person_id,
            )
            .where(
                department_link.c.department_id.in_(departments),
                project_person_link.c.project_id == project_id,
            )
        )
        department_people = list(rows.scalars())
    return people, departments, department_people


def _status_changes(facts: dict, status: dict, created_at: dt.datetime) -> dict:
    """Zou's task update for a newest comment: status, dates and retake count."""
    values: dict[str, Any] = {"task_status_id": status["id"], "last_comment_date": created_at}
    if status["id"] == facts["task_status_id"]:
        return values
    now = utcnow()
    if status["is_retake"]:
        values["retake_count"] = (facts["retake_count"] or 0) + 1
    if status["is_wip"] and facts["real_start_date"] is None:
        values["real_start_date"] = now
    if status["is_feedback_request"]:
        values["end_date"] = now
    elif not status["is_done"]:
        values["end_date"] = None
    values["done_date"] = now if status["is_done"] else None
    return values


async def replay_history(conn: AsyncConnection, task_id: uuid.UUID, for_concept: bool) -> dict:
    """A task's status fields rebuilt from its comments in date order (Zou's reset)."""
    rows = await conn.execute(
        sa.select(
            comment.c.created_at,
            comment.c.task_status_id,
            task_status.c.is_retake,
            task_status.c.is_feedback_request,
            task_status.c.is_done,
            task_status.c.is_wip,
        )
        .join(task_status, task_status.c.id == comment.c.task_status_id)
        .where(comment.c.object_id == task_id)
        .order_by(comment.c.created_at)
    )
    values: dict[str, Any] = {
        "retake_count": 0,
        "real_start_date": None,
        "last_comment_date": None,
        "end_date": None,
        "done_date": None,
        "task_status_id": (await task_store.default_status(conn, for_concept))["id"],
    }
    previous_retake = False
    for row in rows.mappings():
        if row["is_retake"] and not previous_retake:
            values["retake_count"] += 1
        previous_retake = row["is_retake"]
        if row["is_wip"] and values["real_start_date"] is None:
            values["real_start_date"] = row["created_at"]
        if row["is_feedback_request"] and values["end_date"] is None:
            values["end_date"] = row["created_at"]
        if row["is_done"]:
            values["done_date"] = row["created_at"]
        values["task_status_id"] = row["task_status_id"]
        values["last_comment_date"] = row["created_at"]
    duration = await conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(time_spent.c.duration), 0.0)).where(
            time_spent.c.task_id == task_id
        )
    )
    values["duration"] = duration.scalar()
    return values


async def create(
    conn: AsyncConnection,
    outbox: Outbox,
    facts: dict,
    status: dict,
    author: dict,
    text: str,
    by: uuid.UUID,
    checklist: list | None = None,
    links: list | None = None,
    for_client: bool = False,
    created_at: dt.datetime | None = None,
    uploads: list[attachments.Upload] | None = None,
) -> dict:
    """Posts a comment on a task (facts locked by the caller) and applies its status."""
    check_retake_cap(facts, status)
    project_id = facts["project_id"]
    task_id = facts["id"]
    people, departments, department_people = await _mentions(conn, project_id, text)
    comment_id = uuid.uuid4()
    now = utcnow()
    created = created_at or now
    insert_comment = (
        sa.insert(comment)
        .values(
            id=comment_id,
            object_id=task_id,
            object_type="Task",
            text=text,
            task_status_id=status["id"],
            person_id=author["id"],
            checklist=checklist or [],
            links=links or [],
            replies=[],
            for_client=for_client,
            created_at=created,
            updated_at=created,
        )
        .returning(*comment.c)
    )
    is_newest = facts["last_comment_date"] is None or facts["last_comment_date"] <= created
    changed = is_newest and status["id"] != facts["task_status_id"]

    events: list[Event] = [
        (
            "comment:new",
            {
                "comment_id": comment_id,
                "task_id": task_id,
                "task_status_id": status["id"],
                "person_id": author["id"],
                "for_client": for_client,
            },
            project_id,
        ),
        ("task:update", {"task_id": task_id}, project_id),
    ]
    if changed:
        change = {
            "task_id": task_id,
            "new_task_status_id": status["id"],
            "previous_task_status_id": facts["task_status_id"],
            "person_id": author["id"],
        }
        events.append(("task:status-changed", change, project_id))
        if status["is_feedback_request"]:
            events.append(("task:to-review", {**change, "comment_id": comment_id}, project_id))

    # Notifications: assignees and subscribers get a `comment` one, mentioned people a
    # `mention` one; never the author.
    recipients = set(facts["assignees"]) | set(facts["task_subscribers"])
    recipients |= set(facts["sequence_subscribers"])
    recipients.discard(author["id"])
    notices = [
        {"person_id": pid, "type": "comment", "change": changed} for pid in sorted(recipients)
    ]
    mentioned = [p for p in dict.fromkeys([*people, *department_people]) if p != author["id"]]
    notices += [{"person_id": pid, "type": "mention", "change": False} for pid in mentioned]
    notice_rows = [
        {
            "id": uuid.uuid4(),
            "read": False,
            "author_id": author["id"],
            "comment_id": comment_id,
            "task_id": task_id,
            "created_at": created,
            "updated_at": created,
            **n,
        }
        for n in notices
    ]
    events += [
        (
            "notification:new",
            {"notification_id": n["id"], "person_id": n["person_id"]},
            project_id,
        )
        for n in notice_rows
    ]
    # Concepts stay out of the news feed, as in Zou.
    with_news = facts["entity_type_name"] != "Concept"
    news_id = uuid.uuid4() if with_news else None
    if with_news:
        events.append(
            (
                "news:new",
                {
                    "news_id": news_id,
                    "task_status_id": status["id"],
                    "task_type_id": facts["task_type_id"],
                },
                project_id,
            )
        )

    if is_newest and not people and not departments and not uploads:
        # Nothing to read back first (a newest comment, no mention, no file): one round
        # trip writes it all, its events included.
        changes = _status_changes(facts, status, created)
        params = {
            "c_id": comment_id,
            "c_task_id": task_id,
            "c_text": text,
            "c_status_id": status["id"],
            "c_person_id": author["id"],
            "c_checklist": checklist or [],
            "c_links": links or [],
            "c_replies": [],
            "c_for_client": for_client,
            "c_created": created,
            **{f"t_{name}": changes.get(name, facts[name]) for name in TASK_FIELDS},
            "t_updated_at": now,
            **column_arrays(NOTICE_COLUMNS, notice_rows, "n"),
            "news_id": news_id,
            "news_change": changed,
            "with_news": with_news,
            **array_params(outbox.rows(conn, events, by), "o"),
        }
        row = dict((await conn.execute(COMMENT_WRITE, params)).mappings().one())
        return _created(row, status, author, [], [], [])
    else:
        row = dict((await conn.execute(insert_comment)).mappings().one())
        if people:
            await conn.execute(
                sa.insert(comment_mentions), [{"comment": comment_id, "person": p} for p in people]
            )
        if departments:
            await conn.execute(
                sa.insert(comment_department_mentions),
                [{"comment": comment_id, "department": d} for d in departments],
            )
        if is_newest:
            values = _status_changes(facts, status, created)
        else:
            values = await replay_history(conn, task_id, facts["entity_type_name"] == "Concept")
        await conn.execute(
            sa.update(task).where(task.c.id == task_id).values(**values, updated_at=now)
        )
        if notice_rows:
            await conn.execute(sa.insert(notification).on_conflict_do_nothing(), notice_rows)
        if with_news:
            await conn.execute(
                sa.insert(news).values(
                    id=news_id,
                    change=changed,
                    author_id=author["id"],
                    comment_id=comment_id,
                    task_id=task_id,
                    created_at=created,
                    updated_at=created,
                )
            )
    files, file_events = await attachments.record(conn, comment_id, project_id, uploads or [])
    await emit_all(conn, outbox, events + file_events, by)
    return _created(row, status, author, people, departments, files)


def _created(row, status: dict, author: dict, people, departments, files: list) -> dict:
    """A new comment as Zou answers it."""
    out = serialize.row(row, "Comment")
    out.update(
        previews=[],
        mentions=[str(p) for p in people],
        department_mentions=[str(d) for d in departments],
        acknowledgements=[],
        attachment_files=files,
        task_status=serialize.row(status, "TaskStatus"),
        person=author,
    )
    return out


# --- Reads ------------------------------------------------------------------------------


def _comments_select():
    return (
        sa.select(
            *comment.c,
            task_status.c.name.label("_status_name"),
            task_status.c.short_name.label("_status_short_name"),
            task_status.c.color.label("_status_color"),
            person.c.first_name.label("_first_name"),
            person.c.last_name.label("_last_name"),
            person.c.has_avatar.label("_has_avatar"),
            person.c.role.label("_role"),
            _ids_of(comment_acknoledgments, "comment", "person", comment.c.id).label(
                "acknowledgements"
            ),
            _ids_of(comment_mentions, "comment", "person", comment.c.id).label("mentions"),
            _ids_of(comment_department_mentions, "comment", "department", comment.c.id).label(
                "department_mentions"
            ),
        )
        .join(person, person.c.id == comment.c.person_id)
        .join(task_status, task_status.c.id == comment.c.task_status_id, isouter=True)
    )


async def _previews_of(conn: AsyncConnection, comment_ids: list) -> dict:
    if not comment_ids:
        return {}
    rows = await conn.execute(
        sa.select(preview_file, comment_preview_link.c.comment.label("_comment"))
        .join(comment_preview_link, comment_preview_link.c.preview_file == preview_file.c.id)
        .where(comment_preview_link.c.comment.in_(comment_ids))
        .order_by(preview_file.c.revision, preview_file.c.position)
    )
    out: dict = {}
    for r in rows.mappings():
        out.setdefault(r["_comment"], []).append(
            {
                "id": str(r["id"]),
                "task_id": serialize.value(r["task_id"]),
                "revision": r["revision"],
                "extension": r["extension"],
                "width": r["width"],
                "height": r["height"],
                "duration": r["duration"],
                "status": r["status"] or "ready",
                "validation_status": r["validation_status"] or "neutral",
                "original_name": r["original_name"],
                "position": r["position"],
                "annotations": r["annotations"],
            }
        )
    return out


def _shape_listed(r: Any, previews: dict, files: dict | None = None) -> dict:
    out = serialize.row({k: v for k, v in r.items() if not k.startswith("_")}, "Comment")
    full_name = f"{r['_first_name'] or ''} {r['_last_name'] or ''}".strip()
    out["person"] = {
        "first_name": r["_first_name"],
        "last_name": r["_last_name"],
        "full_name": full_name,
        "has_avatar": r["_has_avatar"],
        "role": r["_role"],
        "id": str(r["person_id"]),
    }
    out["task_status"] = {
        "name": r["_status_name"],
        "short_name": r["_status_short_name"],
        "color": r["_status_color"],
        "id": serialize.value(r["task_status_id"]),
    }
    out["previews"] = previews.get(r["id"], [])
    out["attachment_files"] = (files or {}).get(r["id"], [])
    return out


def _task_comments(audience: str) -> sa.Select:
    statement = _comments_select().where(
        comment.c.object_id == sa.bindparam("task_id", type_=sa.Uuid)
    )
    if audience == "client":
        statement = statement.where(comment.c.for_client.is_(True))
    elif audience == "artist":
        statement = statement.where(person.c.role != "client")
    return statement.order_by(comment.c.created_at.desc())


# Built once per audience (opening a task is what artists do most).
TASK_COMMENTS = {audience: _task_comments(audience) for audience in ("client", "artist", "all")}


async def for_task(conn: AsyncConnection, task_id: uuid.UUID, client: bool, manager: bool) -> list:
    """A task's comments, newest first; clients only see theirs, artists no client's."""
    audience = "client" if client else "all" if manager else "artist"
    found = await conn.execute(TASK_COMMENTS[audience], {"task_id": task_id})
    rows = list(found.mappings())
    ids = [r["id"] for r in rows]
    previews = await _previews_of(conn, ids)
    files = await attachments.map_for_comments(conn, ids)
    return [_shape_listed(r, previews, files) for r in rows]


async def for_project(
    conn: AsyncConnection, project_id: uuid.UUID, page: int, limit: int | None
) -> list:
    statement = (
        _comments_select()
        .join(task, task.c.id == comment.c.object_id)
        .where(task.c.project_id == project_id)
        .order_by(comment.c.created_at.desc())
    )
    if limit:
        statement = statement.limit(limit).offset(max(page - 1, 0) * limit)
    rows = list((await conn.execute(statement)).mappings())
    ids = [r["id"] for r in rows]
    previews = await _previews_of(conn, ids)
    files = await attachments.map_for_comments(conn, ids)
    return [_shape_listed(r, previews, files) for r in rows]


async def get(conn: AsyncConnection, comment_id: uuid.UUID, task_id: uuid.UUID | None = None):
    statement = _comments_select().where(comment.c.id == comment_id)
    found = (await conn.execute(statement)).mappings().first()
    if found is None or (task_id is not None and found["object_id"] != task_id):
        raise NotFound()
    previews = await _previews_of(conn, [comment_id])
    files = await attachments.map_for_comments(conn, [comment_id])
    return _shape_listed(found, previews, files)


async def raw(conn: AsyncConnection, comment_id: uuid.UUID, lock: bool = False) -> dict:
    statement = sa.select(comment).where(comment.c.id == comment_id)
    if lock:
        statement = statement.with_for_update()
    found = (await conn.execute(statement)).mappings().first()
    if found is None:
        raise NotFound()
    return dict(found)


# --- Acknowledgements, replies, deletion ----------------------------------------------------


async def toggle_ack(
    conn: AsyncConnection, outbox: Outbox, found: dict, project_id, user_id: uuid.UUID
) -> dict:
    link = comment_acknoledgments
    removed = await conn.execute(
        sa.delete(link)
        .where(link.c.comment == found["id"], link.c.person == user_id)
        .returning(link.c.person)
    )
    name = "comment:unacknowledge"
    if removed.first() is None:
        await conn.execute(sa.insert(link).values(comment=found["id"], person=user_id))
        name = "comment:acknowledge"
    await emit_all(
        conn,
        outbox,
        [(name, {"comment_id": found["id"], "person_id": user_id}, project_id)],
        user_id,
    )
    return await get(conn, found["id"])


async def reply(
    conn: AsyncConnection,
    outbox: Outbox,
    found: dict,
    facts: dict,
    text: str,
    author_id: uuid.UUID,
    uploads: list[attachments.Upload] | None = None,
) -> dict:
    now = utcnow()
    entry = {
        "id": str(uuid.uuid4()),
        "date": now.isoformat(timespec="seconds"),
        "text": text,
        "person_id": str(author_id),
    }
    replies = [*(found["replies"] or []), entry]
    await conn.execute(
        sa.update(comment)
        .where(comment.c.id == found["id"])
        .values(replies=replies, updated_at=now)
    )
    recipients = set(facts["assignees"]) | set(facts["task_subscribers"])
    recipients |= {uuid.UUID(r["person_id"]) for r in found["replies"] or [] if r.get("person_id")}
    recipients.add(found["person_id"])
    recipients.discard(author_id)
    events: list[Event] = [
        (
            "comment:reply",
            {"task_id": facts["id"], "comment_id": found["id"], "reply_id": entry["id"]},
            facts["project_id"],
        )
    ]
    if recipients:
        values = [
            {
                "id": uuid.uuid4(),
                "person_id": pid,
                "author_id": author_id,
                "comment_id": found["id"],
                "task_id": facts["id"],
                "reply_id": uuid.UUID(entry["id"]),
                "type": "reply",
                "read": False,
                "change": False,
            }
            for pid in recipients
        ]
        await conn.execute(postgresql.insert(notification).values(values).on_conflict_do_nothing())
        events += [
            (
                "notification:new",
                {"notification_id": v["id"], "person_id": v["person_id"]},
                facts["project_id"],
            )
            for v in values
        ]
    files, file_events = await attachments.record(
        conn, found["id"], facts["project_id"], uploads or [], uuid.UUID(entry["id"])
    )
    if files:
        entry["attachment_files"] = files
    await emit_all(conn, outbox, events + file_events, author_id)
    return entry


async def delete_reply(
    conn: AsyncConnection, outbox: Outbox, found: dict, reply_id: str, project_id, user
) -> dict:
    replies = found["replies"] or []
    target = next((r for r in replies if r.get("id") == reply_id), None)
    if target is None:
        raise NotFound()
    if not user.is_admin and target.get("person_id") != str(user.id):
        raise Forbidden()
    remaining = [r for r in replies if r.get("id") != reply_id]
    await conn.execute(
        sa.update(comment).where(comment.c.id == found["id"]).values(replies=remaining)
    )
    for statement in (
        sa.delete(notification).where(
            notification.c.comment_id == found["id"],
            notification.c.reply_id == uuid.UUID(reply_id),
        ),
        sa.delete(attachment_file).where(
            attachment_file.c.comment_id == found["id"],
            attachment_file.c.reply_id == uuid.UUID(reply_id),
        ),
    ):
        await conn.execute(statement)
    await emit_all(
        conn,
        outbox,
        [
            (
                "comment:delete-reply",
                {"task_id": found["object_id"], "comment_id": found["id"], "reply_id": reply_id},
                project_id,
            )
        ],
        user.id,
    )
    return await get(conn, found["id"])


async def delete(
    conn: AsyncConnection, outbox: Outbox, found: dict, facts: dict, by: uuid.UUID
) -> None:
    """Removes a comment with its links, news and notifications; the task's status is
    rebuilt from the comments left."""
    cid = found["id"]
    for statement in (
        sa.delete(notification).where(notification.c.comment_id == cid),
        sa.delete(news).where(news.c.comment_id == cid),
        sa.delete(comment_mentions).where(comment_mentions.c.comment == cid),
        sa.delete(comment_department_mentions).where(comment_department_mentions.c.comment == cid),
        sa.delete(comment_acknoledgments).where(comment_acknoledgments.c.comment == cid),
        sa.delete(comment_preview_link).where(comment_preview_link.c.comment == cid),
        sa.delete(attachment_file).where(attachment_file.c.comment_id == cid),
        sa.delete(comment).where(comment.c.id == cid),
    ):
        await conn.execute(statement)
    values = await replay_history(conn, facts["id"], facts["entity_type_name"] == "Concept")
    await conn.execute(sa.update(task).where(task.c.id == facts["id"]).values(**values))
    await emit_all(
        conn,
        outbox,
        [
            ("comment:delete", {"comment_id": cid, "task_id": facts["id"]}, facts["project_id"]),
            ("task:update", {"task_id": facts["id"]}, facts["project_id"]),
        ],
        by,
    )


async def task_of_assignees(conn: AsyncConnection, task_id: uuid.UUID) -> list:
    rows = await conn.execute(
        sa.select(task_person_link.c.person_id).where(task_person_link.c.task_id == task_id)
    )
    return list(rows.scalars())


async def shared_for_tasks(conn: AsyncConnection, task_ids) -> list:
    """What a shared playlist's guests read: comments meant for clients, or posted by a
    guest, on the playlist's tasks, newest first; each author says whether it is a guest."""
    if not task_ids:
        return []
    statement = (
        _comments_select()
        .add_columns(person.c.is_guest.label("_is_guest"))
        .where(
            comment.c.object_id.in_(list(task_ids)),
            sa.or_(comment.c.for_client.is_(True), person.c.is_guest.is_(True)),
        )
        .order_by(comment.c.created_at.desc())
    )
    rows = list((await conn.execute(statement)).mappings())
    ids = [r["id"] for r in rows]
    previews = await _previews_of(conn, ids)
    files = await attachments.map_for_comments(conn, ids)
    out = []
    for r in rows:
        shaped = _shape_listed(r, previews, files)
        shaped["person"]["is_guest"] = bool(r["_is_guest"])
        out.append(shaped)
    return out
