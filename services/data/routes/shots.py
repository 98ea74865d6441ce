"""Episodes, sequences, shots and scenes (Zou's `shots` blueprint), their boards and tasks."""

import json

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from libs.common.errors import NotFound, WrongParameter
from services.data.routes.production_access import (
    ViewerDep,
    body_id,
    flag,
    integer,
    json_body,
    mapping,
    text,
    uid,
)
from services.data.store import entities as store
from services.data.store import playlists as playlists_store
from services.data.store import projects as projects_store
from services.data.store import with_tasks

router = APIRouter(tags=["shots"])
e = store.e
KINDS = {"episodes": "Episode", "sequences": "Sequence", "shots": "Shot", "scenes": "Scene"}


def db(request: Request):
    return request.app.state.db


async def _entity(request, viewer, raw_id: str, *kinds: str) -> dict:
    entity_id = uid(raw_id)
    async with db(request).read() as conn:
        row = await store.get_of(conn, entity_id, *kinds)
    viewer.check_project(row["project_id"])
    return row


async def _listing(request, viewer, kind: str, *conditions, project_id=None):
    if project_id is not None:
        viewer.check_project(project_id)
    async with db(request).read() as conn:
        rows = await store.rows(
            conn, store.of_type(kind), store.visible(viewer.visible_projects()), *conditions
        )
    return [store.shape(row, kind) for row in rows]


def _query_filters(request, kind: str):
    """Zou's list filters on the entity columns given in the query string."""
    conditions = []
    for key, raw in request.query_params.items():
        if key in ("project_id", "parent_id", "source_id", "id", "entity_type_id"):
            conditions.append(e.c[key] == uid(raw))
        elif key == "name":
            conditions.append(e.c.name.ilike(raw))
        elif key == "episode_id" and kind in ("Sequence", "Edit"):
            conditions.append(e.c.parent_id == uid(raw))
        elif key == "sequence_id" and kind in ("Shot", "Scene"):
            conditions.append(e.c.parent_id == uid(raw))
        elif key == "canceled":
            conditions.append(e.c.canceled.is_(flag(raw)))
    return conditions


# --- Plain lists -------------------------------------------------------------------


def _plain_list(plural: str):
    kind = KINDS[plural]

    async def handler(request: Request, viewer: ViewerDep):
        return await _listing(request, viewer, kind, *_query_filters(request, kind))

    handler.__name__ = f"list_{plural}"
    return handler


for _plural in ("episodes", "sequences", "shots"):
    router.add_api_route(f"/data/{_plural}", _plain_list(_plural), methods=["GET"])
router.add_api_route("/data/shots/all", _plain_list("shots"), methods=["GET"])
router.add_api_route("/data/scenes/all", _plain_list("scenes"), methods=["GET"])


@router.get("/data/projects/{project_id}/episodes")
async def project_episodes(request: Request, project_id: str, viewer: ViewerDep):
    pid = uid(project_id)
    return await _listing(request, viewer, "Episode", e.c.project_id == pid, project_id=pid)


@router.get("/data/projects/{project_id}/sequences")
async def project_sequences(request: Request, project_id: str, viewer: ViewerDep):
    pid = uid(project_id)
    return await _listing(request, viewer, "Sequence", e.c.project_id == pid, project_id=pid)


@router.get("/data/projects/{project_id}/shots")
async def project_shots(request: Request, project_id: str, viewer: ViewerDep):
    pid = uid(project_id)
    return await _listing(request, viewer, "Shot", e.c.project_id == pid, project_id=pid)


@router.get("/data/projects/{project_id}/scenes")
async def project_scenes(request: Request, project_id: str, viewer: ViewerDep):
    pid = uid(project_id)
    return await _listing(request, viewer, "Scene", e.c.project_id == pid, project_id=pid)


@router.get("/data/episodes/{episode_id}/sequences")
async def episode_sequences(request: Request, episode_id: str, viewer: ViewerDep):
    episode = await _entity(request, viewer, episode_id, "Episode")
    return await _listing(request, viewer, "Sequence", e.c.parent_id == episode["id"])


