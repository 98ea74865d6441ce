"""`/import/kitsu/*`: rows of another Kitsu instance upserted by their own ids."""

from fastapi import APIRouter, Request

from libs.common.errors import WrongParameter
from libs.common.permissions import CurrentUser
from services.importer import data_api
from services.importer.routes.body import json_body
from services.importer.store import runs

router = APIRouter(tags=["import"])


@router.post("/import/kitsu/comments")
async def import_comments(request: Request, user: CurrentUser):
    entries = await json_body(request)
    if not isinstance(entries, list):
        raise WrongParameter("A list of entities is expected.")
    # Zou skips, rather than refuses, the entries a non-admin sends.
    rows = [e for e in entries if isinstance(e, dict)] if user.is_admin else []
    for row in rows:
        if "id" not in row or "object_id" not in row:
            raise WrongParameter("Each comment needs an id and an object_id.")
    results = await data_api.post(
        request, "/internal/import/kitsu/comments", {"user_id": str(user.id), "rows": rows}
    )
    async with request.app.state.db.write() as conn:
        await runs.record(
            conn, "kitsu", "Comment", user.id, len(entries), [(r["id"], r["id"]) for r in results]
        )
    return results
