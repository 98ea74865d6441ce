"""The importer service: CSV, ShotGrid and Kitsu-to-Kitsu imports."""

from fastapi import FastAPI

from libs.common.service import ServiceSpec, create_service_app
from services.importer import tables


def create_app() -> FastAPI:
    return create_service_app(
        ServiceSpec(
            name="importer",
            metadata=tables.metadata,
            routers=[],
            people_table=tables.people,
        )
    )
