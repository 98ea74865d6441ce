"""What Zou does around a production's generic create and update: a tv show always has a
first episode (E01 when it has none), answered as `first_episode_id`."""

from libs.common import permissions as p
from services.data.store import entities


async def first_episode(conn, outbox, project_id, user_id) -> dict:
    """The production's first episode by name, E01 created when there is none."""
    e = entities.e
    found = await entities.rows(
        conn, entities.of_type("Episode"), e.c.project_id == project_id, order=[e.c.name]
    )
    if found:
        return found[0]
    values = {
        "name": "E01",
        "description": "",
        "data": {},
        "status": "running",
        "project_id": project_id,
        "entity_type_id": await entities.type_id(conn, "Episode"),
    }
    return await entities.create(conn, outbox, values, user_id)


async def _tvshow(conn, outbox, caller: p.Caller, row: dict) -> dict:
    if row.get("production_type") != "tvshow":
        return {}
    episode = await first_episode(conn, outbox, row["id"], caller.user.id)
    return {"first_episode_id": str(episode["id"])}


async def after_create(conn, outbox, caller: p.Caller, row: dict, hooked: dict) -> dict:
    return await _tvshow(conn, outbox, caller, row)


async def after_update(conn, outbox, caller: p.Caller, row: dict, hooked: dict) -> dict:
    return await _tvshow(conn, outbox, caller, row)
