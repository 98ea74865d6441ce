"""Paths from the production's file tree: where a task's working file or an entity's (or
asset instance's) output goes, a new working file revision, and a path read back."""

import uuid

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from libs.common.errors import Body, Forbidden, WrongParameter
from services.data import file_tree
from services.data import tables as t
from services.data.routes.crud import CallerDep
from services.data.store import file_paths as store
from services.data.store import output_files
from services.data.store import tasks as task_store
from services.data.work import check_project, uuid_of

router = APIRouter(tags=["files"])


class WorkingPathBody(BaseModel):
    name: str = "main"
    mode: str = "working"
    software_id: uuid.UUID | None = None
    comment: str = ""
    revision: int = 0
    sep: str = "/"


class OutputPathBody(BaseModel):
    name: str = "main"
    mode: str = "output"
    output_type_id: uuid.UUID
    task_type_id: uuid.UUID
    revision: int = 0
    extension: str = ""
    representation: str = ""
    separator: str = "/"


class NewWorkingFileBody(BaseModel):
    name: str = Field(min_length=1)
    description: str = ""
    mode: str = "working"
    comment: str = ""
    person_id: uuid.UUID | None = None
    software_id: uuid.UUID | None = None
    revision: int = 0
    sep: str = "/"


class GuessBody(BaseModel):
    project_id: uuid.UUID
    file_path: str = Field(min_length=1)
    sep: str = "/"


class Refused(WrongParameter):
    """A 400 with Zou's own body for these routes (no `error: true` flag)."""

    def __init__(self, body: dict):
        super().__init__(str(body))
        self._body = body

    def body(self) -> dict:
        return self._body


async def check_entity(conn, caller, project_id, entity_id) -> None:
    """Zou's check_project_access then check_entity_access: vendors only reach the
    entities they hold a task on."""
    check_project(caller, project_id)
    if caller.is_vendor(project_id) and not await store.assigned_on(conn, entity_id, caller.id):
        raise Forbidden()


def _echo(error: file_tree.MalformedTree, received: dict) -> Refused:
    # Zou's path routes echo the request body next to the tree's complaint.
    return Refused({"message": error.message, "received_data": received})


@router.post("/data/tasks/{task_id}/working-file-path")
async def working_file_path(
    task_id: str, body: Body(WorkingPathBody), request: Request, caller: CallerDep
):
    tid = uuid_of(task_id)
    state = request.app.state
    async with state.db.write() as conn:
        task = await task_store.get(conn, tid)
        await check_entity(conn, caller, task["project_id"], task["entity_id"])
        if body.software_id is None:
            software = await store.get_or_create(
                conn, state.outbox, t.software, store.PATH_SOFTWARE, caller.id
            )
        else:
            software = await store.must(conn, t.software, body.software_id)
        revision = body.revision or await store.next_working_revision(conn, tid, body.name)
        entity = await store.must(conn, t.entity, task["entity_id"])
        ctx = await store.context(
            conn, entity, task=task, software=software, name=body.name, revision=revision
        )
        tree = ctx.project.get("file_tree")
        try:
            await store.with_defaults(conn, state.outbox, ctx, body.mode, caller.id)
            folder = file_tree.folder_path(tree, body.mode, ctx, body.sep)
            name = file_tree.file_name(tree, body.mode, ctx)
        except file_tree.MalformedTree as error:
            raise _echo(error, body.model_dump(mode="json", exclude_unset=True)) from None
    return {"path": folder, "name": name}


