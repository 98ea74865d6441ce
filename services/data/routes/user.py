"""`/data/user/*` and `/actions/user/*`: the current user's own views and settings."""

import json

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response

from libs.common.errors import NotFound, WrongParameter
from libs.common.responses import PlainJSON
from services.data import serialize
from services.data import tables as t
from services.data.routes.crud import CallerDep
from services.data.store import tasks as task_store
from services.data.store import time_spents
from services.data.store import user as store
from services.data.work import (
    body_dict,
    check_project,
    date_of,
    datetime_of,
    uuid_of,
    uuids_of,
    validation_error,
)

router = APIRouter(tags=["user"])


async def _json(request: Request) -> dict:
    raw = await request.body()
    if not raw:
        return {}
    try:
        return body_dict(json.loads(raw))
    except ValueError:
        raise WrongParameter("The body is not valid JSON.") from None


async def _projects(conn, caller) -> list:
    return await store.open_project_ids(conn, caller.user.id, admin=False)


@router.get("/data/user/context")
async def user_context(request: Request, caller: CallerDep):
    async def build() -> bytes:
        async with request.app.state.db.read() as conn:
            project_ids = await store.open_project_ids(conn, caller.user.id, caller.is_admin)
            return PlainJSON(await store.context(conn, caller.user, project_ids)).body

    return await request.app.state.answers.respond(request, caller.id, build)


@router.get("/data/user/projects/open")
async def user_open_projects(request: Request, caller: CallerDep, name: str | None = None):
    async with request.app.state.db.read() as conn:
        ids = await store.open_project_ids(conn, caller.user.id, caller.is_admin)
        projects = await store.open_projects(conn, ids)
    if name:
        projects = [p for p in projects if p["name"] == name]
    return projects


@router.get("/data/user/tasks")
async def user_tasks(request: Request, caller: CallerDep):
    async with request.app.state.db.read() as conn:
        return await store.person_tasks(conn, caller.user.id, await _projects(conn, caller), False)


@router.get("/data/user/done-tasks")
async def user_done_tasks(request: Request, caller: CallerDep):
    async with request.app.state.db.read() as conn:
        return await store.person_tasks(conn, caller.user.id, await _projects(conn, caller), True)


