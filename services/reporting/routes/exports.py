"""`/export/csv/*` built from reporting's projections."""

from fastapi import APIRouter, Request

from libs.common.permissions import Manager
from services.reporting.routes.persons import csv_response
from services.reporting.store import reports

router = APIRouter(tags=["export"])


@router.get("/export/csv/tasks.csv")
async def tasks_csv(request: Request, user: Manager):
    async with request.app.state.db.read() as conn:
        rows = await reports.task_rows(conn)
    return csv_response([reports.TASK_HEADERS, *rows], "tasks_export")
