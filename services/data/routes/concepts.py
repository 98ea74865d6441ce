"""Concepts (Zou's `concepts` blueprint): lists, board, one concept, its tasks and previews,
creation, concept folders."""

import uuid

from fastapi import APIRouter, Request, Response
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
from services.data.routes.shots import board_response, remover, task_route
from services.data.store import entities as store
from services.data.store import playlists as playlists_store
from services.data.store import projects as projects_store
from services.data.store import with_tasks

router = APIRouter(tags=["concepts"])
e = store.e


async def _concepts(request, viewer, *conditions) -> list[dict]:
    async with request.app.state.db.read() as conn:
        rows = await store.rows(
            conn, store.of_type("Concept"), store.visible(viewer.visible_projects()), *conditions
        )
    return [store.shape(row, "Concept") for row in rows]


@router.get("/data/concepts")
async def list_concepts(request: Request, viewer: ViewerDep):
    conditions = []
    for key in ("project_id", "parent_id", "id"):
        if request.query_params.get(key):
            conditions.append(e.c[key] == uid(request.query_params[key]))
    return await _concepts(request, viewer, *conditions)


@router.get("/data/projects/{project_id}/concepts")
async def project_concepts(request: Request, project_id: str, viewer: ViewerDep):
    pid = uid(project_id)
    viewer.check_project(pid)
    return await _concepts(request, viewer, e.c.project_id == pid)


async def _concept(request, viewer, raw_id) -> dict:
    async with request.app.state.db.read() as conn:
        row = await store.get_of(conn, uid(raw_id), "Concept")
    viewer.check_project(row["project_id"])
    return row


@router.get("/data/concepts/{concept_id}")
async def get_concept(request: Request, concept_id: str, viewer: ViewerDep):
    row = await _concept(request, viewer, concept_id)
    async with request.app.state.db.read() as conn:
        relations = await store.relation_ids(conn, row["id"])
        project_name = await projects_store.name_of(conn, row["project_id"])
        tasks = await store.tasks_of(conn, e.c.id == row["id"])
    return store.shape(
        row,
        "Concept",
        project_name=project_name,
        tasks=tasks,
        entity_concept_links=relations["entity_concept_links"],
    )


@router.get("/data/concepts/{concept_id}/preview-files")
async def concept_preview_files(request: Request, concept_id: str, viewer: ViewerDep):
    row = await _concept(request, viewer, concept_id)
    async with request.app.state.db.read() as conn:
        return await playlists_store.entity_previews(conn, row["id"])


task_route("/data/concepts/{entity_id}/tasks", "Concept", lambda i: [e.c.id == i])
task_route("/data/concepts/{entity_id}/task-types", "Concept", lambda i: [e.c.id == i], True)
router.add_api_route("/data/concepts/{entity_id}", remover("Concept"), methods=["DELETE"])


# --- Creation and folders -------------------------------------------------------------


@router.get("/data/concepts/with-tasks")
async def concepts_with_tasks(request: Request, viewer: ViewerDep):
    project_id = uid(request.query_params.get("project_id"), required=False)
    viewer.block_vendor(project_id)
    viewer.block_client(project_id)
    return await board_response(request, viewer, with_tasks.CONCEPTS, "Concept")


async def _project(request, raw_id) -> uuid.UUID:
    pid = uid(raw_id)
    async with request.app.state.db.read() as conn:
        if not await projects_store.exists(conn, pid):
            raise NotFound()
    return pid


def _concept_links(body: dict) -> list:
    raw = body.get("entity_concept_links") or []
    if not isinstance(raw, list):
        raise WrongParameter("entity_concept_links must be a list of entity ids.")
    # Zou's schema asks for objects; Kitsu's natural form is ids: both are taken.
    ids = [item.get("id") if isinstance(item, dict) else item for item in raw]
    try:
        return [uid(i) if isinstance(i, str) else uid("") for i in ids]
    except WrongParameter:
        raise WrongParameter("entity_concept_links must only contain entity ids.") from None


