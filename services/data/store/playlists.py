"""Playlists of a production: lists in Zou's shapes and entities added to them."""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.columns import utcnow
from libs.common.errors import NotFound
from libs.common.events import Outbox
from services.data import serialize
from services.data import tables as t
from services.data.work import emit_all

LISTED = (
    "id",
    "name",
    "project_id",
    "episode_id",
    "task_type_id",
    "for_client",
    "for_entity",
    "is_for_all",
    "created_at",
    "updated_at",
    "created_by",
)


async def for_project(
    conn: AsyncConnection,
    project_id: uuid.UUID,
    episode_id=None,
    for_client: bool = False,
    full: bool = False,
) -> list[dict]:
    p = t.playlist
    statement = sa.select(p).where(p.c.project_id == project_id).order_by(p.c.updated_at.desc())
    if episode_id == "main":
        statement = statement.where(p.c.episode_id.is_(None))
    elif episode_id is not None:
        statement = statement.where(p.c.episode_id == episode_id)
    if for_client:
        statement = statement.where(p.c.for_client.is_(True))
    out = []
    for r in (await conn.execute(statement)).mappings():
        if full:
            shaped = serialize.row(r, "Playlist")
            shaped["build_jobs"] = []
        else:
            shaped = {"type": "Playlist", **{k: serialize.value(r[k]) for k in LISTED}}
        out.append(shaped)
    return out


async def get(conn: AsyncConnection, playlist_id: uuid.UUID) -> dict:
    found = (
        (await conn.execute(sa.select(t.playlist).where(t.playlist.c.id == playlist_id)))
        .mappings()
        .first()
    )
    if found is None:
        raise NotFound()
    return dict(found)


def shape(row: dict) -> dict:
    out = serialize.row(row, "Playlist")
    out["shots"] = row["shots"] or []
    out["build_jobs"] = []
    return out


async def add_entities(
    conn: AsyncConnection, outbox: Outbox, playlist: dict, entries: list[dict], by
) -> dict:
    """Appends entities (with the preview to show) to the playlist's list."""
    shots = list(playlist["shots"] or [])
    known = {s.get("entity_id") for s in shots}
    events = []
    for entry in entries:
        if entry["entity_id"] in known:
            continue
        shots.append({"id": str(uuid.uuid4()), **entry})
        events.append(
            (
                "playlist:add_entity",
                {
                    "playlist_id": playlist["id"],
                    "entity_id": entry["entity_id"],
                    "preview_file_id": entry.get("preview_file_id"),
                },
                playlist["project_id"],
            )
        )
    row = (
        (
            await conn.execute(
                sa.update(t.playlist)
                .where(t.playlist.c.id == playlist["id"])
                .values(shots=shots, updated_at=utcnow())
                .returning(*t.playlist.c)
            )
        )
        .mappings()
        .one()
    )
    events.append(("playlist:update", {"playlist_id": playlist["id"]}, playlist["project_id"]))
    await emit_all(conn, outbox, events, by)
    return shape(dict(row))


async def entity_previews(conn: AsyncConnection, entity_id: uuid.UUID) -> dict:
    """Previews of an entity's tasks, grouped by task type, newest revision first."""
    rows = await conn.execute(
        sa.select(t.preview_file, t.task.c.task_type_id)
        .join(t.task, t.task.c.id == t.preview_file.c.task_id)
        .where(t.task.c.entity_id == entity_id)
        .order_by(t.preview_file.c.revision.desc(), t.preview_file.c.position)
    )
    out: dict = {}
    for r in rows.mappings():
        out.setdefault(str(r["task_type_id"]), []).append(
            {
                "id": str(r["id"]),
                "revision": r["revision"],
                "position": r["position"],
                "original_name": r["original_name"],
                "extension": r["extension"],
                "width": r["width"],
                "height": r["height"],
                "duration": r["duration"],
                "status": r["status"],
                "annotations": r["annotations"],
                "created_at": serialize.value(r["created_at"]),
                "task_id": str(r["task_id"]),
            }
        )
    return out
