"""Comments on tasks: posting (which drives the task's status), listing, acknowledging,
replying and deleting."""

import json
import uuid

from fastapi import APIRouter, Request, Response

from libs.common.errors import Forbidden, NotFound, WrongParameter
from libs.common.responses import PlainJSON
from services.data import serialize
from services.data.routes.crud import CallerDep
from services.data.store import attachments, status_automations
from services.data.store import comments as store
from services.data.work import (
    body_dict,
    check_project,
    check_task_action,
    datetime_of,
    uuid_of,
    validation_error,
)

router = APIRouter(tags=["comments"])


async def read_form(request: Request) -> tuple[dict, list[attachments.Upload]]:
    """JSON, or the form Kitsu sends when a comment carries attachments (and its files)."""
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data") or kind.startswith(
        "application/x-www-form-urlencoded"
    ):
        form = await request.form()
        body = {k: v for k, v in form.items() if isinstance(v, str)}
        uploads = [
            attachments.Upload(v.filename or "file", v.content_type, v.size or 0)
            for _, v in form.multi_items()
            if not isinstance(v, str)
        ]
        for key in ("checklist", "links"):
            if isinstance(body.get(key), str):
                try:
                    body[key] = json.loads(body[key])
                except ValueError:
                    raise validation_error(key, message="Input should be a valid list") from None
        return body, uploads
    raw = await request.body()
    if not raw:
        return {}, []
    try:
        return body_dict(json.loads(raw)), []
    except ValueError:
        raise WrongParameter("The body is not valid JSON.") from None


async def read_body(request: Request) -> dict:
    return (await read_form(request))[0]


def _bool(value) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


def check_status_use(caller, status: dict) -> None:
    """Artists and clients may only post statuses allowed to them."""
    if caller.role == "user" and not status["is_artist_allowed"]:
        raise Forbidden()
    if caller.role == "client" and not status["is_client_allowed"]:
        raise Forbidden()


async def post_comment(
    request: Request, caller, task_id: uuid.UUID, body: dict, uploads: list | None = None
) -> dict:
    if "task_status_id" not in body or body.get("task_status_id") in (None, ""):
        raise validation_error("task_status_id")
    status_id = uuid_of(body["task_status_id"], "task_status_id")
    text = body.get("comment") or ""
    if not isinstance(text, str):
        raise validation_error("comment", message="Input should be a valid string")
    checklist = body.get("checklist") or []
    links = body.get("links") or []
    if not isinstance(checklist, list):
        raise validation_error("checklist", message="Input should be a valid list")
    if not isinstance(links, list) or not all(isinstance(link, str) for link in links):
        raise validation_error("links", message="Input should be a valid list")
    manager = caller.user.has_at_least("manager")
    author_id = caller.user.id
    created_at = None
    for_client = False
    if manager:
        if body.get("person_id"):
            author_id = uuid_of(body["person_id"], "person_id")
        created_at = datetime_of(body.get("created_at"), "created_at")
        for_client = _bool(body.get("for_client", False))
    app = request.app.state
    async with app.db.write() as conn:
        facts, status, author_row = await store.comment_context(conn, task_id, status_id, author_id)
        if status is None:
            raise NotFound()
        if not _can_comment(caller, facts, status):
            raise Forbidden()
        check_status_use(caller, status)
        if author_row is None:
            raise WrongParameter("Person not found.")
        author = serialize.person(author_row)
        created = await store.create(
            conn,
            app.outbox,
            facts,
            status,
            author,
            text,
            caller.user.id,
            checklist=checklist,
            links=links,
            for_client=for_client,
            created_at=created_at,
            uploads=uploads or [],
        )
        if facts["has_automations"]:
            await status_automations.run(conn, app.outbox, task_id, author, caller.user.id)
        return created


def _can_comment(caller, facts: dict, status: dict) -> bool:
    try:
        check_task_action(caller, facts, facts["department_id"])
        return True
    except Forbidden:
        # Someone mentioned may answer, without changing the status (Zou's rule).
        return (
            facts["project_id"] in caller.projects
            and status["id"] == facts["task_status_id"]
            and caller.role not in ("vendor",)
        )


@router.post("/actions/tasks/{task_id}/comment", status_code=201)
async def comment_task(task_id: str, request: Request, caller: CallerDep):
    body, uploads = await read_form(request)
    return await post_comment(request, caller, uuid_of(task_id), body, uploads)


