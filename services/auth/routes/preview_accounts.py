"""A production's preview account: a read-only client login whose access window a
manager opens for an hour at a time. Data keeps the person; auth keeps its password."""

import datetime as dt
import secrets
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from libs.common.errors import Body, Forbidden, NotFound
from libs.common.permissions import Manager
from services.auth.store import credentials

router = APIRouter(tags=["projects"])
OPEN_DURATION = dt.timedelta(hours=1)


class OpenBody(BaseModel):
    is_open: bool


def shown(person: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": person["id"],
        "email": person["email"],
        "full_name": person.get("full_name"),
        "preview_open_until": person.get("preview_open_until"),
    }


async def check_access(request: Request, project_id: str, user) -> uuid.UUID:
    """Zou's manager access to a production: an admin, or a manager of its team."""
    try:
        project = uuid.UUID(project_id)
    except ValueError:
        raise NotFound() from None
    if not user.is_admin and not await request.app.state.directory.is_member(project, user.id):
        raise Forbidden()
    return project


async def account(request: Request, project_id: uuid.UUID) -> dict[str, Any] | None:
    status, found = await request.app.state.directory.preview_account(project_id, "GET")
    return found if status == 200 else None


@router.get("/data/projects/{project_id}/preview-account")
async def get_preview_account(request: Request, project_id: str, user: Manager):
    project = await check_access(request, project_id, user)
    found = await account(request, project)
    return JSONResponse(shown(found) if found else None)


@router.post("/data/projects/{project_id}/preview-account", status_code=201)
async def create_or_reset(request: Request, project_id: str, user: Manager):
    project = await check_access(request, project_id, user)
    directory = request.app.state.directory
    status, person = await directory.preview_account(project, "PUT")
    if status == 404:
        raise NotFound()
    person_id = uuid.UUID(person["id"])
    password = secrets.token_urlsafe(12)
    async with request.app.state.db.write() as conn:
        await credentials.set_password(conn, person_id, password)
    # A new password closes the window, which ends every session of the account.
    if person.get("preview_open_until"):
        person = await directory.set_flags(
            person_id, preview_opened_at=None, preview_open_until=None
        )
    await request.app.state.issuer.end_sessions(person_id)
    return {**shown(person), "password": password}


@router.put("/data/projects/{project_id}/preview-account")
async def open_or_close(request: Request, project_id: str, user: Manager, body: Body(OpenBody)):
    project = await check_access(request, project_id, user)
    found = await account(request, project)
    if found is None:
        raise NotFound("No preview account for this project")
    person_id = uuid.UUID(found["id"])
    if body.is_open:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        until = found.get("preview_open_until")
        flags = {"preview_open_until": (now + OPEN_DURATION).isoformat()}
        if not until or dt.datetime.fromisoformat(until).replace(tzinfo=None) < now:
            flags["preview_opened_at"] = now.isoformat()
    else:
        flags = {"preview_opened_at": None, "preview_open_until": None}
    updated = await request.app.state.directory.set_flags(person_id, **flags)
    if not body.is_open:
        await request.app.state.issuer.end_sessions(person_id)
    return shown(updated)


@router.delete("/data/projects/{project_id}/preview-account")
async def delete_preview_account(request: Request, project_id: str, user: Manager):
    project = await check_access(request, project_id, user)
    found = await account(request, project)
    if found is not None:
        await request.app.state.issuer.end_sessions(uuid.UUID(found["id"]))
        await request.app.state.directory.preview_account(project, "DELETE")
    return Response(status_code=204)
