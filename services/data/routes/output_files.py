"""Output files of an entity or of an asset instance inside a shot or scene: new revisions
with their path, the next revision number, last revisions, output types and their files."""

import uuid

from fastapi import APIRouter, Request
from pydantic import BaseModel

from libs.common.errors import Body
from services.data import file_tree
from services.data import tables as t
from services.data.routes.crud import CallerDep
from services.data.routes.file_paths import Refused
from services.data.store import file_paths
from services.data.store import output_files as store
from services.data.work import check_project, uuid_of

router = APIRouter(tags=["files"])

ENTITY = "/data/entities/{entity_id}"
INSTANCE = "/data/asset-instances/{asset_instance_id}/entities/{temporal_entity_id}"


class NewOutputBody(BaseModel):
    name: str = "main"
    mode: str = "output"
    output_type_id: uuid.UUID
    task_type_id: uuid.UUID
    person_id: uuid.UUID | None = None
    working_file_id: uuid.UUID | None = None
    comment: str = ""
    revision: int = 0
    extension: str = ""
    representation: str = ""
    nb_elements: int = 1
    sep: str = "/"
    file_status_id: uuid.UUID | None = None


class NextRevisionBody(BaseModel):
    name: str = "main"
    output_type_id: uuid.UUID
    task_type_id: uuid.UUID


class Target:
    """An entity, or an asset instance inside a temporal entity: whose files, and the
    project access is checked against (the instance's asset's)."""

    def __init__(self, entity: dict, instance: dict | None = None, asset: dict | None = None):
        self.entity, self.instance, self.asset = entity, instance, asset
        self.project_id = (asset or entity)["project_id"]

    @property
    def owner_id(self) -> uuid.UUID:
        return self.asset["id"] if self.instance else self.entity["id"]

    def where(self) -> list:
        if self.instance is None:
            return store.of_entity(self.entity["id"])
        return store.of_instance(self.instance["id"], self.entity["id"])


async def _entity(conn, caller, entity_id: str) -> Target:
    target = Target(await file_paths.must(conn, t.entity, uuid_of(entity_id)))
    check_project(caller, target.project_id)
    return target


async def _instance(conn, caller, instance_id: str, temporal_entity_id: str) -> Target:
    iid, eid = uuid_of(instance_id), uuid_of(temporal_entity_id)
    instance = await file_paths.must(conn, t.asset_instance, iid)
    asset = await file_paths.must(conn, t.entity, instance["asset_id"])
    target = Target(await file_paths.must(conn, t.entity, eid), instance, asset)
    check_project(caller, target.project_id)
    return target


def _filters(request: Request) -> dict:
    found = {key: request.query_params.get(key) for key in store.FILTERS}
    for key in ("output_type_id", "task_type_id", "file_status_id"):
        if found[key]:
            found[key] = uuid_of(found[key], key)
    return found


async def _new(request: Request, caller, body: NewOutputBody, target: Target) -> dict:
    state = request.app.state
    async with state.db.write() as conn:
        output_type = await file_paths.row(conn, t.output_type, body.output_type_id)
        if output_type is None:
            raise Refused({"error": "Cannot find given output type."})
        task_type = await file_paths.must(conn, t.task_type, body.task_type_id)
        person_id = body.person_id or caller.id
        if await file_paths.row(conn, t.person, person_id) is None:
            raise Refused({"error": "Cannot find given person."})
        source = await file_paths.row(conn, t.working_file, body.working_file_id)
        revision = body.revision or await store.next_revision(
            conn,
            target.owner_id,
            body.output_type_id,
            body.task_type_id,
            body.name,
            target.instance and target.instance["id"],
            target.instance and target.entity["id"],
        )
        created = await store.create(
            conn,
            state.outbox,
            {
                "name": body.name,
                "comment": body.comment,
                "extension": body.extension,
                "representation": body.representation,
                "revision": revision,
                "entity_id": target.owner_id,
                "asset_instance_id": target.instance and target.instance["id"],
                "person_id": person_id,
                "source_file_id": source and source["id"],
                "output_type_id": body.output_type_id,
                "file_status_id": body.file_status_id or await file_paths.default_file_status(conn),
                "task_type_id": body.task_type_id,
                "nb_elements": body.nb_elements,
                "temporal_entity_id": target.instance and target.entity["id"],
            },
            target.project_id,
            caller.id,
        )
        if created is None:
            raise Refused({"error": "The given output file already exists."})
        ctx = await file_paths.context(
            conn,
            target.entity,
            task_type=task_type,
            asset_instance=target.instance,
            output_type=output_type,
            name=body.name,
            representation=body.representation,
            revision=revision,
        )
        tree = ctx.project.get("file_tree")
        try:
            await file_paths.with_defaults(conn, state.outbox, ctx, "output", caller.id)
            folder = file_tree.folder_path(tree, "output", ctx, body.sep)
            name = file_tree.file_name(tree, "output", ctx, body.nb_elements)
        except file_tree.MalformedTree as error:
            # Zou stores the file then fails (500) on a tree without this kind's template.
            message = error.message or "The file tree has no template for this kind of entity."
            raise Refused({"error": message}) from None
        shaped = await store.set_path(
            conn, created["id"], f"{folder}{body.sep}{name}{body.extension}"
        )
    return {**shaped, "folder_path": folder, "file_name": name}


