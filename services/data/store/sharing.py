"""Playlists shared with guests through a token: the links managers create, the guests
who open them, and what a guest sees (the playlist, its production's statuses, the
comments meant for clients) and writes (comments, annotations)."""

import datetime as dt
import uuid

import bcrypt
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.columns import utcnow
from libs.common.errors import NotFound, WrongParameter
from libs.common.events import Outbox
from services.data import serialize
from services.data import tables as t
from services.data.store import persons as person_store
from services.data.work import emit_all

link = t.playlist_share_link
SHOT_LIKE = frozenset(("Shot", "Sequence", "Episode", "Edit", "Concept"))


# --- Links --------------------------------------------------------------------------------


def shape_link(row) -> dict:
    """A link as managers see it: the password hash never leaves, only whether one is set."""
    out = serialize.row(row, "PlaylistShareLink", hidden=frozenset({"password"}))
    out["has_password"] = bool(row["password"])
    return out


def expiration_of(raw) -> dt.datetime | None:
    """A bare day means the whole day (its last second); a timestamp is kept as given."""
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise WrongParameter(f"{raw} is not a valid ISO 8601 date", data=None)
    try:
        return dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(23, 59, 59))
    except ValueError:
        pass
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise WrongParameter(f"{raw} is not a valid ISO 8601 date", data=None) from None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


async def create_link(
    conn: AsyncConnection,
    playlist_id: uuid.UUID,
    by: uuid.UUID,
    expiration_date: dt.datetime | None,
    can_comment: bool,
    password: str | None,
) -> dict:
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode() if password else None
    row = await conn.execute(
        sa.insert(link)
        .values(
            token=str(uuid.uuid4()),
            playlist_id=playlist_id,
            created_by=by,
            expiration_date=expiration_date,
            can_comment=can_comment,
            password=hashed,
        )
        .returning(*link.c)
    )
    return shape_link(row.mappings().one())


async def links_of(conn: AsyncConnection, playlist_id: uuid.UUID) -> list[dict]:
    rows = await conn.execute(
        sa.select(link)
        .where(link.c.playlist_id == playlist_id, link.c.is_active.is_(True))
        .order_by(link.c.created_at)
    )
    return [shape_link(r) for r in rows.mappings()]


async def link_of_playlist(conn: AsyncConnection, playlist_id: uuid.UUID, token: str) -> dict:
    found = (
        (
            await conn.execute(
                sa.select(link).where(link.c.token == token, link.c.playlist_id == playlist_id)
            )
        )
        .mappings()
        .first()
    )
    if found is None:
        raise NotFound()
    return dict(found)


async def revoke(conn: AsyncConnection, link_id: uuid.UUID) -> dict:
    row = await conn.execute(
        sa.update(link)
        .where(link.c.id == link_id)
        .values(is_active=False, updated_at=utcnow())
        .returning(*link.c)
    )
    return shape_link(row.mappings().one())


async def valid_link(
    conn: AsyncConnection, token: str, password: str | None = None, check_password: bool = False
) -> dict:
    """The active, unexpired link of a token; a protected link also wants its password.
    Every refusal is the same 404, so a token cannot be probed."""
    found = (await conn.execute(sa.select(link).where(link.c.token == token))).mappings().first()
    if found is None or not found["is_active"]:
        raise NotFound()
    if found["expiration_date"] is not None and utcnow() > found["expiration_date"]:
        raise NotFound()
    if check_password and found["password"]:
        try:
            ok = bool(password) and bcrypt.checkpw(password.encode(), found["password"].encode())
        except ValueError:
            ok = False
        if not ok:
            raise NotFound()
    return dict(found)


# --- What a guest sees ----------------------------------------------------------------------


def _entity_of(shot: dict):
    return shot.get("entity_id") or shot.get("shot_id") or shot.get("id")


async def _positioned(conn: AsyncConnection, shots: list) -> dict:
    """The preview file each shot positions, with its task's type and status colour."""
    ids = []
    for shot in shots:
        try:
            ids.append(uuid.UUID(str(shot.get("preview_file_id"))))
        except ValueError:
            continue
    if not ids:
        return {}
    pf = t.preview_file
    rows = await conn.execute(
        sa.select(
            pf.c.id,
            pf.c.revision,
            pf.c.extension,
            pf.c.width,
            pf.c.height,
            pf.c.duration,
            pf.c.status,
            pf.c.created_at,
            pf.c.annotations,
            pf.c.task_id,
            t.task_type.c.id.label("task_type_id"),
            t.task_type.c.name.label("task_type_name"),
            t.task_type.c.color.label("task_type_color"),
            t.task_type.c.for_entity.label("task_type_for_entity"),
            t.task_status.c.color.label("task_status_color"),
        )
        .join(t.task, t.task.c.id == pf.c.task_id)
        .join(t.task_type, t.task_type.c.id == t.task.c.task_type_id)
        .join(t.task_status, t.task_status.c.id == t.task.c.task_status_id)
        .where(pf.c.id.in_(ids))
    )
    return {str(r["id"]): dict(r) for r in rows.mappings()}


