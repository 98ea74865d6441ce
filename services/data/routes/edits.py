"""Edits (Zou's `edits` blueprint): board, lists, creation, removal."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from libs.common.errors import NotFound, WrongParameter
from services.data.routes.production_access import ViewerDep, body_id, json_body, mapping, text, uid
from services.data.routes.shots import board_response, remover, task_route
from services.data.store import entities as store
from services.data.store import playlists as playlists_store
from services.data.store import projects as projects_store
from services.data.store import with_tasks

router = APIRouter(tags=["edits"])
e = store.e


@router.get("/data/edits/with-tasks")
async def edits_with_tasks(request: Request, viewer: ViewerDep):
    return await board_response(request, viewer, with_tasks.EDITS, "Edit")


router.add_api_route("/data/edits/{entity_id}", remover("Edit"), methods=["DELETE"])


@router.get("/data/projects/{project_id}/edits")
async def project_edits(request: Request, project_id: str, viewer: ViewerDep):
    pid = uid(project_id)
    viewer.check_project(pid)
    async with request.app.state.db.read() as conn:
        rows = await store.rows(conn, store.of_type("Edit"), e.c.project_id == pid)
    return [store.shape(row, "Edit") for row in rows]


@router.post("/data/projects/{project_id}/edits")
async def create_edit(request: Request, project_id: str, viewer: ViewerDep):
    pid = uid(project_id)
    body = await json_body(request)
    values = {
        "name": text(body, "name", required=True, max_length=160),
        "description": text(body, "description"),
        "data": mapping(body, "data") or {},
        "project_id": pid,
    }
    parent_id = body_id(body, "episode_id") or body_id(body, "parent_id")
    async with request.app.state.db.write() as conn:
        if not await projects_store.exists(conn, pid):
            raise NotFound()
        viewer.check_manager(pid)
        if parent_id is not None:
            episode = await store.get(conn, parent_id)
            if episode is None or episode["_kind"] != "Episode" or episode["project_id"] != pid:
                raise WrongParameter("episode_id does not name an episode of this project.")
        values["entity_type_id"] = await store.type_id(conn, "Edit")
        values["parent_id"] = parent_id
        row = await store.create(
            conn,
            request.app.state.outbox,
            values,
            viewer.id,
            parent_id=str(parent_id) if parent_id else None,
        )
    return JSONResponse(store.shape(row, "Edit"), status_code=201)


# --- Lists, one edit, and what hangs from it ---------------------------------------


async def _edits(request, viewer, *conditions) -> list[dict]:
    async with request.app.state.db.read() as conn:
        rows = await store.rows(
            conn, store.of_type("Edit"), store.visible(viewer.visible_projects()), *conditions
        )
        names = await projects_store.names_of(conn, {row["project_id"] for row in rows})
    return [store.shape(row, "Edit", project_name=names.get(row["project_id"])) for row in rows]


def _query_conditions(request) -> list:
    conditions = []
    for key in ("project_id", "parent_id", "id"):
        if request.query_params.get(key):
            conditions.append(e.c[key] == uid(request.query_params[key]))
    if request.query_params.get("episode_id"):
        conditions.append(e.c.parent_id == uid(request.query_params["episode_id"]))
    if request.query_params.get("name"):
        conditions.append(e.c.name.ilike(request.query_params["name"]))
    return conditions


@router.get("/data/edits")
async def list_edits(request: Request, viewer: ViewerDep):
    return await _edits(request, viewer, *_query_conditions(request))


@router.get("/data/edits/all")
async def all_edits(request: Request, viewer: ViewerDep):
    return await _edits(request, viewer, *_query_conditions(request))


async def _edit(request, viewer, raw_id) -> dict:
    async with request.app.state.db.read() as conn:
        row = await store.get_of(conn, uid(raw_id), "Edit")
    viewer.check_project(row["project_id"])
    return row


@router.get("/data/edits/{edit_id}")
async def get_edit(request: Request, edit_id: str, viewer: ViewerDep):
    row = await _edit(request, viewer, edit_id)
    async with request.app.state.db.read() as conn:
        episode = await store.get(conn, row["parent_id"]) if row["parent_id"] else None
        project_name = await projects_store.name_of(conn, row["project_id"])
        tasks = await store.tasks_of(conn, e.c.id == row["id"])
    keys = (
        "canceled data description entity_type_id id name parent_id preview_file_id "
        "project_id source_id nb_entities_out"
    ).split()
    shaped = store.shape(row, "Edit")
    out = {key: shaped[key] for key in keys}
    out.update(
        episode_id=shaped["parent_id"],
        episode_name=episode["name"] if episode else None,
        project_name=project_name,
        tasks=tasks,
        type="Edit",
    )
    return out


@router.get("/data/edits/{edit_id}/preview-files")
async def edit_preview_files(request: Request, edit_id: str, viewer: ViewerDep):
    row = await _edit(request, viewer, edit_id)
    async with request.app.state.db.read() as conn:
        return await playlists_store.entity_previews(conn, row["id"])


@router.get("/data/edits/{edit_id}/versions")
async def edit_versions(request: Request, edit_id: str, viewer: ViewerDep):
    row = await _edit(request, viewer, edit_id)
    async with request.app.state.db.read() as conn:
        return await store.versions_of(conn, row["id"])


@router.get("/data/episodes/{episode_id}/edits")
async def episode_edits(request: Request, episode_id: str, viewer: ViewerDep):
    async with request.app.state.db.read() as conn:
        episode = await store.get_of(conn, uid(episode_id), "Episode")
    viewer.check_project(episode["project_id"])
    async with request.app.state.db.read() as conn:
        rows = await store.rows(conn, store.of_type("Edit"), e.c.parent_id == episode["id"])
    return [store.shape(row, "Edit") for row in rows]


task_route("/data/edits/{entity_id}/tasks", "Edit", lambda i: [e.c.id == i])
task_route("/data/edits/{entity_id}/task-types", "Edit", lambda i: [e.c.id == i], True)
task_route(
    "/data/episodes/{entity_id}/edit-tasks",
    "Episode",
    lambda i: [store.of_type("Edit"), e.c.parent_id == i],
)
