"""The data service: the production model."""

from fastapi import FastAPI

from libs.common.service import ServiceSpec, create_service_app
from services.data import consumers, tables
from services.data.people import OwnPeople
from services.data.routes import events, internal


def create_app() -> FastAPI:
    return create_service_app(
        ServiceSpec(
            name="data",
            metadata=tables.metadata,
            routers=[events.router, internal.router],
            consumers=list(consumers.CONSUMERS),
            people=lambda app: OwnPeople(app.state.db),
        )
    )
