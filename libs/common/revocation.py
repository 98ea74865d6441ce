"""Revoked token ids in a NATS KV bucket, watched by every process.

Entries hold the token's expiry; the bucket's max age is the longest token life, so a
revocation is kept exactly as long as the token could still be presented.
"""

import asyncio
import contextlib
import time

from nats.js.api import KeyValueConfig
from nats.js.errors import BucketNotFoundError, KeyNotFoundError
from nats.js.kv import KeyValue

from libs.common.events.bus import Bus
from libs.common.logging import get_logger

log = get_logger(__name__)


class Revocations:
    def __init__(self, bus: Bus, bucket: str, max_age_seconds: int):
        self.bus = bus
        self.bucket = bucket
        self.max_age = max_age_seconds
        self.revoked: dict[str, float] = {}
        self.kv: KeyValue | None = None
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _bucket(self) -> KeyValue:
        if self.kv is None:
            await self.bus.ready.wait()
            try:
                self.kv = await self.bus.js.key_value(self.bucket)
            except BucketNotFoundError:
                self.kv = await self.bus.js.create_key_value(
                    KeyValueConfig(bucket=self.bucket, ttl=self.max_age, history=1)
                )
        return self.kv

    async def _watch(self) -> None:
        while True:
            try:
                kv = await self._bucket()
                watcher = await kv.watchall()
                async for entry in watcher:
                    if entry is None or entry.value is None:
                        continue
                    self.revoked[entry.key] = float(entry.value.decode() or 0)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("revocation watch restarting", error=str(exc) or type(exc).__name__)
                self.kv = None
                await asyncio.sleep(1)

    async def revoke(self, jti: str, expires_at: float | None) -> None:
        kv = await self._bucket()
        exp = expires_at or time.time() + self.max_age
        await kv.put(jti, str(exp).encode())
        self.revoked[jti] = exp

    def is_revoked(self, jti: str) -> bool:
        """Local view, kept current by the watcher (used by services)."""
        return jti in self.revoked

    async def check_now(self, jti: str) -> bool:
        """Ask the bucket itself (used by the gateway, so a logout holds at once)."""
        if jti in self.revoked:
            return True
        try:
            kv = await self._bucket()
            await kv.get(jti)
        except KeyNotFoundError:
            return False
        except Exception:
            return False
        return True