async def _output_path(request, caller, body: OutputPathBody, entity: dict, instance: dict | None):
    state = request.app.state
    async with state.db.write() as conn:
        output_type = await store.must(conn, t.output_type, body.output_type_id)
        task_type = await store.must(conn, t.task_type, body.task_type_id)
        ctx = await store.context(
            conn,
            entity,
            task_type=task_type,
            asset_instance=instance,
            output_type=output_type,
            name=body.name,
            representation=body.representation,
            revision=body.revision,
        )
        if instance is None:
            await check_entity(conn, caller, entity["project_id"], entity["id"])
        else:
            await check_entity(conn, caller, ctx.asset["project_id"], ctx.asset["id"])
        tree = ctx.project.get("file_tree")
        try:
            await store.with_defaults(conn, state.outbox, ctx, body.mode, caller.id)
            # Zou builds the folder with the revision as sent and the name with the next
            # one when none was sent; an instance's name keeps the revision as sent.
            folder = file_tree.folder_path(tree, body.mode, ctx, body.separator)
            if instance is None and not body.revision:
                ctx.revision = await output_files.next_revision(
                    conn, entity["id"], body.output_type_id, body.task_type_id, body.name
                )
            name = file_tree.file_name(tree, body.mode, ctx)
        except file_tree.MalformedTree as error:
            raise _echo(error, body.model_dump(mode="json", exclude_unset=True)) from None
    return {"folder_path": folder, "file_name": name}


@router.post("/data/entities/{entity_id}/output-file-path")
async def entity_output_file_path(
    entity_id: str, body: Body(OutputPathBody), request: Request, caller: CallerDep
):
    eid = uuid_of(entity_id)
    async with request.app.state.db.read() as conn:
        entity = await store.must(conn, t.entity, eid)
    return await _output_path(request, caller, body, entity, None)


@router.post(
    "/data/asset-instances/{asset_instance_id}/entities/{temporal_entity_id}/output-file-path"
)
async def instance_output_file_path(
    asset_instance_id: str,
    temporal_entity_id: str,
    body: Body(OutputPathBody),
    request: Request,
    caller: CallerDep,
):
    iid, eid = uuid_of(asset_instance_id), uuid_of(temporal_entity_id)
    async with request.app.state.db.read() as conn:
        instance = await store.must(conn, t.asset_instance, iid)
        entity = await store.must(conn, t.entity, eid)
    return await _output_path(request, caller, body, entity, instance)


@router.post("/data/tasks/{task_id}/working-files/new", status_code=201)
async def new_working_file(
    task_id: str, body: Body(NewWorkingFileBody), request: Request, caller: CallerDep
):
    tid = uuid_of(task_id)
    state = request.app.state
    async with state.db.write() as conn:
        task = await task_store.get(conn, tid)
        await check_entity(conn, caller, task["project_id"], task["entity_id"])
        if body.software_id is None:
            software = await store.get_or_create(
                conn, state.outbox, t.software, store.NEW_FILE_SOFTWARE, caller.id
            )
        else:
            software = await store.must(conn, t.software, body.software_id)
        person_id = body.person_id or caller.id
        await store.must(conn, t.person, person_id)
        # Zou assigns whoever saves a working file to its task.
        await task_store.assign(conn, state.outbox, [tid], caller.id, caller.id)
        revision = body.revision or await store.next_working_revision(conn, tid, body.name)
        entity = await store.must(conn, t.entity, task["entity_id"])
        ctx = await store.context(
            conn, entity, task=task, software=software, name=body.name, revision=revision
        )
        tree = ctx.project.get("file_tree")
        await store.with_defaults(conn, state.outbox, ctx, body.mode, caller.id)
        folder = file_tree.folder_path(tree, body.mode, ctx, "/")
        path = f"{folder}{body.sep}{file_tree.file_name(tree, body.mode, ctx)}"
        created = await store.create_working_file(
            conn,
            state.outbox,
            {
                "comment": body.comment,
                "name": body.name,
                "revision": revision,
                "path": path,
                "task_id": tid,
                "software_id": software["id"],
                "entity_id": task["entity_id"],
                "person_id": person_id,
            },
            task["project_id"],
            caller.id,
        )
        if created is None:
            raise Refused({"error": "The given working file already exists."})
    return created


async def guess_from_path(body: GuessBody, request: Request, caller: CallerDep):
    check_project(caller, body.project_id)
    async with request.app.state.db.read() as conn:
        project = await store.must(conn, t.project, body.project_id)
        return await store.guess(conn, project, body.file_path, body.sep)


for _path in ("/data/entities/guess_from_path", "/data/entities/guess-from-path"):
    router.post(_path)(guess_from_path)
