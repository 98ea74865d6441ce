"""Casting (Zou's `breakdown` blueprint): who is cast where, and asset instances."""

import json
import uuid

from fastapi import APIRouter, Request, Response

from libs.common.errors import NotFound, WrongParameter
from services.data.routes.production_access import ViewerDep, uid
from services.data.store import breakdown as store
from services.data.store import entities
from services.data.store import projects as projects_store

router = APIRouter(tags=["breakdown"])


def db(request: Request):
    return request.app.state.db


async def _project(request, viewer, project_id: str):
    pid = uid(project_id)
    async with db(request).read() as conn:
        if not await projects_store.exists(conn, pid):
            raise NotFound()
    viewer.check_project(pid)
    return pid


@router.get("/data/projects/{project_id}/entities/{entity_id}/casting")
async def entity_casting(request: Request, project_id: str, entity_id: str, viewer: ViewerDep):
    pid = await _project(request, viewer, project_id)
    async with db(request).read() as conn:
        entity = await entities.get(conn, uid(entity_id))
        if entity is None or entity["project_id"] != pid:
            raise NotFound()
        return await store.casting_of(conn, entity["id"])


def _casting_body(body) -> list[dict]:
    if not isinstance(body, list):
        raise WrongParameter("The casting must be a list of {asset_id, nb_occurences}.")
    out = []
    for item in body:
        if not isinstance(item, dict):
            raise WrongParameter("Each casting entry must be an object.")
        if "asset_id" not in item or "nb_occurences" not in item:
            continue  # Zou skips entries without both keys
        try:
            asset_id = uuid.UUID(str(item["asset_id"]))
        except ValueError:
            raise WrongParameter("asset_id is not a valid id.") from None
        nb = item["nb_occurences"]
        if isinstance(nb, bool) or not isinstance(nb, int):
            raise WrongParameter("nb_occurences must be an integer.")
        label = item.get("label", "") or ""
        if not isinstance(label, str):
            raise WrongParameter("label must be a string.")
        out.append({"asset_id": asset_id, "nb_occurences": nb, "label": label})
    return out


async def _raw_body(request):

    raw = await request.body()
    try:
        return json.loads(raw or b"[]")
    except ValueError:
        raise WrongParameter("The body is not valid JSON.") from None


async def _set_casting(request, viewer, entity_id, pid=None):
    casting = _casting_body(await _raw_body(request))
    async with db(request).write() as conn:
        entity = await entities.get(conn, uid(entity_id), lock=True)
        if entity is None or (pid is not None and entity["project_id"] != pid):
            raise NotFound()
        viewer.check_supervisor(entity["project_id"])
        known = await entities.rows(
            conn, entities.e.c.id.in_([c["asset_id"] for c in casting]), entities.is_asset()
        )
        missing = {c["asset_id"] for c in casting} - {r["id"] for r in known}
        if missing:
            raise WrongParameter(f"Unknown assets in casting: {sorted(map(str, missing))}")
        await store.set_casting(conn, request.app.state.outbox, entity, casting, viewer.id)
    original = await _raw_body(request)
    return [item for item in original if isinstance(item, dict) and "asset_id" in item]


@router.put("/data/projects/{project_id}/entities/{entity_id}/casting")
async def update_entity_casting(
    request: Request, project_id: str, entity_id: str, viewer: ViewerDep
):
    pid = await _project(request, viewer, project_id)
    return await _set_casting(request, viewer, entity_id, pid)


@router.get("/data/projects/{project_id}/sequences/{sequence_id}/casting")
async def sequence_casting(request: Request, project_id: str, sequence_id: str, viewer: ViewerDep):
    pid = await _project(request, viewer, project_id)
    async with db(request).read() as conn:
        return await store.shots_casting(conn, sequence_id=uid(sequence_id), project_id=pid)


@router.get("/data/projects/{project_id}/sequences/all/casting")
async def all_sequences_casting(request: Request, project_id: str, viewer: ViewerDep):
    pid = await _project(request, viewer, project_id)
    async with db(request).read() as conn:
        return await store.shots_casting(conn, project_id=pid)


@router.get("/data/projects/{project_id}/episodes/{episode_id}/sequences/all/casting")
async def episode_sequences_casting(
    request: Request, project_id: str, episode_id: str, viewer: ViewerDep
):
    pid = await _project(request, viewer, project_id)
    if episode_id == "main":
        return {}
    async with db(request).read() as conn:
        return await store.shots_casting(conn, project_id=pid, episode_id=uid(episode_id))


@router.get("/data/projects/{project_id}/episodes/casting")
async def episodes_casting(request: Request, project_id: str, viewer: ViewerDep):
    pid = await _project(request, viewer, project_id)
    async with db(request).read() as conn:
        return await store.episodes_casting(conn, pid)


@router.get("/data/projects/{project_id}/asset-types/{asset_type_id}/casting")
async def asset_type_casting(
    request: Request, project_id: str, asset_type_id: str, viewer: ViewerDep
):
    pid = await _project(request, viewer, project_id)
    async with db(request).read() as conn:
        return await store.asset_type_casting(conn, pid, uid(asset_type_id))


@router.get("/data/assets/{asset_id}/casting")
async def asset_casting(request: Request, asset_id: str, viewer: ViewerDep):
    async with db(request).read() as conn:
        asset = await entities.get_of(conn, uid(asset_id), "Asset")
        viewer.check_project(asset["project_id"])
        return await store.casting_of(conn, asset["id"])


@router.put("/data/assets/{asset_id}/casting")
async def update_asset_casting(request: Request, asset_id: str, viewer: ViewerDep):
    return await _set_casting(request, viewer, asset_id)


@router.get("/data/assets/{asset_id}/cast-in")
async def asset_cast_in(request: Request, asset_id: str, viewer: ViewerDep):
    async with db(request).read() as conn:
        asset = await entities.get_of(conn, uid(asset_id), "Asset")
        viewer.check_project(asset["project_id"])
        return await store.cast_in(conn, asset["id"])


@router.delete("/data/shots/{shot_id}/asset-instances/{asset_instance_id}")
async def remove_shot_asset_instance(
    request: Request, shot_id: str, asset_instance_id: str, viewer: ViewerDep
):
    instance_id = uid(asset_instance_id)
    async with db(request).write() as conn:
        shot = await entities.get_of(conn, uid(shot_id), "Shot", lock=True)
        viewer.check_manager(shot["project_id"])
        await store.unlink_instance(conn, request.app.state.outbox, shot, instance_id, viewer.id)
    return Response(status_code=204)
