"""The auth service: credentials, tokens, revocation, 2FA, password flows."""

from fastapi import FastAPI

from libs.common.service import ServiceSpec, create_service_app
from services.auth import consumers, tables
from services.auth.directory import Directory
from services.auth.issuer import Issuer
from services.auth.routes import (
    internal,
    login,
    login_logs,
    passwords,
    preview_accounts,
    sso,
    two_factor,
)


async def setup(app: FastAPI) -> None:
    app.state.directory = Directory(app.state.settings.data_url)
    app.state.issuer = Issuer(app)


async def teardown(app: FastAPI) -> None:
    await app.state.directory.close()


def create_app() -> FastAPI:
    app: FastAPI | None = None
    app = create_service_app(
        ServiceSpec(
            name="auth",
            metadata=tables.metadata,
            routers=[
                login.router,
                login_logs.router,
                passwords.router,
                two_factor.router,
                sso.router,
                preview_accounts.router,
                internal.router,
            ],
            consumers=[consumers.sessions_consumer(lambda: app)],
            people_table=tables.people,
            setup=setup,
            teardown=teardown,
        )
    )
    return app
