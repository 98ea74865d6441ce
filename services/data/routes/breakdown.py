"""Casting (Zou's `breakdown` blueprint): who is cast where, and asset instances."""

import json
import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from libs.common.errors import Forbidden, NotFound, WrongParameter
from services.data.routes.production_access import (
    ViewerDep,
    body_id,
    integer,
    json_body,
    text,
    uid,
)
from services.data.store import breakdown as store
from services.data.store import entities, instances
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


# --- Casting of many entities ---------------------------------------------------------


@router.put("/data/projects/{project_id}/entities/casting")
async def update_entities_casting(request: Request, project_id: str, viewer: ViewerDep):
    pid = uid(project_id)
    body = await _raw_body(request)
    if not isinstance(body, dict) or not all(isinstance(v, list) for v in body.values()):
        raise WrongParameter(
            "Request body must be a JSON object mapping entity ids to casting arrays"
        )
    castings = {uid(key): _casting_body(value) for key, value in body.items()}
    async with db(request).write() as conn:
        if not await projects_store.exists(conn, pid):
            raise NotFound()
        viewer.check_manager(pid)
        for entity_id, casting in castings.items():
            entity = await entities.get(conn, entity_id, lock=True)
            if entity is None:
                raise NotFound()
            if entity["project_id"] != pid:
                raise WrongParameter(f"Entity {entity_id} does not belong to this project.")
            await _check_assets(conn, casting)
            await store.set_casting(conn, request.app.state.outbox, entity, casting, viewer.id)
    return {
        key: [c for c in value if isinstance(c, dict) and "asset_id" in c and "nb_occurences" in c]
        for key, value in body.items()
    }


async def _check_assets(conn, casting):
    ids = [c["asset_id"] for c in casting]
    known = await entities.rows(conn, entities.e.c.id.in_(ids), entities.is_asset())
    missing = set(ids) - {r["id"] for r in known}
    if missing:
        raise WrongParameter(f"Unknown assets in casting: {sorted(map(str, missing))}")


@router.put("/data/projects/{project_id}/entities/casting/assets/{asset_id}")
async def cast_asset_in_entities(
    request: Request, project_id: str, asset_id: str, viewer: ViewerDep
):
    pid, aid = uid(project_id), uid(asset_id)
    body = await json_body(request)
    raw_ids = body.get("entity_ids")
    if not isinstance(raw_ids, list) or not raw_ids:
        raise WrongParameter("entity_ids must be a list of at least one entity id.")
    entity_ids = [body_id({"entity_ids": raw}, "entity_ids", required=True) for raw in raw_ids]
    nb = integer(body, "nb_occurences")
    if nb is not None and nb < 0:
        raise WrongParameter("nb_occurences must be zero or more.")
    label = text(body, "label")
    async with db(request).write() as conn:
        if not await projects_store.exists(conn, pid):
            raise NotFound()
        viewer.check_manager(pid)
        await entities.get_of(conn, aid, "Asset")
        out = {}
        for entity_id in entity_ids:
            entity = await entities.get(conn, entity_id, lock=True)
            if entity is None:
                raise NotFound()
            if entity["project_id"] != pid:
                raise WrongParameter(f"Entity {entity_id} does not belong to this project.")
            if nb == 0:
                await store.uncast_one(conn, request.app.state.outbox, entity, aid, viewer.id)
            else:
                await store.cast_one(
                    conn, request.app.state.outbox, entity, aid, nb, label, viewer.id
                )
            out[str(entity_id)] = await store.casting_of(conn, entity_id)
    return out


# --- Entity links -------------------------------------------------------------------


def _page_arg(request, name: str) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return 0
    try:
        return int(raw)
    except ValueError:
        raise WrongParameter(f"{name} must be an integer.") from None


@router.get("/data/projects/{project_id}/entity-links")
async def project_entity_links(request: Request, project_id: str, viewer: ViewerDep):
    pid = uid(project_id)
    viewer.check_manager(pid)
    page, limit = _page_arg(request, "page"), _page_arg(request, "limit")
    async with db(request).read() as conn:
        if not await projects_store.exists(conn, pid):
            raise NotFound()
        return await store.project_links(conn, pid, page, limit)


@router.delete("/data/projects/{project_id}/entity-links/{entity_link_id}")
async def remove_entity_link(
    request: Request, project_id: str, entity_link_id: str, viewer: ViewerDep
):
    pid = uid(project_id)
    viewer.check_manager(pid)
    async with db(request).write() as conn:
        found = await store.get_link(conn, uid(entity_link_id))
        if found is None:
            raise NotFound()
        entity = await entities.get(conn, found["entity_in_id"], lock=True)
        if entity["project_id"] != pid:
            raise Forbidden()
        await store.uncast_one(
            conn, request.app.state.outbox, entity, found["entity_out_id"], viewer.id
        )
    return store.link_shape(found)


