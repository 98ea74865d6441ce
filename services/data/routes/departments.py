"""Departments (Zou's `departments` blueprint): their people, hardware and software.
Only admins manage the kit; anyone may see who is in a department."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from libs.common.errors import NotFound, WrongParameter
from services.data.routes.production_access import ViewerDep, json_body, uid
from services.data.store import departments as store

router = APIRouter(tags=["departments"])
BODY_KEYS = {"hardware-items": "hardware_item_id", "software-licenses": "software_id"}


def db(request: Request):
    return request.app.state.db


async def _department(conn, raw_id: str):
    department_id = uid(raw_id)
    if not await store.exists(conn, department_id):
        raise NotFound("Department", department_id)
    return department_id


async def _item(conn, kind: str, item_id):
    if not await store.kit_exists(conn, kind, item_id):
        raise NotFound(store.KIT_TYPES[kind], item_id)
    return item_id


def _kit_routes(kind: str, key: str):
    async def by_department(request: Request, viewer: ViewerDep):
        viewer.check_admin()
        async with db(request).read() as conn:
            return await store.kit_by_department(conn, kind)

    async def add(request: Request, department_id: str, viewer: ViewerDep):
        viewer.check_admin()
        body = await json_body(request)
        raw = body.get(key)
        if raw in (None, ""):
            raise WrongParameter(f"{key} is required.")
        try:
            item_id = uid(str(raw))
        except WrongParameter:
            raise WrongParameter(f"{key} is not a valid id.") from None
        async with db(request).write() as conn:
            department = await _department(conn, department_id)
            await _item(conn, kind, item_id)
            link = await store.link_kit(conn, kind, department, item_id)
        return JSONResponse(link, status_code=201)

    async def one(request: Request, department_id: str, item_id: str, viewer: ViewerDep):
        viewer.check_admin()
        async with db(request).read() as conn:
            department = await _department(conn, department_id)
            found = await store.kit_of(conn, kind, department, uid(item_id))
        if not found:
            raise NotFound(store.KIT_TYPES[kind], item_id)
        return found[0]

    async def remove(request: Request, department_id: str, item_id: str, viewer: ViewerDep):
        viewer.check_admin()
        async with db(request).write() as conn:
            department = await _department(conn, department_id)
            await _item(conn, kind, uid(item_id))
            await store.unlink_kit(conn, kind, department, uid(item_id))
        return Response(status_code=204)

    name = kind.replace("-", "_")
    for handler, prefix in (
        (by_department, "departments"),
        (add, "add"),
        (one, "department"),
        (remove, "remove"),
    ):
        handler.__name__ = f"{prefix}_{name}"
    router.add_api_route(f"/data/departments/{kind}", by_department, methods=["GET"])
    router.add_api_route(f"/data/departments/{{department_id}}/{kind}", add, methods=["POST"])
    item_path = f"/data/departments/{{department_id}}/{kind}/{{item_id}}"
    router.add_api_route(item_path, one, methods=["GET"])
    router.add_api_route(item_path, remove, methods=["DELETE"])


for _kind, _key in BODY_KEYS.items():
    _kit_routes(_kind, _key)


@router.get("/data/departments/{department_id}/persons")
async def department_persons(request: Request, department_id: str, viewer: ViewerDep):
    async with db(request).read() as conn:
        department = await _department(conn, department_id)
        return await store.members(conn, department, minimal=not viewer.is_admin)
