"""Service-to-service: a person's role and projects (the gateway's event bridge asks it)."""

import uuid

from fastapi import APIRouter, Request

from libs.common.errors import NotFound
from services.data.store import access

router = APIRouter(prefix="/internal", include_in_schema=False)


@router.get("/persons/{person_id}/access")
async def person_access(request: Request, person_id: uuid.UUID):
    async with request.app.state.db.read() as conn:
        found = await access.of_person(conn, person_id)
    if found is None:
        raise NotFound("Person", person_id)
    return found
