"""Project templates (Zou's `project_templates` blueprint): the settings a template
links to, its descriptors and default background, snapshots of a project and applying
a template to one. Managers read them; only admins change them."""

import json

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from libs.common.errors import NotFound, WrongParameter
from services.data.routes.production_access import ViewerDep, json_body, text, uid
from services.data.store import projects as projects_store
from services.data.store import templates as store

router = APIRouter(tags=["project_templates"])
BASE = "/data/project-templates/{project_template_id}"


def db(request: Request):
    return request.app.state.db


def _template_id(raw: str):
    try:
        return uid(raw)
    except WrongParameter:
        # Zou looks a malformed id up like any other and finds nothing.
        raise NotFound(store.NOT_FOUND) from None


def _required_id(body: dict, key: str):
    raw = body.get(key)
    if raw in (None, ""):
        raise WrongParameter(f"{key} is required and must be a valid UUID")
    try:
        return uid(str(raw))
    except WrongParameter:
        raise WrongParameter(f"{key} is required and must be a valid UUID") from None


def _optional_int(body: dict, key: str, minimum: int | None = None):
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise WrongParameter(f"{key} must be an integer.")
    if minimum is not None and value < minimum:
        raise WrongParameter(f"{key} must be at least {minimum}.")
    return value


def _optional_bool(body: dict, key: str):
    value = body.get(key)
    if value is not None and not isinstance(value, bool):
        raise WrongParameter(f"{key} must be a boolean.")
    return value


def _link_values(kind: str, body: dict) -> dict:
    """The link's own columns the body sets (only those it names)."""
    values = {}
    if kind == "task-types":
        priority = _optional_int(body, "priority")
        if priority is not None:
            values["priority"] = priority
        for key in ("hd_bitrate_compression", "ld_bitrate_compression"):
            if key in body:
                values[key] = _optional_int(body, key, minimum=1)
        if body.get("is_client_visible") is not None:
            values["is_client_visible"] = _optional_bool(body, "is_client_visible")
    elif kind == "task-statuses":
        priority = _optional_int(body, "priority")
        if priority is not None:
            values["priority"] = priority
        roles = body.get("roles_for_board")
        if roles is not None:
            if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
                raise WrongParameter("roles_for_board must be a list of roles.")
            if roles:
                values["roles_for_board"] = roles
        if "is_client_allowed" in body:
            values["is_client_allowed"] = _optional_bool(body, "is_client_allowed")
    return values


def _link_routes(kind: str, link: store.Link):
    async def listing(request: Request, project_template_id: str, viewer: ViewerDep):
        viewer.check_global_manager()
        async with db(request).read() as conn:
            template = await store.get(conn, _template_id(project_template_id))
            return await store.linked(conn, kind, template["id"])

    async def add(request: Request, project_template_id: str, viewer: ViewerDep):
        viewer.check_admin()
        body = await json_body(request)
        other_id = _required_id(body, link.column)
        values = _link_values(kind, body)
        async with db(request).write() as conn:
            other = await store.target(conn, kind, other_id)
            template = await store.get(conn, _template_id(project_template_id), lock=True)
            out = await store.add(
                conn, request.app.state.outbox, template["id"], kind, other, values, viewer.id
            )
        return JSONResponse(out, status_code=201)

    async def remove(request: Request, project_template_id: str, other_id: str, viewer: ViewerDep):
        viewer.check_admin()
        other = uid(other_id)
        async with db(request).write() as conn:
            template = await store.get(conn, _template_id(project_template_id), lock=True)
            await store.remove(conn, request.app.state.outbox, template, kind, other, viewer.id)
        return Response(status_code=204)

    name = kind.replace("-", "_")
    listing.__name__, add.__name__, remove.__name__ = (
        f"template_{name}",
        f"add_template_{name}",
        f"remove_template_{name}",
    )
    router.add_api_route(f"{BASE}/{kind}", listing, methods=["GET"])
    router.add_api_route(f"{BASE}/{kind}", add, methods=["POST"])
    router.add_api_route(f"{BASE}/{kind}/{{other_id}}", remove, methods=["DELETE"])


for _kind, _link in store.LINKS.items():
    _link_routes(_kind, _link)


