"""Productions (Zou's `projects` blueprint): lists, team, settings, schedule, budgets."""

import datetime as dt
import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from libs.common.errors import NotFound, WrongParameter
from libs.common.responses import PlainJSON
from services.data import serialize
from services.data import tables as t
from services.data.routes.production_access import ViewerDep, body_id, json_body, text, uid
from services.data.store import projects as store

router = APIRouter(tags=["projects"])
p = store.p
HIDDEN_PERSON = frozenset(
    {"password", "oidc_issuer", "oidc_subject", "saml_issuer", "saml_subject", "jti"}
)
PERSON_MINIMAL = (
    "id first_name last_name full_name has_avatar active departments studio_id role "
    "desktop_login is_bot"
).split()
PERSON_CLIENT = "id first_name last_name full_name has_avatar active role is_bot".split()


def db(request: Request):
    return request.app.state.db


async def _project(request, project_id: str) -> dict:
    pid = uid(project_id)
    async with db(request).read() as conn:
        row = await store.get(conn, pid)
    if row is None:
        raise NotFound()
    return row


@router.get("/data/projects/open")
async def open_projects(request: Request, viewer: ViewerDep):
    conditions = [store.open_condition()]
    name = request.query_params.get("name")
    if name:
        conditions.append(p.c.name == name)
    if not viewer.is_admin:
        conditions.append(p.c.id.in_(viewer.visible_projects()))
    async with db(request).read() as conn:
        rows = await store.rows(conn, *conditions)
        return await store.with_extra_data(conn, rows, for_client=viewer.user.role == "client")


@router.get("/data/projects/all")
async def all_projects(request: Request, viewer: ViewerDep):
    conditions = []
    name = request.query_params.get("name")
    if name:
        conditions.append(p.c.name == name)
    if not viewer.is_admin:
        conditions.append(p.c.id.in_(viewer.visible_projects()))
    async with db(request).read() as conn:
        # Zou lists every project without its link lists (those come with /open).
        rows = await store.rows(conn, *conditions, with_status_name=True, relations=False)
        described = await store.descriptors(conn, [r["id"] for r in rows], only_project_type=True)
    out = []
    for row in rows:
        item = store.shape(row)
        item["descriptors"] = described.get(row["id"], [])
        out.append(item)
    return out


# --- Team ---------------------------------------------------------------------------


def _member(row: dict, viewer, project_id) -> dict:
    item = serialize.person(
        {k: v for k, v in row.items() if k not in HIDDEN_PERSON and k not in ("departments",)},
        row.get("departments") or [],
    )
    item.pop("project_role", None)
    if viewer.is_manager(project_id):
        pass
    elif viewer.is_client(project_id):
        item = {k: item[k] for k in PERSON_CLIENT if k in item}
        item["type"] = "Person"
    else:
        item = {k: item[k] for k in PERSON_MINIMAL if k in item}
        item["type"] = "Person"
    item["project_role"] = row.get("project_role")
    return item


@router.get("/data/projects/{project_id}/team")
async def get_team(request: Request, project_id: str, viewer: ViewerDep):
    async def build() -> bytes:
        project = await _project(request, project_id)
        viewer.check_project(project["id"])
        async with db(request).read() as conn:
            rows = await store.team(conn, project["id"])
        return PlainJSON([_member(row, viewer, project["id"]) for row in rows]).body

    # Kept until the next write: every page of a production shows its team.
    return await request.app.state.answers.respond(request, viewer.id, build)


ROLES = ("user", "admin", "supervisor", "manager", "client", "vendor")


async def _add_member(request, viewer, project_id, person_id, role):
    project = await _project(request, project_id)
    viewer.check_manager(project["id"])
    if role is not None and role not in ROLES:
        raise WrongParameter("role is not a valid role.")
    async with db(request).write() as conn:
        if not await store.existing_ids(conn, t.person, [person_id]):
            raise NotFound()
        await store.add_member(
            conn, request.app.state.outbox, project["id"], person_id, role, viewer.id
        )
        rows = await store.rows(conn, p.c.id == project["id"])
    return JSONResponse(store.shape(rows[0]), status_code=201)


@router.post("/data/projects/{project_id}/team")
async def add_team_member(request: Request, project_id: str, viewer: ViewerDep):
    body = await json_body(request)
    person_id = body_id(body, "person_id", required=True)
    return await _add_member(request, viewer, project_id, person_id, text(body, "role"))


@router.put("/data/projects/{project_id}/team/{person_id}")
async def put_team_member(request: Request, project_id: str, person_id: str, viewer: ViewerDep):
    body = await json_body(request)
    response = await _add_member(request, viewer, project_id, uid(person_id), text(body, "role"))
    response.status_code = 200
    return response


