"""Avatars: GET/POST /pictures/thumbnails/{persons|projects|organisations}/{id}[.png],
and clearing a person's avatar."""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from libs.common.errors import ApiError, NotFound, WrongParameter
from libs.common.permissions import Admin, CurrentUser
from libs.common.uploads import received
from services.media import serving, thumbnails

router = APIRouter()


class ProjectUploadOnDisplayUrl(ApiError):
    status = 405

    def __init__(self):
        super().__init__(
            "Upload project thumbnails on the url without extension: "
            "/pictures/thumbnails/projects/<project_id>."
        )


def parse(name: str) -> tuple[uuid.UUID, bool]:
    """The id in `<id>` or `<id>.png` (Zou serves both), and whether `.png` was there."""
    stem = name.removesuffix(".png")
    try:
        return uuid.UUID(stem), stem != name
    except ValueError:
        raise NotFound() from None


def no_file() -> WrongParameter:
    return WrongParameter("File not provided.", data=None)


async def _get(request: Request, kind_name: str, name: str, user: CurrentUser):
    kind = thumbnails.KINDS[kind_name]
    instance_id, _ = parse(name)
    state = request.app.state
    record = await kind.find(state, instance_id, user)
    if record is None or not record.get("has_avatar"):
        raise NotFound()
    kind.check_read(user, record)
    return await serving.stored(
        request,
        state.storage,
        thumbnails.BUCKET,
        thumbnails.object_key(instance_id),
        record.get("updated_at"),
    )


async def _post(request: Request, kind_name: str, name: str, user: CurrentUser):
    kind = thumbnails.KINDS[kind_name]
    instance_id, dotted = parse(name)
    if dotted and kind_name == "projects":
        raise ProjectUploadOnDisplayUrl()
    state = request.app.state
    record = await kind.find(state, instance_id, user)
    if record is None:
        raise NotFound()
    kind.check_upload(user, record, instance_id)
    async with received(request, state.storage.scratch()) as form:
        upload = form.files.get("file")
        if upload is None:
            raise no_file()
        path = await thumbnails.save(state, kind, instance_id, upload, user)
    return JSONResponse({"thumbnail_path": path}, status_code=201)


def _declare(kind_name: str) -> None:
    async def get(request: Request, name: str, user: CurrentUser):
        return await _get(request, kind_name, name, user)

    async def post(request: Request, name: str, user: CurrentUser):
        return await _post(request, kind_name, name, user)

    path = f"/pictures/thumbnails/{kind_name}/{{name}}"
    router.add_api_route(path, get, methods=["GET"], name=f"get_{kind_name}_thumbnail")
    router.add_api_route(path, post, methods=["POST"], name=f"upload_{kind_name}_thumbnail")


for _kind in thumbnails.KINDS:
    _declare(_kind)


@router.delete("/actions/persons/{person_id}/clear-avatar", status_code=204)
async def clear_person_avatar(request: Request, person_id: str, user: Admin):
    instance_id, dotted = parse(person_id)
    if dotted:
        raise NotFound()
    await thumbnails.clear_person_avatar(request.app.state, instance_id, user)
    return Response(status_code=204)


@router.delete("/actions/user/clear-avatar", status_code=204)
async def clear_own_avatar(request: Request, user: CurrentUser):
    await thumbnails.clear_person_avatar(request.app.state, user.id, user)
    return Response(status_code=204)
