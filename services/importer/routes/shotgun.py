"""`/import/shotgun/*`: ShotGrid payloads upserted into data, keyed by ShotGrid ids."""

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, Request

from libs.common.errors import WrongParameter
from libs.common.logging import get_logger
from libs.common.permissions import Admin
from services.importer import data_api
from services.importer.routes.body import json_body
from services.importer.store import runs

log = get_logger(__name__)
router = APIRouter(tags=["import"])


def _project_name(entry: dict) -> str | None:
    project = entry["project"]
    return project["name"] if project is not None else None


def _linked_id(entry: dict, key: str) -> int | None:
    linked = entry.get(key)
    return linked.get("id") if isinstance(linked, dict) else None


def _custom_data(entry: dict, not_custom: tuple[str, ...] = ()) -> dict:
    return {
        k: v
        for k, v in entry.items()
        if k.startswith("sg_") and k not in not_custom and v is not None
    }


def _episode(entry: dict) -> dict:
    return {
        "shotgun_id": entry["id"],
        "name": entry["code"],
        "description": entry["description"],
        "project_name": _project_name(entry),
    }


def _sequence(entry: dict) -> dict:
    return {**_episode(entry), "parent_shotgun_id": _linked_id(entry, "episode")}


def _shot(entry: dict) -> dict:
    frame_in = entry["sg_cut_in"]
    frame_out = frame_in
    if frame_in is not None and entry["sg_cut_duration"] is not None:
        frame_out = frame_in + entry["sg_cut_duration"]
    data = _custom_data(entry, ("sg_cut_in", "sg_cut_out", "sg_sequence"))
    data.update(frame_in=frame_in, frame_out=frame_out)
    return {
        "shotgun_id": entry["id"],
        "name": entry["code"],
        "project_name": _project_name(entry),
        "parent_shotgun_id": _linked_id(entry, "sg_sequence"),
        "source_shotgun_id": _linked_id(entry, "sg_scene"),
        "data": data,
    }


def _scene(entry: dict) -> dict:
    return {
        "shotgun_id": entry["id"],
        "name": entry["code"],
        "project_name": _project_name(entry),
        "parent_shotgun_id": _linked_id(entry, "sequence"),
    }


@dataclass(frozen=True)
class EntityImport:
    kind: str  # the path segment
    type: str  # the entity type in data
    extract: Callable[[dict], dict]
    parent_type: str | None = None
    source_type: str | None = None
    merge_data: bool = False


ENTITY_IMPORTS = (
    EntityImport("episodes", "Episode", _episode),
    EntityImport("sequences", "Sequence", _sequence, parent_type="Episode"),
    EntityImport("scenes", "Scene", _scene, parent_type="Sequence"),
    EntityImport(
        "shots", "Shot", _shot, parent_type="Sequence", source_type="Scene", merge_data=True
    ),
)

# The removal webhooks: path segment -> what data removes.
REMOVALS = {
    "episode": "Episode",
    "sequence": "Sequence",
    "scene": "Scene",
    "shot": "Shot",
    "project-connection": "ProjectPersonLink",
    "projectconnection": "ProjectPersonLink",
}


def _entries(body) -> list:
    if not isinstance(body, list):
        raise WrongParameter("A list of ShotGrid entries is expected.")
    return body


def _extracted(entries: list, extract: Callable[[dict], dict]) -> list[dict]:
    """Entries missing a field are skipped, as Zou does, and logged."""
    rows = []
    for entry in entries:
        try:
            rows.append(extract(entry))
        except (KeyError, TypeError, AttributeError):
            log.warning("shotgun entry not properly formatted, skipped", entry=str(entry)[:200])
    return rows


async def _record(request: Request, kind: str, user, nb_entries: int, results: list) -> None:
    mappings = [(r["shotgun_id"], r["id"]) for r in results if r.get("shotgun_id") is not None]
    async with request.app.state.db.write() as conn:
        await runs.record(conn, "shotgun", kind, user.id, nb_entries, mappings)


def _entity_route(spec: EntityImport) -> None:
    async def import_entities(request: Request, user: Admin):
        entries = _entries(await json_body(request))
        rows = _extracted(entries, spec.extract)
        results = await data_api.post(
            request,
            "/internal/import/shotgun/entities",
            {
                "type": spec.type,
                "parent_type": spec.parent_type,
                "source_type": spec.source_type,
                "merge_data": spec.merge_data,
                "user_id": str(user.id),
                "rows": rows,
            },
        )
        await _record(request, spec.type, user, len(entries), results)
        return results

    import_entities.__name__ = f"import_shotgun_{spec.kind}"
    router.add_api_route(f"/import/shotgun/{spec.kind}", import_entities, methods=["POST"])


for _spec in ENTITY_IMPORTS:
    _entity_route(_spec)


def _connection(entry: dict) -> dict:
    return {
        "shotgun_id": entry["id"],
        "project_shotgun_id": entry["project"]["id"],
        "person_shotgun_id": entry["user"]["id"],
    }


async def import_project_connections(request: Request, user: Admin):
    entries = _entries(await json_body(request))
    rows = _extracted(entries, _connection)
    results = await data_api.post(
        request,
        "/internal/import/shotgun/project-links",
        {"user_id": str(user.id), "rows": rows},
    )
    async with request.app.state.db.write() as conn:
        await runs.record(conn, "shotgun", "project-connections", user.id, len(entries), [])
    return results


# Zou keeps the old spelling as an alias on purpose.
for _path in ("/import/shotgun/project-connections", "/import/shotgun/projectconnections"):
    router.add_api_route(_path, import_project_connections, methods=["POST"])


def _removal_route(segment: str, model: str) -> None:
    async def remove(request: Request, user: Admin):
        body = await json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("id"), int):
            raise WrongParameter("A ShotGrid entry with an integer id is expected.")
        result = await data_api.post(
            request,
            "/internal/import/shotgun/remove",
            {"model": model, "shotgun_id": body["id"], "user_id": str(user.id)},
        )
        if result.get("success"):
            async with request.app.state.db.write() as conn:
                await runs.forget(conn, "shotgun", model, body["id"])
        return result

    remove.__name__ = f"remove_shotgun_{segment.replace('-', '_')}"
    router.add_api_route(f"/import/shotgun/remove/{segment}", remove, methods=["POST"])


for _segment, _model in REMOVALS.items():
    _removal_route(_segment, _model)