def _reorder_route(kind: str, key: str):
    async def reorder(request: Request, project_template_id: str, viewer: ViewerDep):
        viewer.check_admin()
        body = await json_body(request)
        raw = body.get(key)
        if not isinstance(raw, list) or not all(isinstance(i, str) for i in raw):
            raise WrongParameter(f"{key} must be a list of ids.")
        out = []
        async with db(request).write() as conn:
            template = await store.get(conn, _template_id(project_template_id), lock=True)
            for priority, raw_id in enumerate(raw, start=1):
                other = await store.target(conn, kind, _required_id({key: raw_id}, key))
                out.append(
                    await store.add(
                        conn,
                        request.app.state.outbox,
                        template["id"],
                        kind,
                        other,
                        {"priority": priority},
                        viewer.id,
                    )
                )
        return out

    reorder.__name__ = f"reorder_template_{kind.replace('-', '_')}"
    path = f"/actions/project-templates/{{project_template_id}}/{kind}/reorder"
    router.add_api_route(path, reorder, methods=["POST"])


_reorder_route("task-types", "task_type_ids")
_reorder_route("task-statuses", "task_status_ids")


@router.put(f"{BASE}/default-preview-background-file")
async def set_default_background(request: Request, project_template_id: str, viewer: ViewerDep):
    viewer.check_admin()
    body = await json_body(request)
    raw = body.get("default_preview_background_file_id")
    background_id = (
        None if raw is None else _required_id(body, "default_preview_background_file_id")
    )
    async with db(request).write() as conn:
        template = await store.get(conn, _template_id(project_template_id), lock=True)
        if background_id is not None and not await store.is_linked(
            conn, "preview-background-files", template["id"], background_id
        ):
            raise WrongParameter("Preview background file is not linked to this template")
        row = await store.update(
            conn,
            request.app.state.outbox,
            template["id"],
            {"default_preview_background_file_id": background_id},
            viewer.id,
        )
    return store.shape(row)


@router.put(f"{BASE}/metadata-descriptors")
async def set_metadata_descriptors(request: Request, project_template_id: str, viewer: ViewerDep):
    viewer.check_admin()
    raw = await request.body()
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        raise WrongParameter("The body is not valid JSON.") from None
    # Zou also takes the legacy shape: the descriptors as a bare array.
    descriptors = body if isinstance(body, list) else (body or {}).get("metadata_descriptors")
    if not isinstance(body, list | dict):
        raise WrongParameter("The body must be a JSON object.")
    descriptors = descriptors or []
    if not isinstance(descriptors, list):
        raise WrongParameter("metadata_descriptors must be a list")
    if not all(isinstance(d, dict) for d in descriptors):
        raise WrongParameter("Each metadata descriptor must be an object")
    cleaned = [store.clean_descriptor(d) for d in descriptors]
    async with db(request).write() as conn:
        template = await store.get(conn, _template_id(project_template_id), lock=True)
        row = await store.update(
            conn,
            request.app.state.outbox,
            template["id"],
            {"metadata_descriptors": cleaned},
            viewer.id,
        )
    return store.shape(row)


@router.post("/data/project-templates/from-project/{project_id}")
async def template_from_project(request: Request, project_id: str, viewer: ViewerDep):
    viewer.check_admin()
    body = await json_body(request)
    name = text(body, "name", required=True, max_length=80)
    description = text(body, "description")
    async with db(request).write() as conn:
        project = await projects_store.get(conn, uid(project_id))
        if project is None:
            raise NotFound("Project not found")
        row = await store.from_project(
            conn, request.app.state.outbox, project, name, description, viewer.id
        )
    return JSONResponse(store.shape(row), status_code=201)


@router.post("/data/projects/{project_id}/apply-template/{project_template_id}")
async def apply_template(
    request: Request, project_id: str, project_template_id: str, viewer: ViewerDep
):
    viewer.check_admin()
    async with db(request).write() as conn:
        project = await projects_store.get(conn, uid(project_id))
        if project is None:
            raise NotFound("Project not found")
        template = await store.get(conn, _template_id(project_template_id))
        await store.apply(conn, request.app.state.outbox, project, template, viewer.id)
        project = await projects_store.get(conn, project["id"])
    return projects_store.shape(project)
