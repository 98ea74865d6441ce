"""Playlists of a production: lists, one playlist, entities added to it."""

import json

import sqlalchemy as sa
from fastapi import APIRouter, Request

from libs.common.errors import NotFound, WrongParameter
from services.data import tables as t
from services.data.routes.crud import CallerDep
from services.data.store import playlists as store
from services.data.work import (
    body_dict,
    check_project,
    check_project_supervisor,
    uuid_of,
    validation_error,
)

router = APIRouter(tags=["playlists"])


@router.get("/data/projects/{project_id}/playlists")
async def project_playlists(project_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(project_id)
    check_project(caller, pid)
    async with request.app.state.db.read() as conn:
        return await store.for_project(conn, pid, for_client=caller.role == "client")


@router.get("/data/projects/{project_id}/playlists/all")
async def all_playlists(project_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(project_id)
    check_project(caller, pid)
    async with request.app.state.db.read() as conn:
        return await store.for_project(conn, pid, for_client=caller.role == "client", full=True)


@router.get("/data/projects/{project_id}/episodes/{episode_id}/playlists")
async def episode_playlists(project_id: str, episode_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(project_id)
    episode = episode_id if episode_id in ("main", "all") else uuid_of(episode_id)
    check_project(caller, pid)
    async with request.app.state.db.read() as conn:
        return await store.for_project(
            conn, pid, None if episode == "all" else episode, for_client=caller.role == "client"
        )


@router.get("/data/projects/{project_id}/playlists/{playlist_id}")
async def project_playlist(project_id: str, playlist_id: str, request: Request, caller: CallerDep):
    pid, plid = uuid_of(project_id), uuid_of(playlist_id)
    check_project(caller, pid)
    async with request.app.state.db.read() as conn:
        found = await store.get(conn, plid)
    if found["project_id"] != pid:
        raise NotFound()
    return store.shape(found)


async def _json(request: Request):
    raw = await request.body()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise WrongParameter("The body is not valid JSON.") from None


async def _add(request: Request, caller, playlist_id: str, entries: list[dict]):
    plid = uuid_of(playlist_id)
    app = request.app.state
    async with app.db.write() as conn:
        found = await store.get(conn, plid)
        check_project_supervisor(caller, found["project_id"])
        ids = [uuid_of(e["entity_id"], "entity_id") for e in entries]
        known = await conn.execute(
            sa.select(t.entity.c.id).where(
                t.entity.c.id.in_(ids), t.entity.c.project_id == found["project_id"]
            )
        )
        if len(set(known.scalars())) != len(set(ids)):
            raise WrongParameter("An entity does not belong to the playlist's project.")
        return await store.add_entities(conn, app.outbox, found, entries, caller.user.id)


@router.post("/actions/playlists/{playlist_id}/add-entity")
async def add_entity(playlist_id: str, request: Request, caller: CallerDep):
    body = body_dict(await _json(request))
    if not body.get("entity_id"):
        raise validation_error("entity_id")
    entry = {"entity_id": str(uuid_of(body["entity_id"], "entity_id"))}
    if body.get("preview_file_id"):
        entry["preview_file_id"] = str(uuid_of(body["preview_file_id"], "preview_file_id"))
    return await _add(request, caller, playlist_id, [entry])


@router.post("/actions/playlists/{playlist_id}/add-entities")
async def add_entities(playlist_id: str, request: Request, caller: CallerDep):
    body = await _json(request)
    items = body.get("entity_ids") if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise validation_error("entity_ids", message="Input should be a valid list")
    entries = [{"entity_id": str(uuid_of(i, "entity_ids"))} for i in items]
    return await _add(request, caller, playlist_id, entries)


@router.get("/data/playlists/entities/{entity_id}/preview-files")
async def entity_preview_files(entity_id: str, request: Request, caller: CallerDep):
    eid = uuid_of(entity_id)
    async with request.app.state.db.read() as conn:
        project_id = (
            await conn.execute(sa.select(t.entity.c.project_id).where(t.entity.c.id == eid))
        ).scalar()
        if project_id is None:
            raise NotFound()
        check_project(caller, project_id)
        return await store.entity_previews(conn, eid)
