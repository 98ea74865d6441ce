"""`/shared/playlists/{token}`: guests without an account open a shared playlist, say who
they are, read the comments meant for clients and post, edit or remove their own. The
token is the only credential; a protected link also wants `?password=`."""

import json
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from libs.common.errors import Forbidden, WrongParameter
from services.data import annotations
from services.data.store import comments as comment_store
from services.data.store import playlists as playlist_store
from services.data.store import previews as preview_store
from services.data.store import sharing as store
from services.data.store import tasks as task_store
from services.data.work import uuid_of, validation_error

router = APIRouter(tags=["shared"])


def _refused(message: str, status: int = 403) -> JSONResponse:
    # Zou answers these guest refusals with a bare {"error": "<why>"}, not its usual body.
    return JSONResponse({"error": message}, status_code=status)


async def _body(request: Request, schema: str) -> dict:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        raise WrongParameter("The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise validation_error(
            "", message=f"Input should be a valid dictionary or instance of {schema}"
        )
    return body


def _text(body: dict, key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise validation_error(key, message="Input should be a valid string")
    return value


def _list(body: dict, key: str) -> list | None:
    value = body.get(key)
    if value is not None and not isinstance(value, list):
        raise validation_error(key, message="Input should be a valid list")
    return value


def _required_uuid(body: dict, key: str) -> uuid.UUID:
    if body.get(key) in (None, ""):
        raise validation_error(key)
    return uuid_of(body[key], key)


async def _link(request: Request, conn, token: str, with_password: bool = False) -> dict:
    return await store.valid_link(
        conn, token, request.query_params.get("password"), check_password=with_password
    )


@router.get("/shared/playlists/{token}")
async def shared_playlist(token: str, request: Request):
    async with request.app.state.db.read() as conn:
        found = await _link(request, conn, token, with_password=True)
        return await store.shared_playlist(conn, found["playlist_id"])


@router.get("/shared/playlists/{token}/context")
async def shared_context(token: str, request: Request):
    async with request.app.state.db.read() as conn:
        found = await _link(request, conn, token, with_password=True)
        playlist = await playlist_store.get(conn, found["playlist_id"])
        return await store.context(conn, playlist["project_id"])


@router.post("/shared/playlists/{token}/guest")
async def guest(token: str, request: Request):
    app = request.app.state
    async with app.db.write() as conn:
        found = await _link(request, conn, token)
        body = await _body(request, "CreateGuestSchema")
        first_name = (_text(body, "first_name") or "Guest").strip()
        last_name = (_text(body, "last_name") or "").strip()
        if body.get("guest_id") is not None:
            known = await store.guest_of_link(
                conn, uuid_of(body["guest_id"], "guest_id"), found["id"]
            )
            if known is not None:
                return known
        person, created = await store.create_guest(
            conn, app.outbox, found["id"], first_name, last_name
        )
    return JSONResponse(person, status_code=201 if created else 200)


@router.get("/shared/playlists/{token}/comments")
async def shared_comments(token: str, request: Request):
    async with request.app.state.db.read() as conn:
        found = await _link(request, conn, token, with_password=True)
        task_ids = await store.shown_task_ids(conn, found["playlist_id"])
        return await comment_store.shared_for_tasks(conn, task_ids)


@router.post("/shared/playlists/{token}/comments")
async def post_shared_comment(token: str, request: Request):
    app = request.app.state
    async with app.db.write() as conn:
        found = await _link(request, conn, token, with_password=True)
        if not found["can_comment"]:
            return _refused("Comments are disabled for this link")
        body = await _body(request, "CreateGuestCommentSchema")
        guest_id = _required_uuid(body, "guest_id")
        task_id = _required_uuid(body, "task_id")
        status_id = _required_uuid(body, "task_status_id")
        text = _text(body, "text") or ""
        checklist = _list(body, "checklist") or []
        author = await store.guest_of_link(conn, guest_id, found["id"])
        if author is None:
            return _refused("Guest not part of this shared playlist")
        if task_id not in await store.shown_task_ids(conn, found["playlist_id"]):
            return _refused("Task not part of this shared playlist")
        try:
            status = await comment_store.get_status(conn, status_id)
        except Exception:
            return _refused("Task status not found", 400)
        facts = await comment_store.task_facts(conn, task_id, lock=True)
        if not await store.client_allowed(conn, facts["project_id"], status):
            return _refused("Task status not allowed for guests", 400)
        created = await comment_store.create(
            conn, app.outbox, facts, status, author, text, guest_id, checklist=checklist
        )
    return JSONResponse(created, status_code=201)


async def _guest_comment(conn, found: dict, comment_id: str, guest_id: uuid.UUID):
    """The guest's own comment on one of the playlist's tasks, or Zou's refusal."""
    if await store.guest_of_link(conn, guest_id, found["id"]) is None:
        return None, _refused("Forbidden")
    try:
        cid = uuid.UUID(comment_id)
    except ValueError:
        return None, _refused("Comment not found", 404)
    row = await store.guest_comment(conn, cid)
    if row is None:
        return None, _refused("Comment not found", 404)
    if row["person_id"] != guest_id or row["object_id"] not in await store.shown_task_ids(
        conn, found["playlist_id"]
    ):
        return None, _refused("Forbidden")
    return dict(row), None


@router.put("/shared/playlists/{token}/comments/{comment_id}")
async def edit_shared_comment(token: str, comment_id: str, request: Request):
    app = request.app.state
    async with app.db.write() as conn:
        found = await _link(request, conn, token)
        if not found["can_comment"]:
            return _refused("Comments are disabled for this link")
        body = await _body(request, "EditGuestCommentSchema")
        guest_id = _required_uuid(body, "guest_id")
        values = {}
        if _text(body, "text") is not None:
            values["text"] = body["text"]
        if _list(body, "checklist") is not None:
            values["checklist"] = body["checklist"]
        if body.get("task_status_id") is not None:
            values["task_status_id"] = uuid_of(body["task_status_id"], "task_status_id")
        row, refusal = await _guest_comment(conn, found, comment_id, guest_id)
        if refusal is not None:
            return refusal
        facts = await comment_store.task_facts(conn, row["object_id"], lock=True)
        new_status = values.get("task_status_id")
        if new_status is not None and new_status != row["task_status_id"]:
            try:
                status = await comment_store.get_status(conn, new_status)
            except Exception:
                return _refused("Forbidden")
            if not await store.client_allowed(conn, facts["project_id"], status):
                return _refused("Forbidden")
        await store.edit_guest_comment(
            conn, app.outbox, row, values, facts, comment_store.replay_history
        )
        return await comment_store.get(conn, row["id"])


@router.delete("/shared/playlists/{token}/comments/{comment_id}")
async def delete_shared_comment(token: str, comment_id: str, request: Request):
    app = request.app.state
    async with app.db.write() as conn:
        found = await _link(request, conn, token)
        if not found["can_comment"]:
            return _refused("Comments are disabled for this link")
        body = await _body(request, "GuestActionSchema")
        if "guest_id" not in body and request.query_params.get("guest_id"):
            body["guest_id"] = request.query_params["guest_id"]
        guest_id = _required_uuid(body, "guest_id")
        row, refusal = await _guest_comment(conn, found, comment_id, guest_id)
        if refusal is not None:
            return refusal
        facts = await comment_store.task_facts(conn, row["object_id"], lock=True)
        await comment_store.delete(conn, app.outbox, row, facts, guest_id)
        after = await task_store.get(conn, facts["id"])
        if after["task_status_id"] != facts["task_status_id"]:
            await app.outbox.emit(
                conn,
                "task:status-changed",
                {
                    "task_id": str(facts["id"]),
                    "new_task_status_id": str(after["task_status_id"]),
                    "previous_task_status_id": str(facts["task_status_id"]),
                    "person_id": str(guest_id),
                },
                project_id=facts["project_id"],
                user_id=guest_id,
            )
    return Response(status_code=204)


@router.put("/shared/playlists/{token}/annotations")
async def shared_annotations(token: str, request: Request):
    app = request.app.state
    async with app.db.write() as conn:
        found = await _link(request, conn, token)
        if not found["can_comment"]:
            return _refused("Annotations are disabled")
        body = await _body(request, "UpdateGuestAnnotationsSchema")
        guest_id = _required_uuid(body, "guest_id")
        preview_id = _required_uuid(body, "preview_file_id")
        try:
            additions, updates, deletions = annotations.check(body)
        except ValueError as exc:
            raise validation_error(str(exc), message="Input should be a valid list") from None
        if await store.guest_of_link(conn, guest_id, found["id"]) is None:
            return _refused("Guest not part of this shared playlist")
        if not await store.shown_preview(conn, found["playlist_id"], preview_id):
            raise Forbidden()
        row = await preview_store.get(conn, preview_id, lock=True)
        project_id = (await task_store.get(conn, row["task_id"]))["project_id"]
        merged = annotations.merge(row["annotations"], additions, updates, deletions)
        return await preview_store.set_annotations(
            conn, app.outbox, row, merged, project_id, guest_id
        )
