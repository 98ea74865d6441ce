"""What the current user sees: their tasks, their context at start, their notifications,
filters and subscriptions."""

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.columns import utcnow
from libs.common.errors import NotFound
from libs.common.events import Outbox
from services.data import serialize
from services.data import tables as t
from services.data.store import tasks as task_store
from services.data.work import emit_all

BASE_ENTITY_TYPES = task_store.BASE_ENTITY_TYPES


def _last_comment():
    c = t.comment
    return (
        sa.select(
            sa.func.json_build_object(
                "text", c.c.text, "date", c.c.created_at, "person_id", c.c.person_id
            )
        )
        .join(t.person, t.person.c.id == c.c.person_id)
        .where(c.c.object_id == t.task.c.id, t.person.c.role != "client")
        .order_by(c.c.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )


async def person_tasks(
    conn: AsyncConnection,
    person_id: uuid.UUID,
    project_ids: list | None,
    done: bool,
    extra: list | None = None,
) -> list[dict]:
    """Zou's todo list rows: the task, its project, entity, sequence, episode, type and
    status names, assignees and last comment, in one query."""
    task, entity, status, ttype = t.task, t.entity, t.task_status, t.task_type
    sequence = t.entity.alias("sequence")
    episode = t.entity.alias("episode")
    link = t.task_person_link
    statement = (
        sa.select(
            *task.c,
            task_store.ASSIGNEES,
            t.project.c.name.label("project_name"),
            t.project.c.has_avatar.label("project_has_avatar"),
            entity.c.name.label("entity_name"),
            entity.c.description.label("entity_description"),
            entity.c.data.label("entity_data"),
            entity.c.preview_file_id.label("entity_preview_file_id"),
            entity.c.source_id.label("entity_source_id"),
            entity.c.parent_id.label("_entity_parent_id"),
            t.entity_type.c.name.label("entity_type_name"),
            entity.c.canceled.label("entity_canceled"),
            sequence.c.name.label("sequence_name"),
            episode.c.id.label("_episode_id"),
            episode.c.name.label("episode_name"),
            ttype.c.for_entity.label("task_type_for_entity"),
            ttype.c.name.label("task_type_name"),
            status.c.name.label("task_status_name"),
            ttype.c.color.label("task_type_color"),
            status.c.color.label("task_status_color"),
            status.c.short_name.label("task_status_short_name"),
            _last_comment().label("last_comment"),
        )
        .join(link, link.c.task_id == task.c.id)
        .join(t.project, t.project.c.id == task.c.project_id)
        .join(ttype, ttype.c.id == task.c.task_type_id)
        .join(status, status.c.id == task.c.task_status_id)
        .join(entity, entity.c.id == task.c.entity_id)
        .join(t.entity_type, t.entity_type.c.id == entity.c.entity_type_id)
        .outerjoin(sequence, sequence.c.id == entity.c.parent_id)
        .outerjoin(episode, episode.c.id == sequence.c.parent_id)
        .where(link.c.person_id == person_id, status.c.is_done.is_(done))
    )
    if project_ids is not None:
        statement = statement.where(task.c.project_id.in_(project_ids))
    if extra:
        statement = statement.where(*extra)
    if done:
        statement = statement.order_by(task.c.end_date.desc(), ttype.c.name, entity.c.name)
    rows = (await conn.execute(statement)).mappings().all()
    episode_names = await _episode_names(conn, rows)
    out = []
    for r in rows:
        shaped = serialize.row({k: v for k, v in r.items() if not k.startswith("_")}, "Task")
        episode_id = r["_episode_id"]
        if r["entity_type_name"] == "Sequence" and r["_entity_parent_id"] is not None:
            episode_id = r["_entity_parent_id"]
            shaped["episode_name"] = episode_names.get(episode_id)
        elif episode_id is None and r["entity_source_id"] is not None:
            episode_id = r["entity_source_id"]
            shaped["episode_name"] = episode_names.get(episode_id, "MP")
        shaped["entity_preview_file_id"] = serialize.value(r["entity_preview_file_id"]) or ""
        shaped["entity_source_id"] = serialize.value(r["entity_source_id"]) or ""
        shaped["episode_id"] = serialize.value(episode_id) or ""
        shaped["task_estimation"] = r["estimation"]
        shaped["task_duration"] = r["duration"]
        shaped["task_start_date"] = shaped["start_date"]
        shaped["task_due_date"] = shaped["due_date"]
        last = r["last_comment"] or {}
        if last.get("date"):
            last["date"] = serialize.value(last["date"])[:19]
        shaped["last_comment"] = last
        out.append(shaped)
    return out


async def _episode_names(conn: AsyncConnection, rows) -> dict:
    wanted = {r["_entity_parent_id"] for r in rows if r["entity_type_name"] == "Sequence"}
    wanted |= {r["entity_source_id"] for r in rows if r["entity_source_id"]}
    wanted.discard(None)
    if not wanted:
        return {}
    found = await conn.execute(
        sa.select(t.entity.c.id, t.entity.c.name).where(t.entity.c.id.in_(wanted))
    )
    return dict(found.all())


async def open_project_ids(conn: AsyncConnection, person_id: uuid.UUID, admin: bool) -> list:
    statement = (
        sa.select(t.project.c.id)
        .join(t.project_status, t.project_status.c.id == t.project.c.project_status_id)
        .where(t.project_status.c.name == "Open")
    )
    if not admin:
        statement = statement.join(
            t.project_person_link, t.project_person_link.c.project_id == t.project.c.id
        ).where(t.project_person_link.c.person_id == person_id)
    return list((await conn.execute(statement)).scalars())


# --- Context --------------------------------------------------------------------------------


async def _all(conn: AsyncConnection, table: sa.Table, type_name: str, *where, order=None) -> list:
    statement = sa.select(table).where(*where)
    if order is not None:
        statement = statement.order_by(order)
    return [serialize.row(r, type_name) for r in (await conn.execute(statement)).mappings()]


async def open_projects(conn: AsyncConnection, project_ids: list) -> list[dict]:
    """Open projects in Zou's context shape: relation ids, descriptors, link settings."""
    if not project_ids:
        return []
    p = t.project

    def ids(link, own, other):
        return sa.func.coalesce(
            sa.select(sa.func.array_agg(link.c[other]))
            .where(link.c[own] == p.c.id)
            .scalar_subquery(),
            task_store.EMPTY_IDS,
        )

    rows = (
        (
            await conn.execute(
                sa.select(
                    *p.c,
                    ids(t.project_person_link, "project_id", "person_id").label("team"),
                    ids(t.project_asset_type_link, "project_id", "asset_type_id").label(
                        "asset_types"
                    ),
                    ids(t.project_task_status_link, "project_id", "task_status_id").label(
                        "task_statuses"
                    ),
                    ids(t.project_task_type_link, "project_id", "task_type_id").label("task_types"),
                    ids(
                        t.project_status_automation_link, "project_id", "status_automation_id"
                    ).label("status_automations"),
                    ids(
                        t.project_preview_background_file_link,
                        "project_id",
                        "preview_background_file_id",
                    ).label("preview_background_files"),
                )
                .where(p.c.id.in_(project_ids))
                .order_by(p.c.name)
            )
        )
        .mappings()
        .all()
    )
    descriptors = await conn.execute(
        sa.select(t.metadata_descriptor).where(t.metadata_descriptor.c.project_id.in_(project_ids))
    )
    by_project: dict = {}
    for d in descriptors.mappings():
        shaped = serialize.row(d, "MetadataDescriptor")
        shaped["departments"] = []
        by_project.setdefault(d["project_id"], []).append(shaped)
    type_links = await conn.execute(
        sa.select(t.project_task_type_link).where(
            t.project_task_type_link.c.project_id.in_(project_ids)
        )
    )
    tt_by_project: dict = {}
    for link in type_links.mappings():
        tt_by_project.setdefault(link["project_id"], {})[str(link["task_type_id"])] = {
            "priority": link["priority"],
            "hd_bitrate_compression": link["hd_bitrate_compression"],
            "ld_bitrate_compression": link["ld_bitrate_compression"],
            "is_client_visible": link["is_client_visible"],
        }
    status_links = await conn.execute(
        sa.select(t.project_task_status_link).where(
            t.project_task_status_link.c.project_id.in_(project_ids)
        )
    )
    ts_by_project: dict = {}
    for link in status_links.mappings():
        ts_by_project.setdefault(link["project_id"], {})[str(link["task_status_id"])] = {
            "priority": link["priority"],
            "roles_for_board": link["roles_for_board"],
            "is_client_allowed": link["is_client_allowed"],
        }
    first_episodes = await conn.execute(
        sa.select(t.entity.c.project_id, sa.func.min(t.entity.c.name), t.entity.c.id)
        .join(t.entity_type, t.entity_type.c.id == t.entity.c.entity_type_id)
        .where(t.entity_type.c.name == "Episode", t.entity.c.project_id.in_(project_ids))
        .group_by(t.entity.c.project_id, t.entity.c.id)
        .order_by(t.entity.c.project_id, sa.func.min(t.entity.c.name))
    )
    first_episode: dict = {}
    for project_id, _name, episode_id in first_episodes:
        first_episode.setdefault(project_id, episode_id)
    out = []
    for r in rows:
        shaped = serialize.row(r, "Project")
        shaped["descriptors"] = by_project.get(r["id"], [])
        links = tt_by_project.get(r["id"], {})
        shaped["task_type_links"] = links
        shaped["task_types_priority"] = {k: v["priority"] for k, v in links.items()}
        shaped["task_statuses_link"] = ts_by_project.get(r["id"], {})
        if r["id"] in first_episode:
            shaped["first_episode_id"] = str(first_episode[r["id"]])
        out.append(shaped)
    return out


async def context(conn: AsyncConnection, user, project_ids: list) -> dict:
    person = t.person
    people = (
        await conn.execute(
            sa.select(
                *person.c,
                sa.func.coalesce(
                    sa.select(sa.func.array_agg(t.department_link.c.department_id))
                    .where(t.department_link.c.person_id == person.c.id)
                    .scalar_subquery(),
                    task_store.EMPTY_IDS,
                ).label("departments"),
            )
            .where(person.c.preview_project_id.is_(None), person.c.is_guest.is_not(True))
            .order_by(person.c.first_name, person.c.last_name)
        )
    ).mappings()
    persons = []
    for p in people:
        shaped = serialize.person({k: v for k, v in p.items() if k not in _PERSON_SECRETS})
        persons.append(shaped)
    asset_types = (
        await conn.execute(
            sa.select(
                *t.entity_type.c,
                sa.func.coalesce(
                    sa.select(sa.func.array_agg(t.task_type_asset_type_link.c.task_type_id))
                    .where(t.task_type_asset_type_link.c.asset_type_id == t.entity_type.c.id)
                    .scalar_subquery(),
                    task_store.EMPTY_IDS,
                ).label("task_types"),
            )
            .where(t.entity_type.c.name.not_in(BASE_ENTITY_TYPES))
            .order_by(t.entity_type.c.name)
        )
    ).mappings()
    notification_count = (
        await conn.execute(
            sa.select(sa.func.count()).where(
                t.notification.c.person_id == user.id, t.notification.c.read.is_(False)
            )
        )
    ).scalar()
    return {
        "asset_types": [serialize.row(a, "AssetType") for a in asset_types],
        "custom_actions": await _all(conn, t.custom_action, "CustomAction"),
        "status_automations": await _all(conn, t.status_automation, "StatusAutomation"),
        "departments": await _all(conn, t.department, "Department", order=t.department.c.name),
        "studios": await _all(conn, t.studio, "Studio", order=t.studio.c.name),
        "notification_count": notification_count,
        "persons": persons,
        "project_status": await _all(conn, t.project_status, "ProjectStatus"),
        "project_roles": await _project_roles(conn, user.id),
        "projects": await open_projects(conn, project_ids),
        "task_types": await _all(conn, t.task_type, "TaskType", order=t.task_type.c.name),
        "task_status": await _all(conn, t.task_status, "TaskStatus", order=t.task_status.c.name),
        "search_filters": await filters(conn, user.id, t.search_filter, "SearchFilter"),
        "search_filter_groups": await filters(
            conn, user.id, t.search_filter_group, "SearchFilterGroup"
        ),
        "preview_background_files": await _all(
            conn, t.preview_background_file, "PreviewBackgroundFile"
        ),
        "plugins": await _all(conn, t.plugin, "Plugin"),
        "user_limit": 1000,
    }


_PERSON_SECRETS = frozenset({"oidc_issuer", "oidc_subject", "saml_issuer", "saml_subject"})


async def _project_roles(conn: AsyncConnection, person_id: uuid.UUID) -> dict:
    link = t.project_person_link
    rows = await conn.execute(
        sa.select(link.c.project_id, link.c.role).where(
            link.c.person_id == person_id, link.c.role.is_not(None)
        )
    )
    return {str(pid): role for pid, role in rows}


# --- Filters -------------------------------------------------------------------------------


async def filters(conn: AsyncConnection, person_id: uuid.UUID, table: sa.Table, type_name: str):
    """Zou's nesting: `{list_type: {project_id or "all": [filters]}}`, own and shared."""
    rows = await conn.execute(
        sa.select(table)
        .where(sa.or_(table.c.person_id == person_id, table.c.is_shared.is_(True)))
        .order_by(table.c.name)
    )
    out: dict = {}
    for r in rows.mappings():
        key = str(r["project_id"]) if r["project_id"] else "all"
        out.setdefault(r["list_type"], {}).setdefault(key, []).append(serialize.row(r, type_name))
    return out


async def create_filter(
    conn: AsyncConnection, outbox: Outbox, table: sa.Table, type_name: str, values: dict, by
) -> dict:
    row = (
        (await conn.execute(sa.insert(table).values(**values).returning(*table.c))).mappings().one()
    )
    name = type_name_to_event(table)
    await emit_all(
        conn, outbox, [(f"{name}:new", {f"{table.name}_id": row["id"]}, row["project_id"])], by
    )
    return serialize.row(row, type_name)


def type_name_to_event(table: sa.Table) -> str:
    return table.name.replace("_", "-")


async def own_row(conn: AsyncConnection, table: sa.Table, row_id: uuid.UUID, person_id) -> dict:
    found = (await conn.execute(sa.select(table).where(table.c.id == row_id))).mappings().first()
    if found is None or found["person_id"] != person_id:
        raise NotFound()
    return dict(found)


async def update_row(
    conn: AsyncConnection, outbox: Outbox, table: sa.Table, type_name: str, row_id, values, by
) -> dict:
    row = (
        (
            await conn.execute(
                sa.update(table)
                .where(table.c.id == row_id)
                .values(**values, updated_at=utcnow())
                .returning(*table.c)
            )
        )
        .mappings()
        .one()
    )
    name = type_name_to_event(table)
    await emit_all(
        conn, outbox, [(f"{name}:update", {f"{table.name}_id": row_id}, row.get("project_id"))], by
    )
    return serialize.row(row, type_name)


async def delete_row(conn: AsyncConnection, outbox: Outbox, table: sa.Table, row: dict, by) -> None:
    await conn.execute(sa.delete(table).where(table.c.id == row["id"]))
    name = type_name_to_event(table)
    await emit_all(
        conn,
        outbox,
        [(f"{name}:delete", {f"{table.name}_id": row["id"]}, row.get("project_id"))],
        by,
    )


# --- Notifications ------------------------------------------------------------------------


async def notifications(
    conn: AsyncConnection,
    person_id: uuid.UUID,
    after=None,
    before=None,
    task_type_id=None,
    task_status_id=None,
    notification_type=None,
    read=None,
    watching=None,
    notification_id=None,
) -> list[dict]:
    """Zou's notification rows joined with what Kitsu shows (task, entity, comment)."""
    n, task, entity, comment = t.notification, t.task, t.entity, t.comment
    author = t.person.alias("author")
    ptype = t.entity_type
    statement = (
        sa.select(
            n,
            task.c.project_id,
            t.project.c.name.label("project_name"),
            task.c.task_type_id,
            task.c.task_status_id.label("_task_status_id"),
            entity.c.id.label("entity_id"),
            entity.c.name.label("entity_name"),
            entity.c.preview_file_id.label("entity_preview_file_id"),
            ptype.c.name.label("entity_type_name"),
            comment.c.text.label("comment_text"),
            comment.c.task_status_id.label("comment_task_status_id"),
            comment.c.replies.label("_replies"),
            author.c.first_name.label("_author_first"),
        )
        .join(task, task.c.id == n.c.task_id, isouter=True)
        .join(t.project, t.project.c.id == task.c.project_id, isouter=True)
        .join(entity, entity.c.id == task.c.entity_id, isouter=True)
        .join(ptype, ptype.c.id == entity.c.entity_type_id, isouter=True)
        .join(comment, comment.c.id == n.c.comment_id, isouter=True)
        .join(author, author.c.id == n.c.author_id, isouter=True)
        .where(n.c.person_id == person_id)
        .order_by(n.c.created_at.desc())
    )
    if notification_id is not None:
        statement = statement.where(n.c.id == notification_id)
    else:
        statement = statement.limit(100)
    if after is not None:
        statement = statement.where(n.c.created_at > after)
    if before is not None:
        statement = statement.where(n.c.created_at < before)
    if task_type_id is not None:
        statement = statement.where(task.c.task_type_id == task_type_id)
    if task_status_id is not None:
        statement = statement.where(comment.c.task_status_id == task_status_id)
    if notification_type is not None:
        statement = statement.where(n.c.type == notification_type)
    if read is not None:
        statement = statement.where(n.c.read.is_(read))
    out = []
    for r in (await conn.execute(statement)).mappings():
        shaped = {
            "id": str(r["id"]),
            "type": "Notification",
            "notification_type": r["type"],
            "author_id": serialize.value(r["author_id"]),
            "comment_id": serialize.value(r["comment_id"]),
            "task_id": serialize.value(r["task_id"]),
            "task_type_id": serialize.value(r["task_type_id"]),
            "task_status_id": serialize.value(r["comment_task_status_id"]),
            "reply_id": serialize.value(r["reply_id"]),
            "mentions": [],
            "department_mentions": [],
            "preview_file_id": None,
            "project_id": serialize.value(r["project_id"]),
            "project_name": r["project_name"],
            "comment_text": r["comment_text"],
            "reply_text": _reply_text(r),
            "created_at": serialize.value(r["created_at"]),
            "read": r["read"],
            "change": r["change"],
            "full_entity_name": _full_name(r),
            "episode_id": None,
            "entity_preview_file_id": serialize.value(r["entity_preview_file_id"]),
            "entity_id": serialize.value(r["entity_id"]),
            "entity_type_name": r["entity_type_name"],
            "playlist_id": serialize.value(r["playlist_id"]),
        }
        out.append(shaped)
    return out


def _reply_text(r) -> str:
    if r["reply_id"] is None:
        return ""
    for reply in r["_replies"] or []:
        if reply.get("id") == str(r["reply_id"]):
            return reply.get("text") or ""
    return ""


def _full_name(r) -> str | None:
    if r["entity_name"] is None:
        return None
    kind = r["entity_type_name"]
    return (
        f"{kind} / {r['entity_name']}"
        if kind not in ("Shot", "Sequence", "Episode")
        else r["entity_name"]
    )


async def set_read(
    conn: AsyncConnection, outbox: Outbox, person_id, notification_id, read: bool
) -> None:
    result = await conn.execute(
        sa.update(t.notification)
        .where(t.notification.c.id == notification_id, t.notification.c.person_id == person_id)
        .values(read=read, updated_at=utcnow())
        .returning(t.notification.c.id)
    )
    if result.first() is None:
        raise NotFound()
    name = "notification:read" if read else "notification:unread"
    await emit_all(
        conn,
        outbox,
        [(name, {"person_id": person_id, "notification_id": notification_id}, None)],
        person_id,
    )


async def mark_all_read(conn: AsyncConnection, outbox: Outbox, person_id) -> None:
    await conn.execute(
        sa.update(t.notification)
        .where(t.notification.c.person_id == person_id, t.notification.c.read.is_(False))
        .values(read=True, updated_at=utcnow())
    )
    await emit_all(
        conn, outbox, [("notification:all-read", {"person_id": person_id}, None)], person_id
    )


# --- Subscriptions ---------------------------------------------------------------------------


async def subscribe_tasks(conn: AsyncConnection, outbox: Outbox, person_id, task_ids: list) -> list:
    rows = await task_store.get_many(conn, task_ids)
    if not rows:
        return []
    inserted = await conn.execute(
        postgresql.insert(t.subscription)
        .values([{"id": uuid.uuid4(), "person_id": person_id, "task_id": r["id"]} for r in rows])
        .on_conflict_do_nothing()
        .returning(*t.subscription.c)
    )
    new = list(inserted.mappings())
    project_of = {r["id"]: r["project_id"] for r in rows}
    await emit_all(
        conn,
        outbox,
        [
            ("subscription:new", {"subscription_id": s["id"]}, project_of.get(s["task_id"]))
            for s in new
        ],
        person_id,
    )
    found = await conn.execute(
        sa.select(t.subscription).where(
            t.subscription.c.person_id == person_id, t.subscription.c.task_id.in_(task_ids)
        )
    )
    return [serialize.row(s, "Subscription") for s in found.mappings()]


async def unsubscribe_tasks(
    conn: AsyncConnection, outbox: Outbox, person_id, task_ids: list
) -> None:
    removed = await conn.execute(
        sa.delete(t.subscription)
        .where(t.subscription.c.person_id == person_id, t.subscription.c.task_id.in_(task_ids))
        .returning(t.subscription.c.id)
    )
    await emit_all(
        conn,
        outbox,
        [("subscription:delete", {"subscription_id": sid}, None) for (sid,) in removed],
        person_id,
    )


async def is_subscribed(conn: AsyncConnection, person_id, task_id) -> bool:
    found = await conn.execute(
        sa.select(t.subscription.c.id).where(
            t.subscription.c.person_id == person_id, t.subscription.c.task_id == task_id
        )
    )
    return found.first() is not None


async def subscribe_sequence(conn, outbox, person_id, sequence_id, task_type_id) -> dict:
    await conn.execute(
        postgresql.insert(t.subscription)
        .values(
            id=uuid.uuid4(), person_id=person_id, entity_id=sequence_id, task_type_id=task_type_id
        )
        .on_conflict_do_nothing()
    )
    row = (
        (
            await conn.execute(
                sa.select(t.subscription).where(
                    t.subscription.c.person_id == person_id,
                    t.subscription.c.entity_id == sequence_id,
                    t.subscription.c.task_type_id == task_type_id,
                )
            )
        )
        .mappings()
        .one()
    )
    await emit_all(
        conn, outbox, [("subscription:new", {"subscription_id": row["id"]}, None)], person_id
    )
    return serialize.row(row, "Subscription")


async def unsubscribe_sequence(conn, outbox, person_id, sequence_id, task_type_id) -> None:
    removed = await conn.execute(
        sa.delete(t.subscription)
        .where(
            t.subscription.c.person_id == person_id,
            t.subscription.c.entity_id == sequence_id,
            t.subscription.c.task_type_id == task_type_id,
        )
        .returning(t.subscription.c.id)
    )
    await emit_all(
        conn,
        outbox,
        [("subscription:delete", {"subscription_id": sid}, None) for (sid,) in removed],
        person_id,
    )


async def sequence_subscriptions(conn, person_id, sequence_id, task_type_id) -> list[str]:
    rows = await conn.execute(
        sa.select(t.subscription.c.entity_id).where(
            t.subscription.c.person_id == person_id,
            t.subscription.c.task_type_id == task_type_id,
            t.subscription.c.entity_id.is_not(None),
        )
    )
    return [str(e) for (e,) in rows]


# --- Desktop login logs --------------------------------------------------------------------


async def desktop_logs(conn: AsyncConnection, person_id) -> list[dict]:
    rows = await conn.execute(
        sa.select(t.desktop_login_log)
        .where(t.desktop_login_log.c.person_id == person_id)
        .order_by(t.desktop_login_log.c.date.desc())
    )
    return [serialize.row(r, "DesktopLoginLog") for r in rows.mappings()]


async def add_desktop_log(conn: AsyncConnection, person_id, date) -> dict:
    row = (
        (
            await conn.execute(
                sa.insert(t.desktop_login_log)
                .values(person_id=person_id, date=date or utcnow())
                .returning(*t.desktop_login_log.c)
            )
        )
        .mappings()
        .one()
    )
    await conn.execute(
        sa.update(t.person)
        .where(t.person.c.id == person_id)
        .values(last_presence=(date or utcnow()).date())
    )
    return serialize.row(row, "DesktopLoginLog")


def any_of(values: Any) -> Any:
    return values
