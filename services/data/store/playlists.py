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


# --- Clients told a playlist is ready -------------------------------------------------------


async def notify_clients(
    conn: AsyncConnection,
    outbox: Outbox,
    playlist: dict,
    by: uuid.UUID,
    studio_id: uuid.UUID | None = None,
    department_id: uuid.UUID | None = None,
) -> None:
    """A `playlist-ready` notification for each client of the production's team (the team
    link's role wins over the person's), optionally of one studio or department."""
    p, link = t.person, t.project_person_link
    statement = (
        sa.select(p.c.id)
        .join(link, link.c.person_id == p.c.id)
        .where(
            link.c.project_id == playlist["project_id"],
            p.c.is_bot.is_(False),
            p.c.preview_project_id.is_(None),
            sa.func.coalesce(link.c.role, p.c.role) == "client",
        )
    )
    if studio_id is not None:
        statement = statement.where(p.c.studio_id == studio_id)
    if department_id is not None:
        statement = statement.where(
            p.c.id.in_(
                sa.select(t.department_link.c.person_id).where(
                    t.department_link.c.department_id == department_id
                )
            )
        )
    now = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "person_id": client,
            "author_id": by,
            "playlist_id": playlist["id"],
            "type": "playlist-ready",
            "created_at": now,
            "updated_at": now,
        }
        for client in (await conn.execute(statement.distinct())).scalars()
    ]
    if not rows:
        return
    await conn.execute(sa.insert(t.notification), rows)
    await emit_all(
        conn,
        outbox,
        [
            (
                "notification:new",
                {"notification_id": r["id"], "person_id": r["person_id"]},
                playlist["project_id"],
            )
            for r in rows
        ],
        by,
    )


# --- Temporary playlists --------------------------------------------------------------------


async def last_reviewed_tasks(conn: AsyncConnection, entity_ids: list[uuid.UUID]) -> list:
    """For each entity, its most recently commented task that holds a preview."""
    tk = t.task
    rows = await conn.execute(
        sa.select(tk.c.id)
        .distinct(tk.c.entity_id)
        .where(tk.c.entity_id.in_(entity_ids), tk.c.last_preview_file_id.is_not(None))
        .order_by(tk.c.entity_id, tk.c.last_comment_date.desc().nulls_last())
    )
    return list(rows.scalars())


def _mixed(previews: list[dict]) -> list[dict]:
    """Previews of one revision folded into the first of them, under `previews`."""
    by_revision: dict = {}
    out = []
    for preview in previews:
        first = by_revision.get(preview["revision"])
        if first is None:
            preview["previews"] = []
            by_revision[preview["revision"]] = preview
            out.append(preview)
        else:
            first["previews"].append(preview)
    return out


async def temp_entries(conn: AsyncConnection, task_ids: list[uuid.UUID], sort: bool) -> list:
    """Playlist entries built from tasks, nothing stored: each entity with its parent, the
    task's latest preview (or one of another task type of the production's order) and
    every preview of the entity by task type."""
    tk, e = t.task, t.entity
    parent = e.alias("parent")
    rows = list(
        (
            await conn.execute(
                sa.select(
                    tk.c.id.label("task_id"),
                    tk.c.task_type_id,
                    tk.c.project_id,
                    e.c.id,
                    e.c.name,
                    t.entity_type.c.id.label("type_id"),
                    t.entity_type.c.name.label("type_name"),
                    parent.c.id.label("parent_id"),
                    parent.c.name.label("parent_name"),
                )
                .join(e, e.c.id == tk.c.entity_id)
                .join(t.entity_type, t.entity_type.c.id == e.c.entity_type_id)
                .join(parent, parent.c.id == e.c.parent_id, isouter=True)
                .where(tk.c.id.in_(task_ids))
            )
        ).mappings()
    )
    found = {r["task_id"]: r for r in rows}
    missing = [tid for tid in task_ids if tid not in found]
    if missing:
        raise NotFound()
    entity_ids = list({r["id"] for r in rows})
    pf = t.preview_file
    previews: dict = {}
    for r in (
        await conn.execute(
            sa.select(pf, tk.c.task_type_id, tk.c.entity_id)
            .join(tk, tk.c.id == pf.c.task_id)
            .join(t.task_type, t.task_type.c.id == tk.c.task_type_id)
            .where(tk.c.entity_id.in_(entity_ids))
            .order_by(
                t.task_type.c.priority.desc(),
                t.task_type.c.name,
                pf.c.revision.desc(),
                pf.c.position,
                pf.c.created_at,
            )
        )
    ).mappings():
        previews.setdefault(str(r["entity_id"]), {}).setdefault(str(r["task_type_id"]), []).append(
            {
                "id": str(r["id"]),
                "revision": r["revision"],
                "extension": r["extension"],
                "width": r["width"],
                "height": r["height"],
                "duration": float(r["duration"] or 0),
                "status": r["status"],
                "annotations": r["annotations"],
                "created_at": serialize.value(r["created_at"]),
                "task_id": str(r["task_id"]),
            }
        )
    for by_type in previews.values():
        for key in by_type:
            by_type[key] = _mixed(by_type[key])
    ptl = t.project_task_type_link
    order = (
        [
            str(v)
            for v in (
                await conn.execute(
                    sa.select(ptl.c.task_type_id)
                    .where(ptl.c.project_id == rows[0]["project_id"])
                    .order_by(ptl.c.priority.nulls_last())
                )
            ).scalars()
        ]
        if rows
        else []
    )
    entries = []
    for task_id in task_ids:
        r = found[task_id]
        entry = {
            "id": str(r["id"]),
            "name": r["name"],
            "preview_file_task_id": str(task_id),
            "parent_name": "",
            "episode_id": "",
            "episode_name": "",
            "sequence_id": "",
            "sequence_name": "",
            "asset_type_id": "",
            "asset_type_name": "",
        }
        kind = r["type_name"]
        if kind == "Shot" and r["parent_id"]:
            entry.update(
                parent_name=r["parent_name"],
                sequence_id=str(r["parent_id"]),
                sequence_name=r["parent_name"],
            )
        elif kind in ("Sequence", "Edit") and r["parent_id"]:
            entry.update(
                parent_name=r["parent_name"],
                episode_id=str(r["parent_id"]),
                episode_name=r["parent_name"],
            )
        elif kind not in ("Shot", "Sequence", "Edit", "Episode", "Concept"):
            entry.update(parent_name=kind, asset_type_id=str(r["type_id"]), asset_type_name=kind)
        by_type = previews.get(str(r["id"]), {})
        chosen = (by_type.get(str(r["task_type_id"])) or [None])[0]
        if chosen is None:
            other = next((tt for tt in order if by_type.get(tt)), None)
            chosen = by_type[other][0] if other else None
        if chosen is not None:
            entry.update(
                preview_file_id=chosen["id"],
                preview_file_extension=chosen["extension"],
                preview_file_width=chosen["width"],
                preview_file_height=chosen["height"],
                preview_file_duration=chosen["duration"],
                preview_file_revision=chosen["revision"],
                preview_file_status=chosen["status"],
                preview_file_annotations=chosen["annotations"] or [],
                preview_file_previews=chosen["previews"],
            )
        entry["preview_files"] = by_type
        entries.append(entry)
    if sort:
        entries.sort(
            key=lambda x: (x["episode_name"], x["sequence_name"], x["asset_type_name"], x["name"])
        )
    return entries
