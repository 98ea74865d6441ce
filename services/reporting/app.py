"""The reporting service: read models built from events."""

from fastapi import FastAPI

from libs.common.answers import AnswerCache
from libs.common.routers import discover
from libs.common.service import ServiceSpec, create_service_app
from services.reporting import consumers, routes, tables
from services.reporting.data_api import DataApi


async def _setup(app: FastAPI) -> None:
    app.state.data_api = DataApi(app.state.settings.data_url)
    # Quota tables, kept until a projection changes or data changes (team roles).
    app.state.answers = AnswerCache()
    app.state.answers.watch(app.state.db, app.state.bus)


async def _teardown(app: FastAPI) -> None:
    await app.state.answers.stop()
    await app.state.data_api.close()


def create_app() -> FastAPI:
    return create_service_app(
        ServiceSpec(
            name="reporting",
            metadata=tables.metadata,
            routers=discover(routes),
            consumers=list(consumers.CONSUMERS),
            people_table=tables.people,
            setup=_setup,
            teardown=_teardown,
        )
    )
