"""Schedules (Zou's `projects` blueprint): a task type's schedule split by asset type,
episode, sequence or edit; production schedule versions and their task links."""

from fastapi import APIRouter, Request

from libs.common.errors import NotFound, WrongParameter
from services.data.routes.production_access import ViewerDep, body_id, flag, json_body, uid
from services.data.store import projects as projects_store
from services.data.store import schedules as store

router = APIRouter(tags=["projects"])


def db(request: Request):
    return request.app.state.db


def _object_route(kind: str):
    async def items(request: Request, project_id: str, task_type_id: str, viewer: ViewerDep):
        pid, type_id = uid(project_id), uid(task_type_id)
        viewer.check_project(pid)
        viewer.block_vendor(pid)
        episode_id = uid(request.query_params.get("episode_id"), required=False)
        async with db(request).write() as conn:
            if not await projects_store.exists(conn, pid):
                raise NotFound()
            found = await store.objects(conn, kind, pid, episode_id)
            return await store.object_items(
                conn, request.app.state.outbox, pid, type_id, found, viewer.id
            )

    items.__name__ = f"schedule_items_of_{kind.replace('-', '_')}"
    path = f"/data/projects/{{project_id}}/schedule-items/{{task_type_id}}/{kind}"
    router.add_api_route(path, items, methods=["GET"])


for _kind in ("asset-types", "episodes", "sequences", "edits"):
    _object_route(_kind)


VERSION = "/production-schedule-versions/{production_schedule_version_id}"


@router.get("/data" + VERSION + "/task-links")
async def version_task_links(
    request: Request, production_schedule_version_id: str, viewer: ViewerDep
):
    task_type_id = uid(request.query_params.get("task_type_id"), required=False)
    async with db(request).read() as conn:
        row = await store.version(conn, uid(production_schedule_version_id))
        viewer.check_project(row["project_id"])
        viewer.block_vendor(row["project_id"])
        viewer.block_client(row["project_id"])
        return await store.task_links(
            conn, row["id"], task_type_id, flag(request.query_params.get("relations"))
        )


async def _managed_version(conn, viewer, raw_id: str) -> dict:
    row = await store.version(conn, uid(raw_id))
    viewer.check_manager(row["project_id"])
    return row


@router.post("/actions" + VERSION + "/set-task-links-from-production")
async def links_from_production(
    request: Request, production_schedule_version_id: str, viewer: ViewerDep
):
    async with db(request).write() as conn:
        row = await _managed_version(conn, viewer, production_schedule_version_id)
        return await store.links_from_production(conn, row)


@router.post("/actions" + VERSION + "/set-task-links-from-production-schedule-version")
async def links_from_version(
    request: Request, production_schedule_version_id: str, viewer: ViewerDep
):
    body = await json_body(request)
    other_id = body_id(body, "production_schedule_version_id", required=True)
    async with db(request).write() as conn:
        row = await _managed_version(conn, viewer, production_schedule_version_id)
        other = await store.version(conn, other_id)
        if other["project_id"] != row["project_id"]:
            raise WrongParameter("Production schedule versions must belong to the same project.")
        return await store.links_from_version(conn, request.app.state.outbox, row, other, viewer.id)


@router.post("/actions" + VERSION + "/apply-to-production")
async def apply_to_production(
    request: Request, production_schedule_version_id: str, viewer: ViewerDep
):
    async with db(request).write() as conn:
        row = await _managed_version(conn, viewer, production_schedule_version_id)
        return await store.apply_to_production(conn, request.app.state.outbox, row, viewer.id)
