"""The persisted event log: `/data/events/*`."""

import datetime as dt
import uuid

from fastapi import APIRouter, Request

from libs.common.errors import WrongParameter
from libs.common.permissions import Admin
from services.data.store import events as store

router = APIRouter(tags=["events"])


def _date(text: str | None, name: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError as exc:
        raise WrongParameter(f"{name} must be an ISO date") from exc


def _uuid(text: str | None, name: str) -> uuid.UUID | None:
    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise WrongParameter(f"{name} must be a UUID") from exc


@router.get("/data/events/last")
async def last_events(
    request: Request,
    user: Admin,
    limit: int = 100,
    before: str | None = None,
    after: str | None = None,
    project_id: str | None = None,
    name: str | None = None,
    only_files: bool = False,
):
    if limit < 1:
        raise WrongParameter("limit must be a positive integer")
    async with request.app.state.db.read() as conn:
        return await store.last(
            conn,
            limit=min(limit, 10_000),
            before=_date(before, "before"),
            after=_date(after, "after"),
            project_id=_uuid(project_id, "project_id"),
            name=name,
            only_files=only_files,
        )


@router.get("/data/events/names")
async def event_names(request: Request, user: Admin):
    async with request.app.state.db.read() as conn:
        return await store.names(conn)