@router.post("/actions/projects/{project_id}/tasks/comment-many", status_code=201)
async def comment_many(project_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(project_id)
    raw = await request.body()
    try:
        items = json.loads(raw or b"null")
    except ValueError:
        raise WrongParameter("The body is not valid JSON.") from None
    if not isinstance(items, list):
        raise WrongParameter("The body must be a list of comments.")
    check_project(caller, pid)
    out = []
    for item in items:
        item = body_dict(item)
        if not item.get("object_id"):
            raise validation_error("object_id")
        task_id = uuid_of(item["object_id"], "object_id")
        out.append(await post_comment(request, caller, task_id, item))
    return out


@router.get("/data/tasks/{task_id}/comments")
async def task_comments(task_id: str, request: Request, caller: CallerDep):
    async def build() -> bytes:
        tid = uuid_of(task_id)
        async with request.app.state.db.read() as conn:
            facts = await store.task_facts(conn, tid)
            check_project(caller, facts["project_id"])
            found = await store.for_task(
                conn, tid, caller.role == "client", caller.user.has_at_least("manager")
            )
        return PlainJSON(found).body

    # Kept until the next write: the task panel Kitsu opens again and again.
    return await request.app.state.answers.respond(request, caller.user.id, build)


@router.get("/data/tasks/{task_id}/comments/{comment_id}")
async def task_comment(task_id: str, comment_id: str, request: Request, caller: CallerDep):
    tid, cid = uuid_of(task_id), uuid_of(comment_id)
    async with request.app.state.db.read() as conn:
        facts = await store.task_facts(conn, tid)
        check_project(caller, facts["project_id"])
        return await store.get(conn, cid, tid)


@router.delete("/data/tasks/{task_id}/comments/{comment_id}")
async def delete_comment(task_id: str, comment_id: str, request: Request, caller: CallerDep):
    tid, cid = uuid_of(task_id), uuid_of(comment_id)
    app = request.app.state
    async with app.db.write() as conn:
        facts = await store.task_facts(conn, tid, lock=True)
        found = await store.raw(conn, cid)
        if found["object_id"] != tid:
            raise WrongParameter("This comment does not belong to this task.")
        check_project(caller, facts["project_id"])
        if found["person_id"] != caller.user.id and not caller.user.has_at_least("manager"):
            raise Forbidden()
        await store.delete(conn, app.outbox, found, facts, caller.user.id)
    return Response(status_code=204)


@router.get("/data/projects/{project_id}/comments")
async def project_comments(
    project_id: str, request: Request, caller: CallerDep, page: int = 0, limit: int = 0
):
    pid = uuid_of(project_id)
    if not caller.user.has_at_least("manager"):
        raise Forbidden()
    check_project(caller, pid)
    async with request.app.state.db.read() as conn:
        return await store.for_project(conn, pid, page, limit or None)


@router.post("/data/tasks/{task_id}/comments/{comment_id}/ack")
async def ack_comment(task_id: str, comment_id: str, request: Request, caller: CallerDep):
    tid, cid = uuid_of(task_id), uuid_of(comment_id)
    app = request.app.state
    async with app.db.write() as conn:
        facts = await store.task_facts(conn, tid)
        check_project(caller, facts["project_id"])
        found = await store.raw(conn, cid, lock=True)
        if found["object_id"] != tid:
            raise WrongParameter("This comment does not belong to this task.")
        return await store.toggle_ack(conn, app.outbox, found, facts["project_id"], caller.user.id)


@router.post("/data/tasks/{task_id}/comments/{comment_id}/reply")
async def reply_comment(task_id: str, comment_id: str, request: Request, caller: CallerDep):
    tid, cid = uuid_of(task_id), uuid_of(comment_id)
    body, uploads = await read_form(request)
    text = body.get("text")
    if not isinstance(text, str):
        raise validation_error("text")
    app = request.app.state
    async with app.db.write() as conn:
        facts = await store.task_facts(conn, tid)
        check_project(caller, facts["project_id"])
        found = await store.raw(conn, cid, lock=True)
        if found["object_id"] != tid:
            raise WrongParameter("This comment does not belong to this task.")
        return await store.reply(conn, app.outbox, found, facts, text, caller.user.id, uploads)


@router.delete("/data/tasks/{task_id}/comments/{comment_id}/reply/{reply_id}")
async def delete_reply(
    task_id: str, comment_id: str, reply_id: str, request: Request, caller: CallerDep
):
    tid, cid = uuid_of(task_id), uuid_of(comment_id)
    uuid_of(reply_id)
    app = request.app.state
    async with app.db.write() as conn:
        facts = await store.task_facts(conn, tid)
        check_project(caller, facts["project_id"])
        found = await store.raw(conn, cid, lock=True)
        if found["object_id"] != tid:
            raise WrongParameter("This comment does not belong to this task.")
        return await store.delete_reply(
            conn, app.outbox, found, reply_id, facts["project_id"], caller.user
        )


@router.get("/data/projects/{project_id}/attachment-files")
async def project_attachment_files(project_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(project_id)
    check_project(caller, pid)
    async with request.app.state.db.read() as conn:
        return await attachments.for_project(conn, pid)


@router.get("/data/tasks/{task_id}/attachment-files")
async def task_attachment_files(task_id: str, request: Request, caller: CallerDep):
    tid = uuid_of(task_id)
    async with request.app.state.db.read() as conn:
        facts = await store.task_facts(conn, tid)
        check_project(caller, facts["project_id"])
        return await attachments.for_task(conn, tid)