@router.post("/data/projects/{project_id}/concepts")
async def create_concept(request: Request, project_id: str, viewer: ViewerDep):
    body = await json_body(request)
    name = text(body, "name", required=True, max_length=160)
    data = mapping(body, "data") or {}
    description = text(body, "description")
    parent_id = body_id(body, "parent_id")
    links = _concept_links(body)
    pid = await _project(request, project_id)
    viewer.check_project(pid)
    viewer.block_vendor(pid)
    viewer.block_client(pid)
    async with request.app.state.db.write() as conn:
        if parent_id is not None:
            folder = await store.get_of(conn, parent_id, "ConceptFolder")
            if folder["project_id"] != pid:
                raise NotFound()
        concept_type = await store.type_id(conn, "Concept")
        found = await store.rows(
            conn, e.c.project_id == pid, e.c.entity_type_id == concept_type, e.c.name == name
        )
        if found:
            row = found[0]
        else:
            if len(await store.rows(conn, e.c.id.in_(links))) != len(set(links)):
                raise NotFound()
            values = {
                "project_id": pid,
                "entity_type_id": concept_type,
                "name": name,
                "data": data,
                "description": description,
                "parent_id": parent_id,
            }
            row = await store.create(conn, request.app.state.outbox, values, viewer.id)
            await store.link_concepts(conn, row["id"], links)
        relations = await store.relation_ids(conn, row["id"])
    shaped = store.shape(row, "Concept", entity_concept_links=relations["entity_concept_links"])
    return JSONResponse(shaped, status_code=201)


@router.get("/data/projects/{project_id}/concept-folders")
async def project_concept_folders(request: Request, project_id: str, viewer: ViewerDep):
    pid = await _project(request, project_id)
    viewer.check_project(pid)
    viewer.block_vendor(pid)
    viewer.block_client(pid)
    async with request.app.state.db.read() as conn:
        rows = await store.rows(conn, e.c.project_id == pid, store.of_type("ConceptFolder"))
    return [store.shape(row, "ConceptFolder") for row in rows]


def _folder_name(body: dict) -> str:
    return text(body, "name", required=True, max_length=160)


@router.post("/data/projects/{project_id}/concept-folders")
async def create_concept_folder(request: Request, project_id: str, viewer: ViewerDep):
    name = _folder_name(await json_body(request))
    pid = await _project(request, project_id)
    viewer.check_supervisor(pid)
    async with request.app.state.db.write() as conn:
        row = await store.create_concept_folder(
            conn, request.app.state.outbox, pid, name, viewer.id
        )
    return JSONResponse(store.shape(row, "ConceptFolder"), status_code=201)


async def _folder(conn, viewer, raw_id) -> dict:
    row = await store.get_of(conn, uid(raw_id), "ConceptFolder", lock=True)
    viewer.check_supervisor(row["project_id"])
    return row


@router.put("/data/concept-folders/{concept_folder_id}")
async def rename_concept_folder(request: Request, concept_folder_id: str, viewer: ViewerDep):
    name = _folder_name(await json_body(request))
    async with request.app.state.db.write() as conn:
        folder = await _folder(conn, viewer, concept_folder_id)
        row = await store.rename_concept_folder(
            conn, request.app.state.outbox, folder, name, viewer.id
        )
    return store.shape(row, "ConceptFolder")


@router.delete("/data/concept-folders/{concept_folder_id}")
async def remove_concept_folder(request: Request, concept_folder_id: str, viewer: ViewerDep):
    async with request.app.state.db.write() as conn:
        folder = await _folder(conn, viewer, concept_folder_id)
        await store.remove_concept_folder(conn, request.app.state.outbox, folder, viewer.id)
    return Response(status_code=204)


@router.post("/actions/projects/{project_id}/move-concepts")
async def move_concepts(request: Request, project_id: str, viewer: ViewerDep):
    body = await json_body(request)
    raw = body.get("concept_ids")
    if not isinstance(raw, list) or not all(isinstance(i, str) for i in raw):
        raise WrongParameter("concept_ids must be a list of concept ids.")
    try:
        concept_ids = [uid(i) for i in raw]
    except WrongParameter:
        raise WrongParameter("concept_ids must only contain valid ids.") from None
    folder_id = body_id(body, "concept_folder_id")
    pid = await _project(request, project_id)
    viewer.check_supervisor(pid)
    async with request.app.state.db.write() as conn:
        if folder_id is not None:
            folder = await store.get_of(conn, folder_id, "ConceptFolder")
            if folder["project_id"] != pid:
                raise NotFound()
        return await store.move_concepts(
            conn, request.app.state.outbox, pid, concept_ids, folder_id, viewer.id
        )