@router.get("/data/episodes/{episode_id}/shots")
async def episode_shots(request: Request, episode_id: str, viewer: ViewerDep):
    episode = await _entity(request, viewer, episode_id, "Episode")
    return await _listing(request, viewer, "Shot", store.in_episode(episode["id"]))


@router.get("/data/sequences/{sequence_id}/shots")
async def sequence_shots(request: Request, sequence_id: str, viewer: ViewerDep):
    sequence = await _entity(request, viewer, sequence_id, "Sequence")
    return await _listing(request, viewer, "Shot", e.c.parent_id == sequence["id"])


@router.get("/data/sequences/{sequence_id}/scenes")
async def sequence_scenes(request: Request, sequence_id: str, viewer: ViewerDep):
    sequence = await _entity(request, viewer, sequence_id, "Sequence")
    return await _listing(request, viewer, "Scene", e.c.parent_id == sequence["id"])


# --- One entity ---------------------------------------------------------------------


@router.get("/data/shots/{shot_id}")
async def get_shot(request: Request, shot_id: str, viewer: ViewerDep):
    row = await _entity(request, viewer, shot_id, "Shot")
    async with db(request).read() as conn:
        board = await with_tasks.board(
            conn,
            with_tasks.SHOTS,
            with_tasks.Filters(
                me=viewer.id,
                entity_id=row["id"],
                client=viewer.is_client(row["project_id"]),
            ),
            {},
        )
        relations = await store.relation_ids(conn, row["id"])
    full = json.loads(board)[0]
    extra = store.shape(row, "Shot")
    for key in ("code", "shotgun_id", "is_shared", "status", "ready_for", "created_by"):
        full[key] = extra[key]
    full.update(relations)
    full["created_at"], full["updated_at"] = extra["created_at"], extra["updated_at"]
    return full


async def _full(request, viewer, raw_id, kind):
    row = await _entity(request, viewer, raw_id, kind)
    async with db(request).read() as conn:
        relations = await store.relation_ids(conn, row["id"])
        parent = await store.get(conn, row["parent_id"]) if row["parent_id"] else None
    extra = {"project_name": None}
    if kind == "Sequence":
        extra["episode_id"] = str(row["parent_id"]) if row["parent_id"] else None
        extra["episode_name"] = parent["name"] if parent else ""
    if kind == "Scene":
        extra["sequence_id"] = str(row["parent_id"]) if row["parent_id"] else None
        extra["sequence_name"] = parent["name"] if parent else ""
    async with db(request).read() as conn:
        extra["project_name"] = await projects_store.name_of(conn, row["project_id"])
    return store.shape(row, kind, **relations, **extra)


@router.get("/data/episodes/{episode_id}")
async def get_episode(request: Request, episode_id: str, viewer: ViewerDep):
    return await _full(request, viewer, episode_id, "Episode")


@router.get("/data/sequences/{sequence_id}")
async def get_sequence(request: Request, sequence_id: str, viewer: ViewerDep):
    return await _full(request, viewer, sequence_id, "Sequence")


@router.get("/data/scenes/{scene_id}")
async def get_scene(request: Request, scene_id: str, viewer: ViewerDep):
    return await _full(request, viewer, scene_id, "Scene")


@router.put("/data/shots/{shot_id}")
async def update_shot(request: Request, shot_id: str, viewer: ViewerDep):
    body = await json_body(request)
    values = {}
    for key in ("name", "description", "code", "status"):
        if key in body:
            values[key] = text(body, key, required=key == "name")
    if "status" in values and values["status"] not in (
        "standby",
        "running",
        "complete",
        "canceled",
    ):
        raise WrongParameter("status is not a valid entity status.")
    for key in ("nb_frames",):
        if key in body:
            values[key] = integer(body, key)
    if "data" in body:
        values["data"] = mapping(body, "data") or {}
    for key in ("canceled", "is_casting_standby"):
        if key in body:
            if not isinstance(body[key], bool):
                raise WrongParameter(f"{key} must be a boolean.")
            values[key] = body[key]
    for key, column in (("sequence_id", "parent_id"), ("parent_id", "parent_id")):
        if key in body:
            values[column] = body_id(body, key)
    async with db(request).write() as conn:
        row = await store.get_of(conn, uid(shot_id), "Shot", lock=True)
        viewer.check_supervisor(row["project_id"])
        if "data" in values and row["data"]:
            values["data"] = {**row["data"], **values["data"]}
        updated = await store.update(conn, request.app.state.outbox, row, values, viewer.id)
    return store.shape(updated, "Shot")


