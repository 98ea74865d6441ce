"""Service-to-service API (not routed by the gateway): facts other services ask once."""

import uuid

from fastapi import APIRouter, Request

from libs.common.errors import NotFound
from services.data.store import organisation, persons

router = APIRouter(prefix="/internal", include_in_schema=False)


@router.get("/persons/{person_id}")
async def person(request: Request, person_id: uuid.UUID):
    async with request.app.state.db.read() as conn:
        found = await persons.get(conn, person_id)
    if found is None:
        raise NotFound("Person", person_id)
    return found


@router.get("/persons")
async def person_by_email(request: Request, email: str):
    async with request.app.state.db.read() as conn:
        found = await persons.find_by_email(conn, email)
    if found is None:
        raise NotFound("Person", email)
    return found


@router.get("/session")
async def session(request: Request, email: str | None = None, person_id: uuid.UUID | None = None):
    """A person's JSON and the organisation, as auth returns them at login."""
    async with request.app.state.db.write() as conn:
        if person_id is not None:
            user = await persons.get(conn, person_id)
        else:
            user = await persons.find_by_email(conn, email or "")
        if user is None:
            raise NotFound("Person", person_id or email)
        return {"user": user, "organisation": await organisation.get_or_create(conn)}
