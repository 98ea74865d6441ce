"""`/data/events/login-logs/last`: served by auth, which owns the login log it writes at
every login (Zou's login_log), so the table has one owner and no copy elsewhere."""

import datetime as dt
import uuid

from fastapi import APIRouter, Request

from libs.common.errors import WrongParameter
from libs.common.permissions import Admin
from services.auth.store import login_logs

router = APIRouter(tags=["events"])
MAX_LIMIT = 1000


def _date(request: Request, name: str) -> dt.datetime | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    for shape in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(raw, shape)
        except ValueError:
            continue
    raise WrongParameter(
        f"Wrong date format for {name} argument.Expected format: 2020-01-05T13:23:10 or 2020-01-05",
        data=None,
    )


def _uuid(raw: str, message: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise WrongParameter(message, data=None) from None


@router.get("/data/events/login-logs/last")
async def last_login_logs(request: Request, admin: Admin):
    # Admins only, as Zou: the rows carry every person's address, studio-wide.
    params = request.query_params
    try:
        limit = min(int(params.get("limit") or 100), MAX_LIMIT)
    except ValueError:
        raise WrongParameter("limit must be an integer.", data=None) from None
    person_ids = [
        _uuid(raw, "The person_ids parameter contains an invalid id")
        for raw in params.getlist("person_ids")
    ]
    before, after = _date(request, "before"), _date(request, "after")
    cursor = params.get("cursor_login_log_id")
    async with request.app.state.db.read() as conn:
        if cursor is not None:
            log_id = _uuid(cursor, "The cursor_login_log_id parameter is not a valid id")
            cursor_at = await login_logs.created_at(conn, log_id)
            if cursor_at is None:
                raise WrongParameter(f"No login log found with id: {cursor}", data=None)
            before = min(before, cursor_at) if before else cursor_at
        rows = await login_logs.last(conn, limit, after, before, person_ids)
    return [
        {**row, "id": str(row["id"]), "person_id": str(row["person_id"]),
         "created_at": row["created_at"].isoformat(timespec="seconds")}
        for row in rows
    ]  # fmt: skip
