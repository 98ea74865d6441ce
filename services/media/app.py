"""The media service: stored bytes and their processing."""

from fastapi import FastAPI

from libs.common.routers import discover
from libs.common.service import ServiceSpec, create_service_app
from services.media import routes, tables
from services.media.facts import DataFacts
from services.media.storage import LocalStorage


async def setup(app: FastAPI) -> None:
    settings = app.state.settings
    app.state.storage = LocalStorage(settings.data_dir / "media")
    app.state.facts = DataFacts(settings.data_url)


async def teardown(app: FastAPI) -> None:
    await app.state.facts.close()


def create_app() -> FastAPI:
    return create_service_app(
        ServiceSpec(
            name="media",
            metadata=tables.metadata,
            routers=discover(routes),
            people_table=tables.people,
            setup=setup,
            teardown=teardown,
        )
    )
