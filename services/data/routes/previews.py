"""Preview-file records: revisions added to comments, entity thumbnails, order within a
revision, annotations, and the admin lists of a production (the bytes are media's)."""

import uuid

from fastapi import APIRouter, Request, Response

from libs.common.errors import Forbidden, WrongParameter
from services.data import annotations
from services.data.routes.crud import CallerDep
from services.data.routes.tasks import json_body
from services.data.store import media
from services.data.store import previews as store
from services.data.store import tasks as task_store
from services.data.work import (
    body_dict,
    check_task_action,
    page_of,
    uuid_of,
    uuids_of,
    validation_error,
)

router = APIRouter(tags=["previews"])


def _revision(body: dict) -> int | None:
    value = body.get("revision")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        else:
            raise validation_error(
                "revision",
                message="Input should be a valid integer, unable to parse string as an integer",
            )
    if value < 0:
        raise validation_error("revision", message="Input should be greater than or equal to 0")
    return value


async def _acting_on(conn, caller, task_id: uuid.UUID) -> dict:
    found = await task_store.get(conn, task_id, lock=True)
    check_task_action(caller, found, await task_store.department_of(conn, found["task_type_id"]))
    return found


@router.post("/actions/tasks/{task_id}/comments/{comment_id}/add-preview", status_code=201)
async def add_preview(task_id: str, comment_id: str, request: Request, caller: CallerDep):
    tid, cid = uuid_of(task_id), uuid_of(comment_id)
    revision = _revision(body_dict(await json_body(request)))
    app = request.app.state
    async with app.db.write() as conn:
        found = await _acting_on(conn, caller, tid)
        return await store.add_to_comment(conn, app.outbox, found, cid, caller.user.id, revision)


@router.post(
    "/actions/tasks/{task_id}/comments/{comment_id}/preview-files/{preview_file_id}",
    status_code=201,
)
async def add_extra_preview(
    task_id: str, comment_id: str, preview_file_id: str, request: Request, caller: CallerDep
):
    tid, cid, pid = uuid_of(task_id), uuid_of(comment_id), uuid_of(preview_file_id)
    app = request.app.state
    async with app.db.write() as conn:
        found = await _acting_on(conn, caller, tid)
        related = await store.get(conn, pid)
        return await store.add_to_comment(
            conn, app.outbox, found, cid, caller.user.id, related["revision"]
        )


@router.delete("/actions/tasks/{task_id}/comments/{comment_id}/preview-files/{preview_file_id}")
async def remove_comment_preview(
    task_id: str, comment_id: str, preview_file_id: str, request: Request, caller: CallerDep
):
    tid, cid, pid = uuid_of(task_id), uuid_of(comment_id), uuid_of(preview_file_id)
    force = request.query_params.get("force", "").lower() in ("true", "1")
    app = request.app.state
    async with app.db.write() as conn:
        found = await _acting_on(conn, caller, tid)
        await store.linked_to_comment(conn, tid, cid, pid)
        if force:
            caller.check_manager(found["project_id"])
        await store.release(conn, pid)
        await media.delete_preview_file(conn, app.outbox, pid, caller.user.id)
    return Response(status_code=204)


@router.get("/data/tasks/{task_id}/previews")
async def task_previews(task_id: str, request: Request, caller: CallerDep):
    tid = uuid_of(task_id)
    async with request.app.state.db.read() as conn:
        found = await store.task_of(conn, tid)
        caller.check_project(found["project_id"])
        return await store.for_task(conn, tid, caller.is_client(found["project_id"]))


def _may_set_thumbnail(caller, task_row: dict) -> None:
    caller.check_project(task_row["project_id"])
    # Clients review content but do not choose how an entity is illustrated.
    caller.block_client(task_row["project_id"])


@router.put("/actions/tasks/{task_id}/set-main-preview")
async def set_task_main_preview(task_id: str, request: Request, caller: CallerDep):
    tid = uuid_of(task_id)
    app = request.app.state
    async with app.db.write() as conn:
        found = await store.task_of(conn, tid)
        _may_set_thumbnail(caller, found)
        preview_id = await store.last_of_task(conn, tid)
        if preview_id is None:
            raise WrongParameter("This task has no preview file to set as the main preview.")
        return await store.set_entity_preview(
            conn, app.outbox, found["entity_id"], preview_id, caller.user.id
        )


