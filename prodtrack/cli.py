"""The `prodtrack` command: up, migrate, create-admin, events tail, serve."""

import argparse
import asyncio
import json
import os
import secrets
import signal
import sys
import time
from pathlib import Path

import httpx

from libs.common.settings import SERVICES, Settings
from prodtrack import __version__
from prodtrack.embedded import EmbeddedNats, EmbeddedPostgres, free_port

RUN_FILE = "run.json"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="prodtrack", description="prodtrack production tracker")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="start the whole system")
    up.add_argument("--port", type=int, default=8080)
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--data-dir", type=Path, default=None)

    migrate = sub.add_parser("migrate", help="create or upgrade every service's schema")
    migrate.add_argument("--data-dir", type=Path, default=None)
    migrate.add_argument(
        "--domain",
        choices=["2d", "3d", "vfx", "games"],
        default=None,
        help="starting asset types, departments and task types (default 3d)",
    )

    admin = sub.add_parser("create-admin", help="create an admin (or reset its password)")
    admin.add_argument("email")
    admin.add_argument("--password", default=None)
    admin.add_argument("--data-dir", type=Path, default=None)

    events = sub.add_parser("events", help="watch change events")
    events_sub = events.add_subparsers(dest="events_command", required=True)
    tail = events_sub.add_parser("tail", help="print live events, one JSON line each")
    tail.add_argument("subject", nargs="?", default=None, help="e.g. data.task.> (default all)")
    tail.add_argument("--data-dir", type=Path, default=None)

    serve = sub.add_parser("serve", help="run one service (or the gateway) in this process")
    serve.add_argument("name", choices=[*SERVICES, "gateway"])
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--host", default="127.0.0.1")

    args = parser.parse_args(argv)
    if args.command == "up":
        sys.exit(command_up(args))
    if args.command == "migrate":
        if args.domain:
            os.environ["PRODTRACK_DOMAIN"] = args.domain
        with Environment(settings_for(args.data_dir)) as env:
            env.migrate()
    elif args.command == "create-admin":
        with Environment(settings_for(args.data_dir)) as env:
            env.migrate()
            password = args.password or os.environ.get("PRODTRACK_ADMIN_PASSWORD")
            password = password or secrets.token_urlsafe(12)
            env.create_admin(args.email, password)
            print(f"admin {args.email} ready (password: {password})")
    elif args.command == "events":
        asyncio.run(tail_events(settings_for(args.data_dir), args.subject))
    elif args.command == "serve":
        serve_one(args.name, args.host, args.port)


def settings_for(data_dir: Path | None) -> Settings:
    overrides = {"data_dir": data_dir.resolve()} if data_dir else {}
    settings = Settings(**overrides)
    return settings.model_copy(update={"data_dir": settings.data_dir.resolve()})


class Environment:
    """Database and NATS URLs: configured ones, or embedded servers under the data dir."""

    def __init__(self, settings: Settings, keep_nats: bool = False):
        self.settings = settings
        self.postgres: EmbeddedPostgres | None = None
        self.nats: EmbeddedNats | None = None
        self.keep_nats = keep_nats

    def __enter__(self) -> "Environment":
        data_dir = self.settings.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        updates = {}
        if not self.settings.database_url:
            self.postgres = EmbeddedPostgres(data_dir)
            updates["database_url"] = self.postgres.start()
        if not self.settings.nats_url and self.keep_nats:
            self.nats = EmbeddedNats(data_dir / "nats")
            updates["nats_url"] = self.nats.start()
        self.settings = self.settings.model_copy(update=updates)
        return self

    def __exit__(self, *exc) -> None:
        if self.nats:
            self.nats.stop()
        if self.postgres:
            self.postgres.stop()

    def migrate(self) -> None:
        from libs.common import migrations

        for service in SERVICES:
            migrations.upgrade(service, self.settings.database_url_for(service))
        from prodtrack import setup

        setup.ensure_keys(self.settings)
        setup.init_data(self.settings)

    def create_admin(self, email: str, password: str) -> None:
        from prodtrack import setup

        asyncio.run(setup.create_admin(self.settings, email, password))

    def child_env(self, ports: dict[str, int]) -> dict[str, str]:
        env = dict(os.environ)
        env["PRODTRACK_DATA_DIR"] = str(self.settings.data_dir)
        env["PRODTRACK_DATABASE_URL"] = self.settings.database_url
        env["PRODTRACK_NATS_URL"] = self.settings.nats_url
        for name in SERVICES:
            env[f"PRODTRACK_{name.upper()}_URL"] = f"http://127.0.0.1:{ports[name]}"
        return env


def command_up(args) -> int:
    from prodtrack import setup
    from prodtrack.supervisor import Child, Supervisor

    settings = settings_for(args.data_dir)
    stop_requested = False

    def request_stop(*_):
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    with Environment(settings, keep_nats=True) as env:
        env.migrate()
        print("prodtrack: schemas migrated", flush=True)
        setup.first_admin(env)
        ports = {name: free_port() for name in SERVICES}
        child_env = env.child_env(ports)
        children = [
            Child(
                name,
                [sys.executable, "-m", "prodtrack", "serve", name, "--port", str(port)],
                child_env,
            )
            for name, port in ports.items()
        ]
        children.append(
            Child(
                "gateway",
                [
                    sys.executable,
                    "-m",
                    "prodtrack",
                    "serve",
                    "gateway",
                    "--port",
                    str(args.port),
                    "--host",
                    args.host,
                ],
                child_env,
            )  # fmt: skip
        )
        (env.settings.data_dir / RUN_FILE).write_text(
            json.dumps({"nats_url": env.settings.nats_url, "port": args.port, "pid": os.getpid()})
        )
        supervisor = Supervisor(children)
        supervisor.start()
        url = f"http://{args.host}:{args.port}/"
        if wait_until_up(url, lambda: stop_requested):
            print(f"prodtrack {__version__} is up at {url} (API also under {url}api/)", flush=True)
        try:
            while not stop_requested:
                supervisor.check()
                time.sleep(0.5)
        finally:
            print("prodtrack: stopping", flush=True)
            supervisor.stop()
            (env.settings.data_dir / RUN_FILE).unlink(missing_ok=True)
    return 0


def wait_until_up(url: str, stopped, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stopped():
        try:
            body = httpx.get(f"{url}status", timeout=2).json()
            if body.get("database-up") and body.get("event-stream-up"):
                if all(body.get("services", {}).values()):
                    return True
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.3)
    return False


async def tail_events(settings: Settings, subject: str | None) -> None:
    import nats

    url = settings.nats_url
    run_file = settings.data_dir / RUN_FILE
    if not url and run_file.exists():
        url = json.loads(run_file.read_text())["nats_url"]
    if not url:
        sys.exit("No NATS to read from: set PRODTRACK_NATS_URL or start `prodtrack up`.")
    nc = await nats.connect(url)
    pattern = f"{settings.subject_prefix}.{subject or '>'}"

    async def show(msg):
        try:
            print(json.dumps(json.loads(msg.data)), flush=True)
        except ValueError:
            print(json.dumps({"subject": msg.subject, "raw": msg.data.decode("latin-1")}))

    await nc.subscribe(pattern, cb=show)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await nc.drain()


def serve_one(name: str, host: str, port: int) -> None:
    import uvicorn

    target = "gateway.app:create_app" if name == "gateway" else f"services.{name}.app:create_app"
    uvicorn.run(
        target,
        factory=True,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        # The gateway keeps its connections to the services open for up to 30 s.
        timeout_keep_alive=75,
        timeout_graceful_shutdown=5,
    )
