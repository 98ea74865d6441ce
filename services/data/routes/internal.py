"""Service-to-service API (not routed by the gateway): facts other services ask once."""

import datetime as dt
import secrets
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


@router.patch("/persons/{person_id}/auth-flags")
async def set_auth_flags(request: Request, person_id: uuid.UUID):
    """What auth sets on a person (2FA flags, preview window, active), with person:update."""
    body = await request.json()
    values = {k: v for k, v in body.items() if k in persons.AUTH_FLAGS}
    for key in ("preview_opened_at", "preview_open_until"):
        if values.get(key):
            values[key] = dt.datetime.fromisoformat(values[key]).replace(tzinfo=None)
    async with request.app.state.db.write() as conn:
        if await persons.get(conn, person_id) is None:
            raise NotFound("Person", person_id)
        return await persons.update(conn, request.app.state.outbox, person_id, values)


@router.get("/projects/{project_id}/preview-account")
async def get_preview_account(request: Request, project_id: uuid.UUID):
    async with request.app.state.db.read() as conn:
        found = await persons.preview_account(conn, project_id)
    if found is None:
        raise NotFound("Preview account", project_id)
    return found


@router.put("/projects/{project_id}/preview-account")
async def ensure_preview_account(request: Request, project_id: uuid.UUID):
    """The production's preview account, created on first call."""
    async with request.app.state.db.write() as conn:
        found = await persons.preview_account(conn, project_id)
        if found is None:
            email = f"preview-{secrets.token_hex(6)}@preview.kitsu.invalid"
            found = await persons.create_preview_account(
                conn, request.app.state.outbox, project_id, email
            )
    if found is None:
        raise NotFound("Project", project_id)
    return found


@router.delete("/projects/{project_id}/preview-account")
async def delete_preview_account(request: Request, project_id: uuid.UUID):
    async with request.app.state.db.write() as conn:
        deleted = await persons.delete_preview_account(conn, request.app.state.outbox, project_id)
    return {"deleted": deleted}


@router.get("/projects/{project_id}/members/{person_id}")
async def project_member(request: Request, project_id: uuid.UUID, person_id: uuid.UUID):
    async with request.app.state.db.read() as conn:
        return {"member": await persons.is_member(conn, project_id, person_id)}
