"""Comments posted several at a time: Kitsu's batch comment (on one task or across tasks,
JSON or a form with attachments), and clients' last comments copied for the team."""

import json
import uuid

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from libs.common.errors import Body, Forbidden, NotFound, WrongParameter
from services.data import serialize
from services.data.routes.comments import check_status_use
from services.data.routes.crud import CallerDep
from services.data.store import attachments, status_automations
from services.data.store import comments as comment_store
from services.data.store import comments_batch as store
from services.data.store.file_paths import must
from services.data.tables import person
from services.data.work import (
    body_dict,
    check_project,
    check_project_manager,
    check_task_action,
    datetime_of,
    uuid_of,
    validation_error,
)

router = APIRouter(tags=["comments"])


async def _batch(request: Request) -> tuple[list, dict[int, list]]:
    """The comments, and each one's attachments (form fields `attachment_file-<i>...`)."""
    kind = request.headers.get("content-type", "")
    uploads: dict[int, list] = {}
    if kind.startswith("multipart/form-data") or kind.startswith(
        "application/x-www-form-urlencoded"
    ):
        form = await request.form()
        raw = form.get("comments")
        for key, value in form.multi_items():
            if isinstance(value, str) or not key.startswith("attachment_file-"):
                continue
            index = key[len("attachment_file-") :].split("-")[0].split(".")[0]
            if index.isdigit():
                uploads.setdefault(int(index), []).append(
                    attachments.Upload(
                        value.filename or "file", value.content_type, value.size or 0
                    )
                )
        try:
            comments = json.loads(raw) if isinstance(raw, str) else None
        except ValueError:
            raise validation_error("comments", message="Input should be a valid list") from None
    else:
        raw_body = await request.body()
        try:
            comments = body_dict(json.loads(raw_body or b"{}")).get("comments")
        except ValueError:
            raise WrongParameter("The body is not valid JSON.") from None
    if comments is None:
        raise WrongParameter("Missing required parameter: comments", data=None)
    if not isinstance(comments, list) or not all(isinstance(c, dict) for c in comments):
        raise validation_error("comments", message="Input should be a valid list")
    return comments, uploads


def _item(caller, item: dict, task_id: uuid.UUID | None) -> dict:
    """One comment of a batch, checked before anything is written."""
    if task_id is None:
        if not item.get("task_id"):
            raise validation_error("task_id")
        task_id = uuid_of(item["task_id"], "task_id")
    if not item.get("task_status_id"):
        raise validation_error("task_status_id")
    text = item.get("text")
    if not isinstance(text, str):
        raise validation_error("text", message="Input should be a valid string")
    checklist, links = item.get("checklist") or [], item.get("links") or []
    if not isinstance(checklist, list):
        raise validation_error("checklist", message="Input should be a valid list")
    if not isinstance(links, list):
        raise validation_error("links", message="Input should be a valid list")
    manager = caller.user.has_at_least("manager")
    author = item.get("person_id") if manager else None
    return {
        "task_id": task_id,
        "status_id": uuid_of(item["task_status_id"], "task_status_id"),
        "text": text,
        "checklist": checklist,
        "links": links,
        "author_id": uuid_of(author, "person_id") if author else caller.user.id,
        "created_at": datetime_of(item.get("created_at"), "created_at") if manager else None,
    }


async def _post_batch(request: Request, caller, task_id: uuid.UUID | None) -> list[dict]:
    comments, uploads = await _batch(request)
    items = [_item(caller, item, task_id) for item in comments]
    state = request.app.state
    out = []
    # One transaction: a batch is posted whole or not at all.
    async with state.db.write() as conn:
        for index, item in enumerate(items):
            facts, status, author_row = await comment_store.comment_context(
                conn, item["task_id"], item["status_id"], item["author_id"]
            )
            check_task_action(caller, facts, facts["department_id"])
            if status is None:
                raise NotFound()
            check_status_use(caller, status)
            if author_row is None:
                raise NotFound()
            author = serialize.person(author_row)
            created = await comment_store.create(
                conn,
                state.outbox,
                facts,
                status,
                author,
                item["text"],
                caller.user.id,
                checklist=item["checklist"],
                links=item["links"],
                created_at=item["created_at"],
                uploads=uploads.get(index, []),
            )
            if facts["has_automations"]:
                await status_automations.run(
                    conn, state.outbox, item["task_id"], author, caller.user.id
                )
            # Preview uploads go to media's routes; a batch records none.
            out.append({**created, "preview_files": []})
    return out


@router.post("/actions/tasks/{task_id}/batch-comment", status_code=201)
async def task_batch_comment(task_id: str, request: Request, caller: CallerDep):
    return await _post_batch(request, caller, uuid_of(task_id))


@router.post("/actions/tasks/batch-comment", status_code=201)
async def tasks_batch_comment(request: Request, caller: CallerDep):
    return await _post_batch(request, caller, None)


class CopyClientComments(BaseModel):
    task_ids: list[uuid.UUID] = Field(min_length=1)
    prefix: str = ""


@router.post("/actions/projects/{project_id}/tasks/copy-client-comments", status_code=201)
async def copy_client_comments(
    project_id: str, body: Body(CopyClientComments), request: Request, caller: CallerDep
):
    pid = uuid_of(project_id)
    check_project_manager(caller, pid)
    state = request.app.state
    out = []
    async with state.db.write() as conn:
        author = serialize.person(await must(conn, person, caller.user.id))
        for found in await store.last_client_comments(conn, pid, body.task_ids):
            facts = await comment_store.task_facts(conn, found["object_id"], lock=True)
            # The copy keeps the task's status.
            status = await comment_store.get_status(conn, facts["task_status_id"])
            text = f"{body.prefix}\n\n{found['text']}" if body.prefix else found["text"]
            created = await comment_store.create(
                conn, state.outbox, facts, status, author, text, caller.user.id
            )
            # Zou runs automations after every comment it creates, copies included.
            await status_automations.run(conn, state.outbox, facts["id"], author, caller.user.id)
            out.append(created)
    return out


class MoveComment(BaseModel):
    target_task_id: str


@router.post("/actions/tasks/{task_id}/comments/{comment_id}/move")
async def move_comment(
    task_id: str, comment_id: str, body: Body(MoveComment), request: Request, caller: CallerDep
):
    if not caller.user.has_at_least("manager"):
        raise Forbidden()
    tid, cid = uuid_of(task_id), uuid_of(comment_id)
    target_id = uuid_of(body.target_task_id, "target_task_id")
    state = request.app.state
    async with state.db.write() as conn:
        source = await comment_store.task_facts(conn, tid, lock=True)
        check_project(caller, source["project_id"])
        target = await comment_store.task_facts(conn, target_id, lock=True)
        check_project(caller, target["project_id"])
        found = await comment_store.raw(conn, cid, lock=True)
        if found["object_id"] != tid:
            raise WrongParameter("Comment does not belong to the given task.", data=None)
        if tid == target_id:
            raise WrongParameter("Source and target tasks must be different.", data=None)
        if source["entity_id"] != target["entity_id"]:
            raise WrongParameter(
                "A comment can only be moved between tasks of the same entity.", data=None
            )
        if await store.has_previews(conn, found):
            raise WrongParameter(
                "A comment attached to a preview revision cannot be moved.", data=None
            )
        return await store.move(conn, state.outbox, found, source, target, caller.user.id)
