"""Working and output files of tasks, entities and productions."""

import sqlalchemy as sa
from fastapi import APIRouter, Request

from libs.common.errors import Forbidden, NotFound
from services.data import tables as t
from services.data.routes.crud import CallerDep
from services.data.store import files as store
from services.data.store import tasks as task_store
from services.data.work import check_project, uuid_of

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