@router.delete("/data/projects/{project_id}/team/{person_id}")
async def remove_team_member(request: Request, project_id: str, person_id: str, viewer: ViewerDep):
    project = await _project(request, project_id)
    viewer.check_manager(project["id"])
    async with db(request).write() as conn:
        await store.remove_member(
            conn, request.app.state.outbox, project["id"], uid(person_id), viewer.id
        )
    return Response(status_code=204)


# --- Settings -----------------------------------------------------------------------

SETTINGS = {
    # path segment: (relation, body key, table, type)
    "asset-types": ("asset_types", "asset_type_id", t.entity_type, "AssetType"),
    "task-types": ("task_types", "task_type_id", t.task_type, "TaskType"),
    "task-status": ("task_statuses", "task_status_id", t.task_status, "TaskStatus"),
    "status-automations": (
        "status_automations",
        "status_automation_id",
        t.status_automation,
        "StatusAutomation",
    ),
    "preview-background-files": (
        "preview_background_files",
        "preview_background_file_id",
        t.preview_background_file,
        "PreviewBackgroundFile",
    ),
}


def _setting_routes(segment: str, relation: str, key: str, table, type_name: str):
    base = f"/data/projects/{{project_id}}/settings/{segment}"

    async def add(request: Request, project_id: str, viewer: ViewerDep):
        project = await _project(request, project_id)
        body = await json_body(request)
        other = body_id(body, key, required=True)
        viewer.check_manager(project["id"])
        async with db(request).write() as conn:
            if not await store.existing_ids(conn, table, [other]):
                raise WrongParameter(f"{key} does not exist.")
            extra = {}
            if relation == "task_types" and body.get("priority") is not None:
                extra["priority"] = body["priority"]
            await store.add_link(conn, relation, project["id"], other, **extra)
            await store.touch(conn, request.app.state.outbox, project["id"], viewer.id)
            rows = await store.rows(conn, p.c.id == project["id"])
        return JSONResponse(store.shape(rows[0]), status_code=201)

    async def remove(request: Request, project_id: str, other_id: str, viewer: ViewerDep):
        project = await _project(request, project_id)
        viewer.check_manager(project["id"])
        async with db(request).write() as conn:
            await store.remove_link(conn, relation, project["id"], uid(other_id))
            await store.touch(conn, request.app.state.outbox, project["id"], viewer.id)
        return Response(status_code=204)

    async def listing(request: Request, project_id: str, viewer: ViewerDep):
        project = await _project(request, project_id)
        viewer.check_project(project["id"])
        async with db(request).read() as conn:
            return await store.linked(conn, relation, project["id"], table, type_name)

    name = segment.replace("-", "_")
    add.__name__, remove.__name__, listing.__name__ = f"add_{name}", f"remove_{name}", f"{name}"
    router.add_api_route(base, add, methods=["POST"])
    router.add_api_route(base + "/{other_id}", remove, methods=["DELETE"])
    if segment in ("task-status", "status-automations", "preview-background-files"):
        router.add_api_route(base, listing, methods=["GET"])


for _segment, _spec in SETTINGS.items():
    _setting_routes(_segment, *_spec)


@router.get("/data/projects/{project_id}/task-types")
async def project_task_types(request: Request, project_id: str, viewer: ViewerDep):
    project = await _project(request, project_id)
    viewer.check_project(project["id"])
    async with db(request).read() as conn:
        return await store.linked(conn, "task_types", project["id"], t.task_type, "TaskType")


@router.get("/data/projects/{project_id}/asset-types")
async def project_asset_types(request: Request, project_id: str, viewer: ViewerDep):
    project = await _project(request, project_id)
    viewer.check_project(project["id"])
    async with db(request).read() as conn:
        return await store.linked(conn, "asset_types", project["id"], t.entity_type, "AssetType")


def _id_list(body: dict, key: str) -> list[uuid.UUID]:
    value = body.get(key) or []
    if not isinstance(value, list):
        raise WrongParameter(f"{key} must be a list of ids.")
    try:
        return [uuid.UUID(str(v)) for v in value]
    except ValueError:
        raise WrongParameter(f"{key} must be a list of ids.") from None


