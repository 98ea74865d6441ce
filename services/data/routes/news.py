"""The news feed of a production, and across the caller's productions."""

from fastapi import APIRouter, Request

from libs.common.errors import NotFound, WrongParameter
from services.data.routes.crud import CallerDep
from services.data.store import news as store
from services.data.store.user import open_project_ids
from services.data.work import check_project, datetime_of, uuid_of

router = APIRouter(tags=["news"])


def _int(raw: str | None, name: str, default: int) -> int:
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise WrongParameter(f"{name} must be an integer.") from None


def _filters(request: Request) -> dict:
    q = request.query_params
    return {
        "page": _int(q.get("page"), "page", 1),
        "limit": _int(q.get("limit"), "limit", 50) or 50,
        "before": datetime_of(q.get("before"), "before"),
        "after": datetime_of(q.get("after"), "after"),
        "task_status_id": uuid_of(q["task_status_id"], "task_status_id")
        if q.get("task_status_id")
        else None,
        "person_id": uuid_of(q["person_id"], "person_id") if q.get("person_id") else None,
        "only_preview": (q.get("only_preview") or "").lower() == "true",
    }


@router.get("/data/projects/news")
async def all_news(request: Request, caller: CallerDep):
    filters = _filters(request)
    async with request.app.state.db.read() as conn:
        ids = await open_project_ids(conn, caller.user.id, caller.is_admin)
        q = request.query_params.get("project_id")
        if q:
            pid = uuid_of(q, "project_id")
            check_project(caller, pid)
            ids = [pid]
        return await store.feed(conn, ids, **filters)


@router.get("/data/projects/{project_id}/news")
async def project_news(project_id: str, request: Request, caller: CallerDep):
    pid = uuid_of(project_id)
    filters = _filters(request)
    check_project(caller, pid)
    async with request.app.state.db.read() as conn:
        return await store.feed(conn, [pid], **filters)


@router.get("/data/projects/{project_id}/news/{news_id}")
async def one_news(project_id: str, news_id: str, request: Request, caller: CallerDep):
    pid, nid = uuid_of(project_id), uuid_of(news_id)
    check_project(caller, pid)
    async with request.app.state.db.read() as conn:
        found = await store.feed(conn, [pid], news_id=nid)
    if not found:
        raise NotFound()
    return found[0]
