"""People's non-credential routes (Zou's `persons` blueprint): departments, day offs,
logged time and desktop logins."""

import datetime as dt

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from libs.common.errors import Forbidden, NotFound, WrongParameter
from services.data.routes.production_access import ViewerDep, body_id, json_body, uid
from services.data.store import departments, persons
from services.data.store import person_views as views

router = APIRouter(tags=["persons"])


async def _membership(request, viewer, person_id, department_id, member: bool):
    viewer.check_admin()
    async with request.app.state.db.write() as conn:
        if await persons.get(conn, person_id) is None:
            raise NotFound()
        if not await departments.exists(conn, department_id):
            raise WrongParameter("Department ID matches no department")
        return await departments.set_member(
            conn, request.app.state.outbox, person_id, department_id, member, viewer.id
        )


@router.post("/actions/persons/{person_id}/departments/add")
async def add_to_department(request: Request, person_id: str, viewer: ViewerDep):
    body = await json_body(request)
    department_id = body_id(body, "department_id", required=True)
    person = await _membership(request, viewer, uid(person_id), department_id, True)
    return JSONResponse(person, status_code=201)


@router.delete("/actions/persons/{person_id}/departments/{department_id}")
async def remove_from_department(
    request: Request, person_id: str, department_id: str, viewer: ViewerDep
):
    await _membership(request, viewer, uid(person_id), uid(department_id), False)
    return Response(status_code=204)


# --- Day offs, logged time, desktop logins ---------------------------------------------


def _dates_only(day_off: dict) -> dict:
    return {k: v for k, v in day_off.items() if k != "description"}


