"""The data service: the production model."""

from fastapi import FastAPI

from libs.common.answers import AnswerCache
from libs.common.routers import discover
from libs.common.service import ServiceSpec, create_service_app
from services.data import consumers, routes, tables
from services.data.people import OwnPeople


async def _setup(app: FastAPI) -> None:
    app.state.answers = AnswerCache(mark_kept=True)
    app.state.answers.watch(app.state.db, app.state.bus)


async def _teardown(app: FastAPI) -> None:
    await app.state.answers.stop()


def create_app() -> FastAPI:
    app = create_service_app(
        ServiceSpec(
            name="data",
            metadata=tables.metadata,
            routers=discover(routes),
            consumers=list(consumers.CONSUMERS),
            people=lambda app: OwnPeople(app.state.db),
            setup=_setup,
            teardown=_teardown,
        )
    )
    # Who is in which team, for libs.common.permissions' callers (kept briefly by people).
    app.state.memberships = lambda db, person_id: app.state.people.memberships(db, person_id)
    return app
