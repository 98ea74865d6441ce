"""Keep-alive HTTP/1.1 connections from the gateway to one service.

Every request through the gateway crosses this hop, so it is kept lean: the request head
is written as bytes, the answer is parsed by httptools (uvicorn's own C parser), and
connections are reused. A connection is reused only after a complete answer that did
not ask to close it; anything unusual (an early end, a cancelled request, a HEAD) closes it.
"""

import asyncio
import time
from collections.abc import AsyncIterator

import httptools

CONNECT_TIMEOUT_SECONDS = 5.0
READ_SIZE = 256 * 1024
# Services keep idle connections longer than this (see `prodtrack serve`).
IDLE_SECONDS = 30.0
MAX_IDLE = 100
# Requests in flight to one service at most; the next ones wait their turn (as the
# service's own database pool would make them wait anyway).
MAX_BUSY = 200


class Unreachable(Exception):
    """The service could not be reached, or closed the connection without an answer."""


class Answer:
    """One answer as httptools reads it: status and headers first, then the body."""

    __slots__ = ("status", "headers", "chunks", "headers_done", "complete", "keep_alive")

    def __init__(self):
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.headers_done = False
        self.complete = False
        self.keep_alive = False

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        self.headers_done = True

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        self.complete = True

    def content_length(self) -> int | None:
        for name, value in self.headers:
            if name.lower() == b"content-length":
                return int(value) if value.isdigit() else None
        return None

    def take_body(self) -> bytes:
        body = b"".join(self.chunks)
        self.chunks.clear()
        return body


class Connection:
    __slots__ = ("reader", "writer", "answer", "parser", "idle_since", "reused")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader = reader
        self.writer = writer
        self.answer = Answer()
        self.parser = httptools.HttpResponseParser(self.answer)
        self.idle_since = 0.0
        self.reused = False

    def reset(self) -> None:
        self.answer = Answer()
        self.parser = httptools.HttpResponseParser(self.answer)
        self.reused = True

    async def _feed(self) -> bool:
        """Reads once from the socket into the parser; False at the end of the stream."""
        data = await self.reader.read(READ_SIZE)
        if not data:
            return False
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            pass
        except httptools.HttpParserError as exc:
            raise Unreachable(f"the service's answer is not HTTP: {exc}") from exc
        return True

    async def read_head(self, head_request: bool) -> Answer:
        answer = self.answer
        while not answer.headers_done:
            if not await self._feed():
                raise Unreachable("the service closed the connection without an answer")
        answer.status = self.parser.get_status_code()
        # (httptools' should_keep_alive() is reset once the message is complete.)
        answer.keep_alive = (
            not head_request
            and self.parser.get_http_version() == "1.1"
            and not any(
                k.lower() == b"connection" and b"close" in v.lower() for k, v in answer.headers
            )
        )
        if head_request:
            answer.complete = True
        return answer

    async def read_rest(self) -> bytes:
        """The rest of a (small) body, whole."""
        while not self.answer.complete:
            if not await self._feed():
                raise Unreachable("the service closed the connection in the middle of an answer")
        return self.answer.take_body()

    async def body_chunks(self) -> AsyncIterator[bytes]:
        """The body piece by piece, as it arrives."""
        answer = self.answer
        while True:
            if answer.chunks:
                yield answer.take_body()
            if answer.complete:
                return
            if not await self._feed():
                raise Unreachable("the service closed the connection in the middle of an answer")

    def close(self) -> None:
        self.writer.close()


class Upstream:
    """The connections to one service."""

    def __init__(self, url: str):
        address = url.split("://", 1)[-1].rstrip("/")
        host, _, port = address.rpartition(":")
        self.host = host or address
        self.port = int(port) if port else 80
        self.host_header = address.encode()
        self.idle: list[Connection] = []
        self.busy = asyncio.Semaphore(MAX_BUSY)

    async def connect(self, fresh: bool = False) -> Connection:
        """An idle connection if one is fresh, else (or when asked) a new one."""
        now = time.monotonic()
        while self.idle and not fresh:
            conn = self.idle.pop()
            if now - conn.idle_since < IDLE_SECONDS and not conn.reader.at_eof():
                return conn
            conn.close()
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port, limit=READ_SIZE),
                CONNECT_TIMEOUT_SECONDS,
            )
        except (OSError, TimeoutError) as exc:
            raise Unreachable(str(exc) or type(exc).__name__) from exc
        return Connection(reader, writer)

    def release(self, conn: Connection) -> None:
        """Back to the pool if its answer ended cleanly, else closed."""
        if conn.answer.complete and conn.answer.keep_alive and len(self.idle) < MAX_IDLE:
            conn.reset()
            conn.idle_since = time.monotonic()
            self.idle.append(conn)
        else:
            conn.close()

    async def close(self) -> None:
        while self.idle:
            self.idle.pop().close()