@router.get("/data/persons/{person_id}/tasks")
async def person_tasks(person_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(person_id)
    if not caller.is_admin and pid != caller.user.id and not caller.user.has_at_least("supervisor"):
        from libs.common.errors import Forbidden

        raise Forbidden()
    async with request.app.state.db.read() as conn:
        ids = await store.open_project_ids(conn, caller.user.id, caller.is_admin)
        return await store.person_tasks(conn, pid, ids, False)


@router.get("/data/persons/{person_id}/done-tasks")
async def person_done_tasks(person_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(person_id)
    if not caller.is_admin and pid != caller.user.id and not caller.user.has_at_least("supervisor"):
        from libs.common.errors import Forbidden

        raise Forbidden()
    async with request.app.state.db.read() as conn:
        ids = await store.open_project_ids(conn, caller.user.id, caller.is_admin)
        return await store.person_tasks(conn, pid, ids, True)


def _scoped(kind_column, value):
    return [kind_column == value]


@router.get("/data/user/{kind}/{entity_id}/tasks")
async def user_entity_tasks(kind: str, entity_id: str, request: Request, caller: CallerDep):
    eid = uuid_of(entity_id)
    conditions = {
        "assets": [t.task.c.entity_id == eid],
        "shots": [t.task.c.entity_id == eid],
        "scenes": [t.task.c.entity_id == eid],
        "sequences": [t.entity.c.parent_id == eid],
    }.get(kind)
    if conditions is None:
        raise NotFound()
    async with request.app.state.db.read() as conn:
        return await store.person_tasks(
            conn, caller.user.id, await _projects(conn, caller), False, conditions
        )


@router.get("/data/user/{kind}/{entity_id}/task-types")
async def user_entity_task_types(kind: str, entity_id: str, request: Request, caller: CallerDep):
    eid = uuid_of(entity_id)
    if kind not in ("assets", "shots", "scenes", "sequences"):
        raise NotFound()
    on_entity = t.task.c.entity_id == eid
    if kind == "sequences":
        on_entity = t.task.c.entity_id.in_(
            sa.select(t.entity.c.id).where(t.entity.c.parent_id == eid)
        )
    statement = (
        sa.select(t.task_type)
        .where(
            t.task_type.c.id.in_(
                sa.select(t.task.c.task_type_id)
                .join(t.task_person_link, t.task_person_link.c.task_id == t.task.c.id)
                .where(on_entity, t.task_person_link.c.person_id == caller.user.id)
            )
        )
        .order_by(t.task_type.c.name)
    )
    async with request.app.state.db.read() as conn:
        return [serialize.row(r, "TaskType") for r in (await conn.execute(statement)).mappings()]


def _user_entities(caller, type_name: str, *where):
    mine = (
        sa.select(t.task.c.entity_id)
        .join(t.task_person_link, t.task_person_link.c.task_id == t.task.c.id)
        .where(t.task_person_link.c.person_id == caller.user.id)
    )
    return mine


async def _entities(conn, statement, type_name: str) -> list:
    return [serialize.row(r, type_name) for r in (await conn.execute(statement)).mappings()]


def _mine():
    return sa.select(t.task.c.entity_id).join(
        t.task_person_link, t.task_person_link.c.task_id == t.task.c.id
    )


@router.get("/data/user/projects/{project_id}/asset-types")
async def user_asset_types(project_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(project_id)
    mine = _mine().where(t.task_person_link.c.person_id == caller.user.id)
    statement = (
        sa.select(t.entity_type)
        .where(
            t.entity_type.c.id.in_(
                sa.select(t.entity.c.entity_type_id).where(
                    t.entity.c.project_id == pid, t.entity.c.id.in_(mine)
                )
            ),
            t.entity_type.c.name.not_in(task_store.BASE_ENTITY_TYPES),
        )
        .order_by(t.entity_type.c.name)
    )
    async with request.app.state.db.read() as conn:
        return await _entities(conn, statement, "AssetType")


@router.get("/data/user/projects/{project_id}/asset-types/{asset_type_id}/assets")
async def user_assets(project_id: str, asset_type_id: str, request: Request, caller: CallerDep):
    pid, atid = uuid_of(project_id), uuid_of(asset_type_id)
    mine = _mine().where(t.task_person_link.c.person_id == caller.user.id)
    statement = (
        sa.select(t.entity)
        .where(
            t.entity.c.project_id == pid, t.entity.c.entity_type_id == atid, t.entity.c.id.in_(mine)
        )
        .order_by(t.entity.c.name)
    )
    async with request.app.state.db.read() as conn:
        return await _entities(conn, statement, "Asset")


async def _parents(request, caller, child_filter, type_name: str):
    mine = _mine().where(t.task_person_link.c.person_id == caller.user.id)
    child = t.entity.alias("child")
    statement = (
        sa.select(t.entity)
        .where(
            t.entity.c.id.in_(sa.select(child.c.parent_id).where(child.c.id.in_(mine))),
            *child_filter,
        )
        .order_by(t.entity.c.name)
    )
    async with request.app.state.db.read() as conn:
        return await _entities(conn, statement, type_name)


@router.get("/data/user/projects/{project_id}/sequences")
async def user_sequences(project_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(project_id)
    return await _parents(request, caller, [t.entity.c.project_id == pid], "Sequence")


@router.get("/data/user/projects/{project_id}/episodes")
async def user_episodes(project_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(project_id)
    mine = _mine().where(t.task_person_link.c.person_id == caller.user.id)
    shot = t.entity.alias("shot")
    seq = t.entity.alias("seq")
    statement = (
        sa.select(t.entity)
        .where(
            t.entity.c.project_id == pid,
            t.entity.c.id.in_(
                sa.select(seq.c.parent_id)
                .join(shot, shot.c.parent_id == seq.c.id)
                .where(shot.c.id.in_(mine))
            ),
        )
        .order_by(t.entity.c.name)
    )
    async with request.app.state.db.read() as conn:
        return await _entities(conn, statement, "Episode")


@router.get("/data/user/sequences/{sequence_id}/shots")
async def user_shots(sequence_id: str, request: Request, caller: CallerDep):
    sid = uuid_of(sequence_id)
    mine = _mine().where(t.task_person_link.c.person_id == caller.user.id)
    statement = (
        sa.select(t.entity)
        .where(t.entity.c.parent_id == sid, t.entity.c.id.in_(mine))
        .order_by(t.entity.c.name)
    )
    async with request.app.state.db.read() as conn:
        return await _entities(conn, statement, "Shot")


@router.get("/data/user/sequences/{sequence_id}/scenes")
async def user_scenes(sequence_id: str, request: Request, caller: CallerDep):
    sid = uuid_of(sequence_id)
    mine = _mine().where(t.task_person_link.c.person_id == caller.user.id)
    statement = (
        sa.select(t.entity)
        .join(t.entity_type, t.entity_type.c.id == t.entity.c.entity_type_id)
        .where(
            t.entity.c.parent_id == sid, t.entity.c.id.in_(mine), t.entity_type.c.name == "Scene"
        )
        .order_by(t.entity.c.name)
    )
    async with request.app.state.db.read() as conn:
        return await _entities(conn, statement, "Scene")


@router.get("/data/user/tasks-to-check")
async def tasks_to_check(request: Request, caller: CallerDep):
    if not caller.user.has_at_least("supervisor"):
        return []
    async with request.app.state.db.read() as conn:
        ids = await store.open_project_ids(conn, caller.user.id, caller.is_admin)
        rows = await task_store.list_where(
            conn,
            t.task.c.project_id.in_(ids),
            t.task.c.task_status_id.in_(
                sa.select(t.task_status.c.id).where(t.task_status.c.is_feedback_request.is_(True))
            ),
        )
    return rows


@router.get("/data/user/tasks-to-check/filter-values")
async def tasks_to_check_filters(request: Request, caller: CallerDep):
    rows = await tasks_to_check(request, caller)
    return {
        "projects": sorted({r["project_id"] for r in rows}),
        "task_types": sorted({r["task_type_id"] for r in rows}),
        "task_statuses": sorted({r["task_status_id"] for r in rows}),
    }


# --- Time ------------------------------------------------------------------------------------


@router.get("/data/user/time-spents")
async def user_time_spents(
    request: Request, caller: CallerDep, start_date: str | None = None, end_date: str | None = None
):
    if not start_date and not end_date:
        # Zou looks up the null date here, so the answer is always empty.
        return []
    if not start_date or not end_date:
        raise WrongParameter(
            "If querying for a range of dates, both a `start_date` and an `end_date` must be given."
        )
    start, end = date_of(start_date, "start_date"), date_of(end_date, "end_date")
    async with request.app.state.db.read() as conn:
        rows = await conn.execute(
            sa.select(t.time_spent)
            .where(
                t.time_spent.c.person_id == caller.user.id,
                t.time_spent.c.date >= start,
                t.time_spent.c.date <= end,
            )
            .order_by(t.time_spent.c.date)
        )
        return [time_spents.shape(r) for r in rows.mappings()]


@router.get("/data/user/time-spents/{date}")
async def user_time_spents_of_date(date: str, request: Request, caller: CallerDep):
    day = date_of(date)
    async with request.app.state.db.read() as conn:
        return await time_spents.for_person(conn, caller.user.id, day)


@router.get("/data/user/tasks/{task_id}/time-spents/{date}")
async def user_task_time_spent(task_id: str, date: str, request: Request, caller: CallerDep):
    tid = uuid_of(task_id)
    day = date_of(date)
    async with request.app.state.db.read() as conn:
        found = await time_spents.for_person(conn, caller.user.id, day, tid)
    return found[0] if found else None


@router.get("/data/user/day-offs/{date}")
async def user_day_off(date: str, request: Request, caller: CallerDep):
    day = date_of(date)
    async with request.app.state.db.read() as conn:
        return await time_spents.day_off_covering(conn, caller.user.id, day)


# --- Notifications ---------------------------------------------------------------------------


@router.get("/data/user/notifications")
async def user_notifications(request: Request, caller: CallerDep):
    q = request.query_params
    read = q.get("read")
    async with request.app.state.db.read() as conn:
        return await store.notifications(
            conn,
            caller.user.id,
            after=datetime_of(q.get("after"), "after"),
            before=datetime_of(q.get("before"), "before"),
            task_type_id=uuid_of(q["task_type_id"], "task_type_id")
            if q.get("task_type_id")
            else None,
            task_status_id=uuid_of(q["task_status_id"], "task_status_id")
            if q.get("task_status_id")
            else None,
            notification_type=q.get("type") or None,
            read=None if read in (None, "") else read.lower() == "true",
        )


@router.get("/data/user/notifications/{notification_id}")
async def user_notification(notification_id: str, request: Request, caller: CallerDep):
    nid = uuid_of(notification_id)
    async with request.app.state.db.read() as conn:
        found = await store.notifications(conn, caller.user.id, notification_id=nid)
    if not found:
        raise NotFound()
    return found[0]


@router.put("/data/user/notifications/{notification_id}")
async def update_notification(notification_id: str, request: Request, caller: CallerDep):
    nid = uuid_of(notification_id)
    body = await _json(request)
    if "read" not in body or not isinstance(body["read"], bool):
        raise validation_error("read", message="Input should be a valid boolean")
    app = request.app.state
    async with app.db.write() as conn:
        await store.set_read(conn, app.outbox, caller.user.id, nid, body["read"])
        row = (
            (await conn.execute(sa.select(t.notification).where(t.notification.c.id == nid)))
            .mappings()
            .one()
        )
    return serialize.row(row, "Notification")


@router.post("/actions/user/notifications/mark-all-as-read")
async def mark_all_read(request: Request, caller: CallerDep):
    app = request.app.state
    async with app.db.write() as conn:
        await store.mark_all_read(conn, app.outbox, caller.user.id)
    return {"success": True}


# --- Filters and filter groups ------------------------------------------------------------------

FILTER_FIELDS = {
    t.search_filter: (
        "list_type",
        "name",
        "search_query",
        "entity_type",
        "is_shared",
        "project_id",
        "department_id",
        "search_filter_group_id",
    ),
    t.search_filter_group: (
        "list_type",
        "name",
        "color",
        "entity_type",
        "is_shared",
        "project_id",
        "department_id",
    ),
}
UUID_FIELDS = {"project_id", "department_id", "search_filter_group_id"}


def _filter_values(table: sa.Table, body: dict, creating: bool) -> dict:
    required = ("list_type", "name") + (
        ("search_query",) if table is t.search_filter else ("color",)
    )
    if creating:
        missing = [k for k in required if body.get(k) in (None, "")]
        if missing:
            raise validation_error(*missing)
    values = {}
    for key in FILTER_FIELDS[table]:
        if key not in body:
            continue
        value = body[key]
        if key in UUID_FIELDS:
            value = uuid_of(value, key) if value else None
        elif key == "is_shared":
            value = bool(value)
        elif value is not None and not isinstance(value, str):
            raise validation_error(key, message="Input should be a valid string")
        values[key] = value
    return values


def _filter_routes(path: str, table: sa.Table, type_name: str) -> None:
    async def list_filters(request: Request, caller: CallerDep):
        async with request.app.state.db.read() as conn:
            return await store.filters(conn, caller.user.id, table, type_name)

    async def create_filter(request: Request, caller: CallerDep):
        values = _filter_values(table, await _json(request), creating=True)
        values["person_id"] = caller.user.id
        if values.get("project_id"):
            check_project(caller, values["project_id"])
        app = request.app.state
        async with app.db.write() as conn:
            out = await store.create_filter(
                conn, app.outbox, table, type_name, values, caller.user.id
            )
        return Response(json.dumps(out), status_code=201, media_type="application/json")

    async def get_filter(item_id: str, request: Request, caller: CallerDep):
        async with request.app.state.db.read() as conn:
            row = await store.own_row(conn, table, uuid_of(item_id), caller.user.id)
        return serialize.row(row, type_name)

    async def update_filter(item_id: str, request: Request, caller: CallerDep):
        rid = uuid_of(item_id)
        values = _filter_values(table, await _json(request), creating=False)
        app = request.app.state
        async with app.db.write() as conn:
            await store.own_row(conn, table, rid, caller.user.id)
            return await store.update_row(
                conn, app.outbox, table, type_name, rid, values, caller.user.id
            )

    async def delete_filter(item_id: str, request: Request, caller: CallerDep):
        app = request.app.state
        async with app.db.write() as conn:
            row = await store.own_row(conn, table, uuid_of(item_id), caller.user.id)
            await store.delete_row(conn, app.outbox, table, row, caller.user.id)
        return Response(status_code=204)

    base = f"/data/user/{path}"
    router.add_api_route(base, list_filters, methods=["GET"], name=f"list_{path}")
    router.add_api_route(base, create_filter, methods=["POST"], name=f"create_{path}")
    item = base + "/{item_id}"
    if table is t.search_filter_group:
        router.add_api_route(item, get_filter, methods=["GET"], name=f"get_{path}")
    router.add_api_route(item, update_filter, methods=["PUT"], name=f"update_{path}")
    router.add_api_route(item, delete_filter, methods=["DELETE"], name=f"delete_{path}")


_filter_routes("filters", t.search_filter, "SearchFilter")
_filter_routes("filter-groups", t.search_filter_group, "SearchFilterGroup")


# --- Subscriptions -------------------------------------------------------------------------


@router.post("/actions/user/tasks/{task_id}/subscribe", status_code=201)
async def subscribe_task(task_id: str, request: Request, caller: CallerDep):
    tid = uuid_of(task_id)
    app = request.app.state
    async with app.db.write() as conn:
        found = await task_store.get(conn, tid)
        check_project(caller, found["project_id"])
        subs = await store.subscribe_tasks(conn, app.outbox, caller.user.id, [tid])
    return subs[0]


@router.delete("/actions/user/tasks/{task_id}/unsubscribe")
async def unsubscribe_task(task_id: str, request: Request, caller: CallerDep):
    tid = uuid_of(task_id)
    app = request.app.state
    async with app.db.write() as conn:
        await store.unsubscribe_tasks(conn, app.outbox, caller.user.id, [tid])
    return Response(status_code=204)


@router.post("/actions/user/tasks/subscribe", status_code=201)
async def subscribe_tasks(request: Request, caller: CallerDep):
    body = await _json(request)
    if "task_ids" not in body:
        raise validation_error("task_ids")
    ids = uuids_of(body["task_ids"], "task_ids")
    app = request.app.state
    async with app.db.write() as conn:
        rows = await task_store.get_many(conn, ids)
        allowed = [r["id"] for r in rows if caller.is_admin or r["project_id"] in caller.projects]
        return await store.subscribe_tasks(conn, app.outbox, caller.user.id, allowed)


@router.post("/actions/user/tasks/unsubscribe")
async def unsubscribe_tasks(request: Request, caller: CallerDep):
    body = await _json(request)
    if "task_ids" not in body:
        raise validation_error("task_ids")
    ids = uuids_of(body["task_ids"], "task_ids")
    app = request.app.state
    async with app.db.write() as conn:
        await store.unsubscribe_tasks(conn, app.outbox, caller.user.id, ids)
    return Response(status_code=204)


@router.get("/data/user/tasks/{task_id}/subscribed")
async def task_subscribed(task_id: str, request: Request, caller: CallerDep):
    tid = uuid_of(task_id)
    async with request.app.state.db.read() as conn:
        return await store.is_subscribed(conn, caller.user.id, tid)


@router.post(
    "/actions/user/sequences/{sequence_id}/task-types/{task_type_id}/subscribe", status_code=201
)
async def subscribe_sequence(
    sequence_id: str, task_type_id: str, request: Request, caller: CallerDep
):
    sid, ttid = uuid_of(sequence_id), uuid_of(task_type_id)
    app = request.app.state
    async with app.db.write() as conn:
        project_id = (
            await conn.execute(sa.select(t.entity.c.project_id).where(t.entity.c.id == sid))
        ).scalar()
        if project_id is None:
            raise NotFound()
        check_project(caller, project_id)
        return await store.subscribe_sequence(conn, app.outbox, caller.user.id, sid, ttid)


@router.delete("/actions/user/sequences/{sequence_id}/task-types/{task_type_id}/unsubscribe")
async def unsubscribe_sequence(
    sequence_id: str, task_type_id: str, request: Request, caller: CallerDep
):
    sid, ttid = uuid_of(sequence_id), uuid_of(task_type_id)
    app = request.app.state
    async with app.db.write() as conn:
        await store.unsubscribe_sequence(conn, app.outbox, caller.user.id, sid, ttid)
    return Response(status_code=204)


@router.get("/data/user/sequences/{sequence_id}/task-types/{task_type_id}/subscribed")
@router.get("/data/user/entities/{sequence_id}/task-types/{task_type_id}/subscribed")
async def sequence_subscribed(
    sequence_id: str, task_type_id: str, request: Request, caller: CallerDep
):
    sid, ttid = uuid_of(sequence_id), uuid_of(task_type_id)
    async with request.app.state.db.read() as conn:
        found = await store.sequence_subscriptions(conn, caller.user.id, sid, ttid)
    return str(sid) in found


# --- Desktop login logs --------------------------------------------------------------------


@router.get("/data/user/desktop-login-logs")
async def desktop_logs(request: Request, caller: CallerDep):
    async with request.app.state.db.read() as conn:
        return await store.desktop_logs(conn, caller.user.id)


@router.post("/data/user/desktop-login-logs", status_code=201)
async def add_desktop_log(request: Request, caller: CallerDep):
    body = await _json(request)
    date = datetime_of(body.get("date"), "date")
    async with request.app.state.db.write() as conn:
        return await store.add_desktop_log(conn, caller.user.id, date)
