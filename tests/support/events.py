"""Listening to NATS from synchronous tests: a subscriber on its own thread and loop."""

import asyncio
import json
import queue
import threading
import time

import nats


class EventListener:
    """`with EventListener(url, "pt.>") as events: ...; events.wait_for(pred)`."""

    def __init__(self, url: str, subject: str):
        self.url = url
        self.subject = subject
        self.received: queue.Queue = queue.Queue()
        self.seen: list[dict] = []
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "EventListener":
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("could not subscribe to NATS")
        return self

    def __exit__(self, *exc) -> None:
        if self._loop and self._stop:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        nc = await nats.connect(self.url)

        async def on_message(msg):
            payload = json.loads(msg.data)
            payload["_subject"] = msg.subject
            self.received.put(payload)

        await nc.subscribe(self.subject, cb=on_message)
        await nc.flush()
        self._ready.set()
        await self._stop.wait()
        await nc.drain()

    def _drain(self) -> None:
        while True:
            try:
                self.seen.append(self.received.get_nowait())
            except queue.Empty:
                return

    def wait_for(self, predicate, timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        checked = 0
        while time.monotonic() < deadline:
            self._drain()
            for event in self.seen[checked:]:
                if predicate(event):
                    return event
            checked = len(self.seen)
            time.sleep(0.02)
        names = [e.get("name") for e in self.seen]
        raise AssertionError(f"no matching event within {timeout}s; saw {names}")

    def all(self, settle: float = 0.5) -> list[dict]:
        time.sleep(settle)
        self._drain()
        return list(self.seen)