def remover(kind: str):
    async def handler(request: Request, entity_id: str, viewer: ViewerDep):
        force = flag(request.query_params.get("force"))
        async with db(request).write() as conn:
            row = await store.get_of(conn, uid(entity_id), kind, lock=True)
            viewer.check_manager(row["project_id"])
            await store.delete(conn, request.app.state.outbox, row, viewer.id, force)
        return Response(status_code=204)

    handler.__name__ = f"remove_{kind.lower()}"
    return handler


for _plural, _kind in KINDS.items():
    router.add_api_route(f"/data/{_plural}/{{entity_id}}", remover(_kind), methods=["DELETE"])


# --- Creation -----------------------------------------------------------------------


async def _create(request, viewer, project_id: str, kind: str, parent_key: str | None):
    pid = uid(project_id)
    body = await json_body(request)
    name = text(body, "name", required=True, max_length=160)
    values = {"name": name, "project_id": pid}
    if kind in ("Episode", "Sequence"):
        values["description"] = text(body, "description") or ""
    else:
        values["description"] = text(body, "description")
    if kind == "Episode" and body.get("status") is not None:
        status = text(body, "status")
        if status not in ("standby", "running", "complete", "canceled"):
            raise WrongParameter("status is not a valid entity status.")
        values["status"] = status
    if "data" in body:
        values["data"] = mapping(body, "data") or {}
    if kind == "Shot" and body.get("nb_frames") is not None:
        values["nb_frames"] = integer(body, "nb_frames")
    parent_id = body_id(body, parent_key) if parent_key else None
    async with db(request).write() as conn:
        if not await projects_store.exists(conn, pid):
            raise NotFound()
        viewer.check_manager(pid)
        if parent_id is not None:
            parent_kind = "Episode" if kind == "Sequence" else "Sequence"
            parent = await store.get(conn, parent_id)
            if parent is None or parent["_kind"] != parent_kind or parent["project_id"] != pid:
                raise WrongParameter(f"{parent_key} does not name a {parent_kind.lower()} here.")
        type_id = await store.type_id(conn, kind)
        existing = await store.find_by_name(conn, pid, type_id, name, parent_id)
        if existing is not None:
            return JSONResponse(store.shape(existing, kind), status_code=201)
        extra = {}
        if kind == "Shot":
            episode = None
            if parent_id is not None:
                episode = (await store.get(conn, parent_id))["parent_id"]
            extra["episode_id"] = str(episode) if episode else None
        row = await store.create(
            conn,
            request.app.state.outbox,
            {**values, "entity_type_id": type_id, "parent_id": parent_id},
            viewer.id,
            **extra,
        )
    return JSONResponse(store.shape(row, kind), status_code=201)


@router.post("/data/projects/{project_id}/episodes")
async def create_episode(request: Request, project_id: str, viewer: ViewerDep):
    return await _create(request, viewer, project_id, "Episode", None)


@router.post("/data/projects/{project_id}/sequences")
async def create_sequence(request: Request, project_id: str, viewer: ViewerDep):
    return await _create(request, viewer, project_id, "Sequence", "episode_id")


@router.post("/data/projects/{project_id}/shots")
async def create_shot(request: Request, project_id: str, viewer: ViewerDep):
    return await _create(request, viewer, project_id, "Shot", "sequence_id")


@router.post("/data/projects/{project_id}/scenes")
async def create_scene(request: Request, project_id: str, viewer: ViewerDep):
    return await _create(request, viewer, project_id, "Scene", "sequence_id")


# --- Boards (with-tasks) and tasks -------------------------------------------------


