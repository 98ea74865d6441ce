"""Concepts (Zou's `concepts` blueprint): lists, one concept, its tasks and previews."""

from fastapi import APIRouter, Request

from services.data.routes.production_access import ViewerDep, uid
from services.data.routes.shots import remover, task_route
from services.data.store import entities as store
from services.data.store import playlists as playlists_store
from services.data.store import projects as projects_store

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
