"""Tasks: creation per task type, assignment, priorities, deletion, lists and time spents."""

import json
import uuid

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response

from libs.common.errors import Forbidden, NotFound, WrongParameter
from services.data.routes.crud import CallerDep
from services.data.store import tasks as store
from services.data.store import time_spents
from services.data.store import user as user_store
from services.data.tables import entity, person, task
from services.data.work import (
    body_dict,
    check_person,
    check_project,
    check_project_manager,
    check_task_supervisor,
    date_of,
    uuid_of,
    uuids_of,
    validation_error,
)

router = APIRouter(tags=["tasks"])

ENTITY_KINDS = {
    "assets": "Asset",
    "shots": "Shot",
    "edits": "Edit",
    "concepts": "Concept",
    "sequences": "Sequence",
    "episodes": "Episode",
    "asset": "Asset",
    "shot": "Shot",
    "edit": "Edit",
    "concept": "Concept",
    "sequence": "Sequence",
    "episode": "Episode",
}


async def json_body(request: Request):
    raw = await request.body()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise WrongParameter("The body is not valid JSON.") from None


async def _create_tasks(request: Request, caller, project_id: str, task_type_id: str, kind: str):
    pid, ttid = uuid_of(project_id), uuid_of(task_type_id)
    body = await json_body(request)
    ids = None
    if isinstance(body, list) and body:
        ids = uuids_of(body, "entity_ids")
    elif body not in (None, [], {}) and not isinstance(body, list):
        raise WrongParameter("The body must be a list of entity ids.")
    if kind == "Concept":
        check_project(caller, pid)
        if caller.role in ("vendor", "client"):
            raise Forbidden()
    else:
        check_project_manager(caller, pid)
    app = request.app.state
    async with app.db.write() as conn:
        type_row = await store.get_task_type(conn, ttid)
        entities = await store.project_entities(conn, pid, kind, ids)
        out = await store.create_for_entities(conn, app.outbox, type_row, entities, caller.user.id)
    return out


def _kind_route(path_kind: str):
    kind = ENTITY_KINDS[path_kind]

    async def create(project_id: str, task_type_id: str, request: Request, caller: CallerDep):
        return await _create_tasks(request, caller, project_id, task_type_id, kind)

    router.add_api_route(
        f"/actions/projects/{{project_id}}/task-types/{{task_type_id}}/{path_kind}/create-tasks",
        create,
        methods=["POST"],
        status_code=201,
        name=f"create_{path_kind}_tasks",
    )


for _kind in ("assets", "shots", "edits", "concepts"):
    _kind_route(_kind)


@router.post(
    "/actions/projects/{project_id}/task-types/{task_type_id}/create-tasks/{entity_type}",
    status_code=201,
)
async def create_tasks_of_kind(
    project_id: str, task_type_id: str, entity_type: str, request: Request, caller: CallerDep
):
    kind = ENTITY_KINDS.get(entity_type.lower())
    if kind is None:
        raise WrongParameter(f"Unknown entity type: {entity_type}")
    return await _create_tasks(request, caller, project_id, task_type_id, kind)


# --- Assignment -------------------------------------------------------------------------


async def _assignee(conn, person_id: uuid.UUID) -> None:
    found = await conn.execute(sa.select(person.c.is_bot).where(person.c.id == person_id))
    row = found.first()
    if row is None:
        raise WrongParameter("Assignee doesn't exist in database.")


@router.put("/actions/tasks/{task_id}/assign")
async def assign_task(task_id: str, request: Request, caller: CallerDep):
    tid = uuid_of(task_id)
    body = body_dict(await json_body(request))
    if not body.get("person_id"):
        raise validation_error("person_id")
    person_id = uuid_of(body["person_id"], "person_id")
    app = request.app.state
    async with app.db.write() as conn:
        found = await store.get(conn, tid, lock=True)
        check_task_supervisor(caller, found, await store.department_of(conn, found["task_type_id"]))
        await _assignee(conn, person_id)
        rows = await store.assign(conn, app.outbox, [tid], person_id, caller.user.id)
    return store.shape(rows[0])


