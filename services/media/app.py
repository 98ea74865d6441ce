"""The media service: stored bytes and their processing."""

from fastapi import FastAPI

from libs.common.service import ServiceSpec, create_service_app
from services.media import tables


def create_app() -> FastAPI:
    return create_service_app(
        ServiceSpec(
            name="media",
            metadata=tables.metadata,
            routers=[],
            people_table=tables.people,
        )
    )
