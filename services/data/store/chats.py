"""Entity chats: one per entity, made on first use; participants join and leave; messages
with their attachment records. Zou's chat signals (joined, left, new-message,
deleted-message) are live-only events."""

import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.columns import utcnow
from libs.common.errors import NotFound
from libs.common.events import Outbox
from services.data import serialize
from services.data.tables import (
    attachment_file,
    chat,
    chat_message,
    chat_participant,
    entity,
    entity_type,
    project,
    project_status,
)
from services.data.work import emit_all


async def entity_project(conn: AsyncConnection, entity_id: uuid.UUID) -> uuid.UUID:
    found = (
        await conn.execute(sa.select(entity.c.project_id).where(entity.c.id == entity_id))
    ).first()
    if found is None:
        raise NotFound()
    return found.project_id


async def of_entity(conn: AsyncConnection, entity_id: uuid.UUID) -> dict:
    """The entity's chat, created when it has none (as Zou does on any read)."""
    now = utcnow()
    await conn.execute(
        sa.insert(chat).from_select(
            ["id", "object_id", "object_type", "created_at", "updated_at"],
            sa.select(
                sa.literal(uuid.uuid4(), sa.Uuid),
                sa.literal(entity_id, sa.Uuid),
                sa.literal("entity"),
                sa.literal(now, sa.DateTime),
                sa.literal(now, sa.DateTime),
            ).where(~sa.exists().where(chat.c.object_id == entity_id)),
        )
    )
    found = (
        (await conn.execute(sa.select(chat).where(chat.c.object_id == entity_id).limit(1)))
        .mappings()
        .one()
    )
    return dict(found)


async def participants(conn: AsyncConnection, chat_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await conn.execute(
        sa.select(chat_participant.c.person_id).where(chat_participant.c.chat_id == chat_id)
    )
    return list(rows.scalars())


async def with_relations(conn: AsyncConnection, row: dict) -> dict:
    out = serialize.row(row, "Chat")
    out["participants"] = [str(p) for p in await participants(conn, row["id"])]
    messages = await conn.execute(
        sa.select(chat_message.c.id)
        .where(chat_message.c.chat_id == row["id"])
        .order_by(chat_message.c.created_at)
    )
    out["messages"] = [str(m) for m in messages.scalars()]
    return out


async def join(conn, outbox: Outbox, entity_id, person_id, joining: bool) -> dict:
    row = await of_entity(conn, entity_id)
    if joining:
        await conn.execute(
            postgresql.insert(chat_participant)
            .values(chat_id=row["id"], person_id=person_id)
            .on_conflict_do_nothing()
        )
    else:
        await conn.execute(
            sa.delete(chat_participant).where(
                chat_participant.c.chat_id == row["id"], chat_participant.c.person_id == person_id
            )
        )
    updated = await conn.execute(
        sa.update(chat).where(chat.c.id == row["id"]).values(updated_at=utcnow()).returning(*chat.c)
    )
    name = "chat:joined" if joining else "chat:left"
    await emit_all(
        conn, outbox, [(name, {"chat_id": row["id"], "person_id": person_id}, None)], person_id
    )
    return serialize.row(updated.mappings().one(), "Chat")


async def _attachments(conn, message_ids: list) -> dict:
    if not message_ids:
        return {}
    rows = await conn.execute(
        sa.select(
            attachment_file.c.id,
            attachment_file.c.name,
            attachment_file.c.extension,
            attachment_file.c.chat_message_id,
        ).where(attachment_file.c.chat_message_id.in_(message_ids))
    )
    out: dict = {}
    for r in rows:
        out.setdefault(r.chat_message_id, []).append(
            {"id": str(r.id), "name": r.name, "extension": r.extension}
        )
    return out


async def messages(conn: AsyncConnection, chat_id: uuid.UUID) -> list[dict]:
    rows = list(
        (
            await conn.execute(
                sa.select(chat_message)
                .where(chat_message.c.chat_id == chat_id)
                .order_by(chat_message.c.created_at)
            )
        ).mappings()
    )
    files = await _attachments(conn, [r["id"] for r in rows])
    return [
        {**serialize.row(r, "ChatMessage"), "attachment_files": files.get(r["id"], [])}
        for r in rows
    ]


async def message(conn: AsyncConnection, message_id: uuid.UUID) -> dict:
    found = (
        (await conn.execute(sa.select(chat_message).where(chat_message.c.id == message_id)))
        .mappings()
        .first()
    )
    if found is None:
        raise NotFound()
    files = await _attachments(conn, [message_id])
    return {**serialize.row(found, "ChatMessage"), "attachment_files": files.get(message_id, [])}


async def post(conn, outbox: Outbox, chat_id, person_id, text: str) -> dict:
    now = utcnow()
    inserted = await conn.execute(
        sa.insert(chat_message)
        .values(
            id=uuid.uuid4(),
            chat_id=chat_id,
            person_id=person_id,
            text=text,
            created_at=now,
            updated_at=now,
        )
        .returning(*chat_message.c)
    )
    row = inserted.mappings().one()
    await conn.execute(sa.update(chat).where(chat.c.id == chat_id).values(last_message=now))
    out = serialize.row(row, "ChatMessage")
    data = {"chat_id": chat_id, "chat_message_id": row["id"], "last_message": out["created_at"]}
    await emit_all(conn, outbox, [("chat:new-message", data, None)], person_id)
    return out


async def remove(conn, outbox: Outbox, found: dict, by) -> None:
    message_id = uuid.UUID(found["id"])
    await conn.execute(
        sa.delete(attachment_file).where(attachment_file.c.chat_message_id == message_id)
    )
    await conn.execute(sa.delete(chat_message).where(chat_message.c.id == message_id))
    data = {"chat_id": found["chat_id"], "chat_message_id": found["id"]}
    await emit_all(conn, outbox, [("chat:deleted-message", data, None)], by)


async def of_person(conn: AsyncConnection, person_id: uuid.UUID) -> list[dict]:
    """The chats a person takes part in, on open productions, with the entity's name."""
    parent = entity.alias("parent")
    rows = await conn.execute(
        sa.select(
            chat.c.id,
            chat.c.object_id,
            chat.c.last_message,
            entity.c.name,
            entity.c.project_id,
            entity.c.preview_file_id,
            entity_type.c.name.label("type_name"),
            parent.c.name.label("parent_name"),
        )
        .join(chat_participant, chat_participant.c.chat_id == chat.c.id)
        .join(entity, entity.c.id == chat.c.object_id)
        .join(entity_type, entity_type.c.id == entity.c.entity_type_id)
        .join(parent, parent.c.id == entity.c.parent_id, isouter=True)
        .join(project, project.c.id == entity.c.project_id)
        .join(project_status, project_status.c.id == project.c.project_status_id)
        .where(chat_participant.c.person_id == person_id, project_status.c.name == "Open")
    )
    out = []
    for r in rows:
        if r.type_name in ("Shot", "Sequence", "Episode", "Scene", "Edit") and r.parent_name:
            name = f"{r.parent_name} / {r.name}"
        elif r.type_name in ("Shot", "Sequence", "Episode", "Scene", "Edit"):
            name = r.name
        else:
            name = f"{r.type_name} / {r.name}"
        out.append(
            {
                "id": str(r.id),
                "object_id": str(r.object_id),
                "last_message": serialize.value(r.last_message),
                "entity_name": name,
                "project_id": str(r.project_id),
                "preview_file_id": serialize.value(r.preview_file_id),
            }
        )
    return out