# --- Asset instances ----------------------------------------------------------------


async def _holder(request, viewer, raw_id: str, kind: str) -> dict:
    async with db(request).read() as conn:
        row = await entities.get_of(conn, uid(raw_id), kind)
    viewer.check_project(row["project_id"])
    viewer.block_vendor(row["project_id"])
    return row


@router.get("/data/shots/{shot_id}/asset-instances")
async def shot_asset_instances(request: Request, shot_id: str, viewer: ViewerDep):
    shot = await _holder(request, viewer, shot_id, "Shot")
    async with db(request).read() as conn:
        return await instances.grouped(conn, instances.in_shot(shot["id"]))


@router.post("/data/shots/{shot_id}/asset-instances")
async def add_shot_asset_instance(request: Request, shot_id: str, viewer: ViewerDep):
    body = await json_body(request)
    instance_id = body_id(body, "asset_instance_id", required=True)
    shot = await _holder(request, viewer, shot_id, "Shot")
    async with db(request).write() as conn:
        if await instances.get(conn, instance_id) is None:
            raise NotFound()
        await instances.add_to_shot(conn, request.app.state.outbox, shot, instance_id, viewer.id)
        row = await entities.get(conn, shot["id"])
    return JSONResponse(entities.shape(row, "Entity"), status_code=201)


async def _new_instance(request, viewer, holder_id, kind, asset_key):
    body = await json_body(request)
    asset_id = body_id(body, asset_key, required=True)
    description = text(body, "description", max_length=200)
    holder = await _holder(request, viewer, holder_id, kind)
    async with db(request).write() as conn:
        asset = await entities.get(conn, asset_id)
        if asset is None or asset["_kind"] != "Asset":
            raise NotFound()
        made = await instances.create(
            conn, request.app.state.outbox, asset, holder, viewer.id, description
        )
    return JSONResponse(made, status_code=201)


@router.get("/data/scenes/{scene_id}/asset-instances")
async def scene_asset_instances(request: Request, scene_id: str, viewer: ViewerDep):
    scene = await _holder(request, viewer, scene_id, "Scene")
    async with db(request).read() as conn:
        return await instances.grouped(conn, instances.ai.c.scene_id == scene["id"])


@router.post("/data/scenes/{scene_id}/asset-instances")
async def add_scene_asset_instance(request: Request, scene_id: str, viewer: ViewerDep):
    return await _new_instance(request, viewer, scene_id, "Scene", "asset_id")


@router.get("/data/scenes/{scene_id}/camera-instances")
async def scene_camera_instances(request: Request, scene_id: str, viewer: ViewerDep):
    scene = await _holder(request, viewer, scene_id, "Scene")
    async with db(request).read() as conn:
        types = await entities.types(conn)
        if "Camera" not in types:
            return {}
        return await instances.grouped(
            conn, instances.ai.c.scene_id == scene["id"], instances.of_type(types["Camera"])
        )


@router.get("/data/assets/{asset_id}/asset-asset-instances")
async def asset_asset_instances(request: Request, asset_id: str, viewer: ViewerDep):
    asset = await _holder(request, viewer, asset_id, "Asset")
    async with db(request).read() as conn:
        return await instances.grouped(conn, instances.ai.c.target_asset_id == asset["id"])


@router.post("/data/assets/{asset_id}/asset-asset-instances")
async def add_asset_asset_instance(request: Request, asset_id: str, viewer: ViewerDep):
    return await _new_instance(request, viewer, asset_id, "Asset", "asset_to_instantiate_id")


@router.get("/data/assets/{asset_id}/shot-asset-instances")
async def asset_shot_instances(request: Request, asset_id: str, viewer: ViewerDep):
    asset = await _holder(request, viewer, asset_id, "Asset")
    async with db(request).read() as conn:
        return await instances.grouped(
            conn,
            instances.ai.c.asset_id == asset["id"],
            by=instances.link.c.entity_id,
            join=instances.shots_of_asset_join(),
        )


@router.get("/data/assets/{asset_id}/scene-asset-instances")
async def asset_scene_instances(request: Request, asset_id: str, viewer: ViewerDep):
    asset = await _holder(request, viewer, asset_id, "Asset")
    async with db(request).read() as conn:
        return await instances.grouped(
            conn,
            instances.ai.c.asset_id == asset["id"],
            instances.ai.c.scene_id.is_not(None),
            by=instances.ai.c.scene_id,
        )