def _period(kind: str, year: str, part: str | None = None) -> tuple[dt.date, dt.date]:
    """First and last day of a year, month or ISO week; 400 on a bad value."""
    try:
        y = int(year)
        if kind == "year":
            start, end = dt.date(y, 1, 1), dt.date(y, 12, 31)
        elif kind == "month":
            start = dt.date(y, int(part), 1)
            following = dt.date(y + start.month // 12, start.month % 12 + 1, 1)
            end = following - dt.timedelta(days=1)
        else:
            start = dt.date.fromisocalendar(y, int(part), 1)
            end = start + dt.timedelta(days=6)
    except (ValueError, TypeError, OverflowError):
        raise WrongParameter("Invalid month or year.") from None
    return start, end


def _date(raw: str, message="Invalid date format.") -> dt.date:
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        raise WrongParameter(message) from None


async def _person(conn, person_id: str) -> dict:
    found = await persons.get(conn, uid(person_id))
    if found is None:
        raise NotFound()
    return found


async def _not_bot(conn, person_id: str) -> dict:
    person = await _person(conn, person_id)
    if person["is_bot"]:
        raise Forbidden()
    return person


async def _readable_day_offs(request, viewer, start, end):
    async with request.app.state.db.read() as conn:
        readers = await views.day_off_readers(conn, viewer)
        ids = None if readers is None else list(readers)
        found = await views.day_offs(conn, start, end, person_ids=ids)
    if readers is None:
        return found
    return [d if readers[uid(d["person_id"])] else _dates_only(d) for d in found]


@router.get("/data/persons/day-offs/{year}")
async def year_day_offs(request: Request, year: str, viewer: ViewerDep):
    return await _readable_day_offs(request, viewer, *_period("year", year))


@router.get("/data/persons/day-offs/{year}/{month}")
async def month_day_offs(request: Request, year: str, month: str, viewer: ViewerDep):
    return await _readable_day_offs(request, viewer, *_period("month", year, month))


async def _person_day_offs(request, viewer, person_id, start=None, end=None):
    async with request.app.state.db.read() as conn:
        person = await _not_bot(conn, person_id)
        pid = uid(person["id"])
        full = await views.day_off_access(conn, viewer, pid)
        if full is None:
            raise Forbidden()
        found = await views.day_offs(conn, start, end, person_id=pid)
    return found if full else [_dates_only(d) for d in found]


@router.get("/data/persons/{person_id}/day-offs")
@router.get("/data/persons/{person_id}/day-offs/")  # Kitsu asks with the slash
async def person_day_offs(request: Request, person_id: str, viewer: ViewerDep):
    return await _person_day_offs(request, viewer, person_id)


@router.get("/data/persons/{person_id}/day-offs/year/{year}")
async def person_year_day_offs(request: Request, person_id: str, year: str, viewer: ViewerDep):
    return await _person_day_offs(request, viewer, person_id, *_period("year", year))


@router.get("/data/persons/{person_id}/day-offs/month/{year}/{month}")
async def person_month_day_offs(
    request: Request, person_id: str, year: str, month: str, viewer: ViewerDep
):
    return await _person_day_offs(request, viewer, person_id, *_period("month", year, month))


@router.get("/data/persons/{person_id}/day-offs/week/{year}/{week}")
async def person_week_day_offs(
    request: Request, person_id: str, year: str, week: str, viewer: ViewerDep
):
    return await _person_day_offs(request, viewer, person_id, *_period("week", year, week))


@router.get("/data/persons/{person_id}/day-offs/{date}")
async def person_day_off(request: Request, person_id: str, date: str, viewer: ViewerDep):
    day = _date(date)
    async with request.app.state.db.read() as conn:
        person = await _not_bot(conn, person_id)
        pid = uid(person["id"])
        full = await views.day_off_access(conn, viewer, pid)
        if full is None:
            raise Forbidden()
        found = await views.day_off_on(conn, pid, day)
    return found if full else _dates_only(found)


async def _time_scope(viewer, person_id) -> tuple[list | None, list | None]:
    """Projects and departments whose time the caller reads of this person (None: all)."""
    if viewer.is_admin or viewer.id == person_id:
        return None, None
    viewer.check_lead()
    departments = list(viewer.departments) if viewer.role == "supervisor" else None
    return list(viewer.projects), departments


@router.get("/data/persons/{person_id}/time-spents")
async def person_time_spents(request: Request, person_id: str, viewer: ViewerDep):
    params = request.query_params
    start, end = params.get("start_date"), params.get("end_date")
    if (start is None) != (end is None):
        raise WrongParameter(
            "If querying for a range of dates, both a `start_date` and an `end_date` must be given."
        )
    message = f"Wrong date format for {start} and/or {end}"
    bounds = (_date(start, message), _date(end, message)) if start else (None, None)
    async with request.app.state.db.read() as conn:
        person = await _not_bot(conn, person_id)
        projects, departments = await _time_scope(viewer, uid(person["id"]))
        return await views.time_spents(
            conn,
            uid(person["id"]),
            start=bounds[0],
            end=bounds[1],
            project_ids=projects,
            department_ids=departments,
        )


@router.get("/data/persons/{person_id}/time-spents/{date}")
async def person_day_time_spents(request: Request, person_id: str, date: str, viewer: ViewerDep):
    day = _date(date, "Invalid month or year.")
    async with request.app.state.db.read() as conn:
        person = await _not_bot(conn, person_id)
        projects, departments = await _time_scope(viewer, uid(person["id"]))
        return await views.time_spents(
            conn, uid(person["id"]), date=day, project_ids=projects, department_ids=departments
        )


@router.get("/data/persons/{person_id}/desktop-login-logs")
async def desktop_login_logs(request: Request, person_id: str, viewer: ViewerDep):
    pid = uid(person_id)
    if viewer.id != pid:
        viewer.check_global_manager()
    async with request.app.state.db.read() as conn:
        await _person(conn, person_id)
        return await views.desktop_logins(conn, pid)


@router.post("/data/persons/{person_id}/desktop-login-logs")
async def add_desktop_login_log(request: Request, person_id: str, viewer: ViewerDep):
    body = await json_body(request)
    raw = body.get("date")
    if raw is None:
        date = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    else:
        try:
            date = dt.datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            raise WrongParameter(
                "Wrong date format. Expected: 2020-01-05T13:23:10 or 2020-01-05"
            ) from None
        if date.tzinfo is not None:
            date = date.astimezone(dt.UTC).replace(tzinfo=None)
    pid = uid(person_id)
    if viewer.id != pid:
        viewer.check_admin()
    async with request.app.state.db.write() as conn:
        await _person(conn, person_id)
        row = await views.add_desktop_login(conn, pid, date)
    return JSONResponse(row, status_code=201)
