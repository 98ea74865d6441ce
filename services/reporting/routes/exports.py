"""`/export/csv/*`: the tasks export from reporting's projections; the shots export from
the production's current rows, asked of data."""

import uuid

from fastapi import APIRouter, Request

from libs.common.errors import WrongParameter
from libs.common.permissions import CurrentUser, Manager
from services.reporting import shot_sheet
from services.reporting.access import project_caller
from services.reporting.routes.persons import csv_response
from services.reporting.store import reports

router = APIRouter(tags=["export"])


@router.get("/export/csv/tasks.csv")
async def tasks_csv(request: Request, user: Manager):
    async with request.app.state.db.read() as conn:
        rows = await reports.task_rows(conn)
    return csv_response([reports.TASK_HEADERS, *rows], "tasks_export")


def _id_filter(raw: str | None, name: str) -> uuid.UUID | None:
    if raw is None:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise WrongParameter(f"Invalid UUID format for {name}: {raw}", data=None) from None


@router.get("/export/csv/projects/{project_id}/shots.csv")
async def shots_csv(request: Request, project_id: str, user: CurrentUser):
    caller, project = await project_caller(request, user, project_id)
    caller.check_project(project["id"])
    caller.block_vendor(project["id"])
    params = request.query_params
    episode = params.get("episode_id")
    filters = {
        "shot_id": _id_filter(params.get("id"), "id"),
        # Zou's sentinels: every episode, or the sequences outside any episode.
        "episode_id": None if episode in ("all", "main") else _id_filter(episode, "episode_id"),
        "main_pack": episode == "main" or None,
        "assigned_to": user.id if "assigned_to" in params else None,
    }
    export = await request.app.state.data_api.shots_export(project["id"], **filters)
    rows = shot_sheet.rows(project["name"], export, for_client=caller.is_client(project["id"]))
    response = csv_response(rows, shot_sheet.file_name(project["name"]))
    # Zou sets this header by hand here, without the charset its streamed exports get.
    response.headers["content-type"] = "text/csv"
    return response
