"""The gateway: one public port in front of the five services.

Requests under `/api/` are the same as at `/`. The routing table names the owner of each
Zou route; the gateway answers its own (`/`, `/status`, `/config`, ...) and streams the
rest to the owning service.
"""

import json
import os
import time
import uuid
from contextlib import asynccontextmanager

import httpx
import structlog
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.middleware.cors import CORSMiddleware

from gateway import openapi, status
from gateway.event_bridge import EventBridge
from gateway.kept_answers import KeptAnswers
from gateway.proxy import Proxy
from gateway.ratelimit import LoginRateLimit
from gateway.routing import RoutingTable
from libs.common.errors import error_response, install_error_handlers
from libs.common.events import Bus, envelope, subject_for
from libs.common.heap import freeze_start_up_objects
from libs.common.identity import Principal, raw_token, verify
from libs.common.keys import Keys
from libs.common.logging import configure, get_logger
from libs.common.revocation import Revocations
from libs.common.service import NO_TELEMETRY
from libs.common.settings import SERVICES, Settings, get_settings
from prodtrack import __version__

log = get_logger("gateway")
VERSION = __version__
# Served by the gateway although they are not Zou routes.
OWN_EXTRA = {"/docs", "/healthz"}


def create_app(settings: Settings | None = None):
    settings = settings or get_settings()
    configure("gateway", settings.log_level)
    urls = {name: settings.service_url(name) for name in SERVICES}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        bus = Bus(
            settings.nats_url,
            settings.stream_name,
            name="prodtrack-gateway",
            prefix=settings.subject_prefix,
        )
        bus.start()
        revocations = Revocations(
            bus, settings.revocation_bucket, settings.refresh_token_days * 86400
        )
        revocations.start()
        # Serve only once the revocations stored so far are known (or NATS is late).
        await revocations.caught_up()
        app.state.bus = bus
        app.state.revocations = revocations
        app.state.http = httpx.AsyncClient()
        gateway.proxy = Proxy(urls)
        gateway.revocations = revocations
        gateway.bridge = EventBridge(bus, gateway.keys, revocations, urls["data"])
        gateway.bridge.start()
        gateway.kept_answers.watch(bus)
        freeze_start_up_objects()
        yield
        await gateway.bridge.stop()
        await gateway.kept_answers.stop()
        await gateway.proxy.close()
        await app.state.http.aclose()
        await revocations.stop()
        await bus.close()

    app = FastAPI(
        title="prodtrack gateway",
        version=VERSION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi-gateway.json",
        telemetry=NO_TELEMETRY,
    )
    install_error_handlers(app)

    @app.get("/")
    async def index():
        return {"api": "prodtrack", "version": VERSION}

    async def current_status(request: Request) -> dict:
        health = await status.service_health(request.app.state.http, urls)
        return status.status_body(VERSION, health, request.app.state.bus.connected)

    @app.get("/status")
    async def get_status(request: Request):
        return await current_status(request)

    @app.get("/status.txt", response_class=PlainTextResponse)
    async def get_status_txt(request: Request):
        return status.status_text(await current_status(request))

    @app.get("/status/influx")
    async def get_status_influx(request: Request):
        body = await current_status(request)
        return {
            key: int(value)
            for key, value in body.items()
            if key.endswith("-up") and isinstance(value, bool)
        }

    @app.get("/status/resources")
    async def get_status_resources():
        load = os.getloadavg()
        return {"cpu": {"load": list(load), "cores": os.cpu_count()}, "jobs": 0}

    @app.get("/status/test-event")
    async def test_event(request: Request):
        bus: Bus = request.app.state.bus
        if not bus.connected:
            return error_response(503, "The event stream is down.")
        event = envelope("main:test", {})
        await bus.js.publish(
            subject_for(settings.subject_prefix, "gateway", event["name"]),
            json.dumps(event).encode(),
            headers={"Nats-Msg-Id": event["id"]},
            timeout=5,
        )
        return {"success": True}

    @app.get("/config")
    async def config():
        return {
            "is_self_hosted": True,
            "crisp_token": "",
            "dark_theme_by_default": False,
            "indexer_configured": False,
            "saml_enabled": False,
            "saml_idp_name": "",
            "oidc_enabled": False,
            "oidc_idp_name": "",
            "default_locale": settings.default_locale,
            "default_timezone": settings.default_timezone,
            "enforce_2fa": settings.enforce_2fa,
            "movie_highdef_bitrate": 28,
            "movie_lowdef_bitrate": 6,
            "preview_accounts_enabled": settings.preview_accounts_enabled,
        }

    @app.get("/openapi.json", include_in_schema=False)
    @app.get("/openapi-raw.json", include_in_schema=False)
    async def merged_openapi(request: Request):
        document = await openapi.merged_openapi(
            request.app.state.http, urls, request.app.openapi(), VERSION
        )
        return JSONResponse(document)

    @app.get("/docs", include_in_schema=False)
    @app.get("/apidocs/", include_in_schema=False)
    @app.get("/apidocs/index.html", include_in_schema=False)
    async def docs():
        return get_swagger_ui_html(openapi_url="/openapi.json", title="prodtrack API")

    @app.get("/healthz", include_in_schema=False)
    async def healthz(request: Request):
        return {"service": "gateway", "event-stream-up": request.app.state.bus.connected}

    gateway = Gateway(app, RoutingTable.load(), settings)
    cors = CORSMiddleware(
        LoginRateLimit(gateway, settings),
        allow_origin_regex=".*" if settings.cors_origins == "*" else None,
        allow_origins=[] if settings.cors_origins == "*" else settings.cors_origins.split(","),
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    return cors


def may_revoke(method: str, service: str, path: str) -> bool:
    """Requests that can revoke tokens as they are answered: a logout, auth's writes
    (password, preview accounts), and person writes (deactivation, a bot's new key)."""
    if method in ("GET", "HEAD", "OPTIONS"):
        return path == "/auth/logout"
    if service == "auth":
        return path != "/auth/login"
    return path.startswith("/data/persons")


class Gateway:
    """Pure ASGI: strips `/api`, picks the owner, answers 404/405 for unknown routes,
    refuses revoked tokens, streams to the service, writes one access-log line."""

    def __init__(self, own_app: FastAPI, table: RoutingTable, settings: Settings):
        self.own_app = own_app
        self.table = table
        self.settings = settings
        self.proxy: Proxy | None = None
        self.revocations: Revocations | None = None
        self.bridge: EventBridge | None = None
        self.kept_answers = KeptAnswers()
        self.keys = Keys(settings.private_key_path, settings.public_key_path)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self.own_app(scope, receive, send)
        path = scope["path"]
        if path == "/api" or path.startswith("/api/"):
            path = path[4:] or "/"
            raw_path = scope.get("raw_path") or b""
            raw_path = raw_path[4:] or b"/" if raw_path.startswith(b"/api") else path.encode()
            scope = dict(scope, path=path, raw_path=raw_path)
        if path.startswith("/socket.io"):
            return await self.bridge.asgi(scope, receive, send)
        if scope["type"] != "http":
            return
        headers = dict(scope.get("headers") or ())
        request_id = (headers.get(b"x-request-id") or uuid.uuid4().hex.encode()).decode()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status_holder = {"status": 0}

        async def send_logged(message):
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                if not any(key.lower() == b"x-request-id" for key, _ in headers):
                    headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        service = "gateway"
        try:
            if path in OWN_EXTRA:
                await self.own_app(scope, receive, send_logged)
                return
            match = self.table.match(scope["method"], path)
            if match is None:
                await error_response(404)(scope, receive, send_logged)
            elif match.service is None:
                await error_response(405)(scope, receive, send_logged)
            elif match.service == "gateway":
                await self.own_app(scope, receive, send_logged)
            else:
                service = match.service
                await self._forward(scope, receive, send_logged, service, path, request_id)
        finally:
            if self.settings.access_log:
                log.info(
                    "access",
                    method=scope["method"],
                    path=path,
                    status=status_holder["status"],
                    service=service,
                    ms=round((time.perf_counter() - started) * 1000, 2),
                )
            structlog.contextvars.unbind_contextvars("request_id")

    async def _forward(self, scope, receive, send, service, path, request_id):
        request = Request(scope, receive)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.settings.max_body_mb * 1024 * 1024:
            await error_response(413)(scope, receive, send)
            return
        principal, refused = self._caller(request)
        if refused is not None:
            await refused(scope, receive, send)
            return
        key = KeptAnswers.key(request, principal) if service == "data" else None
        if key is not None:
            kept = self.kept_answers.get(key)
            if kept is not None:
                status, headers, body = kept
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        if may_revoke(scope["method"], service, path):
            send = self._after_revocations(send)
        keep = self.kept_answers.keeper(key) if key is not None else None
        writes = self.kept_answers.write_passing(scope["method"])
        try:
            await self.proxy.forward(scope, receive, send, service, path, request_id, keep)
        finally:
            if writes:
                self.kept_answers.write_passing(scope["method"])

    def _after_revocations(self, send):
        """Holds the answer until this gateway knows what the request revoked: the client's
        next request (a logged-out token, a deactivated person's) is then refused."""

        async def send_when_known(message):
            if message["type"] == "http.response.start":
                await self.revocations.caught_up()
            await send(message)

        return send_when_known

    def _caller(self, request: Request) -> tuple[Principal | None, JSONResponse | None]:
        """Who calls, if the token is good; a logged-out token is refused here, before any
        service sees it (from the watchers' view, see `_after_revocations`). Auth's own
        routes check tokens themselves: a browser still holding a revoked cookie must be
        able to log in again."""
        token = raw_token(request)
        if not token or request.url.path.startswith("/auth/"):
            return None, None
        try:
            principal = verify(self.keys.public_key(), token, expected_type=None)
        except Exception:
            return None, None  # the service gives Zou's exact answer for a bad token
        if self.revocations.is_revoked(principal.jti):
            return None, JSONResponse({"msg": "Token has been revoked"}, status_code=401)
        return principal, None
