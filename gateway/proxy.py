"""Sends a request on to its service and the answer back to the client.

Small bodies (most requests, most answers) travel whole; big or unsized ones stream,
so an upload or a large board never sits in the gateway's memory.
"""

import asyncio
import contextlib
import json

from gateway.kept_answers import KEPT_HEADER
from gateway.upstream import Connection, Unreachable, Upstream
from libs.common.logging import get_logger

log = get_logger(__name__)

# Hop-by-hop headers belong to one connection, not to the message.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"trailers",
        b"transfer-encoding",
        b"upgrade",
        b"host",
        b"content-length",
    }
)
# The gateway's own server writes these on every answer.
NOT_PASSED_BACK = HOP_BY_HOP | {b"date", b"server"}
# Answered by the gateway's own server (100 Continue) before the body is read.
NOT_PASSED_ON = frozenset({b"expect", b"x-request-id", b"x-forwarded-for"})
# Request bodies up to this size are read before sending, so that a request that meets
# a connection the service has just closed can be sent again on a new one.
WHOLE_REQUEST_BELOW_BYTES = 1024 * 1024
# Answers up to this size are read whole and sent in one piece.
WHOLE_ANSWER_BELOW_BYTES = 256 * 1024
# How long a service may think before its answer starts.
ANSWER_TIMEOUT_SECONDS = 300.0


