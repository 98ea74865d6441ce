"""Per-person reports: presence sheet, time-spent tables, quota shots."""

import csv
import datetime as dt
import io
import uuid

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import Response

from libs.common.errors import Forbidden, NotFound, ServiceUnavailable, WrongParameter
from libs.common.permissions import Admin, CurrentUser, User
from services.reporting.store import reports

router = APIRouter(tags=["persons"])

BAD_DATE = "Invalid month or year."


def csv_response(rows: list[list], file_name: str) -> Response:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return Response(
        buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f"attachment; filename=kitsu_{file_name}.csv"},
    )


async def ask_data(request: Request, path: str):
    try:
        async with httpx.AsyncClient(base_url=request.app.state.settings.data_url, timeout=10) as c:
            response = await c.get(path)
    except httpx.HTTPError:
        raise ServiceUnavailable("The data service is unreachable.") from None
    if response.status_code != 200:
        raise ServiceUnavailable("The data service failed to answer.")
    return response.json()


def month_interval(year: str, month: str) -> tuple[dt.datetime, dt.datetime]:
    try:
        start = dt.datetime(int(year), int(month), 1)
    except (ValueError, OverflowError):
        raise WrongParameter(BAD_DATE, data=None) from None
    end = dt.datetime(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, end


@router.get("/data/persons/presence-logs/{month_date}")
async def presence_logs(request: Request, month_date: str, user: Admin):
    try:
        start = dt.datetime.strptime(month_date, "%Y-%m")
    except ValueError:
        raise WrongParameter(BAD_DATE, data=None) from None
    # Zou emits no event for desktop logins, so this sheet is the one report read from data.
    people = await ask_data(request, f"/internal/reporting/presence/{start.year}/{start.month}")
    end = month_interval(str(start.year), str(start.month))[1]
    nb_days = (end - start).days
    rows = [[str(start.year), *[str(day) for day in range(1, nb_days + 1)]]]
    for someone in people:
        row = [someone["full_name"], *[""] * nb_days]
        for day in someone["days"]:
            row[day] = "X"
        rows.append(row)
    return csv_response(rows, "export")


async def _table_scope(request: Request, user: User) -> dict:
    """Zou's scope of the time tables: admins see all, managers and supervisors their
    productions (supervisors their departments), artists themselves."""
    params = request.query_params
    project_id = _uuid(params.get("project_id"), "project_id")
    department_id = _uuid(params.get("department_id"), "department_id")
    studio_id = _uuid(params.get("studio_id"), "studio_id")
    scope = {
        "person_id": None,
        "project_ids": [project_id] if project_id else None,
        "department_ids": [department_id] if department_id else None,
        "studio_id": studio_id,
    }
    if user.is_admin:
        return scope
    if user.role in ("manager", "supervisor"):
        mine = [
            uuid.UUID(p)
            for p in await ask_data(request, f"/internal/reporting/persons/{user.id}/projects")
        ]
        if project_id is None:
            scope["project_ids"] = mine
        elif project_id not in mine:
            raise Forbidden()
        if user.role == "supervisor":
            departments = [uuid.UUID(str(d)) for d in user.person.departments]
            if department_id is not None and department_id not in departments:
                raise WrongParameter("Supervisor not allowed to access this department")
            if department_id is None:
                scope["department_ids"] = departments
        return scope
    scope["person_id"] = user.id
    return scope


def _uuid(raw: str | None, name: str) -> uuid.UUID | None:
    if raw in (None, ""):
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise WrongParameter(f"{name} is not a valid id.") from None


@router.get("/data/persons/time-spents/day-table/{year}/{month}")
async def day_table(request: Request, year: str, month: str, user: CurrentUser):
    start, end = month_interval(year, month)
    scope = await _table_scope(request, user)
    async with request.app.state.db.read() as conn:
        return await reports.time_table(conn, "day", start.date(), end.date(), **scope)


@router.get("/data/persons/time-spents/week-table/{year}")
async def week_table(request: Request, year: str, user: CurrentUser):
    return await _year_table(request, year, "week", user)


@router.get("/data/persons/time-spents/month-table/{year}")
async def month_table(request: Request, year: str, user: CurrentUser):
    return await _year_table(request, year, "month", user)


@router.get("/data/persons/time-spents/year-table")
async def year_table(request: Request, user: CurrentUser):
    scope = await _table_scope(request, user)
    async with request.app.state.db.read() as conn:
        return await reports.time_table(conn, "year", None, None, **scope)


async def _year_table(request: Request, year: str, unit: str, user: User):
    try:
        start = dt.date(int(year), 1, 1)
    except (ValueError, OverflowError):
        raise WrongParameter(BAD_DATE, data=None) from None
    scope = await _table_scope(request, user)
    async with request.app.state.db.read() as conn:
        return await reports.time_table(conn, unit, start, dt.date(start.year + 1, 1, 1), **scope)


COUNT_MODES = ("weighted", "weighteddone", "feedback", "done")


async def _quotas(request: Request, person_id: str, user: User, start_end) -> list:
    target = _uuid(person_id, "person_id")
    async with request.app.state.db.read() as conn:
        found = await reports.person_row(conn, target)
    if found is None:
        raise NotFound()
    if found.is_bot:
        raise Forbidden()
    params = request.query_params
    project_id = _uuid(params.get("project_id"), "project_id")
    task_type_id = _uuid(params.get("task_type_id"), "task_type_id")
    count_mode = params.get("count_mode", "weighted")
    if count_mode not in COUNT_MODES:
        raise WrongParameter(
            "count_mode must be equal to weighted, weighteddone, feedback, or done", data=None
        )
    if project_id is not None and user.role in ("manager", "supervisor"):
        mine = await ask_data(request, f"/internal/reporting/persons/{user.id}/projects")
        if str(project_id) not in mine:
            raise Forbidden()
    elif not user.is_admin and user.id != target:
        raise Forbidden()
    start, end = start_end()
    async with request.app.state.db.read() as conn:
        return await reports.quota_shots(
            conn,
            target,
            start,
            end,
            await reports.timezone_of(conn, user.id),
            project_id=project_id,
            task_type_id=task_type_id,
            weighted="weighted" in count_mode,
            feedback="done" not in count_mode,
        )


@router.get("/data/persons/{person_id}/quota-shots/month/{year}/{month}")
async def month_quota_shots(
    request: Request, person_id: str, year: str, month: str, user: CurrentUser
):
    return await _quotas(request, person_id, user, lambda: month_interval(year, month))


@router.get("/data/persons/{person_id}/quota-shots/week/{year}/{week}")
async def week_quota_shots(
    request: Request, person_id: str, year: str, week: str, user: CurrentUser
):
    def interval():
        try:
            start = dt.datetime.fromisocalendar(int(year), int(week), 1)
        except (ValueError, OverflowError):
            raise WrongParameter(BAD_DATE, data=None) from None
        return start, start + dt.timedelta(days=7)

    return await _quotas(request, person_id, user, interval)


@router.get("/data/persons/{person_id}/quota-shots/day/{year}/{month}/{day}")
async def day_quota_shots(
    request: Request, person_id: str, year: str, month: str, day: str, user: CurrentUser
):
    def interval():
        try:
            start = dt.datetime(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise WrongParameter(BAD_DATE, data=None) from None
        return start, start + dt.timedelta(days=1)

    return await _quotas(request, person_id, user, interval)
