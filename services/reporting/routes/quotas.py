"""A production's shot quotas: per person for one task type, or per task type for one
person (Zou's `shots` blueprint), computed from reporting's projections."""

import uuid

from fastapi import APIRouter, Request

from libs.common.errors import Forbidden, NotFound, WrongParameter
from libs.common.permissions import CurrentUser
from libs.common.responses import PlainJSON
from services.reporting.access import project_caller
from services.reporting.store import quotas

router = APIRouter(tags=["shots"])

COUNT_MODES = ("weighted", "weighteddone", "feedback", "done")
# Zou's message, misspelling included.
BAD_COUNT_MODE = "count_mode must be equal to weighted, weigtheddone, feedback, or done"


def _count_mode(request: Request) -> str:
    count_mode = request.query_params.get("count_mode", "weighted")
    if count_mode not in COUNT_MODES:
        raise WrongParameter(BAD_COUNT_MODE, data=None)
    return count_mode


def _uuid(raw: str | None, name: str) -> uuid.UUID | None:
    if raw in (None, ""):
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise WrongParameter(f"Invalid UUID format for {name}: {raw}", data=None) from None


def _fps(project: dict) -> float:
    try:
        return float(project["fps"] or "25.00")
    except (TypeError, ValueError):
        return 25.0


async def _quotas(request: Request, project: dict, count_mode: str, **scope) -> bytes:
    scope = quotas.Scope(
        project_id=project["id"],
        studio_id=_uuid(request.query_params.get("studio_id"), "studio_id"),
        feedback="done" not in count_mode,
        **scope,
    )
    timezone = project["timezone"] or request.app.state.settings.default_timezone
    compute = quotas.weighted if "weighted" in count_mode else quotas.raw
    async with request.app.state.db.read() as conn:
        return PlainJSON(await compute(conn, scope, timezone, _fps(project))).body


@router.get("/data/projects/{project_id}/quotas/persons/{person_id}")
async def person_quotas(request: Request, project_id: str, person_id: str, user: CurrentUser):
    async def build() -> bytes:
        caller, project = await project_caller(request, user, project_id)
        caller.block_client(project["id"])
        # Zou: leads of the production see anyone's quotas there; others only their own.
        if caller.role_in(project["id"]) in ("admin", "manager", "supervisor"):
            caller.check_project(project["id"])
        elif not user.is_admin and str(user.id) != person_id:
            raise Forbidden()
        count_mode = _count_mode(request)
        try:
            target = uuid.UUID(person_id)
        except ValueError:
            raise NotFound() from None
        if await request.app.state.data_api.person(target) is None:
            raise NotFound()
        return await _quotas(request, project, count_mode, person_id=target)

    return await request.app.state.answers.respond(request, user.id, build)


@router.get("/data/projects/{project_id}/quotas/{task_type_id}")
async def task_type_quotas(request: Request, project_id: str, task_type_id: str, user: CurrentUser):
    async def build() -> bytes:
        caller, project = await project_caller(request, user, project_id)
        caller.check_project(project["id"])
        caller.block_client(project["id"])
        count_mode = _count_mode(request)
        task_type = _uuid(task_type_id, "task_type_id")
        return await _quotas(request, project, count_mode, task_type_id=task_type)

    return await request.app.state.answers.respond(request, user.id, build)