async def shared_playlist(conn: AsyncConnection, playlist_id: uuid.UUID) -> dict:
    """The playlist as the link shares it: each entry with its entity's name and parent,
    the positioned revision's facts and nothing of other revisions."""
    found = (
        (await conn.execute(sa.select(t.playlist).where(t.playlist.c.id == playlist_id)))
        .mappings()
        .first()
    )
    if found is None:
        raise NotFound()
    out = serialize.row(found, "Playlist")
    out["build_jobs"] = []
    shots = [dict(s) for s in (found["shots"] or []) if isinstance(s, dict)]
    project = (
        (
            await conn.execute(
                sa.select(t.project.c.fps, t.project.c.name).where(
                    t.project.c.id == found["project_id"]
                )
            )
        )
        .mappings()
        .one()
    )
    positioned = await _positioned(conn, shots)
    entity_ids = []
    for shot in shots:
        entity_id = _entity_of(shot)
        shot["id"] = entity_id
        try:
            entity_ids.append(uuid.UUID(str(entity_id)))
        except ValueError:
            pass
    e, parent, grand = t.entity, t.entity.alias("parent"), t.entity.alias("grand")
    rows = await conn.execute(
        sa.select(
            e.c.id,
            e.c.name,
            e.c.parent_id,
            t.entity_type.c.name.label("type_name"),
            parent.c.name.label("parent_name"),
            grand.c.name.label("grand_name"),
        )
        .join(t.entity_type, t.entity_type.c.id == e.c.entity_type_id)
        .join(parent, parent.c.id == e.c.parent_id, isouter=True)
        .join(grand, grand.c.id == parent.c.parent_id, isouter=True)
        .where(e.c.id.in_(entity_ids))
    )
    entities = {str(r["id"]): r for r in rows.mappings()}
    for_all = bool(found["is_for_all"]) and found["episode_id"] is None
    for shot in shots:
        preview = positioned.get(str(shot.get("preview_file_id")))
        if preview is not None and str(preview["task_id"]):
            shot.update(
                preview_file_extension=preview["extension"],
                preview_file_revision=preview["revision"],
                preview_file_width=preview["width"],
                preview_file_height=preview["height"],
                preview_file_duration=float(preview["duration"] or 0),
                preview_file_status=preview["status"],
                preview_file_task_id=str(preview["task_id"]),
                preview_file_previews=[],
                preview_file_annotations=preview["annotations"],
            )
        else:
            shot.pop("preview_file_id", None)
        shot["preview_files"] = {}
        entity = entities.get(str(shot["id"]))
        if entity is None:
            continue
        shot["name"] = entity["name"]
        if entity["type_name"] in SHOT_LIKE:
            parent_name = entity["parent_name"] or ""
            if for_all and entity["grand_name"]:
                parent_name = f"{entity['grand_name']} / {parent_name}"
            shot["parent_name"] = parent_name
        else:
            shot["parent_name"] = entity["type_name"]
        if preview is not None:
            shot["preview_file_task_type"] = {
                "id": str(preview["task_type_id"]),
                "name": preview["task_type_name"],
                "color": preview["task_type_color"],
                "for_entity": preview["task_type_for_entity"],
            }
            shot["preview_file_task_type_name"] = preview["task_type_name"]
            shot["task_status_color"] = preview["task_status_color"]
    out["shots"] = shots
    out["project_fps"] = project["fps"]
    out["project_name"] = project["name"]
    return out


async def shown_task_ids(conn: AsyncConnection, playlist_id: uuid.UUID) -> set[uuid.UUID]:
    """The tasks of the previews the playlist positions: the ones guests may comment."""
    shots = (
        await conn.execute(sa.select(t.playlist.c.shots).where(t.playlist.c.id == playlist_id))
    ).scalar() or []
    positioned = await _positioned(conn, [s for s in shots if isinstance(s, dict)])
    return {p["task_id"] for p in positioned.values()}


async def shown_preview(conn: AsyncConnection, playlist_id: uuid.UUID, preview_id) -> bool:
    """Whether the playlist positions this preview, or another position of its revision."""
    shots = (
        await conn.execute(sa.select(t.playlist.c.shots).where(t.playlist.c.id == playlist_id))
    ).scalar() or []
    positioned = await _positioned(conn, [s for s in shots if isinstance(s, dict)])
    if str(preview_id) in positioned:
        return True
    pf = t.preview_file
    found = (
        (await conn.execute(sa.select(pf.c.task_id, pf.c.revision).where(pf.c.id == preview_id)))
        .mappings()
        .first()
    )
    return found is not None and any(
        p["task_id"] == found["task_id"] and p["revision"] == found["revision"]
        for p in positioned.values()
    )