@router.post("/data/projects/{project_id}/settings/batch")
async def settings_batch(request: Request, project_id: str, viewer: ViewerDep):
    project = await _project(request, project_id)
    body = await json_body(request)
    entries = body.get("task_types") or []
    if not isinstance(entries, list):
        raise WrongParameter("task_types must be a list.")
    task_types = []
    for entry in entries:
        if isinstance(entry, str):
            entry = {"task_type_id": entry}
        if not isinstance(entry, dict):
            raise WrongParameter("task_types entries must be objects with a task_type_id.")
        priority = entry.get("priority")
        if priority is not None and (isinstance(priority, bool) or not isinstance(priority, int)):
            raise WrongParameter("priority must be an integer.")
        task_types.append((body_id(entry, "task_type_id", required=True), priority))
    statuses = _id_list(body, "task_status_ids")
    asset_types = _id_list(body, "asset_type_ids")
    replace = bool(body.get("replace_task_types"))
    viewer.check_manager(project["id"])
    async with db(request).write() as conn:
        for ids, table, key in (
            ([i for i, _ in task_types], t.task_type, "task_types"),
            (statuses, t.task_status, "task_status_ids"),
            (asset_types, t.entity_type, "asset_type_ids"),
        ):
            missing = set(ids) - await store.existing_ids(conn, table, ids)
            if missing:
                raise WrongParameter(f"{key} names unknown ids: {sorted(map(str, missing))}")
        if replace:
            await store.clear_links(conn, "task_types", project["id"])
        for task_type_id, priority in task_types:
            await store.add_link(conn, "task_types", project["id"], task_type_id, priority=priority)
        for status_id in statuses:
            await store.add_link(conn, "task_statuses", project["id"], status_id)
        for asset_type_id in asset_types:
            await store.add_link(conn, "asset_types", project["id"], asset_type_id)
        await store.touch(conn, request.app.state.outbox, project["id"], viewer.id)
        rows = await store.rows(conn, p.c.id == project["id"])
        return (await store.with_extra_data(conn, rows))[0]


# --- Schedule -----------------------------------------------------------------------


@router.get("/data/projects/{project_id}/milestones")
async def milestones(request: Request, project_id: str, viewer: ViewerDep):
    project = await _project(request, project_id)
    viewer.check_project(project["id"])
    viewer.block_client(project["id"])
    m = t.milestone
    async with db(request).read() as conn:
        return await store.rows_of(
            conn, m, "Milestone", m.c.project_id == project["id"], order=[m.c.date]
        )


@router.get("/data/projects/{project_id}/schedule-items")
@router.get("/data/projects/{project_id}/schedule-items/")  # Kitsu asks with the slash
async def schedule_items(request: Request, project_id: str, viewer: ViewerDep):
    project = await _project(request, project_id)
    viewer.check_project(project["id"])
    viewer.block_client(project["id"])
    viewer.block_vendor(project["id"])
    async with db(request).read() as conn:
        return await store.schedule_items(conn, project["id"])


@router.get("/data/projects/{project_id}/schedule-items/task-types")
async def schedule_task_types(request: Request, project_id: str, viewer: ViewerDep):
    project = await _project(request, project_id)
    viewer.check_project(project["id"])
    viewer.block_vendor(project["id"])
    async with db(request).write() as conn:
        return await store.task_type_schedule_items(
            conn, request.app.state.outbox, project["id"], viewer.id
        )


@router.get("/data/projects/{project_id}/budgets")
async def budgets(request: Request, project_id: str, viewer: ViewerDep):
    project = await _project(request, project_id)
    viewer.check_manager(project["id"])
    b = t.budget
    async with db(request).read() as conn:
        return await store.rows_of(
            conn, b, "Budget", b.c.project_id == project["id"], order=[b.c.revision.desc()]
        )


@router.put("/data/projects/{project_id}/budgets/{budget_id}")
async def update_budget(request: Request, project_id: str, budget_id: str, viewer: ViewerDep):
    project = await _project(request, project_id)
    bid = uid(budget_id)
    body = await json_body(request)
    values = {}
    if body.get("name") is not None:
        values["name"] = text(body, "name", max_length=255)
    if body.get("currency") is not None:
        values["currency"] = text(body, "currency", max_length=3)
    viewer.check_manager(project["id"])
    async with db(request).write() as conn:
        budget = await store.update_budget(
            conn, request.app.state.outbox, project["id"], bid, values, viewer.id
        )
    if budget is None:
        raise NotFound()
    return budget


@router.put("/data/projects/{project_id}/settings/task-status/{task_status_id}")
async def set_status_client_allowed(
    request: Request, project_id: str, task_status_id: str, viewer: ViewerDep
):
    body = await json_body(request)
    if "is_client_allowed" not in body:
        raise WrongParameter("is_client_allowed is required (null reverts to the studio value).")
    value = body["is_client_allowed"]
    if value is not None and not isinstance(value, bool):
        raise WrongParameter("is_client_allowed must be a boolean or null.")
    project = await _project(request, project_id)
    viewer.check_manager(project["id"])
    async with db(request).write() as conn:
        link = await store.set_status_client_allowed(
            conn, request.app.state.outbox, project["id"], uid(task_status_id), value, viewer.id
        )
    if link is None:
        raise NotFound("Task status", task_status_id)
    return link