@router.put("/actions/persons/{person_id}/assign")
async def assign_tasks(person_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(person_id)
    body = body_dict(await json_body(request))
    if "task_ids" not in body:
        raise validation_error("task_ids")
    task_ids = uuids_of(body["task_ids"], "task_ids")
    app = request.app.state
    async with app.db.write() as conn:
        await _assignee(conn, pid)
        allowed = await _supervised(conn, caller, task_ids)
        rows = await store.assign(conn, app.outbox, allowed, pid, caller.user.id)
    return [store.shape(r) for r in rows]


async def _supervised(conn, caller, task_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """The tasks the caller may assign (Zou skips the others silently)."""
    allowed = []
    for row in await store.get_many(conn, task_ids):
        try:
            check_task_supervisor(caller, row, await store.department_of(conn, row["task_type_id"]))
        except Forbidden:
            continue
        allowed.append(row["id"])
    return allowed


@router.put("/actions/tasks/clear-assignation")
async def clear_assignation(request: Request, caller: CallerDep):
    body = body_dict(await json_body(request))
    if "task_ids" not in body:
        raise validation_error("task_ids")
    task_ids = uuids_of(body["task_ids"], "task_ids")
    person_id = uuid_of(body["person_id"], "person_id") if body.get("person_id") else None
    app = request.app.state
    async with app.db.write() as conn:
        allowed = await _supervised(conn, caller, task_ids)
        if allowed:
            await store.unassign(conn, app.outbox, allowed, person_id, caller.user.id)
    return [str(t) for t in allowed]


@router.put("/actions/tasks/set-priority")
async def set_priority(request: Request, caller: CallerDep):
    body = body_dict(await json_body(request))
    missing = [k for k in ("task_ids", "priority") if k not in body]
    if missing:
        raise validation_error(*missing)
    task_ids = uuids_of(body["task_ids"], "task_ids")
    priority = body["priority"]
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise validation_error("priority", message="Input should be a valid integer")
    app = request.app.state
    async with app.db.write() as conn:
        allowed = await _supervised(conn, caller, task_ids)
        rows = await store.set_priority(conn, app.outbox, allowed, priority, caller.user.id)
    return [store.shape(r) for r in rows]


@router.post("/actions/projects/{project_id}/delete-tasks")
async def delete_tasks(project_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(project_id)
    body = await json_body(request)
    if not isinstance(body, list):
        raise WrongParameter("The body must be a list of task ids.")
    task_ids = uuids_of(body, "task_ids")
    check_project_manager(caller, pid)
    app = request.app.state
    async with app.db.write() as conn:
        rows = await store.delete_tasks(
            conn, app.outbox, (task.c.id.in_(task_ids)) & (task.c.project_id == pid), caller.user.id
        )
    return [str(r["id"]) for r in rows]


@router.delete("/actions/projects/{project_id}/task-types/{task_type_id}/delete-tasks")
async def delete_tasks_of_type(
    project_id: str, task_type_id: str, request: Request, caller: CallerDep
):
    pid, ttid = uuid_of(project_id), uuid_of(task_type_id)
    if not caller.is_admin:
        raise Forbidden()
    app = request.app.state
    async with app.db.write() as conn:
        await store.delete_tasks(
            conn,
            app.outbox,
            (task.c.project_id == pid) & (task.c.task_type_id == ttid),
            caller.user.id,
        )
    return Response(status_code=204)


# --- Reads --------------------------------------------------------------------------------


@router.get("/data/tasks/{task_id}/full")
async def task_full(task_id: str, request: Request, caller: CallerDep):
    tid = uuid_of(task_id)
    async with request.app.state.db.read() as conn:
        out = await store.full(conn, tid, caller.user.id)
    check_project(caller, uuid.UUID(out["project_id"]))
    if caller.role == "client":
        out["persons"] = []
        out.pop("assigner", None)
    return out


@router.get("/data/entities/{entity_id}/task-types/{task_type_id}/tasks")
async def entity_type_tasks(entity_id: str, task_type_id: str, request: Request, caller: CallerDep):
    eid, ttid = uuid_of(entity_id), uuid_of(task_type_id)
    async with request.app.state.db.read() as conn:
        project_id = (
            await conn.execute(sa.select(entity.c.project_id).where(entity.c.id == eid))
        ).scalar()
        if project_id is None:
            raise NotFound()
        check_project(caller, project_id)
        return await store.list_where(conn, task.c.entity_id == eid, task.c.task_type_id == ttid)


@router.get("/data/projects/{project_id}/tasks")
async def project_tasks(project_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(project_id)
    check_project(caller, pid)
    async with request.app.state.db.read() as conn:
        return await store.list_where(conn, task.c.project_id == pid)


@router.get("/data/persons/{person_id}/related-tasks/{task_type_id}")
async def related_tasks(person_id: str, task_type_id: str, request: Request, caller: CallerDep):
    from services.data.tables import task_person_link

    pid, ttid = uuid_of(person_id), uuid_of(task_type_id)
    check_person(caller, pid)
    entities = (
        sa.select(task.c.entity_id)
        .join(task_person_link, task_person_link.c.task_id == task.c.id)
        .where(task_person_link.c.person_id == pid)
    )
    async with request.app.state.db.read() as conn:
        return await store.list_where(
            conn, task.c.entity_id.in_(entities), task.c.task_type_id == ttid
        )


# --- Time spents ------------------------------------------------------------------------------


def _duration(body: dict) -> float:
    if "duration" not in body:
        raise validation_error("duration")
    value = body["duration"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise validation_error("duration", message="Input should be a valid number")
    return float(value)


def _check_time_access(caller, found: dict, person_id: uuid.UUID) -> None:
    """Zou's check_time_spent_access: the person must be assigned, and the caller be that
    person, an admin or a manager of the project."""
    if person_id not in found["assignees"]:
        raise Forbidden()
    if caller.user.id == person_id or caller.is_admin:
        return
    check_project_manager(caller, found["project_id"])


async def _write_time(task_id, date, person_id, request, caller, add: bool):
    tid, pid = uuid_of(task_id), uuid_of(person_id)
    day = date_of(date)
    duration = _duration(body_dict(await json_body(request)))
    if duration <= 0 and not add:
        raise WrongParameter("Duration must be positive.")
    app = request.app.state
    async with app.db.write() as conn:
        found = await store.get(conn, tid, lock=True)
        _check_time_access(caller, found, pid)
        try:
            async with conn.begin_nested():
                out = await time_spents.write(
                    conn, app.outbox, found, pid, day, duration, add, caller.user.id
                )
        except sa.exc.IntegrityError:
            raise WrongParameter("The resulting duration must be positive.") from None
    return out


@router.post("/actions/tasks/{task_id}/time-spents/{date}/persons/{person_id}", status_code=201)
async def set_time_spent(
    task_id: str, date: str, person_id: str, request: Request, caller: CallerDep
):
    return await _write_time(task_id, date, person_id, request, caller, add=False)


@router.post("/actions/tasks/{task_id}/time-spents/{date}/persons/{person_id}/add", status_code=201)
async def add_time_spent(
    task_id: str, date: str, person_id: str, request: Request, caller: CallerDep
):
    return await _write_time(task_id, date, person_id, request, caller, add=True)


@router.delete("/actions/tasks/{task_id}/time-spents/{date}/persons/{person_id}")
async def delete_time_spent(
    task_id: str, date: str, person_id: str, request: Request, caller: CallerDep
):
    tid, pid = uuid_of(task_id), uuid_of(person_id)
    day = date_of(date)
    app = request.app.state
    async with app.db.write() as conn:
        found = await store.get(conn, tid, lock=True)
        _check_time_access(caller, found, pid)
        out = await time_spents.remove(conn, app.outbox, found, pid, day, caller.user.id)
    return Response(content=json.dumps(out), status_code=201, media_type="application/json")


@router.get("/actions/tasks/{task_id}/time-spents")
async def task_time_spents(task_id: str, request: Request, caller: CallerDep):
    tid = uuid_of(task_id)
    async with request.app.state.db.read() as conn:
        found = await store.get(conn, tid)
        check_project(caller, found["project_id"])
        return await time_spents.for_task(conn, tid)


@router.get("/actions/tasks/{task_id}/time-spents/{date}")
async def task_time_spents_of_date(task_id: str, date: str, request: Request, caller: CallerDep):
    tid = uuid_of(task_id)
    day = date_of(date)
    async with request.app.state.db.read() as conn:
        found = await store.get(conn, tid)
        check_project(caller, found["project_id"])
        return await time_spents.for_task(conn, tid, day)


# --- Schedule ---------------------------------------------------------------------------------


@router.get("/data/persons/task-dates")
async def persons_task_dates(request: Request, caller: CallerDep):
    raw = (request.query_params.get("project_id") or "").strip() or None
    project_id = None
    if raw is not None:
        try:
            project_id = uuid.UUID(raw)
        except ValueError:
            raise WrongParameter("Invalid project_id.") from None
    async with request.app.state.db.read() as conn:
        busy = None
        if project_id is not None:
            if not caller.is_admin:
                if not caller.user.has_at_least("supervisor"):
                    raise Forbidden()
                caller.check_project(project_id)
            project_ids = [project_id]
        elif caller.is_admin:
            project_ids = await user_store.open_project_ids(conn, caller.user.id, True)
        else:
            if not caller.user.has_at_least("supervisor"):
                raise Forbidden()
            # Other open productions only show as anonymous busy periods.
            project_ids = await user_store.open_project_ids(conn, caller.user.id, False)
            every_open = await user_store.open_project_ids(conn, caller.user.id, True)
            busy = [p for p in every_open if p not in set(project_ids)]
        return await store.persons_task_dates(conn, project_ids, busy)
