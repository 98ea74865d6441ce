"""The relay: publishes a service's outbox rows to JetStream, in order, then marks them sent.

The event id is the `Nats-Msg-Id`, so a row published twice (a crash between publish and
mark) is dropped by JetStream's duplicate window. While NATS is down rows simply wait.
"""

import asyncio
import contextlib
import json
import time

import sqlalchemy as sa

from libs.common.db import Database
from libs.common.events.bus import Bus
from libs.common.logging import get_logger

log = get_logger(__name__)

BATCH = 500
IDLE_POLL_SECONDS = 1.0
# Published rows are only kept for a while: JetStream drops duplicates for 2 minutes,
# and consumers by event id after that.
KEEP_PUBLISHED = "1 hour"
PRUNE_EVERY_SECONDS = 60.0
PRUNE_BATCH = 5000


class Relay:
    def __init__(self, db: Database, bus: Bus, outbox: sa.Table):
        self.db = db
        self.bus = bus
        self.outbox = outbox
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        # Rows this process has just committed: published without reading them back.
        self._committed: list[dict] = []
        # Ids published on that fast path, marked sent together at the next poll (one
        # UPDATE a second rather than one transaction per write).
        self._sent: list = []
        db.on_events.append(self.committed)

    def wake(self) -> None:
        self._wake.set()

    def committed(self, rows: list[dict]) -> None:
        self._committed.extend(rows)
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            async with self.db.engine.begin() as conn:
                await self._mark_sent(conn)

    async def _run(self) -> None:
        await self.bus.ready.wait()
        next_poll = 0.0
        next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        while True:
            self._wake.clear()
            try:
                sent = 0
                fast = await self.publish_committed()
                # The table is still polled (left-overs, a failed fast path, rows from
                # before a restart), but no more than once a second while commits flow.
                if not fast or time.monotonic() >= next_poll:
                    next_poll = time.monotonic() + IDLE_POLL_SECONDS
                    sent = await self.publish_pending()
                if time.monotonic() >= next_prune:
                    next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
                    await self.prune()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox relay paused", error=str(exc) or type(exc).__name__)
                await asyncio.sleep(0.5)
                continue
            if sent < BATCH:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_POLL_SECONDS)

    async def publish_committed(self) -> int:
        """Publish what this process just committed, in commit order; the rows are marked
        sent by the next poll. A row published twice (the poll picked it up too, or a
        crash came before the mark) is dropped by JetStream (same Nats-Msg-Id); a
        failure here leaves the rows to that poll."""
        rows, self._committed = self._committed, []
        if not rows or not self.bus.connected:
            return 0
        try:
            await self._publish(rows)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("outbox fast path failed", error=str(exc) or type(exc).__name__)
            return 0
        self._sent.extend(row["id"] for row in rows)
        return len(rows)

    async def _mark_sent(self, conn) -> None:
        sent, self._sent = self._sent, []
        if sent:
            await conn.execute(
                self.outbox.update()
                .where(self.outbox.c.id.in_(sent))
                .where(self.outbox.c.published_at.is_(None))
                .values(published_at=sa.func.now())
            )

    async def _publish(self, rows) -> None:
        js = self.bus.js
        await asyncio.gather(
            *(
                js.publish(
                    row["subject"],
                    json.dumps(row["payload"]).encode(),
                    headers={"Nats-Msg-Id": str(row["id"])},
                    timeout=5,
                )
                for row in rows
            )
        )

    async def prune(self) -> int:
        """Deletes the oldest rows published more than KEEP_PUBLISHED ago (one batch)."""
        ob = self.outbox
        old = (
            sa.select(ob.c.seq)
            .where(ob.c.published_at < sa.func.now() - sa.text(f"interval '{KEEP_PUBLISHED}'"))
            .order_by(ob.c.seq)
            .limit(PRUNE_BATCH)
        )
        async with self.db.engine.begin() as conn:
            deleted = await conn.execute(sa.delete(ob).where(ob.c.seq.in_(old)))
        return deleted.rowcount

    async def publish_pending(self) -> int:
        """Publish one batch; rows locked so that replicas of a service never race."""
        ob = self.outbox
        async with self.db.engine.begin() as conn:
            await self._mark_sent(conn)
            rows = (
                await conn.execute(
                    sa.select(ob.c.seq, ob.c.id, ob.c.subject, ob.c.payload)
                    .where(ob.c.published_at.is_(None))
                    .order_by(ob.c.seq)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            if not self.bus.connected:
                raise ConnectionError("NATS is not connected")
            await self._publish([row._mapping for row in rows])
            await conn.execute(
                ob.update()
                .where(ob.c.seq.in_([row.seq for row in rows]))
                .values(published_at=sa.func.now())
            )
        return len(rows)
