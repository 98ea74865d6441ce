"""Revoked token ids in NATS KV buckets, watched by every process.

Entries of the main bucket hold the token's expiry; the bucket's max age is the longest
token life, so a revocation is kept exactly as long as the token could still be presented.
Tokens that never expire (bots' API keys) are revoked in a second bucket without max age.

Each process reads revocations from its watchers' local view. Where a request has just
revoked tokens, `caught_up()` makes the view certain: it writes a marker into each
bucket and waits until the watchers have seen it, so everything stored before it is known.
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

FENCE_KEY = "fence"
# The local view drops expired tokens' revocations every this many new ones.
PRUNE_EVERY = 1000
FENCE_TIMEOUT_SECONDS = 2.0


class Revocations:
    def __init__(self, bus: Bus, bucket: str, max_age_seconds: int):
        self.bus = bus
        self.bucket = bucket
        self.forever_bucket = f"{bucket}-forever"
        self.max_age = max_age_seconds
        self.revoked: dict[str, float] = {}
        self.kvs: dict[str, KeyValue] = {}
        # The last revision each watcher delivered; woken on every delivery.
        self.seen: dict[str, int] = {}
        self._delivered = asyncio.Event()
        self._heard = 0
        self._tasks: list[asyncio.Task] = []

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._watch(self.bucket)),
            asyncio.create_task(self._watch(self.forever_bucket)),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _bucket(self, name: str) -> KeyValue:
        if name not in self.kvs:
            await self.bus.ready.wait()
            ttl = self.max_age if name == self.bucket else 0
            try:
                kv = await self.bus.js.key_value(name)
            except BucketNotFoundError:
                kv = await self.bus.js.create_key_value(
                    KeyValueConfig(bucket=name, ttl=ttl, history=1)
                )
            self.kvs[name] = kv
        return self.kvs[name]

    async def _watch(self, name: str) -> None:
        while True:
            try:
                kv = await self._bucket(name)
                watcher = await kv.watchall()
                async for entry in watcher:
                    if entry is None:
                        continue
                    self.seen[name] = entry.revision or 0
                    self._delivered.set()
                    self._delivered = asyncio.Event()
                    if entry.value is None or entry.key == FENCE_KEY:
                        continue
                    self.revoked[entry.key] = float(entry.value.decode() or 0)
                    self._heard += 1
                    if self._heard % PRUNE_EVERY == 0:
                        self._prune()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("revocation watch restarting", error=str(exc) or type(exc).__name__)
                self.kvs.pop(name, None)
                await asyncio.sleep(1)

    def _prune(self) -> None:
        """Drops revocations of tokens that have expired anyway (0 means never)."""
        now = time.time()
        for jti in [j for j, exp in self.revoked.items() if 0 < exp < now]:
            del self.revoked[jti]

    async def revoke(self, jti: str, expires_at: float | None) -> None:
        """Revoke a token until its expiry (`None`: the longest token life)."""
        kv = await self._bucket(self.bucket)
        exp = expires_at or time.time() + self.max_age
        await kv.put(jti, str(exp).encode())
        self.revoked[jti] = exp

    async def revoke_forever(self, jti: str) -> None:
        """Revoke a token that never expires (a bot's API key)."""
        kv = await self._bucket(self.forever_bucket)
        await kv.put(jti, b"0")
        self.revoked[jti] = 0.0

    def is_revoked(self, jti: str) -> bool:
        """Local view, kept current by the watchers (used by services)."""
        return jti in self.revoked

    async def caught_up(self) -> None:
        """Returns once the watchers have seen every revocation stored before the call
        (or after FENCE_TIMEOUT_SECONDS if NATS is away: the view stays as it was)."""
        try:
            async with asyncio.timeout(FENCE_TIMEOUT_SECONDS):
                await asyncio.gather(*(self._fence(n) for n in (self.bucket, self.forever_bucket)))
        except Exception as exc:
            log.warning("revocations not confirmed", error=str(exc) or type(exc).__name__)

    async def _fence(self, name: str) -> None:
        kv = await self._bucket(name)
        revision = await kv.put(FENCE_KEY, b"0")
        while self.seen.get(name, 0) < revision:
            await self._delivered.wait()

    async def check_now(self, jti: str, identity_type: str) -> bool:
        """Ask the buckets themselves (used by the gateway, so a logout holds at once).
        Only API keys (bot, person_api) can be in the second bucket: a login's token
        costs one lookup, not two."""
        if jti in self.revoked:
            return True
        if identity_type == "person":
            return await self._stored(self.bucket, jti)
        found = await asyncio.gather(
            *(self._stored(name, jti) for name in (self.bucket, self.forever_bucket))
        )
        return any(found)

    async def _stored(self, name: str, jti: str) -> bool:
        try:
            kv = await self._bucket(name)
            await kv.get(jti)
        except KeyNotFoundError:
            return False
        except Exception:
            return False
        return True