async def context(conn: AsyncConnection, project_id: uuid.UUID) -> dict:
    """What the guest page needs to draw: the production, its task types and statuses
    (each status's client flag as the production overrides it)."""
    p = (
        (await conn.execute(sa.select(t.project).where(t.project.c.id == project_id)))
        .mappings()
        .one()
    )
    types = await conn.execute(
        sa.select(t.task_type)
        .join(t.project_task_type_link, t.project_task_type_link.c.task_type_id == t.task_type.c.id)
        .where(t.project_task_type_link.c.project_id == project_id)
        .order_by(t.project_task_type_link.c.priority, t.task_type.c.name)
    )
    ptsl = t.project_task_status_link
    statuses = await conn.execute(
        sa.select(t.task_status, ptsl.c.is_client_allowed.label("_override"))
        .join(ptsl, ptsl.c.task_status_id == t.task_status.c.id)
        .where(ptsl.c.project_id == project_id)
        .order_by(ptsl.c.priority, t.task_status.c.name)
    )
    return {
        "project": {
            "id": str(p["id"]),
            "name": p["name"],
            "fps": p["fps"],
            "ratio": p["ratio"],
            "resolution": p["resolution"],
            "team": [],
        },
        "task_types": [
            {
                "id": str(r["id"]),
                "name": r["name"],
                "color": r["color"],
                "for_entity": r["for_entity"],
            }
            for r in types.mappings()
        ],
        "task_statuses": [
            {
                "id": str(r["id"]),
                "name": r["name"],
                "short_name": r["short_name"],
                "color": r["color"],
                "is_client_allowed": r["is_client_allowed"]
                if r["_override"] is None
                else r["_override"],
                "is_default": r["is_default"],
                "for_concept": r["for_concept"],
            }
            for r in statuses.mappings()
        ],
    }


async def client_allowed(conn: AsyncConnection, project_id: uuid.UUID, status: dict) -> bool:
    ptsl = t.project_task_status_link
    override = (
        await conn.execute(
            sa.select(ptsl.c.is_client_allowed).where(
                ptsl.c.project_id == project_id, ptsl.c.task_status_id == status["id"]
            )
        )
    ).scalar()
    return bool(status["is_client_allowed"] if override is None else override)


# --- Guests ---------------------------------------------------------------------------------


async def guest_of_link(conn: AsyncConnection, guest_id: uuid.UUID, link_id: uuid.UUID):
    """The guest, when this very link made it (a guest id from another link is refused)."""
    found = await person_store.get(conn, guest_id)
    if found is None or not found.get("is_guest"):
        return None
    if (found.get("data") or {}).get("share_link_id") != str(link_id):
        return None
    return found


async def create_guest(
    conn: AsyncConnection, outbox: Outbox, link_id: uuid.UUID, first_name: str, last_name: str
) -> tuple[dict, bool]:
    """The guest of that name made by this link, or a new one (a client without login)."""
    p = t.person
    existing = (
        await conn.execute(
            sa.select(p.c.id).where(
                p.c.is_guest.is_(True),
                p.c.first_name == first_name,
                p.c.last_name == last_name,
                p.c.data["share_link_id"].astext == str(link_id),
            )
        )
    ).scalar()
    if existing is not None:
        return await person_store.get(conn, existing), False
    created = await person_store.create(
        conn,
        outbox,
        {
            "first_name": first_name,
            "last_name": last_name,
            "email": f"guest-{uuid.uuid4().hex[:8]}@guest.kitsu",
            "role": "client",
            "is_guest": True,
            "data": {"share_link_id": str(link_id)},
        },
    )
    return created, True


# --- Guests' comments -----------------------------------------------------------------------


async def guest_comment(conn: AsyncConnection, comment_id: uuid.UUID) -> dict | None:
    return (
        (await conn.execute(sa.select(t.comment).where(t.comment.c.id == comment_id)))
        .mappings()
        .first()
    )


async def edit_guest_comment(
    conn: AsyncConnection,
    outbox: Outbox,
    found: dict,
    values: dict,
    facts: dict,
    replay,
) -> None:
    """Changes a guest's comment; a new status rebuilds the task from its history."""
    now = utcnow()
    await conn.execute(
        sa.update(t.comment)
        .where(t.comment.c.id == found["id"])
        .values(**values, editor_id=found["person_id"], updated_at=now)
    )
    project_id, task_id, guest = facts["project_id"], facts["id"], found["person_id"]
    events = []
    new_status = values.get("task_status_id")
    if new_status is not None and new_status != found["task_status_id"]:
        task_values = await replay(conn, task_id, facts["entity_type_name"] == "Concept")
        await conn.execute(
            sa.update(t.task).where(t.task.c.id == task_id).values(**task_values, updated_at=now)
        )
        events.append(
            (
                "task:status-changed",
                {
                    "task_id": task_id,
                    "new_task_status_id": new_status,
                    "previous_task_status_id": found["task_status_id"],
                    "person_id": guest,
                },
                project_id,
            )
        )
    events.append(
        (
            "comment:update",
            {
                "comment_id": found["id"],
                "task_id": task_id,
                "person_id": guest,
                "for_client": found["for_client"],
            },
            project_id,
        )
    )
    await emit_all(conn, outbox, events, guest)


async def emails_of(conn: AsyncConnection, person_ids: list[uuid.UUID]) -> list[str]:
    """Invitees named by id; unknown ids and people without an email are skipped."""
    if not person_ids:
        return []
    rows = await conn.execute(
        sa.select(t.person.c.email).where(t.person.c.id.in_(person_ids), t.person.c.email != "")
    )
    return [e for e in rows.scalars() if e]
