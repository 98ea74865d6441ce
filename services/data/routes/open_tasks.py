"""`/data/tasks/open-tasks`: the tasks of open productions, filtered and paged as Kitsu's
task pool asks, with the pool's totals."""

import datetime as dt
import uuid

from fastapi import APIRouter, Request

from libs.common.errors import WrongParameter
from services.data.routes.crud import CallerDep
from services.data.store import open_tasks as store
from services.data.work import check_project

router = APIRouter(tags=["tasks"])

ID_FILTERS = ("project_id", "task_type_id", "task_status_id", "studio_id", "department_id")


def _id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise WrongParameter("Wrong UUID format.", data=None) from None


def _int(args, name: str, default=None) -> int | None:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise WrongParameter(f"Wrong value for parameter {name}.", data=None) from None


def _date(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.datetime.fromisoformat(raw).date() if "T" in raw else dt.date.fromisoformat(raw)
    except ValueError:
        raise WrongParameter(
            "Wrong date format for before argument."
            "Expected format: 2020-01-05T13:23:10 or 2020-01-05",
            data=None,
        ) from None


def filters_of(args) -> store.Filters:
    found = store.Filters(**{name: _id(args[name]) for name in ID_FILTERS if args.get(name)})
    person = args.get("person_id")
    if person == "unassigned":
        found.unassigned = True
    elif person:
        found.person_ids = [_id(p) for p in person.split(",")]
    found.start_date, found.due_date = _date(args.get("start_date")), _date(args.get("due_date"))
    found.priority = _int(args, "priority")
    return found


@router.get("/data/tasks/open-tasks")
async def open_tasks(request: Request, caller: CallerDep):
    args = request.query_params
    filters = filters_of(args)
    page, limit = _int(args, "page"), max(_int(args, "limit", 100), 1)
    if filters.project_id is not None:
        check_project(caller, filters.project_id)
    async with request.app.state.db.read() as conn:
        return await store.page(conn, filters, caller.visible_projects(), page, limit)