async def _next_revision(request: Request, body: NextRevisionBody, target: Target) -> dict:
    async with request.app.state.db.read() as conn:
        await file_paths.must(conn, t.output_type, body.output_type_id)
        await file_paths.must(conn, t.task_type, body.task_type_id)
        found = await store.next_revision(
            conn,
            target.owner_id,
            body.output_type_id,
            body.task_type_id,
            body.name,
            target.instance and target.instance["id"],
            target.instance and target.entity["id"],
        )
    return {"next_revision": found}


@router.post(f"{ENTITY}/output-files/new", status_code=201)
async def new_entity_output(
    entity_id: str, body: Body(NewOutputBody), request: Request, caller: CallerDep
):
    async with request.app.state.db.read() as conn:
        target = await _entity(conn, caller, entity_id)
    return await _new(request, caller, body, target)


@router.post(f"{INSTANCE}/output-files/new", status_code=201)
async def new_instance_output(
    asset_instance_id: str,
    temporal_entity_id: str,
    body: Body(NewOutputBody),
    request: Request,
    caller: CallerDep,
):
    async with request.app.state.db.read() as conn:
        target = await _instance(conn, caller, asset_instance_id, temporal_entity_id)
    return await _new(request, caller, body, target)


@router.post(f"{ENTITY}/output-files/next-revision")
async def entity_next_revision(
    entity_id: str, body: Body(NextRevisionBody), request: Request, caller: CallerDep
):
    async with request.app.state.db.read() as conn:
        target = await _entity(conn, caller, entity_id)
    return await _next_revision(request, body, target)


@router.post(f"{INSTANCE}/output-files/next-revision")
async def instance_next_revision(
    asset_instance_id: str,
    temporal_entity_id: str,
    body: Body(NextRevisionBody),
    request: Request,
    caller: CallerDep,
):
    async with request.app.state.db.read() as conn:
        target = await _instance(conn, caller, asset_instance_id, temporal_entity_id)
    return await _next_revision(request, body, target)


@router.get(f"{ENTITY}/output-files/last-revisions")
async def entity_last_revisions(entity_id: str, request: Request, caller: CallerDep):
    async with request.app.state.db.read() as conn:
        target = await _entity(conn, caller, entity_id)
        return await store.last_revisions(conn, target.where(), _filters(request))


@router.get(f"{INSTANCE}/output-files/last-revisions")
async def instance_last_revisions(
    asset_instance_id: str, temporal_entity_id: str, request: Request, caller: CallerDep
):
    async with request.app.state.db.read() as conn:
        target = await _instance(conn, caller, asset_instance_id, temporal_entity_id)
        return await store.last_revisions(conn, target.where(), _filters(request))


@router.get(f"{ENTITY}/output-types")
async def entity_output_types(entity_id: str, request: Request, caller: CallerDep):
    async with request.app.state.db.read() as conn:
        target = await _entity(conn, caller, entity_id)
        return await store.output_types(conn, store.of.entity_id == target.entity["id"])


@router.get(f"{INSTANCE}/output-types")
async def instance_output_types(
    asset_instance_id: str, temporal_entity_id: str, request: Request, caller: CallerDep
):
    async with request.app.state.db.read() as conn:
        target = await _instance(conn, caller, asset_instance_id, temporal_entity_id)
        return await store.output_types(conn, *target.where())


async def _of_output_type(request: Request, target: Target, output_type_id: str, conn):
    otid = uuid_of(output_type_id)
    await file_paths.must(conn, t.output_type, otid)
    where = [*target.where(), store.of.output_type_id == otid]
    representation = request.query_params.get("representation")
    if representation is not None:
        where.append(store.of.representation == representation)
    return await store.of_output_type(conn, *where)


@router.get(f"{ENTITY}/output-types/{{output_type_id}}/output-files")
async def entity_output_type_files(
    entity_id: str, output_type_id: str, request: Request, caller: CallerDep
):
    async with request.app.state.db.read() as conn:
        target = await _entity(conn, caller, entity_id)
        return await _of_output_type(request, target, output_type_id, conn)


@router.get(f"{INSTANCE}/output-types/{{output_type_id}}/output-files")
async def instance_output_type_files(
    asset_instance_id: str,
    temporal_entity_id: str,
    output_type_id: str,
    request: Request,
    caller: CallerDep,
):
    async with request.app.state.db.read() as conn:
        target = await _instance(conn, caller, asset_instance_id, temporal_entity_id)
        return await _of_output_type(request, target, output_type_id, conn)


@router.get("/data/asset-instances/{asset_instance_id}/output-files")
async def instance_output_files(asset_instance_id: str, request: Request, caller: CallerDep):
    iid = uuid_of(asset_instance_id)
    filters = _filters(request)
    temporal = request.query_params.get("temporal_entity_id")
    async with request.app.state.db.read() as conn:
        instance = await file_paths.must(conn, t.asset_instance, iid)
        asset = await file_paths.must(conn, t.entity, instance["asset_id"])
        check_project(caller, asset["project_id"])
        where = [store.of.asset_instance_id == iid, *store.filtered(filters)]
        if temporal:
            where.append(store.of.temporal_entity_id == uuid_of(temporal, "temporal_entity_id"))
        return await store.listed(conn, *where)
