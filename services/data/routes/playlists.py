"""Playlists of a production: lists, one playlist, entities added to it, share links for
guests, clients told a playlist is ready, temporary playlists built from tasks."""

import json

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from libs.common.errors import NotFound, WrongParameter
from services.data import tables as t
from services.data.routes.crud import CallerDep
from services.data.store import playlists as store
from services.data.store import sharing
from services.data.store import tasks as task_store
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


# --- Share links (managers of the production) ------------------------------------------------


async def _managed_playlist(conn, caller, playlist_id: str) -> dict:
    found = await store.get(conn, uuid_of(playlist_id))
    caller.check_manager(found["project_id"])
    return found


def _object(body, schema: str) -> dict:
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise validation_error(
            "", message=f"Input should be a valid dictionary or instance of {schema}"
        )
    return body


@router.get("/data/playlists/{playlist_id}/share")
async def share_links(playlist_id: str, request: Request, caller: CallerDep):
    async with request.app.state.db.read() as conn:
        found = await _managed_playlist(conn, caller, playlist_id)
        return await sharing.links_of(conn, found["id"])


@router.post("/data/playlists/{playlist_id}/share", status_code=201)
async def create_share_link(playlist_id: str, request: Request, caller: CallerDep):
    async with request.app.state.db.write() as conn:
        found = await _managed_playlist(conn, caller, playlist_id)
        body = _object(await _json(request), "CreatePlaylistShareLinkSchema")
        can_comment = body.get("can_comment", True)
        if not isinstance(can_comment, bool):
            raise validation_error(
                "can_comment", message="Input should be a valid boolean, unable to interpret input"
            )
        password = body.get("password")
        if password is not None and not isinstance(password, str):
            raise validation_error("password", message="Input should be a valid string")
        expiration = sharing.expiration_of(body.get("expiration_date"))
        return await sharing.create_link(
            conn, found["id"], caller.user.id, expiration, can_comment, password
        )


@router.delete("/data/playlists/{playlist_id}/share/{token}")
async def revoke_share_link(playlist_id: str, token: str, request: Request, caller: CallerDep):
    async with request.app.state.db.write() as conn:
        found = await _managed_playlist(conn, caller, playlist_id)
        shared = await sharing.link_of_playlist(conn, found["id"], token)
        return await sharing.revoke(conn, shared["id"])


@router.post("/data/playlists/{playlist_id}/share/{token}/invite")
async def invite_to_share_link(playlist_id: str, token: str, request: Request, caller: CallerDep):
    async with request.app.state.db.read() as conn:
        found = await _managed_playlist(conn, caller, playlist_id)
        shared = await sharing.link_of_playlist(conn, found["id"], token)
        if not shared["is_active"]:
            raise NotFound()
        body = _object(await _json(request), "InviteShareLinkSchema")
        emails = body.get("emails") or []
        if not isinstance(emails, list) or not all(isinstance(e, str) for e in emails):
            raise validation_error("emails", message="Input should be a valid list")
        person_ids = [uuid_of(p, "person_ids") for p in (body.get("person_ids") or [])]
        recipients = {}
        for email in emails:
            if "@" not in email:
                return JSONResponse({"error": "An email address must have an @-sign."}, 400)
            recipients.setdefault(email.lower(), email)
        for email in await sharing.emails_of(conn, person_ids):
            recipients[email.lower()] = email
    # prodtrack sends no mail from data: the list says who the invitation is for.
    return {"sent": list(recipients.values())}


# --- Clients told, temporary playlists -------------------------------------------------------


@router.post("/data/playlists/{playlist_id}/notify-clients")
async def notify_clients(playlist_id: str, request: Request, caller: CallerDep):
    app = request.app.state
    async with app.db.write() as conn:
        found = await _managed_playlist(conn, caller, playlist_id)
        body = _object(await _json(request), "NotifyClientsPlaylistSchema")
        studio = body.get("studio_id")
        department = body.get("department_id")
        await store.notify_clients(
            conn,
            app.outbox,
            found,
            caller.user.id,
            uuid_of(studio, "studio_id") if studio else None,
            uuid_of(department, "department_id") if department else None,
        )
    return {"status": "success"}


@router.post("/data/projects/{project_id}/playlists/temp")
async def temp_playlist(project_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(project_id)
    caller.check_project(pid)
    body = _object(await _json(request), "TempPlaylistCreateSchema")
    task_ids = [uuid_of(i, "task_ids") for i in _listed(body, "task_ids")]
    entity_ids = [uuid_of(i, "entity_ids") for i in _listed(body, "entity_ids")]
    sort = request.query_params.get("sort", "").lower() in ("true", "1")
    async with request.app.state.db.read() as conn:
        if entity_ids:
            task_ids += await store.last_reviewed_tasks(conn, entity_ids)
        if not task_ids:
            return []
        tasks = await task_store.get_many(conn, task_ids)
        if len(tasks) != len(set(task_ids)):
            raise NotFound()
        for task in tasks:
            caller.check_project(task["project_id"])
        return await store.temp_entries(conn, task_ids, sort)


def _listed(body: dict, key: str) -> list:
    value = body.get(key) or []
    if not isinstance(value, list):
        raise validation_error(key, message="Input should be a valid list")
    return value
