"""`/data/user/{assets,shots,scenes,sequences}/{id}/{tasks,task-types}`: what the caller
is assigned on one entity, for Kitsu's "my tasks" views and gazu's `user` module."""

from fastapi import APIRouter, Request

from libs.common.permissions import CallerDep
from services.data.store import user_entities as store
from services.data.work import uuid_of

router = APIRouter(tags=["user"])

KINDS = {"assets": "Asset", "shots": "Shot", "scenes": "Scene", "sequences": "Sequence"}
READS = {"tasks": store.tasks, "task-types": store.task_types}


def _declare(segment: str, kind: str, what: str, read) -> None:
    async def handler(entity_id: str, request: Request, caller: CallerDep):
        eid = uuid_of(entity_id)
        async with request.app.state.db.read() as conn:
            await store.check_kind(conn, eid, kind)
            return await read(conn, eid, caller.user.id)

    handler.__name__ = f"user_{segment}_{what}".replace("-", "_")
    router.add_api_route(f"/data/user/{segment}/{{entity_id}}/{what}", handler, methods=["GET"])


for _segment, _kind in KINDS.items():
    for _what, _read in READS.items():
        _declare(_segment, _kind, _what, _read)
