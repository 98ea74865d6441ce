"""The auth service: credentials, tokens, revocation."""

from fastapi import FastAPI

from libs.common.service import ServiceSpec, create_service_app
from services.auth import tables
from services.auth.directory import Directory
from services.auth.routes import login


async def setup(app: FastAPI) -> None:
    app.state.directory = Directory(app.state.settings.data_url)


async def teardown(app: FastAPI) -> None:
    await app.state.directory.close()


def create_app() -> FastAPI:
    return create_service_app(
        ServiceSpec(
            name="auth",
            metadata=tables.metadata,
            routers=[login.router],
            people_table=tables.people,
            setup=setup,
            teardown=teardown,
        )
    )
