"""The running system as a studio meets it: one port, healthy services, events on NATS."""

import json
import socket
import subprocess
import sys
import time
import uuid

import httpx
import psutil

from tests.support.events import EventListener
from tests.support.studio import person
from tests.support.system import ADMIN_EMAIL, ADMIN_PASSWORD


def test_status_reports_every_part_up(anonymous):
    body = anonymous.get("/status").json()
    assert body["name"] == "prodtrack"
    assert body["database-up"] is True
    assert body["event-stream-up"] is True
    assert body["key-value-store-up"] is True
    assert body["services"] == {
        "auth": True,
        "data": True,
        "importer": True,
        "media": True,
        "reporting": True,
    }
    text = anonymous.get("/status.txt")
    assert text.headers["content-type"].startswith("text/plain")
    assert "database-up: up" in text.text


def test_index_and_config_have_zou_shapes(anonymous):
    index = anonymous.get("/").json()
    assert index["api"] == "prodtrack" and index["version"]
    config = anonymous.get("/config").json()
    for key in ("default_locale", "default_timezone", "enforce_2fa", "saml_enabled"):
        assert key in config
    assert config["enforce_2fa"] is False


def test_api_prefix_gives_the_same_answers(system, admin):
    assert admin.get("/api/config").json() == admin.get("/config").json()
    direct = admin.get("/data/events/names")
    prefixed = admin.get("/api/data/events/names")
    assert direct.status_code == prefixed.status_code == 200
    assert direct.json() == prefixed.json()


def test_unknown_route_is_zou_404_json(anonymous):
    for path in ("/data/no-such-route", "/api/nothing/here", "/data/tasks/1/2/3/4"):
        response = anonymous.get(path)
        assert response.status_code == 404
        assert response.json()["error"] is True
        assert response.json()["message"].startswith("404 Not Found")


def test_wrong_method_is_405_json(anonymous):
    response = anonymous.post("/status")
    assert response.status_code == 405
    assert response.json()["error"] is True


def test_protected_route_without_token_is_401_msg(anonymous):
    response = anonymous.get("/data/events/last")
    assert response.status_code == 401
    assert response.json()["msg"].startswith("Missing JWT")


def test_request_id_comes_back_and_is_logged(system, anonymous):
    request_id = uuid.uuid4().hex
    response = anonymous.get("/data/events/last", headers={"X-Request-Id": request_id})
    assert response.headers["x-request-id"] == request_id
    deadline = time.monotonic() + 5
    while request_id not in system.logs() and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = [json.loads(line) for line in system.logs().splitlines() if request_id in line]
    access = [line for line in lines if line.get("event") == "access"]
    assert access and access[0]["status"] == 401 and access[0]["service"] == "data"


def test_test_event_reaches_subscribers_and_events_tail(system, anonymous):
    tail = subprocess.Popen(
        [sys.executable, "-m", "prodtrack", "events", "tail", "gateway.>"],
        env=system.env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        with EventListener(system.nats_url, system.subject("gateway.>")) as events:
            # `events tail` says nothing until an event comes: send until it has seen one.
            line = None
            for _ in range(50):
                assert anonymous.get("/status/test-event").json() == {"success": True}
                events.wait_for(lambda e: e["name"] == "main:test")
                line = _read_line(tail, timeout=0.3)
                if line:
                    break
            assert line, "prodtrack events tail printed nothing"
            printed = json.loads(line)
            assert printed["name"] == "main:test"
            assert {"id", "data", "created_at"} <= printed.keys()
    finally:
        tail.terminate()
        tail.wait(10)


def _read_line(process: subprocess.Popen, timeout: float) -> str | None:
    import selectors

    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    if selector.select(timeout):
        return process.stdout.readline().strip() or None
    return None


def test_big_upload_streams_through_the_gateway_in_flat_memory(system, anonymous):
    gateway = _gateway_process(system)
    before = gateway.memory_info().rss
    chunk = b"x" * (1024 * 1024)

    def body():
        for _ in range(200):
            yield chunk

    response = httpx.post(
        f"{system.url}/auth/login",
        content=body(),
        headers={"content-type": "application/json"},
        timeout=120,
    )
    assert 400 <= response.status_code < 500
    grown = gateway.memory_info().rss - before
    assert grown < 40 * 1024 * 1024, f"gateway grew by {grown / 1e6:.0f} MB for a 200 MB body"


def _gateway_process(system) -> psutil.Process:
    for child in psutil.Process(system.process.pid).children(recursive=True):
        if "gateway" in child.cmdline():
            return child
    raise AssertionError("no gateway process under prodtrack up")


def test_body_over_the_limit_is_refused_with_413(system):
    # Announce a 3 GB upload (the default limit is 2 GB) and send nothing more.
    host, port = system.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 3221225472\r\n\r\n{}"
        )
        received = b""
        # The head and the body may come in separate segments: read until the body is in.
        while b'"error"' not in received:
            chunk = conn.recv(65536)
            if not chunk:
                break
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == b"413"
    assert b'"error":true' in body


