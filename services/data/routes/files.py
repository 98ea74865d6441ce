"""Working and output files of tasks, entities and productions."""

import sqlalchemy as sa
from fastapi import APIRouter, Request

from libs.common.columns import utcnow
from libs.common.errors import Forbidden, NotFound
from services.data import tables as t
from services.data.routes.crud import CallerDep
from services.data.routes.tasks import json_body
from services.data.store import files as store
from services.data.store import tasks as task_store
from services.data.work import (
    body_dict,
    check_project,
    check_task_action,
    uuid_of,
    validation_error,
)

router = APIRouter(tags=["files"])


def _no_vendor(caller) -> None:
    if caller.role == "vendor":
        raise Forbidden()


async def _entity_project(conn, entity_id):
    found = (
        await conn.execute(sa.select(t.entity.c.project_id).where(t.entity.c.id == entity_id))
    ).scalar()
    if found is None:
        raise NotFound()
    return found


@router.get("/data/tasks/{task_id}/working-files")
async def task_working_files(task_id: str, request: Request, caller: CallerDep):
    tid = uuid_of(task_id)
    async with request.app.state.db.read() as conn:
        found = await task_store.get(conn, tid)
        check_project(caller, found["project_id"])
        _no_vendor(caller)
        return await store.working_files(conn, t.working_file.c.task_id == tid)


@router.get("/data/tasks/{task_id}/working-files/last-revisions")
async def task_last_revisions(task_id: str, request: Request, caller: CallerDep):
    tid = uuid_of(task_id)
    async with request.app.state.db.read() as conn:
        found = await task_store.get(conn, tid)
        check_project(caller, found["project_id"])
        return await store.last_working_revisions(conn, tid)


@router.get("/data/entities/{entity_id}/working-files")
async def entity_working_files(entity_id: str, request: Request, caller: CallerDep):
    eid = uuid_of(entity_id)
    async with request.app.state.db.read() as conn:
        check_project(caller, await _entity_project(conn, eid))
        _no_vendor(caller)
        return await store.working_files(conn, t.working_file.c.entity_id == eid)


@router.get("/data/entities/{entity_id}/output-files")
async def entity_output_files(entity_id: str, request: Request, caller: CallerDep):
    eid = uuid_of(entity_id)
    async with request.app.state.db.read() as conn:
        check_project(caller, await _entity_project(conn, eid))
        _no_vendor(caller)
        return await store.output_files(conn, t.output_file.c.entity_id == eid)


@router.get("/data/projects/{project_id}/output-files")
async def project_output_files(project_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(project_id)
    check_project(caller, pid)
    _no_vendor(caller)
    entities = sa.select(t.entity.c.id).where(t.entity.c.project_id == pid)
    async with request.app.state.db.read() as conn:
        return await store.output_files(conn, t.output_file.c.entity_id.in_(entities))


@router.get("/data/files/{file_id}")
async def any_file(file_id: str, request: Request, caller: CallerDep):
    fid = uuid_of(file_id)
    async with request.app.state.db.read() as conn:
        found, project_id = await store.any_file(conn, fid)
    check_project(caller, project_id)
    return found


async def _acted_working_file(conn, caller, working_file_id: str) -> dict:
    found = await store.working_file(conn, uuid_of(working_file_id))
    task = await task_store.get(conn, found["task_id"])
    check_task_action(caller, task, await task_store.department_of(conn, task["task_type_id"]))
    return found


@router.put("/actions/working-files/{working_file_id}/comment")
async def comment_working_file(working_file_id: str, request: Request, caller: CallerDep):
    body = body_dict(await json_body(request))
    comment = body.get("comment")
    if comment is None:
        raise validation_error("comment")
    if not isinstance(comment, str):
        raise validation_error("comment", message="Input should be a valid string")
    if not comment:
        raise validation_error("comment", message="String should have at least 1 character")
    async with request.app.state.db.write() as conn:
        found = await _acted_working_file(conn, caller, working_file_id)
        return await store.update_working_file(conn, found["id"], {"comment": comment})


@router.put("/actions/working-files/{working_file_id}/modified")
async def modified_working_file(working_file_id: str, request: Request, caller: CallerDep):
    async with request.app.state.db.write() as conn:
        found = await _acted_working_file(conn, caller, working_file_id)
        return await store.update_working_file(conn, found["id"], {"updated_at": utcnow()})
