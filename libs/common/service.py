"""Builds a service's FastAPI app: db pool, NATS, outbox relay, consumers, health, errors."""

import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
import structlog
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from libs.common.db import Database, make_engine
from libs.common.errors import install_error_handlers
from libs.common.events import Bus, Consumer, Outbox, Relay
from libs.common.heap import freeze_start_up_objects
from libs.common.keys import Keys
from libs.common.logging import configure, get_logger
from libs.common.people import PeopleProjection, people_consumer
from libs.common.revocation import Revocations
from libs.common.routers import RouteIndex, merged
from libs.common.settings import Settings, get_settings
from prodtrack import __version__

log = get_logger(__name__)

# FastAPI asks OpenTelemetry on every request whether a tracer is configured (3% of a
# cached answer's CPU); we log with structlog and run no collector.
NO_TELEMETRY = {"tracing": False, "metrics": False, "logs": False}


@dataclass
class ServiceSpec:
    name: str
    metadata: sa.MetaData
    routers: list[APIRouter]
    consumers: list[Consumer] = field(default_factory=list)
    # Builds app.state.people (who a caller is) once the database is up; a service that
    # does not own persons gives `people_table` instead and gets a projection of them.
    people: Callable[[FastAPI], object] | None = None
    people_table: sa.Table | None = None
    # Extra resources of one service (HTTP clients, ...): built after the common ones.
    setup: Callable[[FastAPI], Awaitable[None]] | None = None
    teardown: Callable[[FastAPI], Awaitable[None]] | None = None

    def __post_init__(self):
        if self.people_table is not None:
            table = self.people_table
            self.consumers.append(people_consumer(table))
            self.people = lambda app: PeopleProjection(
                app.state.db, table, app.state.settings.data_url
            )


def create_service_app(spec: ServiceSpec, settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure(spec.name, settings.log_level)
    schema = spec.metadata.schema

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        db = Database(
            make_engine(
                settings.database_url_for(spec.name),
                settings.db_pool_size,
                settings.db_max_overflow,
            )
        )
        bus = Bus(
            settings.nats_url,
            settings.stream_name,
            name=f"prodtrack-{spec.name}",
            prefix=settings.subject_prefix,
        )
        bus.start()
        outbox_table = spec.metadata.tables[f"{schema}.outbox"]
        inbox_table = spec.metadata.tables[f"{schema}.inbox"]
        relay = Relay(db, bus, outbox_table)
        relay.start()
        max_age = settings.refresh_token_days * 86400
        revocations = Revocations(bus, settings.revocation_bucket, max_age)
        revocations.start()
        state = app.state
        state.settings, state.db, state.bus, state.relay = settings, db, bus, relay
        state.outbox = Outbox(spec.name, outbox_table, settings.subject_prefix)
        state.revocations = revocations
        state.keys = Keys(settings.private_key_path, settings.public_key_path)
        state.people = spec.people(app) if spec.people else None
        for consumer in spec.consumers:
            durable = f"{spec.name}-{consumer.name}-{settings.instance}"
            consumer.start(db, bus, inbox_table, durable)
        if spec.setup:
            await spec.setup(app)
        freeze_start_up_objects()
        log.info("service started")
        try:
            yield
        finally:
            if spec.teardown:
                await spec.teardown(app)
            for consumer in spec.consumers:
                await consumer.stop()
            await relay.stop()
            await revocations.stop()
            await bus.close()
            await db.close()

    app = FastAPI(
        title=f"prodtrack {spec.name}",
        version=__version__,
        lifespan=lifespan,
        redirect_slashes=False,
        telemetry=NO_TELEMETRY,
    )
    install_error_handlers(app)
    install_request_context(app, spec.name)

    @app.get("/healthz", include_in_schema=False)
    async def healthz(request: Request):
        db_up = await request.app.state.db.ping()
        nats_up = request.app.state.bus.connected
        return JSONResponse(
            {"service": spec.name, "database-up": db_up, "event-stream-up": nats_up},
            status_code=200 if db_up else 503,
        )

    routes = merged(spec.routers)
    # Requests are matched through the index; the router stays for the OpenAPI document.
    app.router.routes.append(RouteIndex(routes.routes))
    app.include_router(routes)
    return app


def install_request_context(app: FastAPI, service: str) -> None:
    app.add_middleware(RequestContext, service=service)


class RequestContext:
    """Pure ASGI: binds the gateway's request id to every log line, turns a crash into
    Zou's 500 JSON, echoes the request id."""

    def __init__(self, app, service: str):
        self.app = app
        self.service = service

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or ())
        request_id = (headers.get(b"x-request-id") or uuid.uuid4().hex.encode()).decode()
        structlog.contextvars.bind_contextvars(request_id=request_id, service=self.service)
        started = False

        async def send_with_id(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (b"x-request-id", request_id.encode())
                ]
            await send(message)

        begun = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception(
                "unhandled error",
                path=scope.get("path"),
                method=scope.get("method"),
                ms=round((time.perf_counter() - begun) * 1000, 1),
            )
            if not started:
                response = JSONResponse(
                    {"error": True, "message": "Internal server error."}, status_code=500
                )
                await response(scope, receive, send_with_id)
        finally:
            structlog.contextvars.unbind_contextvars("request_id", "user_id")
