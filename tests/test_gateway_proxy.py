"""The gateway's hop to a service, over real sockets: a scripted HTTP service behind the
gateway's proxy, served by uvicorn, asked by an HTTP client."""

import asyncio
import concurrent.futures
import socket
import socketserver
import threading
import time

import httpx
import pytest
import uvicorn

from gateway import proxy as proxy_module
from gateway.proxy import Proxy


class ScriptedService(socketserver.ThreadingTCPServer):
    """Answers each request with what `answer(head, body)` returns; closes the connection
    after each answer when `close_after` (without saying so, as a service restarting)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, answer, close_after=False):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer = answer
        self.close_after = close_after
        self.seen: list[tuple[bytes, bytes]] = []
        self.connections = 0


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        self.server.connections += 1
        while True:
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                line = self.rfile.readline()
                if not line:
                    return
                head += line
            body = self._body(head)
            self.server.seen.append((head, body))
            self.wfile.write(self.server.answer(head, body))
            self.wfile.flush()
            if self.server.close_after:
                return

    def _body(self, head: bytes) -> bytes:
        lower = head.lower()
        if b"content-length:" in lower:
            size = int(lower.split(b"content-length:")[1].split(b"\r\n")[0])
            return self.rfile.read(size)
        if b"transfer-encoding: chunked" in lower:
            body = b""
            while True:
                size = int(self.rfile.readline().strip(), 16)
                chunk = self.rfile.read(size + 2)[:-2]
                if size == 0:
                    return body
                body += chunk
        return b""


def _ok(payload: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s" % (len(payload), payload)


@pytest.fixture
def gateway_to():
    """Starts a proxy to the given service URL behind uvicorn; yields its URL."""
    servers = []

    def start(service_url: str, max_busy: int | None = None) -> str:
        proxy = Proxy({"data": service_url})
        if max_busy is not None:
            proxy.upstreams["data"].busy = asyncio.Semaphore(max_busy)

        async def app(scope, receive, send):
            if scope["type"] == "http":
                await proxy.forward(scope, receive, send, "data", scope["path"], "rid")

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.01)
        servers.append(server)
        return f"http://127.0.0.1:{port}"

    yield start
    for server in servers:
        server.should_exit = True


def _service(answer, close_after=False) -> ScriptedService:
    service = ScriptedService(answer, close_after)
    threading.Thread(target=service.serve_forever, daemon=True).start()
    return service


def test_a_connection_closed_by_the_service_is_replaced_without_a_failed_request(gateway_to):
    service = _service(lambda head, body: _ok(b'{"n": 1}'), close_after=True)
    url = gateway_to(f"http://127.0.0.1:{service.server_address[1]}")
    with httpx.Client(base_url=url) as client:
        answers = [client.get("/data/x") for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert all(a.json() == {"n": 1} for a in answers)
    assert service.connections >= 5


def test_kept_connections_are_reused(gateway_to):
    service = _service(lambda head, body: _ok(b"{}"))
    url = gateway_to(f"http://127.0.0.1:{service.server_address[1]}")
    with httpx.Client(base_url=url) as client:
        for _ in range(10):
            assert client.get("/data/x").status_code == 200
    assert service.connections == 1


def test_the_path_and_query_reach_the_service_as_sent(gateway_to):
    service = _service(lambda head, body: _ok(b"{}"))
    url = gateway_to(f"http://127.0.0.1:{service.server_address[1]}")
    httpx.get(f"{url}/data/files/a%20b%2Fc?name=x%26y", headers={"x-request-id": "forged"})
    head = service.seen[-1][0]
    assert head.startswith(b"GET /data/files/a%20b%2Fc?name=x%26y HTTP/1.1\r\n")
    assert b"x-request-id: rid\r\n" in head and b"forged" not in head


def test_a_chunked_answer_streams_back_whole(gateway_to):
    parts = [b"x" * 300_000, b"y" * 5, b"z" * 70_000]
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"
    service = _service(
        lambda head, body: (
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n"
            b"set-cookie: a=1\r\nset-cookie: b=2\r\n\r\n" + chunked
        )
    )
    url = gateway_to(f"http://127.0.0.1:{service.server_address[1]}")
    answer = httpx.get(f"{url}/data/x")
    assert answer.content == b"".join(parts)
    assert answer.headers.get_list("set-cookie") == ["a=1", "b=2"]


@pytest.mark.parametrize("size", [10, 3 * 1024 * 1024])
def test_request_bodies_arrive_whole_small_or_big(gateway_to, size):
    service = _service(lambda head, body: _ok(b"%d" % len(body)))
    url = gateway_to(f"http://127.0.0.1:{service.server_address[1]}")
    body = bytes(range(256)) * (size // 256 + 1)
    answer = httpx.post(f"{url}/data/x", content=body[:size])
    assert answer.json() == size
    assert service.seen[-1][1] == body[:size]


def test_a_client_that_expects_100_continue_gets_the_answer(gateway_to):
    service = _service(lambda head, body: _ok(b"%d" % len(body)))
    url = gateway_to(f"http://127.0.0.1:{service.server_address[1]}")
    answer = httpx.post(f"{url}/data/x", content=b"x" * 5000, headers={"expect": "100-continue"})
    assert answer.status_code == 200 and answer.json() == 5000
    assert b"expect" not in service.seen[-1][0].lower()


def test_an_unsized_upload_is_passed_on_chunked(gateway_to):
    service = _service(lambda head, body: _ok(b"%d" % len(body)))
    url = gateway_to(f"http://127.0.0.1:{service.server_address[1]}")
    answer = httpx.post(f"{url}/data/x", content=iter([b"a" * 1000, b"b" * 2000]))
    assert answer.json() == 3000


def test_an_unreachable_service_is_a_502_json(gateway_to):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = gateway_to(f"http://127.0.0.1:{port}")
    answer = httpx.get(f"{url}/data/x")
    assert answer.status_code == 502
    assert answer.json() == {"error": True, "message": "The data service is not reachable."}


def test_a_service_that_dies_mid_answer_is_a_502(gateway_to):
    service = _service(
        lambda head, body: b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly part",
        close_after=True,
    )
    url = gateway_to(f"http://127.0.0.1:{service.server_address[1]}")
    answer = httpx.get(f"{url}/data/x")
    assert answer.status_code == 502


def test_requests_in_flight_to_a_service_are_capped(gateway_to):
    in_flight = {"now": 0, "most": 0}
    lock = threading.Lock()

    def slow(head, body):
        with lock:
            in_flight["now"] += 1
            in_flight["most"] = max(in_flight["most"], in_flight["now"])
        time.sleep(0.1)
        with lock:
            in_flight["now"] -= 1
        return _ok(b"{}")

    service = _service(slow)
    url = gateway_to(f"http://127.0.0.1:{service.server_address[1]}", max_busy=3)
    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(lambda _: httpx.get(f"{url}/data/x").status_code, range(12)))
    assert codes == [200] * 12
    assert in_flight["most"] == 3


def test_a_service_too_slow_to_answer_is_a_502_and_the_request_is_not_sent_twice(
    gateway_to, monkeypatch
):
    monkeypatch.setattr(proxy_module, "ANSWER_TIMEOUT_SECONDS", 0.3)

    def slow(head, body):
        if head.startswith(b"POST"):
            time.sleep(1)
        return _ok(b"{}")

    service = _service(slow)
    url = gateway_to(f"http://127.0.0.1:{service.server_address[1]}")
    with httpx.Client(base_url=url) as client:
        assert client.get("/data/x").status_code == 200  # a kept connection now
        answer = client.post("/data/x", json={"a": 1})
    assert answer.status_code == 502
    assert answer.json()["error"] is True
    time.sleep(1.2)
    assert [head.split(b" ")[0] for head, _ in service.seen] == [b"GET", b"POST"]


def test_an_answer_that_is_not_http_is_a_502(gateway_to):
    service = _service(lambda head, body: b"SSH-2.0-OpenSSH\r\n\r\n", close_after=True)
    url = gateway_to(f"http://127.0.0.1:{service.server_address[1]}")
    answer = httpx.get(f"{url}/data/x")
    assert answer.status_code == 502 and answer.json()["error"] is True