@router.put("/actions/tasks/set-main-preview")
async def set_tasks_main_preview(request: Request, caller: CallerDep):
    body = body_dict(await json_body(request))
    if "task_ids" not in body:
        raise validation_error("task_ids")
    task_ids = uuids_of(body["task_ids"], "task_ids")
    if not task_ids:
        raise validation_error(
            "task_ids", message="List should have at least 1 item after validation, not 0"
        )
    app = request.app.state
    out = []
    async with app.db.write() as conn:
        for found in await store.tasks_of(conn, task_ids):
            _may_set_thumbnail(caller, found)
            preview_id = await store.last_of_task(conn, found["id"])
            if preview_id is not None:
                out.append(
                    await store.set_entity_preview(
                        conn, app.outbox, found["entity_id"], preview_id, caller.user.id
                    )
                )
    return out


@router.put("/actions/preview-files/{preview_file_id}/set-main-preview")
async def set_main_preview(preview_file_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(preview_file_id)
    body = body_dict(await json_body(request))
    frame = body.get("frame_number")
    if frame is not None and (isinstance(frame, bool) or not isinstance(frame, int)):
        raise validation_error("frame_number", message="Input should be a valid integer")
    app = request.app.state
    async with app.db.write() as conn:
        row = await store.get(conn, pid)
        found = await store.task_of(conn, row["task_id"])
        _may_set_thumbnail(caller, found)
        if frame is not None and row["extension"] != "mp4":
            raise WrongParameter("Can't use a given frame on non movie preview")
        return await store.set_entity_preview(
            conn, app.outbox, found["entity_id"], pid, caller.user.id
        )


@router.put("/actions/preview-files/{preview_file_id}/update-position")
async def update_position(preview_file_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(preview_file_id)
    body = body_dict(await json_body(request))
    position = body.get("position", 0)
    if isinstance(position, bool) or not isinstance(position, int):
        raise validation_error("position", message="Input should be a valid integer")
    if position < 0:
        raise validation_error("position", message="Input should be greater than or equal to 0")
    app = request.app.state
    async with app.db.write() as conn:
        row = await store.get(conn, pid)
        found = await _acting_on(conn, caller, row["task_id"])
        return await store.move(
            conn, app.outbox, row, position, found["project_id"], caller.user.id
        )


@router.put("/actions/preview-files/{preview_file_id}/update-annotations")
async def update_annotations(preview_file_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(preview_file_id)
    app = request.app.state
    async with app.db.write() as conn:
        row = await store.get(conn, pid, lock=True)
        found = await task_store.get(conn, row["task_id"])
        project_id = found["project_id"]
        caller.check_project(project_id)
        allowed = caller.is_manager(project_id) or caller.is_client(project_id)
        if not allowed and caller.role_in(project_id) == "supervisor":
            departments = caller.user.person.departments
            department = await task_store.department_of(conn, found["task_type_id"])
            allowed = not departments or department in departments
        if not allowed:
            raise Forbidden()
        try:
            additions, updates, deletions = annotations.check(body_dict(await json_body(request)))
        except ValueError as exc:
            raise validation_error(str(exc), message="Input should be a valid list") from None
        merged = annotations.merge(row["annotations"], additions, updates, deletions)
        return await store.set_annotations(
            conn, app.outbox, row, merged, project_id, caller.user.id
        )


# --- Admin lists of a production ---------------------------------------------------------


async def _admin_project(request: Request, caller, project_id: str) -> uuid.UUID:
    caller.check_admin()
    return uuid_of(project_id)


@router.get("/data/projects/{project_id}/preview-files")
async def project_preview_files(project_id: str, request: Request, caller: CallerDep):
    pid = await _admin_project(request, caller, project_id)
    page = page_of(request.query_params.get("page"))
    async with request.app.state.db.read() as conn:
        await store.project_exists(conn, pid)
        return await store.for_project(conn, pid, page)


@router.get("/data/projects/{project_id}/notifications")
async def project_notifications(project_id: str, request: Request, caller: CallerDep):
    pid = await _admin_project(request, caller, project_id)
    page = page_of(request.query_params.get("page"), default=0)
    async with request.app.state.db.read() as conn:
        await store.project_exists(conn, pid)
        return await store.notifications_of_project(conn, pid, page)


@router.get("/data/projects/{project_id}/subscriptions")
async def project_subscriptions(project_id: str, request: Request, caller: CallerDep):
    pid = await _admin_project(request, caller, project_id)
    async with request.app.state.db.read() as conn:
        await store.project_exists(conn, pid)
        return await store.subscriptions_of_project(conn, pid)
