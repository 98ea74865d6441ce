"""What reporting asks data to fill its projections and answer its reports (not routed
by the gateway). A gone row is null in a batch answer, a 404 alone."""

import datetime as dt
import uuid

from fastapi import APIRouter, Request

from libs.common.errors import NotFound, WrongParameter
from libs.common.responses import PlainJSON
from services.data.store import internal_queries as q
from services.data.store import reporting_reads

router = APIRouter(prefix="/internal/reporting", include_in_schema=False)

FACTS = {
    "persons": q.person_fact,
    "projects": q.project_fact,
    "entities": q.entity_fact,
    "tasks": q.task_fact,
    "time-spents": q.time_spent_fact,
}


@router.get("/presence/{year}/{month}")
async def presence(request: Request, year: int, month: int):
    start = dt.datetime(year, month, 1)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1)
    async with request.app.state.db.read() as conn:
        return await q.presence(conn, start, end)


@router.get("/persons/{person_id}/projects")
async def member_projects(request: Request, person_id: uuid.UUID):
    async with request.app.state.db.read() as conn:
        return await q.member_project_ids(conn, person_id)


@router.get("/projects/{project_id}/viewers/{person_id}")
async def project_viewer(request: Request, project_id: uuid.UUID, person_id: uuid.UUID):
    async with request.app.state.db.read() as conn:
        found = await reporting_reads.project_viewer(conn, project_id, person_id)
    if found is None:
        raise NotFound("Project", project_id)
    return found


@router.get("/projects/{project_id}/shots-export")
async def shots_export(
    request: Request,
    project_id: uuid.UUID,
    episode_id: uuid.UUID | None = None,
    main_pack: bool = False,
    shot_id: uuid.UUID | None = None,
    assigned_to: uuid.UUID | None = None,
):
    async with request.app.state.db.read() as conn:
        found = await reporting_reads.shots_export(
            conn, project_id, episode_id, main_pack, shot_id, assigned_to
        )
    return PlainJSON(found)


@router.get("/{kind}")
async def facts(request: Request, kind: str, ids: str = ""):
    """Several rows of one kind at once (`?ids=a,b`): {id: row, or null when gone}. A
    burst of events costs reporting one request, not one per event."""
    query = FACTS.get(kind)
    if query is None:
        raise NotFound()
    try:
        wanted = list(dict.fromkeys(uuid.UUID(raw) for raw in ids.split(",") if raw))
    except ValueError:
        raise WrongParameter("ids must be a comma-separated list of ids.") from None
    async with request.app.state.db.read() as conn:
        return {str(row_id): await query(conn, row_id) for row_id in wanted}


@router.get("/{kind}/{row_id}")
async def fact(request: Request, kind: str, row_id: uuid.UUID):
    query = FACTS.get(kind)
    if query is None:
        raise NotFound()
    async with request.app.state.db.read() as conn:
        found = await query(conn, row_id)
    if found is None:
        raise NotFound(kind, row_id)
    return found
