"""Budgets of a production and their entries (Zou's `projects` blueprint). Only the
production's managers see them."""

import datetime as dt

from fastapi import APIRouter, Request, Response

from libs.common.errors import NotFound, WrongParameter
from services.data import tables as t
from services.data.routes.production_access import ViewerDep, body_id, json_body, text, uid
from services.data.store import budgets as store
from services.data.store import projects as projects_store

router = APIRouter(tags=["projects"])
BUDGET = "/data/projects/{project_id}/budgets/{budget_id}"


def db(request: Request):
    return request.app.state.db


async def _project(conn, viewer, project_id: str):
    pid = uid(project_id)
    viewer.check_manager(pid)
    if not await projects_store.exists(conn, pid):
        raise NotFound()
    return pid


@router.post("/data/projects/{project_id}/budgets")
async def create_budget(request: Request, project_id: str, viewer: ViewerDep):
    body = await json_body(request)
    name = text(body, "name", required=True, max_length=255)
    currency = text(body, "currency", max_length=3) if "currency" in body else "USD"
    async with db(request).write() as conn:
        pid = await _project(conn, viewer, project_id)
        return await store.create(conn, request.app.state.outbox, pid, name, currency, viewer.id)


@router.get(BUDGET)
async def get_budget(request: Request, project_id: str, budget_id: str, viewer: ViewerDep):
    async with db(request).read() as conn:
        pid = await _project(conn, viewer, project_id)
        return await store.get(conn, pid, uid(budget_id))


@router.delete(BUDGET)
async def delete_budget(request: Request, project_id: str, budget_id: str, viewer: ViewerDep):
    async with db(request).write() as conn:
        pid = await _project(conn, viewer, project_id)
        await store.delete(conn, request.app.state.outbox, pid, uid(budget_id), viewer.id)
    return Response(status_code=204)


@router.get(BUDGET + "/entries")
async def budget_entries(request: Request, project_id: str, budget_id: str, viewer: ViewerDep):
    async with db(request).read() as conn:
        pid = await _project(conn, viewer, project_id)
        budget = await store.get(conn, pid, uid(budget_id))
        return await store.entries(conn, uid(budget["id"]))


def _entry_values(body: dict, creating: bool) -> dict:
    """The entry columns the body sets, checked."""
    values = {}
    if creating or "department_id" in body:
        values["department_id"] = body_id(body, "department_id", required=True)
    if "person_id" in body:
        values["person_id"] = body_id(body, "person_id")
    if body.get("start_date") is not None or creating:
        raw = body.get("start_date")
        if raw is None:
            raise WrongParameter("start_date is required.")
        try:
            values["start_date"] = dt.date.fromisoformat(str(raw)[:10])
        except ValueError:
            raise WrongParameter("start_date must be a date (YYYY-MM-DD).") from None
    for key, kind in (("months_duration", int), ("daily_salary", float)):
        value = body.get(key)
        if value is None:
            if creating:
                raise WrongParameter(f"{key} is required.")
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise WrongParameter(f"{key} must be a number.")
        if kind is int and value != int(value):
            raise WrongParameter(f"{key} must be an integer.")
        values[key] = kind(value)
    for key, allowed in (("position", t.POSITIONS), ("seniority", t.SENIORITIES)):
        if body.get(key) is not None:
            if body[key] not in allowed:
                raise WrongParameter(f"{key} must be one of {', '.join(allowed)}.")
            values[key] = body[key]
    if "exceptions" in body:
        values["exceptions"] = _exceptions(body["exceptions"])
    return values


def _exceptions(raw) -> dict:
    """Month → salary overrides; empty or zero ones are dropped, as Zou does."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise WrongParameter("exceptions must be a JSON object.")
    out = {}
    for month, value in raw.items():
        if value is None:
            continue
        try:
            amount = int(value)
        except (TypeError, ValueError):
            raise WrongParameter("exceptions values must be integers.") from None
        if amount > 0:
            out[month] = amount
    return out


@router.post(BUDGET + "/entries")
async def create_entry(request: Request, project_id: str, budget_id: str, viewer: ViewerDep):
    values = _entry_values(await json_body(request), creating=True)
    async with db(request).write() as conn:
        pid = await _project(conn, viewer, project_id)
        budget = await store.get(conn, pid, uid(budget_id))
        return await store.create_entry(
            conn, request.app.state.outbox, pid, uid(budget["id"]), values, viewer.id
        )


ENTRY = BUDGET + "/entries/{entry_id}"


@router.get(ENTRY)
async def get_entry(
    request: Request, project_id: str, budget_id: str, entry_id: str, viewer: ViewerDep
):
    async with db(request).read() as conn:
        pid = await _project(conn, viewer, project_id)
        budget = await store.get(conn, pid, uid(budget_id))
        return await store.get_entry(conn, uid(budget["id"]), uid(entry_id))


@router.put(ENTRY)
async def update_entry(
    request: Request, project_id: str, budget_id: str, entry_id: str, viewer: ViewerDep
):
    values = _entry_values(await json_body(request), creating=False)
    async with db(request).write() as conn:
        pid = await _project(conn, viewer, project_id)
        budget = await store.get(conn, pid, uid(budget_id))
        return await store.update_entry(
            conn, request.app.state.outbox, pid, uid(budget["id"]), uid(entry_id), values, viewer.id
        )


@router.delete(ENTRY)
async def delete_entry(
    request: Request, project_id: str, budget_id: str, entry_id: str, viewer: ViewerDep
):
    async with db(request).write() as conn:
        pid = await _project(conn, viewer, project_id)
        budget = await store.get(conn, pid, uid(budget_id))
        await store.delete_entry(
            conn, request.app.state.outbox, pid, uid(budget["id"]), uid(entry_id), viewer.id
        )
    return Response(status_code=204)