def board_filters(request, viewer, type_condition: str, episode_mode="parent"):
    params = request.query_params
    project_id = uid(params.get("project_id"), required=False)
    episode = params.get("episode_id")
    if episode not in (None, "", "all", "main"):
        uid(episode)
    entity_id = uid(params.get("id"), required=False)
    return with_tasks.Filters(
        me=viewer.id,
        type_condition=type_condition,
        project_id=project_id,
        projects=None if viewer.is_admin else viewer.visible_projects(),
        entity_id=entity_id,
        episode_id=episode or None,
        episode_mode=episode_mode,
        assigned_only=viewer.is_vendor(project_id),
        client=viewer.is_client(project_id),
    )


async def board_response(request, viewer, board, kind: str, episode_mode="parent", strict=True):
    """A with-tasks answer; `strict` boards need a project the caller can see."""
    filters = board_filters(request, viewer, "e.entity_type_id = :type_id", episode_mode)
    if strict or filters.project_id is not None:
        viewer.check_project(filters.project_id)

    async def build() -> str:
        async with db(request).read() as conn:
            type_id = await store.type_id(conn, kind)
            return await with_tasks.board(conn, board, filters, {"type_id": type_id})

    return await request.app.state.answers.respond(request, viewer.id, build)


@router.get("/data/shots/with-tasks")
async def shots_with_tasks(request: Request, viewer: ViewerDep):
    return await board_response(request, viewer, with_tasks.SHOTS, "Shot", "sequence")


@router.get("/data/sequences/with-tasks")
async def sequences_with_tasks(request: Request, viewer: ViewerDep):
    return await board_response(request, viewer, with_tasks.ENTITIES, "Sequence")


@router.get("/data/episodes/with-tasks")
async def episodes_with_tasks(request: Request, viewer: ViewerDep):
    return await board_response(request, viewer, with_tasks.ENTITIES, "Episode")


@router.get("/data/scenes/with-tasks")
async def scenes_with_tasks(request: Request, viewer: ViewerDep):
    viewer.block_vendor()
    return await board_response(request, viewer, with_tasks.ENTITIES, "Scene")


async def _tasks(request, viewer, raw_id, kind, conditions, types=False):
    row = await _entity(request, viewer, raw_id, kind)
    viewer.block_vendor(row["project_id"])
    async with db(request).read() as conn:
        if types:
            return await store.task_types_of(conn, *conditions(row["id"]))
        return await store.tasks_of(conn, *conditions(row["id"]))


def task_route(path: str, kind: str, conditions, types=False):
    async def handler(request: Request, entity_id: str, viewer: ViewerDep):
        return await _tasks(request, viewer, entity_id, kind, conditions, types=types)

    handler.__name__ = path.strip("/").replace("/", "_").replace("{", "").replace("}", "")
    router.add_api_route(path, handler, methods=["GET"])


def _shots(kind_condition):
    return lambda entity_id: [store.of_type("Shot"), kind_condition(entity_id)]


task_route("/data/shots/{entity_id}/tasks", "Shot", lambda i: [e.c.id == i])
task_route("/data/shots/{entity_id}/task-types", "Shot", lambda i: [e.c.id == i], True)
task_route("/data/scenes/{entity_id}/tasks", "Scene", lambda i: [e.c.id == i])
task_route("/data/scenes/{entity_id}/task-types", "Scene", lambda i: [e.c.id == i], True)
task_route("/data/sequences/{entity_id}/tasks", "Sequence", lambda i: [e.c.id == i])
task_route("/data/sequences/{entity_id}/task-types", "Sequence", lambda i: [e.c.id == i], True)
task_route("/data/sequences/{entity_id}/shot-tasks", "Sequence", _shots(store.in_sequence))
task_route("/data/episodes/{entity_id}/tasks", "Episode", lambda i: [e.c.id == i])
task_route("/data/episodes/{entity_id}/task-types", "Episode", lambda i: [e.c.id == i], True)
task_route("/data/episodes/{entity_id}/shot-tasks", "Episode", _shots(store.in_episode))
task_route(
    "/data/episodes/{entity_id}/asset-tasks",
    "Episode",
    lambda i: [store.is_asset(), store.cast_in_or_from_episode(i)],
)


# --- Scenes and their shots -----------------------------------------------------------


