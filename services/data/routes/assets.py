"""Assets by type, shared assets and the assets board (Zou's `assets` blueprint)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from libs.common.errors import NotFound, WrongParameter
from services.data.routes.production_access import (
    ViewerDep,
    body_id,
    json_body,
    mapping,
    text,
    uid,
)
from services.data.routes.shots import board_filters, remover
from services.data.store import entities as store
from services.data.store import projects as projects_store
from services.data.store import with_tasks

router = APIRouter(tags=["assets"])
e = store.e


def db(request: Request):
    return request.app.state.db


ASSET_TYPE_CONDITION = (
    "e.entity_type_id NOT IN (SELECT id FROM data.entity_type WHERE name IN "
    "('Shot', 'Sequence', 'Episode', 'Scene', 'Edit', 'Concept', 'ConceptFolder'))"
)


@router.get("/data/assets/with-tasks")
async def assets_with_tasks(request: Request, viewer: ViewerDep):
    filters = board_filters(request, viewer, ASSET_TYPE_CONDITION, "asset")
    if filters.project_id is not None:
        viewer.check_project(filters.project_id)

    async def build() -> str:
        async with db(request).read() as conn:
            episode_type = await store.type_id(conn, "Episode")
            return await with_tasks.board(
                conn, with_tasks.ASSETS, filters, {"episode_type": episode_type}
            )

    return await request.app.state.answers.respond(request, viewer.id, build)


async def _assets(request, viewer, *conditions, project_id=None):
    if project_id is not None:
        viewer.check_project(project_id)
    async with db(request).read() as conn:
        rows = await store.rows(
            conn, store.is_asset(), store.visible(viewer.visible_projects()), *conditions
        )
    return [store.shape(row, "Asset") for row in rows]


@router.get("/data/assets")
async def list_assets(request: Request, viewer: ViewerDep):
    conditions = []
    for key in ("project_id", "entity_type_id", "source_id", "id"):
        if request.query_params.get(key):
            conditions.append(e.c[key] == uid(request.query_params[key]))
    if request.query_params.get("name"):
        conditions.append(e.c.name.ilike(request.query_params["name"]))
    return await _assets(request, viewer, *conditions)


@router.get("/data/assets/all")
async def all_assets(request: Request, viewer: ViewerDep):
    return await list_assets(request, viewer)


@router.get("/data/projects/{project_id}/assets")
async def project_assets(request: Request, project_id: str, viewer: ViewerDep):
    pid = uid(project_id)
    return await _assets(request, viewer, e.c.project_id == pid, project_id=pid)


@router.get("/data/projects/{project_id}/asset-types/{asset_type_id}/assets")
async def project_assets_of_type(
    request: Request, project_id: str, asset_type_id: str, viewer: ViewerDep
):
    pid = uid(project_id)
    conditions = [e.c.project_id == pid, e.c.entity_type_id == uid(asset_type_id)]
    return await _assets(request, viewer, *conditions, project_id=pid)


@router.get("/data/assets/{asset_id}")
async def get_asset(request: Request, asset_id: str, viewer: ViewerDep):
    async with db(request).read() as conn:
        row = await store.get_of(conn, uid(asset_id), "Asset")
        viewer.check_project(row["project_id"])
        relations = await store.relation_ids(conn, row["id"])
        project_name = await projects_store.name_of(conn, row["project_id"])
    return store.shape(
        row,
        "Asset",
        **relations,
        project_name=project_name,
        asset_type_id=str(row["entity_type_id"]),
        asset_type_name=row["_type_name"],
    )


@router.post("/data/projects/{project_id}/asset-types/{asset_type_id}/assets/new")
async def create_asset(request: Request, project_id: str, asset_type_id: str, viewer: ViewerDep):
    pid, type_id = uid(project_id), uid(asset_type_id)
    body = await json_body(request)
    values = {
        "name": text(body, "name", required=True, max_length=160),
        "description": text(body, "description") or "",
        "data": mapping(body, "data") or {},
        "project_id": pid,
        "entity_type_id": type_id,
    }
    if "is_shared" in body:
        if not isinstance(body["is_shared"], bool):
            raise WrongParameter("is_shared must be a boolean.")
        values["is_shared"] = body["is_shared"]
    source_id = body_id(body, "source_id") or body_id(body, "episode_id")
    async with db(request).write() as conn:
        if not await projects_store.exists(conn, pid):
            raise NotFound()
        viewer.check_manager(pid)
        types = await store.types(conn)
        if (
            type_id not in types.values()
            or store.kind_of(next(n for n, i in types.items() if i == type_id)) != "Asset"
        ):
            raise WrongParameter("asset_type_id does not name an asset type.")
        if source_id is not None:
            episode = await store.get(conn, source_id)
            if episode is None or episode["_kind"] != "Episode" or episode["project_id"] != pid:
                raise WrongParameter("episode_id does not name an episode of this project.")
            values["source_id"] = source_id
        existing = await store.find_by_name(conn, pid, type_id, values["name"])
        if existing is not None:
            raise WrongParameter("An asset with this name already exists for this type.")
        row = await store.create(conn, request.app.state.outbox, values, viewer.id)
    return JSONResponse(store.shape(row, "Asset"), status_code=201)


router.add_api_route("/data/assets/{entity_id}", remover("Asset"), methods=["DELETE"])


# --- Shared assets ------------------------------------------------------------------


def _share_body(body: dict) -> tuple[bool, list | None]:
    is_shared = body.get("is_shared", True)
    if not isinstance(is_shared, bool):
        raise WrongParameter("is_shared must be a boolean.")
    raw_ids = body.get("asset_ids")
    if raw_ids is None:
        return is_shared, None
    if not isinstance(raw_ids, list):
        raise WrongParameter("asset_ids must be a list of ids.")
    return is_shared, [body_id({"asset_ids": raw}, "asset_ids", required=True) for raw in raw_ids]


async def _share(request, viewer, pid=None, type_id=None, everywhere=False):
    is_shared, asset_ids = _share_body(await json_body(request))
    conditions = []
    if pid is not None:
        conditions.append(e.c.project_id == pid)
    if type_id is not None:
        conditions.append(e.c.entity_type_id == type_id)
    if everywhere:
        asset_ids = asset_ids or []
    if asset_ids is not None:
        conditions.append(e.c.id.in_(asset_ids))
    async with db(request).write() as conn:
        if pid is not None:
            if not await projects_store.exists(conn, pid):
                raise NotFound()
            viewer.check_manager(pid)
        else:
            found = await store.rows(conn, store.is_asset(), e.c.id.in_(asset_ids))
            if len(found) < len(set(asset_ids)):
                raise NotFound()
            for project_id in {row["project_id"] for row in found}:
                viewer.check_manager(project_id)
        rows = await store.set_shared(conn, is_shared, *conditions)
    return [store.shape(row, "Asset") for row in rows]


@router.post("/actions/assets/share")
async def share_assets(request: Request, viewer: ViewerDep):
    return await _share(request, viewer, everywhere=True)


@router.post("/actions/projects/{project_id}/assets/share")
async def share_project_assets(request: Request, project_id: str, viewer: ViewerDep):
    return await _share(request, viewer, pid=uid(project_id))


@router.post("/actions/projects/{project_id}/asset-types/{asset_type_id}/assets/share")
async def share_project_type_assets(
    request: Request, project_id: str, asset_type_id: str, viewer: ViewerDep
):
    return await _share(request, viewer, pid=uid(project_id), type_id=uid(asset_type_id))


async def _shared_used(request, viewer, project_id: str, episode_id: str | None = None):
    pid = uid(project_id)
    episode = None if episode_id in (None, "main", "all") else uid(episode_id)
    async with db(request).read() as conn:
        if not await projects_store.exists(conn, pid):
            raise NotFound()
        viewer.check_project(pid)
        rows = await store.shared_used_in(conn, pid, episode)
    return [store.shape(row, "Asset") for row in rows]


@router.get("/data/projects/{project_id}/assets/shared-used")
async def shared_used(request: Request, project_id: str, viewer: ViewerDep):
    return await _shared_used(request, viewer, project_id)


@router.get("/data/projects/{project_id}/episodes/{episode_id}/assets/shared-used")
async def episode_shared_used(
    request: Request, project_id: str, episode_id: str, viewer: ViewerDep
):
    return await _shared_used(request, viewer, project_id, episode_id)


# --- Asset types and what an asset holds ---------------------------------------------


@router.get("/data/asset-types")
async def asset_types(request: Request, viewer: ViewerDep):
    async with db(request).read() as conn:
        return await store.asset_types(conn)


@router.get("/data/asset-types/{asset_type_id}")
async def asset_type(request: Request, asset_type_id: str, viewer: ViewerDep):
    async with db(request).read() as conn:
        found = await store.asset_types(conn, uid(asset_type_id))
    if not found:
        raise NotFound()
    return found[0]


@router.get("/data/assets/{asset_id}/assets")
async def asset_assets(request: Request, asset_id: str, viewer: ViewerDep):
    async with db(request).read() as conn:
        asset = await store.get_of(conn, uid(asset_id), "Asset")
        viewer.check_project(asset["project_id"])
        return [store.shape(r, "Asset") for r in await store.cast_assets(conn, asset["id"])]
