"""The relay: publishes a service's outbox rows to JetStream, in order, then marks them sent.

The event id is the `Nats-Msg-Id`, so a row published twice (a crash between publish and
mark) is dropped by JetStream's duplicate window. While NATS is down rows simply wait.
"""

import asyncio
import contextlib
import json

import sqlalchemy as sa

from libs.common.db import Database
from libs.common.events.bus import Bus
from libs.common.logging import get_logger

log = get_logger(__name__)

BATCH = 500
IDLE_POLL_SECONDS = 1.0


class Relay:
    def __init__(self, db: Database, bus: Bus, outbox: sa.Table):
        self.db = db
        self.bus = bus
        self.outbox = outbox
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        # Woken by a commit that wrote events; the idle poll catches anything else.
        db.on_events.append(lambda _names: self.wake())

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        await self.bus.ready.wait()
        while True:
            self._wake.clear()
            try:
                sent = await self.publish_pending()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox relay paused", error=str(exc) or type(exc).__name__)
                await asyncio.sleep(0.5)
                continue
            if sent < BATCH:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_POLL_SECONDS)

    async def publish_pending(self) -> int:
        """Publish one batch; rows locked so that replicas of a service never race."""
        ob = self.outbox
        async with self.db.engine.begin() as conn:
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
            js = self.bus.js
            acks = [
                js.publish(
                    row.subject,
                    json.dumps(row.payload).encode(),
                    headers={"Nats-Msg-Id": str(row.id)},
                    timeout=5,
                )
                for row in rows
            ]
            await asyncio.gather(*acks)
            await conn.execute(
                ob.update()
                .where(ob.c.seq.in_([row.seq for row in rows]))
                .values(published_at=sa.func.now())
            )
        return len(rows)
