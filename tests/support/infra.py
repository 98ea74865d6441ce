"""PostgreSQL and NATS for the test session: URLs from the environment when set, else
Docker through testcontainers when an engine answers, else the embedded binaries."""

import os
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from libs.common.db import plain_url
from prodtrack.embedded import EmbeddedNats, EmbeddedPostgres


def docker_available() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:
        return False


@contextmanager
def postgres_server():
    """Yields a URL of a server where the tests may create databases."""
    url = os.environ.get("PRODTRACK_TEST_DATABASE_URL")
    if url:
        yield plain_url(url)
    elif docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver=None) as container:
            yield container.get_connection_url()
    else:
        with tempfile.TemporaryDirectory(prefix="prodtrack-pg-") as tmp:
            server = EmbeddedPostgres(Path(tmp))
            server.start()
            try:
                yield server.server.get_uri()
            finally:
                server.stop()


@contextmanager
def fresh_database(server_url: str):
    """A new, empty database for one system; dropped afterwards."""
    name = f"prodtrack_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    try:
        yield _with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def nats_server(allow_external: bool = True):
    """Yields a NATS URL; `allow_external=False` always starts a private server (for tests
    that stop and restart the broker)."""
    url = os.environ.get("PRODTRACK_TEST_NATS_URL") if allow_external else None
    if url:
        yield url, None
        return
    with tempfile.TemporaryDirectory(prefix="prodtrack-nats-") as tmp:
        server = EmbeddedNats(Path(tmp))
        server.start()
        try:
            yield server.url, server
        finally:
            server.stop()
