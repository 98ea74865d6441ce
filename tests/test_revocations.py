"""Revocations between two processes' views, on a real NATS: what one revokes, the other
knows for certain once `caught_up()` returns (the gateway waits for it before passing on
the answer of a logout or a deactivation)."""

import asyncio
import threading
import time
import uuid

from libs.common.events import Bus
from libs.common.revocation import Revocations
from tests.support.infra import nats_server


async def _view(nats_url: str, run: str, name: str) -> Revocations:
    bus = Bus(nats_url, f"REV{run}", name=name, prefix=f"rev{run}")
    bus.start()
    await asyncio.wait_for(bus.ready.wait(), 10)
    view = Revocations(bus, f"rev-{run}", 3600)
    view.start()
    return view


async def _close(view: Revocations) -> None:
    await view.stop()
    await view.bus.close()


def _revoke_elsewhere(nats_url: str, run: str, jtis: list[str]) -> None:
    """Another process's revocations: its own thread, loop and NATS connection."""

    async def write():
        writer = await _view(nats_url, run, "writer")
        try:
            for jti in jtis:
                await writer.revoke(jti, None)
            await writer.revoke_forever("bot-key")
        finally:
            await _close(writer)

    thread = threading.Thread(target=asyncio.run, args=(write(),))
    thread.start()
    thread.join()  # blocks this loop: the reader's watcher hears nothing meanwhile


def test_what_one_process_revokes_another_knows_once_caught_up():
    async def scenario():
        with nats_server() as (nats_url, _):
            run = uuid.uuid4().hex[:8]
            reader = await _view(nats_url, run, "reader")
            try:
                # The reader's watchers are live once they deliver its own first revocation.
                await reader.revoke("warm-up", None)
                for _ in range(500):
                    if reader.seen:
                        break
                    await asyncio.sleep(0.01)
                jtis = [uuid.uuid4().hex for _ in range(50)]
                _revoke_elsewhere(nats_url, run, jtis)
                await reader.caught_up()
                assert all(reader.is_revoked(jti) for jti in jtis)
                assert reader.is_revoked("bot-key")
                assert not reader.is_revoked(uuid.uuid4().hex)
                assert not reader.is_revoked("fence")
            finally:
                await _close(reader)

    asyncio.run(scenario())


def test_the_view_drops_revocations_of_tokens_expired_anyway():
    async def scenario():
        with nats_server() as (nats_url, _):
            run = uuid.uuid4().hex[:8]
            view = await _view(nats_url, run, "view")
            try:
                await view.revoke_forever("bot-key")
                await view.revoke("live", time.time() + 3600)
                past = time.time() - 60
                await asyncio.gather(*(view.revoke(f"old-{n}", past) for n in range(1000)))
                await view.caught_up()
                assert len(view.revoked) < 100
                assert view.is_revoked("live") and view.is_revoked("bot-key")
            finally:
                await _close(view)

    asyncio.run(scenario())