def test_openapi_document_covers_every_service(anonymous):
    paths = anonymous.get("/openapi.json").json()["paths"]
    assert "/status" in paths
    assert "/auth/login" in paths
    assert "/data/events/last" in paths
    assert anonymous.get("/docs").status_code == 200


def test_a_crashed_service_is_restarted(system, admin):
    data = next(
        child
        for child in psutil.Process(system.process.pid).children(recursive=True)
        if child.cmdline()[3:5] == ["serve", "data"]
    )
    data.kill()
    data.wait(10)
    # Auth asks data who is logging in: while data is away, a retry-later 503, not a crash.
    with system.client() as browser:
        login = browser.post("/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert login.status_code == 503, login.text
    assert login.json()["error"] is True
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if admin.get("/data/events/names").status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    else:
        raise AssertionError("the data service did not come back")
    assert admin.get("/status").json()["services"]["data"] is True


def test_one_clients_login_cookies_never_reach_another(system, anonymous):
    with system.client() as browser:
        login = browser.post("/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        assert login.status_code == 200 and "access_token_cookie" in browser.cookies
        assert browser.get("/auth/authenticated").status_code == 200
    assert anonymous.get("/auth/authenticated").status_code == 401
    assert anonymous.get("/auth/refresh-token").status_code == 401


def test_a_get_with_a_body_is_forwarded_whole(anonymous):
    response = anonymous.request("GET", "/data/events/names", content=b'{"a": 1}')
    assert response.status_code == 401


def test_a_browser_with_a_revoked_cookie_can_log_in_again(system):
    credentials = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    with system.client() as browser:
        assert browser.post("/auth/login", json=credentials).status_code == 200
        revoked = browser.cookies["access_token_cookie"]
        assert browser.get("/auth/logout").status_code == 200
    cookie = {"cookie": f"access_token_cookie={revoked}"}
    with system.client() as browser:
        assert browser.get("/data/events/names", headers=cookie).status_code == 401
        # Kitsu still sends the old cookie with its next login.
        again = browser.post("/auth/login", json=credentials, headers=cookie)
        assert again.status_code == 200
        assert again.json()["login"] is True


def test_login_logs_are_served_through_the_gateway(system, admin):
    system.login()
    logs = admin.get("/data/events/login-logs/last")
    assert logs.status_code == 200
    assert any(entry.get("person_id") for entry in logs.json())
    assert admin.get("/data/events/login-logs/last", params={"limit": "x"}).status_code == 400


def test_a_refused_action_is_zou_403_json(system, admin):
    _, artist = person(system, admin, "user")
    with artist:
        refused = artist.post("/data/projects", json={"name": "not mine to make"})
    assert refused.status_code == 403
    assert refused.json() == {
        "error": True,
        "message": "You don't have the permission to access the requested resource. "
        "It is either read-protected or not readable by the server.",
    }
