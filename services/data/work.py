"""What the daily-work routes (tasks, comments, time, user views, playlists, files) share:
who may act on a task, Zou's body validation errors, and several events in one insert."""

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.errors import Forbidden, MalformedId, WrongParameter
from libs.common.events import Outbox
from libs.common.permissions import Caller

# --- Access (Zou's permissions_service, by global role) ------------------------------


def check_project(caller: Caller, project_id: Any) -> None:
    """Admins, or members of the project's team."""
    if caller.is_admin:
        return
    if project_id is None or project_id not in caller.projects:
        raise Forbidden()


def check_project_manager(caller: Caller, project_id: Any) -> None:
    check_project(caller, project_id)
    if not caller.user.has_at_least("manager"):
        raise Forbidden()


def check_project_supervisor(caller: Caller, project_id: Any) -> None:
    check_project(caller, project_id)
    if not caller.user.has_at_least("supervisor"):
        raise Forbidden()


def can_act_on_task(caller: Caller, task: dict, department_id: Any = None) -> bool:
    """Zou's check_task_action_access: admins; managers and clients of the project;
    its assignees; supervisors of its task type's department (or of no department)."""
    if caller.is_admin:
        return True
    if task["project_id"] not in caller.projects:
        return False
    if caller.user.has_at_least("manager") or caller.role == "client":
        return True
    if caller.user.id in (task.get("assignees") or []):
        return True
    if caller.role == "supervisor":
        departments = caller.user.person.departments
        return not departments or department_id in departments
    return False


def check_task_action(caller: Caller, task: dict, department_id: Any = None) -> None:
    if not can_act_on_task(caller, task, department_id):
        raise Forbidden()


def check_task_supervisor(caller: Caller, task: dict, department_id: Any = None) -> None:
    """Zou's check_supervisor_task_access: managers of the project, or supervisors of
    the task type's department."""
    if caller.is_admin:
        return
    check_project(caller, task["project_id"])
    if caller.user.has_at_least("manager"):
        return
    if caller.role == "supervisor":
        departments = caller.user.person.departments
        if not departments or department_id in departments:
            return
    raise Forbidden()


def check_person(caller: Caller, person_id: Any) -> None:
    """Admins, or the person themself."""
    if not caller.is_admin and caller.user.id != person_id:
        raise Forbidden()


# --- Parsing --------------------------------------------------------------------------


def validation_error(*fields: str, message: str = "Field required") -> WrongParameter:
    """Zou's pydantic answer: `{"message": "Validation error.", "data": {"errors": [...]}}`."""
    return WrongParameter(
        "Validation error.",
        data={"errors": [{"field": name, "message": message} for name in fields]},
    )


def uuid_of(raw: Any, field: str | None = None) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError, AttributeError):
        if field is None:
            raise MalformedId() from None
        raise validation_error(field, message="Input should be a valid UUID") from None


def uuids_of(raw: Any, field: str) -> list[uuid.UUID]:
    if not isinstance(raw, list):
        raise validation_error(field, message="Input should be a valid list")
    return list(dict.fromkeys(uuid_of(item, field) for item in raw))


def date_of(raw: str, field: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        raise WrongParameter(f"Wrong date format for {field}: {raw}") from None


def datetime_of(raw: Any, field: str) -> dt.datetime | None:
    if raw in (None, ""):
        return None
    try:
        value = dt.datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise WrongParameter(f"Wrong date format for {field}: {raw}") from None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def body_dict(body: Any) -> dict:
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise WrongParameter("The body must be a JSON object.")
    return body


# --- Events -------------------------------------------------------------------------

Event = tuple[str, dict, Any]  # name, data, project_id


async def emit_all(conn: AsyncConnection, outbox: Outbox, events: list[Event], user_id: Any):
    """Every event of one write in a single insert, inside the write's transaction."""
    await outbox.emit_many(conn, events, user_id)


# --- Pages ---------------------------------------------------------------------------

RECORDS_PER_PAGE = 100


def page_of(raw: str | None, name: str = "page", default: int = -1) -> int:
    """Zou's integer query parameters: 400 naming the parameter when not an integer."""
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise WrongParameter(f"{name} must be an integer.") from None


async def paginated(conn: AsyncConnection, statement, page: int, shape, limit: int = 0):
    """Zou's get_paginated_results: every row below page 1, else the page's envelope."""
    if page < 1:
        return [shape(r) for r in (await conn.execute(statement)).mappings()]
    limit = limit or RECORDS_PER_PAGE
    total = (
        await conn.execute(
            sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
        )
    ).scalar()
    offset = (page - 1) * limit
    rows = []
    if total >= offset:
        found = await conn.execute(statement.limit(limit).offset(offset))
        rows = [shape(r) for r in found.mappings()]
    return {
        "data": rows,
        "total": total,
        "nb_pages": -(-total // limit),
        "limit": limit,
        "offset": offset,
        "page": page,
    }
