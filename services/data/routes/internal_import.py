"""The importer's write path into data (not routed by the gateway): upserts keyed by
external ids, each committed with its Zou event in data's outbox."""

import uuid

import sqlalchemy as sa
from fastapi import APIRouter, Request
from pydantic import BaseModel

from libs.common.errors import NotFound
from services.data.store import internal_queries as q

router = APIRouter(prefix="/internal/import", include_in_schema=False)


class EntityRow(BaseModel):
    shotgun_id: int
    name: str
    project_name: str | None = None
    description: str | None = None
    parent_shotgun_id: int | None = None
    source_shotgun_id: int | None = None
    data: dict | None = None


class EntityUpsert(BaseModel):
    type: str  # Episode, Sequence, Shot...
    parent_type: str | None = None
    source_type: str | None = None
    merge_data: bool = False
    user_id: uuid.UUID
    rows: list[EntityRow]


@router.post("/shotgun/entities")
async def upsert_entities(request: Request, body: EntityUpsert):
    """Rows whose project is unknown are skipped, as Zou does."""
    out = []
    async with request.app.state.db.write() as conn:
        projects = await q.project_ids_by_name(conn)
        parent_type = body.parent_type and await q.entity_type_id(conn, body.parent_type)
        source_type = body.source_type and await q.entity_type_id(conn, body.source_type)
        for row in body.rows:
            project_id = projects.get(row.project_name)
            if project_id is None:
                continue
            values = {"name": row.name, "project_id": project_id}
            if "description" in row.model_fields_set:
                values["description"] = row.description
            if row.data is not None:
                values["data"] = row.data
            for key, sg_id, type_id in (
                ("parent_id", row.parent_shotgun_id, parent_type),
                ("source_id", row.source_shotgun_id, source_type),
            ):
                if type_id:
                    found = sg_id and await q.entity_by_shotgun_id(conn, type_id, sg_id)
                    values[key] = found["id"] if found else None
            entity = await q.upsert_entity(
                conn,
                request.app.state.outbox,
                body.type,
                row.shotgun_id,
                values,
                body.user_id,
                merge_data=body.merge_data,
            )
            out.append(q.shape_entity(entity))
    return out


class LinkRow(BaseModel):
    shotgun_id: int
    project_shotgun_id: int
    person_shotgun_id: int


class LinkUpsert(BaseModel):
    user_id: uuid.UUID
    rows: list[LinkRow]


@router.post("/shotgun/project-links")
async def link_team_members(request: Request, body: LinkUpsert):
    out = []
    async with request.app.state.db.write() as conn:
        for row in body.rows:
            project = await q.link_team_member(
                conn,
                request.app.state.outbox,
                row.shotgun_id,
                row.project_shotgun_id,
                row.person_shotgun_id,
                body.user_id,
            )
            if project is not None:
                out.append(project)
    return out


class Removal(BaseModel):
    model: str  # an entity type name, or "ProjectPersonLink"
    shotgun_id: int
    user_id: uuid.UUID


@router.post("/shotgun/remove")
async def remove(request: Request, body: Removal):
    async with request.app.state.db.write() as conn:
        if body.model == "ProjectPersonLink":
            return await q.unlink_team_member(
                conn, request.app.state.outbox, body.shotgun_id, body.user_id
            )
        return await q.remove_entity(
            conn, request.app.state.outbox, body.model, body.shotgun_id, body.user_id
        )


class CommentUpsert(BaseModel):
    user_id: uuid.UUID
    rows: list[dict]


@router.post("/kitsu/comments")
async def upsert_comments(request: Request, body: CommentUpsert):
    async with request.app.state.db.write() as conn:
        return [
            await q.upsert_comment(conn, request.app.state.outbox, row, body.user_id)
            for row in body.rows
        ]


@router.get("/projects/{project_id}/access")
async def project_access(request: Request, project_id: uuid.UUID, person_id: uuid.UUID):
    async with request.app.state.db.read() as conn:
        if not await q.project_exists(conn, project_id):
            raise NotFound("Project", project_id)
        return {"member": await q.is_member(conn, project_id, person_id)}


class AssetRows(BaseModel):
    user_id: uuid.UUID
    update: bool = False
    rows: list[dict]


@router.post("/projects/{project_id}/assets")
async def import_assets(request: Request, project_id: uuid.UUID, body: AssetRows):
    """Each row commits on its own: a failing row stops the import, earlier rows stay."""
    db, outbox = request.app.state.db, request.app.state.outbox
    async with db.read() as conn:
        ctx = await q.asset_import_context(conn, project_id)
    if ctx is None:
        raise NotFound("Project", project_id)
    imported, error = [], None
    for index, cells in enumerate(body.rows):
        try:
            async with db.write() as conn:
                imported.append(
                    await q.import_asset_row(conn, outbox, ctx, cells, body.update, body.user_id)
                )
        except q.RowError as exc:
            error = {"index": index, "message": str(exc)}
            break
        except sa.exc.DBAPIError as exc:
            error = {"index": index, "message": str(getattr(exc, "orig", exc)).split("\n")[0]}
            break
    return {"imported": imported, "error": error}
