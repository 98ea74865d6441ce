"""Durable JetStream consumers that apply each event exactly once.

A handler is one async function of (connection, event). It runs in a transaction that
also records the event id in the service's inbox; a redelivered event finds its id there
and changes nothing. Ack after commit, nak (with a delay) on failure.
"""

import asyncio
import contextlib
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.db import Database
from libs.common.events.bus import Bus
from libs.common.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class Event:
    id: uuid.UUID
    name: str
    data: dict[str, Any]
    project_id: str | None
    user_id: str | None
    created_at: str | None
    subject: str
    raw: dict[str, Any]

    @classmethod
    def parse(cls, subject: str, body: bytes) -> "Event":
        raw = json.loads(body)
        return cls(
            id=uuid.UUID(raw["id"]),
            name=raw["name"],
            data=raw.get("data") or {},
            project_id=raw.get("project_id"),
            user_id=raw.get("user_id"),
            created_at=raw.get("created_at"),
            subject=subject,
            raw=raw,
        )


Handler = Callable[[AsyncConnection, Event], Awaitable[None]]


class Consumer:
    def __init__(
        self,
        name: str,
        subject: str,  # relative to the prefix: "data.person.>"
        handler: Handler,
        deliver_all: bool = True,
        # Optional: applies a fetched batch's new events at once (one statement, not one
        # per event); `handler` still applies them one by one when a batch fails.
        handle_many: Callable[[AsyncConnection, list[Event]], Awaitable[None]] | None = None,
        # True when applying an event twice changes nothing by itself (rows keyed by the
        # event id): no inbox row is written, one statement less per batch.
        idempotent: bool = False,
        # Subjects (relative to the prefix, e.g. "data.task.") this consumer acts on; the
        # others of `subject` are acknowledged unread, with no transaction.
        only: tuple[str, ...] = (),
    ):
        self.name = name
        self.subject = subject
        self.handler = handler
        self.deliver_all = deliver_all
        self.handle_many = handle_many
        self.idempotent = idempotent
        self.only = only
        self._task: asyncio.Task | None = None

    def start(self, db: Database, bus: Bus, inbox: sa.Table, durable: str) -> None:
        self._task = asyncio.create_task(self._run(db, bus, inbox, durable))

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self, db: Database, bus: Bus, inbox: sa.Table, durable: str) -> None:
        await bus.ready.wait()
        while True:
            try:
                sub = await bus.js.pull_subscribe(
                    bus.subject(self.subject),
                    durable=durable,
                    stream=bus.stream,
                    config=ConsumerConfig(
                        ack_policy=AckPolicy.EXPLICIT,
                        deliver_policy=DeliverPolicy.ALL if self.deliver_all else DeliverPolicy.NEW,
                        ack_wait=30,
                        max_deliver=-1,
                    ),
                )
                break
            except Exception as exc:
                log.warning("consumer not ready, retrying", consumer=durable, error=str(exc))
                await asyncio.sleep(1)
        while True:
            try:
                msgs = await sub.fetch(100, timeout=5)
            except (NatsTimeout, TimeoutError):
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("consumer fetch failed", consumer=durable, error=str(exc))
                await asyncio.sleep(0.5)
                continue
            if self.only:
                msgs = await self._skip_unwanted(msgs, len(bus.prefix) + 1)
            if len(msgs) > 1 and await self._deliver_together(db, inbox, msgs):
                continue
            for msg in msgs:
                await self._deliver(db, inbox, durable, msg)

    async def _skip_unwanted(self, msgs: list, cut: int) -> list:
        wanted = []
        for msg in msgs:
            if msg.subject[cut:].startswith(self.only):
                wanted.append(msg)
            else:
                with contextlib.suppress(Exception):
                    await msg.ack()
        return wanted

    async def _deliver_together(self, db: Database, inbox: sa.Table, msgs: list) -> bool:
        """A fetched batch applied in one transaction (one commit instead of one per event,
        so a burst of events costs the service's requests little); False when any event
        is unreadable or fails, and the batch is then applied one by one."""
        try:
            events = [Event.parse(msg.subject, msg.data) for msg in msgs]
            async with db.write() as conn:
                if self.handle_many is not None:
                    await self._apply_many(conn, inbox, events)
                else:
                    for event in events:
                        await self._apply(conn, inbox, event)
        except asyncio.CancelledError:
            raise
        except Exception:
            return False
        for msg in msgs:
            with contextlib.suppress(Exception):
                await msg.ack()
        return True

    async def _apply(self, conn: AsyncConnection, inbox: sa.Table, event: Event) -> None:
        if self.idempotent:
            await self.handler(conn, event)
        else:
            await apply_in(conn, inbox, self.name, event, self.handler)

    async def _apply_many(self, conn: AsyncConnection, inbox: sa.Table, events: list[Event]):
        if self.idempotent:
            await self.handle_many(conn, list({event.id: event for event in events}.values()))
            return
        rows = [{"consumer": self.name, "event_id": event.id} for event in events]
        # Rows as parameters: compiled once (a multi-row VALUES is compiled every time).
        fresh = set(
            (
                await conn.execute(
                    insert(inbox).on_conflict_do_nothing().returning(inbox.c.event_id), rows
                )
            ).scalars()
        )
        new = list({event.id: event for event in events if event.id in fresh}.values())
        if new:
            await self.handle_many(conn, new)

    async def _deliver(self, db: Database, inbox: sa.Table, durable: str, msg) -> None:
        try:
            event = Event.parse(msg.subject, msg.data)
        except Exception:
            log.error("unreadable event dropped", subject=msg.subject)
            await msg.term()
            return
        try:
            async with db.write() as conn:
                await self._apply(conn, inbox, event)
        except Exception:
            log.exception("event handler failed", consumer=durable, event=event.name)
            with contextlib.suppress(Exception):
                await msg.nak(delay=1)
            return
        with contextlib.suppress(Exception):
            await msg.ack()


async def apply_in(
    conn: AsyncConnection, inbox: sa.Table, consumer: str, event: Event, handler: Handler
) -> bool:
    """Apply `event` in the caller's transaction unless this consumer already did (its id is
    in the inbox); returns whether it was applied."""
    first_time = (
        await conn.execute(
            insert(inbox)
            .values(consumer=consumer, event_id=event.id)
            .on_conflict_do_nothing()
            .returning(inbox.c.event_id)
        )
    ).first()
    if first_time is None:
        return False
    await handler(conn, event)
    return True
