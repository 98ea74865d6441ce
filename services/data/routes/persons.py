"""People's non-credential routes (Zou's `persons` blueprint): departments."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from libs.common.errors import NotFound, WrongParameter
from services.data.routes.production_access import ViewerDep, body_id, json_body, uid
from services.data.store import departments, persons

router = APIRouter(tags=["persons"])


async def _membership(request, viewer, person_id, department_id, member: bool):
    viewer.check_admin()
    async with request.app.state.db.write() as conn:
        if await persons.get(conn, person_id) is None:
            raise NotFound()
        if not await departments.exists(conn, department_id):
            raise WrongParameter("Department ID matches no department")
        return await departments.set_member(
            conn, request.app.state.outbox, person_id, department_id, member, viewer.id
        )


@router.post("/actions/persons/{person_id}/departments/add")
async def add_to_department(request: Request, person_id: str, viewer: ViewerDep):
    body = await json_body(request)
    department_id = body_id(body, "department_id", required=True)
    person = await _membership(request, viewer, uid(person_id), department_id, True)
    return JSONResponse(person, status_code=201)


@router.delete("/actions/persons/{person_id}/departments/{department_id}")
async def remove_from_department(
    request: Request, person_id: str, department_id: str, viewer: ViewerDep
):
    await _membership(request, viewer, uid(person_id), uid(department_id), False)
    return Response(status_code=204)