# --- Softwares of the production's task types -----------------------------------------


@router.get("/data/projects/{project_id}/task-type-softwares")
async def task_type_softwares(request: Request, project_id: str, viewer: ViewerDep):
    project = await _project(request, project_id)
    viewer.check_project(project["id"])
    async with db(request).read() as conn:
        return await store.task_type_softwares(conn, project["id"])


def _software_ids(task_type_id: str, software_id) -> tuple:
    try:
        return uid(task_type_id), uid(software_id)
    except WrongParameter:
        raise WrongParameter("task_type_id and software_id must be valid UUIDs.") from None


async def _check_task_type_lead(conn, viewer, project_id, task_type_id) -> None:
    department = await store.task_type_department(conn, task_type_id)
    viewer.check_department_lead(project_id, department)


@router.post("/data/projects/{project_id}/task-types/{task_type_id}/softwares")
async def add_task_type_software(
    request: Request, project_id: str, task_type_id: str, viewer: ViewerDep
):
    body = await json_body(request)
    raw = text(body, "software_id", required=True)
    type_id, software_id = _software_ids(task_type_id, raw)
    project = await _project(request, project_id)
    async with db(request).write() as conn:
        await _check_task_type_lead(conn, viewer, project["id"], type_id)
        if not await store.has_task_type(conn, project["id"], type_id):
            raise WrongParameter("The task type is not a task type of the project.")
        software = await store.software(conn, software_id)
        if software is None:
            raise NotFound("Software", software_id)
        if software["archived"]:
            raise WrongParameter("The software is archived.")
        link = await store.set_task_type_software(
            conn, request.app.state.outbox, project["id"], type_id, software_id, viewer.id, True
        )
    return JSONResponse(link, status_code=201)


@router.delete("/data/projects/{project_id}/task-types/{task_type_id}/softwares/{software_id}")
async def remove_task_type_software(
    request: Request, project_id: str, task_type_id: str, software_id: str, viewer: ViewerDep
):
    type_id, sid = _software_ids(task_type_id, software_id)
    project = await _project(request, project_id)
    async with db(request).write() as conn:
        await _check_task_type_lead(conn, viewer, project["id"], type_id)
        await store.set_task_type_software(
            conn, request.app.state.outbox, project["id"], type_id, sid, viewer.id, False
        )
    return Response(status_code=204)


# --- Time and days off -----------------------------------------------------------------


def _bounds(request) -> tuple:
    start, end = request.query_params.get("start_date"), request.query_params.get("end_date")
    try:
        return (
            dt.date.fromisoformat(start[:10]) if start else None,
            dt.date.fromisoformat(end[:10]) if end else None,
        )
    except ValueError:
        raise WrongParameter(f"Wrong date format for {start} and/or {end}") from None


@router.get("/data/projects/{project_id}/time-spents")
async def project_time_spents(request: Request, project_id: str, viewer: ViewerDep):
    project = await _project(request, project_id)
    viewer.check_project(project["id"])
    viewer.block_client(project["id"])
    async with db(request).read() as conn:
        return await store.time_spents(conn, project["id"])


@router.get("/data/projects/{project_id}/task-types/{task_type_id}/time-spents")
async def task_type_time_spents(
    request: Request, project_id: str, task_type_id: str, viewer: ViewerDep
):
    project = await _project(request, project_id)
    viewer.check_manager(project["id"])
    type_id = uid(task_type_id)
    start, end = _bounds(request)
    async with db(request).read() as conn:
        rows = await store.time_spents(conn, project["id"], type_id, start, end)
    out: dict = {}
    for row in rows:
        out.setdefault(row["person_id"], []).append(row)
    return out


@router.get("/data/projects/{project_id}/day-offs")
async def project_day_offs(request: Request, project_id: str, viewer: ViewerDep):
    project = await _project(request, project_id)
    viewer.check_project(project["id"])
    viewer.block_client(project["id"])
    viewer.block_vendor(project["id"])
    start, end = _bounds(request)
    full = viewer.is_admin or viewer.user.role == "manager"
    async with db(request).read() as conn:
        rows = await store.team_day_offs(conn, project["id"], start, end)
    out: dict = {}
    for row in rows:
        if not (full or row["person_id"] == str(viewer.id)):
            row = {k: v for k, v in row.items() if k != "description"}
        out.setdefault(row["person_id"], []).append(row)
    return out
