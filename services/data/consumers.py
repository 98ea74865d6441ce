"""What the data service does with events: it keeps the whole system's event log."""

from libs.common.events import Consumer, Event
from services.data.store import events


async def log_event(conn, event: Event) -> None:
    await events.record(conn, event)


async def log_events(conn, batch: list[Event]) -> None:
    await events.record_many(conn, batch)


# The log's rows are keyed by the event id: a redelivered event is dropped by the insert.
CONSUMERS = [Consumer("event-log", ">", log_event, handle_many=log_events, idempotent=True)]
