"""Edits (Zou's `edits` blueprint): board, lists, creation, removal."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from libs.common.errors import NotFound, WrongParameter
from services.data.routes.production_access import ViewerDep, body_id, json_body, mapping, text, uid
from services.data.routes.shots import board_response, remover
from services.data.store import entities as store
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
