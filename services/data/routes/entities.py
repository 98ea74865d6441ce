"""Any entity by id (Zou's `entities` blueprint): what hangs from it, bulk removal."""

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from libs.common.errors import NotFound, WrongParameter
from services.data.routes.production_access import ViewerDep, flag, json_body, uid
from services.data.store import entities as store
from services.data.store import projects as projects_store
from services.data.store import tasks as tasks_store

router = APIRouter(tags=["entities"])
REMOVABLE = ("Shot", "Edit", "Concept", "Asset")


def db(request: Request):
    return request.app.state.db


async def _id_list(request) -> list:
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        body = None
    if not isinstance(body, list):
        raise WrongParameter("Request body must be a JSON array.")
    try:
        return [uid(raw) if isinstance(raw, str) else uid("") for raw in body]
    except WrongParameter:
        raise WrongParameter("Request body must only contain valid UUIDs.") from None


@router.post("/actions/projects/{project_id}/delete-entities")
async def delete_entities(request: Request, project_id: str, viewer: ViewerDep):
    pid = uid(project_id)
    force = flag(request.query_params.get("force"))
    ids = await _id_list(request)
    removed = []
    async with db(request).write() as conn:
        if not await projects_store.exists(conn, pid):
            raise NotFound()
        rows = [await store.get(conn, entity_id, lock=True) for entity_id in ids]
        rows = [r for r in rows if r is not None and r["project_id"] == pid]
        for row in rows:
            # Creators may remove their own entities; anyone else must manage the production.
            if row["created_by"] == viewer.id:
                viewer.check_project(pid)
            else:
                viewer.check_manager(pid)
        for row in rows:
            if row["_kind"] not in REMOVABLE:
                continue
            entity_force = force or row["canceled"] or row["_kind"] == "Concept"
            await store.delete(conn, request.app.state.outbox, row, viewer.id, entity_force)
            removed.append(str(row["id"]))
    return removed


async def _entity(request, viewer, raw_id):
    async with db(request).read() as conn:
        row = await store.get_of(conn, uid(raw_id))
    viewer.check_project(row["project_id"])
    return row


@router.get("/data/entities/{entity_id}/preview-files")
async def entity_preview_files(request: Request, entity_id: str, viewer: ViewerDep):
    row = await _entity(request, viewer, entity_id)
    async with db(request).read() as conn:
        return await store.preview_files_of(conn, row["id"])


@router.get("/data/entities/{entity_id}/time-spents")
async def entity_time_spents(request: Request, entity_id: str, viewer: ViewerDep):
    row = await _entity(request, viewer, entity_id)
    async with db(request).read() as conn:
        return await store.time_spents_of(conn, row["id"])


@router.get("/data/entities/{entity_id}/news")
async def entity_news(request: Request, entity_id: str, viewer: ViewerDep):
    row = await _entity(request, viewer, entity_id)
    async with db(request).read() as conn:
        return await store.news_of(conn, row["id"])


@router.get("/data/entities/{entity_id}/entities-linked/with-tasks")
async def entities_linked_with_tasks(request: Request, entity_id: str, viewer: ViewerDep):
    row = await _entity(request, viewer, entity_id)
    async with db(request).read() as conn:
        return await store.linked_with_tasks(conn, row["id"])


def _task_type_ids(body: dict) -> list:
    raw = body.get("task_type_ids", [])
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise WrongParameter("task_type_ids must be a list of task type ids.")
    try:
        return [uid(v) for v in raw]
    except WrongParameter:
        raise WrongParameter("task_type_ids must only contain valid ids.") from None


@router.post("/data/entities/{entity_id}/tasks")
async def create_entity_tasks(request: Request, entity_id: str, viewer: ViewerDep):
    row = await _entity(request, viewer, entity_id)
    viewer.block_vendor(row["project_id"])
    viewer.block_client(row["project_id"])
    requested = _task_type_ids(await json_body(request))
    created = []
    async with db(request).write() as conn:
        task_types = await store.task_types_to_create(conn, row, requested)
        target = [{"id": row["id"], "type_name": row["_type_name"]}]
        for type_row in task_types:
            created += await tasks_store.create_for_entities(
                conn, request.app.state.outbox, type_row, target, viewer.id
            )
    return JSONResponse(created, status_code=201)
