"""Metadata descriptors (part of Zou's `projects` blueprint): a production's custom
columns, and the same column managed across every open production at once."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from libs.common.errors import Forbidden, NotFound, WrongParameter
from services.data.routes.production_access import ViewerDep, json_body, text, uid
from services.data.store import metadata as store
from services.data.store import projects as projects_store

router = APIRouter(tags=["projects"])
md = store.md
ENTITY_TYPES = ("Asset", "Shot", "Edit", "Episode", "Sequence", "Project", "Task")
ALL_PROJECTS_TYPES = ENTITY_TYPES[:-1]
WRONG_TYPE = (
    "Wrong entity type. Please select Asset, Shot, Sequence, Episode, Edit, Project, or Task."
)
WRONG_TYPE_ALL = (
    "Wrong entity type. Please select Asset, Shot, Sequence, Episode, Edit, or Project."
)


def db(request: Request):
    return request.app.state.db


def _strings(body: dict, key: str) -> list[str]:
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise WrongParameter(f"{key} must be a list of strings.")
    return value


def _departments(body: dict) -> list:
    try:
        return [uid(d) for d in _strings(body, "departments")]
    except WrongParameter:
        raise WrongParameter("departments must only contain department ids.") from None


def _flag(body: dict, key: str) -> bool:
    value = body.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise WrongParameter(f"{key} must be a boolean.")
    return value


def _data_type(body: dict) -> str:
    data_type = body.get("data_type", "string")
    if data_type not in store.DATA_TYPES:
        raise WrongParameter("Invalid data_type")
    return data_type


def _descriptor_values(body: dict, types=ENTITY_TYPES, wrong=WRONG_TYPE) -> dict:
    entity_type = body.get("entity_type", "Asset")
    if entity_type not in types:
        raise WrongParameter(wrong)
    return {
        "entity_type": entity_type,
        "name": text(body, "name", required=True, max_length=120),
        "data_type": _data_type(body),
        "for_client": _flag(body, "for_client"),
        "choices": _strings(body, "choices"),
    }


async def _project(request, raw_id):
    pid = uid(raw_id)
    async with db(request).read() as conn:
        if not await projects_store.exists(conn, pid):
            raise NotFound()
    return pid


def _narrowing(viewer, project_id) -> list:
    """Clients see the descriptors shared with clients, vendors those of their departments."""
    if viewer.is_client(project_id):
        return [store.for_clients()]
    if viewer.is_vendor(project_id):
        return [store.for_departments(list(viewer.departments))]
    return []


@router.get("/data/projects/{project_id}/metadata-descriptors")
async def project_descriptors(request: Request, project_id: str, viewer: ViewerDep):
    pid = await _project(request, project_id)
    viewer.check_project(pid)
    async with db(request).read() as conn:
        return await store.listing(conn, md.c.project_id == pid, *_narrowing(viewer, pid))


@router.post("/data/projects/{project_id}/metadata-descriptors")
async def add_descriptor(request: Request, project_id: str, viewer: ViewerDep):
    body = await json_body(request)
    values = _descriptor_values(body)
    departments = _departments(body)
    pid = await _project(request, project_id)
    viewer.check_departments(pid, departments)
    task_type_id = body.get("task_type_id")
    async with db(request).write() as conn:
        if values["entity_type"] == "Task":
            if task_type_id is None:
                raise WrongParameter("Task metadata descriptors require a task_type_id.")
            try:
                values["task_type_id"] = uid(str(task_type_id))
            except WrongParameter:
                raise WrongParameter("Task type not found.") from None
            if not await store.task_type_exists(conn, values["task_type_id"]):
                raise WrongParameter("Task type not found.")
        elif task_type_id is not None:
            raise WrongParameter("task_type_id only applies to Task metadata descriptors.")
        row = await store.add(conn, request.app.state.outbox, pid, values, departments, viewer.id)
    return JSONResponse(store.shape(row), status_code=201)


async def _descriptor(conn, project_id: str, descriptor_id: str) -> dict:
    pid, did = uid(project_id), uid(descriptor_id)
    row = await store.get(conn, did)
    if row["project_id"] != pid:
        raise NotFound()
    return row


@router.get("/data/projects/{project_id}/metadata-descriptors/{descriptor_id}")
async def get_descriptor(request: Request, project_id: str, descriptor_id: str, viewer: ViewerDep):
    async with db(request).read() as conn:
        row = await _descriptor(conn, project_id, descriptor_id)
        viewer.check_project(row["project_id"])
        visible = await store.listing(
            conn, md.c.id == row["id"], *_narrowing(viewer, row["project_id"])
        )
    if not visible:
        raise Forbidden()
    return visible[0]


@router.put("/data/projects/{project_id}/metadata-descriptors/{descriptor_id}")
async def update_descriptor(
    request: Request, project_id: str, descriptor_id: str, viewer: ViewerDep
):
    body = await json_body(request)
    name = text(body, "name", max_length=120)
    if name is not None and name == "":
        raise WrongParameter("Name cannot be empty.")
    values = {
        "for_client": _flag(body, "for_client"),
        "data_type": _data_type(body),
        "choices": _strings(body, "choices"),
    }
    if name:
        values["name"] = name
    departments = _departments(body)
    async with db(request).write() as conn:
        row = await _descriptor(conn, project_id, descriptor_id)
        viewer.check_departments(row["project_id"], list(row["departments"] or []) + departments)
        updated = await store.update(
            conn, request.app.state.outbox, row, values, departments, viewer.id
        )
    return store.shape(updated)


@router.delete("/data/projects/{project_id}/metadata-descriptors/{descriptor_id}")
async def remove_descriptor(
    request: Request, project_id: str, descriptor_id: str, viewer: ViewerDep
):
    async with db(request).write() as conn:
        row = await _descriptor(conn, project_id, descriptor_id)
        viewer.check_departments(row["project_id"], list(row["departments"] or []))
        await store.remove(conn, request.app.state.outbox, row, viewer.id)
    return Response(status_code=204)


def _id_strings(body: dict, key: str) -> list[str]:
    raw = body.get(key)
    if not isinstance(raw, list) or not raw or not all(isinstance(v, str) for v in raw):
        raise WrongParameter(f"{key} must be a non-empty list.")
    return raw


@router.post("/data/projects/{project_id}/metadata-descriptors/reorder")
async def reorder_descriptors(request: Request, project_id: str, viewer: ViewerDep):
    body = await json_body(request)
    entity_type = text(body, "entity_type", required=True)
    ordered = _id_strings(body, "descriptor_ids")
    pid = await _project(request, project_id)
    viewer.check_manager(pid)
    if entity_type not in ENTITY_TYPES:
        raise WrongParameter(WRONG_TYPE)
    async with db(request).write() as conn:
        return await store.reorder(
            conn, request.app.state.outbox, pid, entity_type, ordered, viewer.id
        )


# --- Every open production the caller manages ----------------------------------------


async def _managed_open_projects(conn, viewer) -> list:
    ids = await projects_store.open_ids(conn)
    if viewer.is_admin:
        return ids
    return [i for i in ids if viewer.member(i) and viewer.role_in(i) == "manager"]


@router.post("/data/metadata-descriptors/all-projects")
async def add_descriptor_everywhere(request: Request, viewer: ViewerDep):
    viewer.check_global_manager()
    body = await json_body(request)
    values = _descriptor_values(body, ALL_PROJECTS_TYPES, WRONG_TYPE_ALL)
    departments = _departments(body)
    created = []
    async with db(request).write() as conn:
        for pid in await _managed_open_projects(conn, viewer):
            if await store.by_field(
                conn, [pid], values["entity_type"], store.field_name(values["name"])
            ):
                continue
            row = await store.add(
                conn, request.app.state.outbox, pid, values, departments, viewer.id
            )
            created.append(store.shape(row))
    return JSONResponse(created, status_code=201)


def _entity_type_param(raw) -> str:
    if raw not in ALL_PROJECTS_TYPES:
        raise WrongParameter(WRONG_TYPE_ALL)
    return raw


@router.put("/data/metadata-descriptors/all-projects/{field_name}")
async def update_descriptor_everywhere(request: Request, field_name: str, viewer: ViewerDep):
    viewer.check_global_manager()
    body = await json_body(request)
    entity_type = _entity_type_param(text(body, "entity_type", required=True))
    values = {
        "for_client": _flag(body, "for_client"),
        "data_type": _data_type(body),
        "choices": _strings(body, "choices"),
    }
    name = text(body, "name", max_length=120)
    if name:
        values["name"] = name
    departments = _departments(body)
    out = []
    async with db(request).write() as conn:
        projects = await _managed_open_projects(conn, viewer)
        for row in await store.by_field(conn, projects, entity_type, field_name):
            updated = await store.update(
                conn, request.app.state.outbox, row, values, departments, viewer.id
            )
            out.append(store.shape(updated))
    return out


@router.delete("/data/metadata-descriptors/all-projects/{field_name}")
async def remove_descriptor_everywhere(request: Request, field_name: str, viewer: ViewerDep):
    viewer.check_global_manager()
    entity_type = _entity_type_param(request.query_params.get("entity_type"))
    removed = []
    async with db(request).write() as conn:
        projects = await _managed_open_projects(conn, viewer)
        for row in await store.by_field(conn, projects, entity_type, field_name):
            await store.remove(conn, request.app.state.outbox, row, viewer.id)
            removed.append(str(row["id"]))
    return removed


@router.post("/actions/metadata-descriptors/all-projects/reorder")
async def reorder_descriptors_everywhere(request: Request, viewer: ViewerDep):
    viewer.check_global_manager()
    body = await json_body(request)
    entity_type = _entity_type_param(text(body, "entity_type", required=True))
    order = _id_strings(body, "field_order")
    out = []
    async with db(request).write() as conn:
        for pid in await _managed_open_projects(conn, viewer):
            by_name = {
                r["field_name"]: r["id"]
                for r in await store.listing(
                    conn, md.c.project_id == pid, md.c.entity_type == entity_type
                )
            }
            ordered = [by_name[name] for name in order if name in by_name]
            if ordered:
                out += await store.reorder(
                    conn, request.app.state.outbox, pid, entity_type, ordered, viewer.id
                )
    return out
