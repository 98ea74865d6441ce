"""Finished answers of heavy reads, kept until a write (the data service's boards, user
context, production teams and task comments; reporting's quota tables).

Every open Kitsu page asks for the same boards again and again, and each costs PostgreSQL
tens of milliseconds to build; between two writes the answer cannot change. So the
answer is kept per (path, query, caller) and every write empties the whole cache:
a transaction this process commits (`Database.after_commit`: for reporting, a projection
updated from an event), or a data event on NATS, which is how a write of another
process is heard. An answer whose read raced a write is never kept (generation), and
none lives longer than `libs.common.kept.MAX_AGE_SECONDS`, in case an event was missed
while NATS was away. Concurrent asks for the same answer share one build.

Kept answers are also gzipped once, for the clients that accept it (Kitsu, gazu):
a production's board shrinks about tenfold. The data service marks them with
KEPT_HEADER, so that the gateway keeps them as well and answers the next ask without a
hop to data (gateway/kept_answers.py).
"""

import asyncio
import contextlib
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from libs.common.db import Database
from libs.common.events import Bus
from libs.common.kept import Kept

# Below this, gzip saves less than it costs the client.
GZIP_FROM_BYTES = 2048
# Above this, packing is done in a worker thread (zlib lets go of the GIL).
IN_THREAD_FROM_BYTES = 1024 * 1024
# Marks an answer that stays right until the next data write, with the seconds it may
# be kept: the gateway keeps it too (gateway/kept_answers.py).
KEPT_HEADER = "x-prodtrack-kept"


def forget_on_data_events(bus: Bus, forget: Callable[[], None]) -> asyncio.Task:
    """Calls `forget` for every data event heard on NATS: a write by another process
    (a data replica, another gateway, an import, the `prodtrack` command)."""

    async def listen() -> None:
        await bus.ready.wait()

        async def heard(_message) -> None:
            forget()

        # nats-py subscribes again by itself after a reconnection.
        await bus.nc.subscribe(bus.subject("data.>"), cb=heard)

    return asyncio.create_task(listen())


async def stop_listening(listener: asyncio.Task | None) -> None:
    if listener is not None:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await listener


def _gzip(body: bytes) -> bytes:
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(body) + packer.flush()


@dataclass
class Answer:
    body: bytes
    gzipped: bytes | None = None

    async def response(self, accepts_gzip: bool, kept_for: float) -> Response:
        headers = {KEPT_HEADER: f"{kept_for:.1f}"} if kept_for > 0 else {}
        if not accepts_gzip or len(self.body) < GZIP_FROM_BYTES:
            return Response(self.body, media_type="application/json", headers=headers)
        if self.gzipped is None:
            if len(self.body) > IN_THREAD_FROM_BYTES:
                self.gzipped = await asyncio.to_thread(_gzip, self.body)
            else:
                self.gzipped = _gzip(self.body)
        headers.update({"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
        return Response(self.gzipped, media_type="application/json", headers=headers)


class AnswerCache:
    def __init__(self, mark_kept: bool = False):
        # Only data's answers may be marked: the gateway forgets on data writes alone.
        self.mark_kept = mark_kept
        self.kept = Kept()
        self._listener: asyncio.Task | None = None
        # Builds in progress, by (key, generation): when every open Kitsu page asks for
        # the same board after a write, PostgreSQL builds it once.
        self._building: dict[tuple, asyncio.Future] = {}

    def forget(self) -> None:
        self.kept.forget()

    def watch(self, db: Database, bus: Bus) -> None:
        db.after_commit.append(self.forget)
        self._listener = forget_on_data_events(bus, self.forget)

    async def stop(self) -> None:
        await stop_listening(self._listener)

    async def respond(
        self, request: Request, caller_id, build: Callable[[], Awaitable[str | bytes]]
    ) -> Response:
        """The kept answer to this request by this caller, else `build()`'s, kept."""
        key = (request.url.path, request.url.query, caller_id)
        accepts_gzip = "gzip" in request.headers.get("accept-encoding", "")
        answer = self.kept.get(key)
        if answer is not None:
            return await answer.response(accepts_gzip, self.kept.expires_in(key))
        generation = self.kept.generation
        flight = (key, generation)
        building = self._building.get(flight)
        if building is not None:
            # Begun since the last write: its answer is as fresh as one begun now.
            answer, kept = await asyncio.shield(building)
        else:
            building = asyncio.get_running_loop().create_future()
            self._building[flight] = building
            try:
                answer, kept = await self._build(key, generation, build)
            except asyncio.CancelledError:
                building.cancel()
                raise
            except Exception as exc:
                building.set_exception(exc)
                building.exception()  # read here, so an unwaited failure is not logged
                raise
            else:
                building.set_result((answer, kept))
            finally:
                self._building.pop(flight, None)
        marked = kept and self.mark_kept
        return await answer.response(accepts_gzip, self.kept.expires_in(key) if marked else 0)

    async def _build(self, key, generation: int, build) -> tuple[Answer, bool]:
        body = await build()
        if isinstance(body, str):
            body = body.encode()
        answer = Answer(body)
        return answer, self.kept.keep(key, answer, len(body), generation)