class Proxy:
    def __init__(self, service_urls: dict[str, str]):
        self.upstreams = {name: Upstream(url) for name, url in service_urls.items()}

    async def close(self) -> None:
        for upstream in self.upstreams.values():
            await upstream.close()

    async def forward(
        self, scope, receive, send, service: str, path: str, request_id: str, keep=None
    ):
        """`keep(status, headers, body, seconds)` is given the answer if the service marked
        it as kept (see gateway/kept_answers.py)."""
        upstream = self.upstreams[service]
        length, chunked, head = self._head(scope, path, request_id, upstream.host_header)
        async with upstream.busy:
            try:
                if chunked or (length or 0) > WHOLE_REQUEST_BELOW_BYTES:
                    conn = await upstream.connect(fresh=True)
                    answer = await self._send_streamed(conn, head, length, receive, scope)
                else:
                    body = await _read_whole(receive) if length else b""
                    if length is not None:
                        head += b"content-length: %d\r\n" % len(body)
                    request = head + b"\r\n" + body
                    conn, answer = await self._send_whole(upstream, request, scope)
            except Unreachable:
                await _unreachable(send, service)
                return
            await self._answer(upstream, conn, answer, send, service, keep)

    @staticmethod
    def _head(scope, path: str, request_id: str, host: bytes) -> tuple[int | None, bool, bytes]:
        """The request line and headers, without the blank line that ends them."""
        length = None
        chunked = False
        lines = [scope["method"].encode(), b" ", scope.get("raw_path") or path.encode()]
        if scope["query_string"]:
            lines += [b"?", scope["query_string"]]
        lines.append(b" HTTP/1.1\r\nhost: ")
        lines.append(host)
        lines.append(b"\r\n")
        for key, value in scope["headers"]:
            name = key.lower()
            if name in HOP_BY_HOP:
                if name == b"content-length":
                    length = int(value) if value.isdigit() else 0
                elif name == b"transfer-encoding":
                    chunked = True
                continue
            if name in NOT_PASSED_ON:
                continue
            lines += [key, b": ", value, b"\r\n"]
        lines += [b"x-request-id: ", request_id.encode(), b"\r\n"]
        client = scope.get("client")
        if client:
            lines += [b"x-forwarded-for: ", client[0].encode(), b"\r\n"]
        return length, chunked, b"".join(lines)

    async def _send_whole(self, upstream: Upstream, request: bytes, scope):
        """Sends a request held in memory; again on a new connection if a kept one was
        closed by the service meanwhile."""
        conn = await upstream.connect()
        try:
            return conn, await self._exchange(conn, request, scope)
        except TooSlow:
            raise  # the service may have done the work: never sent twice
        except Unreachable:
            if not conn.reused:
                raise
        conn = await upstream.connect(fresh=True)
        return conn, await self._exchange(conn, request, scope)

    async def _exchange(self, conn: Connection, request: bytes, scope):
        """Writes a whole request and reads the head of its answer."""
        with _closed_on_failure(conn):
            conn.writer.write(request)
            return await self._head_of_answer(conn, scope)

    async def _send_streamed(self, conn: Connection, head: bytes, length, receive, scope):
        """Sends a big or unsized body as it arrives from the client. If the service
        answers early (a refusal) and stops reading, its answer is still passed on."""
        framing = b"content-length: %d\r\n\r\n" % length if length is not None else None
        writer = conn.writer
        with _closed_on_failure(conn):
            writer.write(head + (framing or b"transfer-encoding: chunked\r\n\r\n"))
            try:
                more = True
                while more:
                    message = await receive()
                    if message["type"] != "http.request":
                        break
                    more = message.get("more_body", False)
                    chunk = message.get("body", b"")
                    if framing is None:
                        if chunk:
                            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                        if not more:
                            writer.write(b"0\r\n\r\n")
                    elif chunk:
                        writer.write(chunk)
                    await writer.drain()
            except ConnectionError:
                pass
            answer = await self._head_of_answer(conn, scope)
            # The service may have answered before reading the whole body: not reused.
            answer.keep_alive = False
            return answer

    @staticmethod
    async def _head_of_answer(conn: Connection, scope):
        try:
            async with asyncio.timeout(ANSWER_TIMEOUT_SECONDS):
                return await conn.read_head(scope["method"] == "HEAD")
        except TimeoutError:
            raise TooSlow(f"no answer in {ANSWER_TIMEOUT_SECONDS:.0f} s") from None

    @staticmethod
    async def _answer(upstream: Upstream, conn: Connection, answer, send, service, keep) -> None:
        headers = []
        kept_for = None
        for key, value in answer.headers:
            name = key.lower()
            if name == KEPT_HEADER:
                kept_for = value
            elif name not in NOT_PASSED_BACK:
                headers.append((key, value))
        size = answer.content_length()
        if size is not None:
            headers.append((b"content-length", b"%d" % size))
        started = False
        try:
            if answer.complete or (size is not None and size <= WHOLE_ANSWER_BELOW_BYTES):
                body = await conn.read_rest()
                upstream.release(conn)
                if keep is not None and kept_for is not None and answer.status == 200:
                    keep(answer.status, headers, body, float(kept_for))
                await send(_start(answer.status, headers))
                await send({"type": "http.response.body", "body": body})
                return
            started = True
            await send(_start(answer.status, headers))
            async for chunk in conn.body_chunks():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
            upstream.release(conn)
        except Unreachable as exc:
            conn.close()
            if started:
                log.warning("answer cut short", service=service, error=str(exc))
            else:
                await _unreachable(send, service)
        except BaseException:
            conn.close()
            raise


async def _unreachable(send, service: str) -> None:
    body = json.dumps({"error": True, "message": f"The {service} service is not reachable."})
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send(_start(502, headers))
    await send({"type": "http.response.body", "body": body.encode()})


def _start(status: int, headers: list) -> dict:
    return {"type": "http.response.start", "status": status, "headers": headers}


@contextlib.contextmanager
def _closed_on_failure(conn: Connection):
    """Closes the connection if anything goes wrong in the block; a broken socket is
    the service being unreachable."""
    try:
        yield
    except ConnectionError as exc:
        conn.close()
        raise Unreachable(str(exc)) from exc
    except BaseException:
        conn.close()
        raise


class TooSlow(Unreachable):
    """The service took the request but gave no answer in time."""


async def _read_whole(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
