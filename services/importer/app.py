"""The importer service: CSV, ShotGrid and Kitsu-to-Kitsu imports."""

import httpx
from fastapi import FastAPI

from libs.common.routers import discover
from libs.common.service import ServiceSpec, create_service_app
from services.importer import routes, tables


async def _open_data_client(app: FastAPI) -> None:
    app.state.data_client = httpx.AsyncClient(base_url=app.state.settings.data_url, timeout=60)


async def _close_data_client(app: FastAPI) -> None:
    await app.state.data_client.aclose()


def create_app() -> FastAPI:
    return create_service_app(
        ServiceSpec(
            name="importer",
            metadata=tables.metadata,
            routers=discover(routes),
            people_table=tables.people,
            setup=_open_data_client,
            teardown=_close_data_client,
        )
    )
