"""Service-to-service: what the media service asks of data, and the changes an upload
makes to data's records (avatar flags, preview-file metadata)."""

import uuid
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from libs.common.errors import NotFound
from services.data.store import media, organisation

router = APIRouter(prefix="/internal/media", include_in_schema=False)


class AvatarChange(BaseModel):
    has_avatar: bool
    user_id: uuid.UUID | None = None


class PreviewFileChange(BaseModel):
    values: dict
    user_id: uuid.UUID | None = None


@router.get("/preview-files/{preview_file_id}")
async def preview_file(
    request: Request, preview_file_id: uuid.UUID, person_id: uuid.UUID | None = None
):
    async with request.app.state.db.read() as conn:
        found = await media.preview_file_facts(conn, preview_file_id, person_id)
    if found is None:
        raise NotFound("Preview file", preview_file_id)
    return found


@router.patch("/preview-files/{preview_file_id}")
async def update_preview_file(
    request: Request, preview_file_id: uuid.UUID, body: PreviewFileChange
):
    async with request.app.state.db.write() as conn:
        updated = await media.update_preview_file(
            conn, request.app.state.outbox, preview_file_id, body.values, body.user_id
        )
    if updated is None:
        raise NotFound("Preview file", preview_file_id)
    return updated


@router.delete("/preview-files/{preview_file_id}")
async def delete_preview_file(
    request: Request, preview_file_id: uuid.UUID, user_id: uuid.UUID | None = None
):
    async with request.app.state.db.write() as conn:
        deleted = await media.delete_preview_file(
            conn, request.app.state.outbox, preview_file_id, user_id
        )
    return {"deleted": deleted}


@router.get("/projects/{project_id}")
async def project(request: Request, project_id: uuid.UUID, person_id: uuid.UUID | None = None):
    async with request.app.state.db.read() as conn:
        found = await media.project_facts(conn, project_id, person_id)
    if found is None:
        raise NotFound("Project", project_id)
    return found


@router.get("/organisation")
async def the_organisation(request: Request):
    async with request.app.state.db.write() as conn:
        return await organisation.get_or_create(conn)


@router.put("/{kind}/{instance_id}/avatar")
async def set_avatar(
    request: Request,
    kind: Literal["persons", "projects", "organisations"],
    instance_id: uuid.UUID,
    body: AvatarChange,
):
    async with request.app.state.db.write() as conn:
        changed = await media.set_avatar(
            conn, request.app.state.outbox, kind, instance_id, body.has_avatar, body.user_id
        )
    if changed is None:
        raise NotFound(kind, instance_id)
    return changed