@router.get("/data/scenes/{scene_id}/shots")
async def scene_shots(request: Request, scene_id: str, viewer: ViewerDep):
    scene = await _entity(request, viewer, scene_id, "Scene")
    viewer.block_vendor(scene["project_id"])
    async with db(request).read() as conn:
        rows = await store.rows(conn, store.of_type("Shot"), e.c.source_id == scene["id"])
        project_name = await projects_store.name_of(conn, scene["project_id"])
        names = {
            r["id"]: r["name"]
            for r in await store.rows(conn, e.c.id.in_([row["parent_id"] for row in rows]))
        }
    return [
        store.shape(
            row, "Shot", project_name=project_name, sequence_name=names.get(row["parent_id"])
        )
        for row in rows
    ]


async def _scene_link(request, viewer, scene_id, shot_id, add: bool):
    scene = await _entity(request, viewer, scene_id, "Scene")
    async with db(request).write() as conn:
        shot = await store.get_of(conn, shot_id, "Shot", lock=True)
        viewer.check_project(shot["project_id"])
        if shot["project_id"] != scene["project_id"]:
            raise WrongParameter("The shot and the scene belong to different productions.")
        row = await store.link_to_scene(conn, request.app.state.outbox, shot, scene, viewer.id, add)
    return store.shape(row, "Entity")


@router.post("/data/scenes/{scene_id}/shots")
async def add_shot_to_scene(request: Request, scene_id: str, viewer: ViewerDep):
    body = await json_body(request)
    shot_id = body_id(body, "shot_id", required=True)
    return JSONResponse(
        await _scene_link(request, viewer, scene_id, shot_id, True), status_code=201
    )


@router.delete("/data/scenes/{scene_id}/shots/{shot_id}")
async def remove_shot_from_scene(request: Request, scene_id: str, shot_id: str, viewer: ViewerDep):
    await _scene_link(request, viewer, scene_id, uid(shot_id), False)
    return Response(status_code=204)


# --- What a shot holds --------------------------------------------------------------


@router.get("/data/shots/{shot_id}/assets")
async def shot_assets(request: Request, shot_id: str, viewer: ViewerDep):
    shot = await _entity(request, viewer, shot_id, "Shot")
    async with db(request).read() as conn:
        return [store.shape(r, "Asset") for r in await store.cast_assets(conn, shot["id"])]


@router.get("/data/shots/{shot_id}/asset-types")
async def shot_asset_types(request: Request, shot_id: str, viewer: ViewerDep):
    shot = await _entity(request, viewer, shot_id, "Shot")
    async with db(request).read() as conn:
        return await store.asset_types_cast_in(conn, shot["id"])


@router.get("/data/shots/{shot_id}/versions")
async def shot_versions(request: Request, shot_id: str, viewer: ViewerDep):
    shot = await _entity(request, viewer, shot_id, "Shot")
    async with db(request).read() as conn:
        return await store.versions_of(conn, shot["id"])


@router.get("/data/shots/{shot_id}/preview-files")
async def shot_preview_files(request: Request, shot_id: str, viewer: ViewerDep):
    shot = await _entity(request, viewer, shot_id, "Shot")
    async with db(request).read() as conn:
        return await playlists_store.entity_previews(conn, shot["id"])


task_route("/data/assets/{entity_id}/tasks", "Asset", lambda i: [e.c.id == i])
task_route("/data/assets/{entity_id}/task-types", "Asset", lambda i: [e.c.id == i], True)


@router.post("/actions/projects/{project_id}/task-types/{task_type_id}/set-shot-nb-frames")
async def set_shot_nb_frames(
    request: Request, project_id: str, task_type_id: str, viewer: ViewerDep
):
    try:
        pid, type_id = uid(project_id), uid(task_type_id)
    except WrongParameter:
        raise WrongParameter("Invalid project or task type id") from None
    viewer.check_manager(pid)
    episode = request.query_params.get("episode_id") or None
    try:
        episode_id = uid(episode, required=False)
    except WrongParameter:
        raise WrongParameter("Invalid episode id") from None
    async with db(request).write() as conn:
        if not await projects_store.exists(conn, pid):
            raise NotFound()
        return await store.set_frames_from_previews(conn, pid, type_id, episode_id)
