"""Avatars of persons, projects and the organisation: one square PNG each, made from the
upload, stored under `pictures/thumbnails/<id>.png`, its owner's `has_avatar` flag set."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from libs.common import permissions as p
from libs.common.errors import NotFound
from libs.common.uploads import UploadedFile
from services.media import access, pictures
from services.media.storage import key
from services.media.store import files

BUCKET, PREFIX = "pictures", "thumbnails"


@dataclass(frozen=True)
class Kind:
    """One owner of avatars: how to find the record, who may see and who may upload."""

    name: str
    find: Callable[[object, uuid.UUID, p.User], Awaitable[dict | None]]
    check_read: Callable[[p.User, dict], None]
    check_upload: Callable[[p.User, dict, uuid.UUID], None]


def _anyone(user, record):
    return None


async def _person(state, instance_id, user):
    return await state.facts.person(instance_id)


async def _project(state, instance_id, user):
    return await state.facts.project(instance_id, user.id)


async def _organisation(state, instance_id, user):
    # There is one organisation: Zou answers for it whatever id the path names.
    return await state.facts.organisation()


def _project_read(user: p.User, record: dict) -> None:
    if not user.has_at_least("manager"):
        access.check_project(user, record)


def _admin(user: p.User, record: dict, instance_id) -> None:
    p.ADMIN.check(p.Caller(user))


KINDS = {
    "persons": Kind("persons", _person, _anyone, lambda user, r, i: access.check_person(user, i)),
    "projects": Kind(
        "projects",
        _project,
        _project_read,
        lambda user, r, i: access.check_project(user, r, p.TEAM_MANAGER),
    ),
    "organisations": Kind("organisations", _organisation, _anyone, _admin),
}


def object_key(instance_id: uuid.UUID) -> str:
    return key(PREFIX, instance_id)


def url_path(kind: str, instance_id: uuid.UUID) -> str:
    return f"pictures/thumbnails/{kind}/{instance_id}.png"


async def save(state, kind: Kind, instance_id: uuid.UUID, upload: UploadedFile, user) -> str:
    made = state.storage.scratch() / f"{kind.name}-{uuid.uuid4().hex}.png"
    try:
        await asyncio.to_thread(pictures.thumbnail, upload.path, made, pictures.BIG_SQUARE)
        size = await state.storage.put_file(BUCKET, object_key(instance_id), made)
    finally:
        made.unlink(missing_ok=True)
    # The flag is set once the picture is stored, so it never points at nothing.
    if await state.facts.set_avatar(kind.name, instance_id, True, user.id) is None:
        raise NotFound()
    stored = files.Stored(BUCKET, object_key(instance_id), PREFIX, str(instance_id), size)
    async with state.db.write() as conn:
        await files.record(conn, [stored])
        await files.announce_thumbnail(conn, state.outbox, kind.name, instance_id, user.id)
    return url_path(kind.name, instance_id)


async def clear_person_avatar(state, person_id: uuid.UUID, user) -> None:
    if await state.facts.set_avatar("persons", person_id, False, user.id) is None:
        raise NotFound()
    await state.storage.delete(BUCKET, object_key(person_id))
    async with state.db.write() as conn:
        await files.mark_deleted(conn, BUCKET, object_key(person_id))
