"""The test session's prodtrack: started once, on a fresh database, spoken to over HTTP."""

import pytest

from tests.support.infra import fresh_database, nats_server, postgres_server
from tests.support.system import start_system, stop_system


@pytest.fixture(scope="session")
def pg_server():
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def system(pg_server, tmp_path_factory):
    with fresh_database(pg_server) as database_url, nats_server() as (nats_url, _):
        running = start_system(database_url, nats_url, tmp_path_factory.mktemp("system"))
        try:
            yield running
        finally:
            stop_system(running)


@pytest.fixture(scope="session")
def admin_token(system):
    return system.login()


@pytest.fixture
def admin(system, admin_token):
    with system.client(admin_token) as client:
        yield client


@pytest.fixture
def anonymous(system):
    with system.client() as client:
        yield client
