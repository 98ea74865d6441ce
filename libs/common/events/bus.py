"""The NATS connection of a process: JetStream, the PRODTRACK stream, KV buckets.

Connects in the background and keeps retrying, so a service starts (and its writes
pile up in the outbox) while NATS is down.
"""

import asyncio
import contextlib

import nats
from nats.js import JetStreamContext
from nats.js.api import StreamConfig
from nats.js.errors import NotFoundError

from libs.common.logging import get_logger

log = get_logger(__name__)


class Bus:
    def __init__(
        self,
        url: str,
        stream: str = "PRODTRACK",
        name: str = "prodtrack",
        prefix: str = "prodtrack",
    ):
        self.url = url
        self.stream = stream
        self.prefix = prefix
        self.name = name
        self.nc: nats.NATS | None = None
        self.js: JetStreamContext | None = None
        self.ready = asyncio.Event()
        self._task: asyncio.Task | None = None

    @property
    def connected(self) -> bool:
        return bool(self.nc and self.nc.is_connected)

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect_forever())

    async def _connect_forever(self) -> None:
        delay = 0.2
        while True:
            try:
                self.nc = await nats.connect(
                    self.url,
                    name=self.name,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=0.5,
                    connect_timeout=2,
                    error_cb=self._on_error,
                )
                self.js = self.nc.jetstream()
                await ensure_stream(self.js, self.stream, self.prefix)
                self.ready.set()
                log.info("nats connected", url=self.url)
                return
            except Exception as exc:
                if self.nc is not None:
                    with contextlib.suppress(Exception):
                        await self.nc.close()
                    self.nc = None
                log.warning("nats unavailable, retrying", error=str(exc) or type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def _on_error(self, exc: Exception) -> None:
        log.debug("nats error", error=str(exc) or type(exc).__name__)

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self.nc is not None:
            with contextlib.suppress(Exception):
                await self.nc.close()

    def subject(self, relative: str) -> str:
        return f"{self.prefix}.{relative}"


async def ensure_stream(js: JetStreamContext, name: str, prefix: str) -> None:
    try:
        await js.stream_info(name)
    except NotFoundError:
        await js.add_stream(
            StreamConfig(name=name, subjects=[f"{prefix}.>"], duplicate_window=120.0)
        )
