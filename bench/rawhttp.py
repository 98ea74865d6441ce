"""A lean HTTP/1.1 client for the load cells: one keep-alive connection per worker, the
answer parsed by httptools (the C parser uvicorn uses).

httpx costs about 0.7 ms of CPU per request, so on a 2-core machine the load generator,
not the server, was the limit of every fast cell. This client costs a tenth of that;
the server measured (prodtrack or Zou) is then what limits the cell.
"""

from __future__ import annotations

import asyncio
import gzip
import json as jsonlib
import zlib
from urllib.parse import urlencode, urlsplit

import httptools


class RawAnswer:
    __slots__ = ("status", "headers", "chunks", "done")

    def __init__(self):
        self.status = 0
        self.headers: dict[bytes, bytes] = {}
        self.chunks: list[bytes] = []
        self.done = False

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.lower()] = value

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        self.done = True

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300

    @property
    def content(self) -> bytes:
        """The body as the server meant it (gzip undone)."""
        body = b"".join(self.chunks)
        encoding = self.headers.get(b"content-encoding", b"")
        if encoding == b"gzip":
            return gzip.decompress(body)
        if encoding == b"deflate":
            return zlib.decompress(body)
        return body

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class RawConnection:
    """One connection, one request at a time; reopened when the server closed it."""

    def __init__(self, url: str, token: str):
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.fixed_headers = (
            f"host: {parts.netloc}\r\n"
            f"authorization: Bearer {token}\r\n"
            "accept: */*\r\naccept-encoding: gzip, deflate\r\n"
            "user-agent: prodtrack-bench\r\n"
        ).encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, json=None, params=None) -> RawAnswer:
        target = self.prefix + path + (f"?{urlencode(params)}" if params else "")
        head = f"{method} {target} HTTP/1.1\r\n".encode() + self.fixed_headers
        if json is not None:
            body = jsonlib.dumps(json).encode()
            head += b"content-type: application/json\r\ncontent-length: %d\r\n" % len(body)
        else:
            body = b""
        message = head + b"\r\n" + body
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                self.writer.write(message)
                return await self._read()
            except (ConnectionError, EOFError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _read(self) -> RawAnswer:
        answer = RawAnswer()
        parser = httptools.HttpResponseParser(answer)
        while not answer.done:
            data = await self.reader.read(262144)
            if not data:
                raise EOFError("the server closed the connection")
            parser.feed_data(data)
        answer.status = parser.get_status_code()
        if answer.headers.get(b"connection", b"").lower() == b"close":
            self.close()
        return answer

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None
