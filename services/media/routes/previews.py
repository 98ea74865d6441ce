"""Preview-file pictures: GET the original and its variants, POST an upload."""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from libs.common.errors import NotFound, WrongParameter
from libs.common.permissions import CurrentUser
from libs.common.uploads import received
from services.media import access, pictures, previews, serving
from services.media.storage import key

router = APIRouter()


def parse(name: str) -> tuple[uuid.UUID, str]:
    """`<id>.<extension>` -> (id, lower-case extension); anything else is no such URL."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        raise NotFound()
    try:
        return uuid.UUID(stem), extension.lower()
    except ValueError:
        raise NotFound() from None


async def _facts(request: Request, preview_file_id: uuid.UUID, user) -> dict:
    found = await request.app.state.facts.preview_file(preview_file_id, user.id)
    if found is None:
        raise NotFound()
    return found


async def _send(
    request: Request, facts: dict, bucket: str, object_key: str, extension="png", download=False
):
    record = facts["preview_file"]
    if record["status"] == "processing":
        return serving.processing(request, record["id"])
    return await serving.stored(
        request,
        request.app.state.storage,
        bucket,
        object_key,
        record.get("updated_at"),
        extension=extension,
        download_name=previews.download_name(facts) if download else None,
    )


def _declare_variant(prefix: str) -> None:
    async def get(request: Request, name: str, user: CurrentUser):
        preview_file_id, extension = parse(name)
        if extension != "png":
            raise NotFound()
        facts = await _facts(request, preview_file_id, user)
        if prefix == "previews":
            access.check_preview_file(user, facts)
        else:
            access.check_preview_picture(user, facts)
        return await _send(request, facts, previews.PICTURES, key(prefix, preview_file_id))

    path = f"/pictures/{prefix}/preview-files/{{name}}"
    router.add_api_route(path, get, methods=["GET"], name=f"get_{prefix}")


for _prefix in pictures.PREVIEW_VARIANTS:
    _declare_variant(_prefix)


@router.get("/pictures/originals/preview-files/{name}")
async def get_original(request: Request, name: str, user: CurrentUser):
    preview_file_id, extension = parse(name)
    facts = await _facts(request, preview_file_id, user)
    if extension == "png":
        access.check_preview_picture(user, facts)
        return await _send(request, facts, previews.PICTURES, key("original", preview_file_id))
    access.check_preview_file(user, facts)
    if extension not in pictures.PICTURE_EXTENSIONS | previews.FILE_EXTENSIONS:
        raise WrongParameter(f"Extension not allowed: {extension}", data=None)
    object_key = key("previews", preview_file_id, extension)
    return await _send(request, facts, previews.FILES, object_key, extension)


@router.get("/pictures/originals/preview-files/{preview_file_id}/download")
async def download_original(request: Request, preview_file_id: str, user: CurrentUser):
    instance_id, _ = parse(f"{preview_file_id}.png")
    facts = await _facts(request, instance_id, user)
    access.check_preview_file(user, facts)
    extension = facts["preview_file"].get("extension") or ""
    if extension == "png":
        object_key = key("original", instance_id)
        return await _send(request, facts, previews.PICTURES, object_key, download=True)
    if extension not in previews.FILE_EXTENSIONS:
        # Movies are not stored yet; nothing else can have been uploaded.
        raise NotFound()
    object_key = key("previews", instance_id, extension)
    return await _send(request, facts, previews.FILES, object_key, extension, download=True)


@router.post("/pictures/preview-files/{preview_file_id}")
async def upload_preview(request: Request, preview_file_id: str, user: CurrentUser):
    try:
        instance_id = uuid.UUID(preview_file_id)
    except ValueError:
        raise NotFound() from None
    facts = await _facts(request, instance_id, user)
    if facts["preview_file"].get("original_name"):
        raise WrongParameter(
            "The browser (or proxy) sent a request that this server could not understand."
        )
    access.check_preview_upload(user, facts)
    state = request.app.state
    async with received(request, state.storage.scratch()) as form:
        upload = form.files.get("file")
        if upload is None:
            raise WrongParameter("File not provided.", data=None)
        record = await previews.save(state, instance_id, upload, user)
    if record is None:
        raise NotFound()
    return JSONResponse(record, status_code=201)
