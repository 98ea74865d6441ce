"""`/data/search`: persons, assets and shots whose names contain the query."""

import uuid

from fastapi import APIRouter, Request

from services.data.routes.crud import CallerDep
from services.data.routes.tasks import json_body
from services.data.store import search as store
from services.data.store import user as user_store
from services.data.work import body_dict, validation_error

router = APIRouter(tags=["search"])
INDEXES = ("assets", "shots", "persons")


def _int(body: dict, name: str, default: int, minimum: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise validation_error(name, message="Input should be a valid integer")
    if value < minimum:
        raise validation_error(name, message=f"Input should be greater than or equal to {minimum}")
    return value


@router.post("/data/search")
async def search(request: Request, caller: CallerDep):
    body = body_dict(await json_body(request))
    query = body.get("query")
    if query is None:
        raise validation_error("query")
    if not isinstance(query, str):
        raise validation_error("query", message="Input should be a valid string")
    limit = _int(body, "limit", 3, 1)
    offset = _int(body, "offset", 0, 0)
    names = body.get("index_names", list(INDEXES))
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise validation_error("index_names", message="Input should be a valid list")
    project_id = body.get("project_id")
    if project_id not in (None, ""):
        try:
            project_id = uuid.UUID(str(project_id))
        except ValueError:
            raise validation_error("project_id", message="Input should be a valid UUID") from None
    results: dict = {}
    if len(query) < 3:
        return results
    async with request.app.state.db.read() as conn:
        project_ids = await user_store.open_project_ids(conn, caller.user.id, caller.is_admin)
        if project_id:
            project_ids = [project_id] if project_id in project_ids else []
        if "persons" in names:
            results["persons"] = await store.persons(
                conn, query, limit, offset, minimal=not caller.is_admin
            )
        for name, kind in (("assets", "Asset"), ("shots", "Shot")):
            if name in names:
                results[name] = (
                    await store.entities_of(conn, kind, query, project_ids, limit, offset)
                    if project_ids
                    else []
                )
    return results
