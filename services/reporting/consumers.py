"""Reporting's projections follow data's events. Zou's events carry only ids, so data is
asked for the rows they name as they now stand (or learns they are gone), once per batch:
applying the same event twice, or late, leaves the same copy."""

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.events import Consumer
from libs.common.events.consumer import Event
from libs.common.settings import get_settings
from services.reporting.store import projections

ENTITY_EVENTS = ("asset", "shot", "sequence", "episode", "scene", "edit", "concept")

# event prefix -> (projection, key of the row id in the event's data)
FOLLOWED = {
    "person": ("persons", "person_id"),
    "project": ("projects", "project_id"),
    "task": ("tasks", "task_id"),
    "time-spent": ("time-spents", "time_spent_id"),
    **{name: ("entities", f"{name}_id") for name in ENTITY_EVENTS},
}

_client: httpx.AsyncClient | None = None


def _data() -> httpx.AsyncClient:
    global _client
    if _client is None:
        _client = httpx.AsyncClient(base_url=get_settings().data_url, timeout=10)
    return _client


def followed(event: Event) -> tuple[str, uuid.UUID] | None:
    prefix = event.name.partition(":")[0]
    if prefix not in FOLLOWED:
        return None
    kind, key = FOLLOWED[prefix]
    raw = event.data.get(key)
    try:
        return kind, uuid.UUID(str(raw))
    except ValueError:
        return None


async def refresh(conn: AsyncConnection, event: Event) -> None:
    await refresh_many(conn, [event])


async def refresh_many(conn: AsyncConnection, events: list[Event]) -> None:
    """A fetched batch: each row its events name is asked for once (a comment's three
    task events, one task), one request per kind."""
    wanted: dict[str, list[uuid.UUID]] = {}
    for event in events:
        target = followed(event)
        if target is not None:
            wanted.setdefault(target[0], []).append(target[1])
    for kind, row_ids in wanted.items():
        ids = ",".join(str(row_id) for row_id in dict.fromkeys(row_ids))
        response = await _data().get(f"/internal/reporting/{kind}", params={"ids": ids})
        # Anything but 200: nak; a batch is then applied one event at a time.
        response.raise_for_status()
        for row_id, fact in response.json().items():
            if fact is None:
                await projections.remove(conn, kind, uuid.UUID(row_id))
            else:
                await projections.store(conn, kind, fact)


CONSUMERS = [
    Consumer(
        "projections",
        "data.>",
        refresh,
        handle_many=refresh_many,
        # Comments, notifications, news... are half of data's events and change no copy.
        only=tuple(f"data.{name}." for name in FOLLOWED),
    )
]
