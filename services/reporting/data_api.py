"""What reporting asks data's internal API while it answers a request: facts it keeps no
copy of (a production's team roles, the shots export's rows). One client per process."""

import uuid
from typing import Any

import httpx

from libs.common.errors import ServiceUnavailable


class DataApi:
    def __init__(self, base_url: str):
        self.client = httpx.AsyncClient(base_url=base_url, timeout=30)

    async def close(self) -> None:
        await self.client.aclose()

    async def _found(self, path: str, **params) -> Any | None:
        """The JSON answer, or None on a 404."""
        query = {k: str(v) for k, v in params.items() if v is not None}
        try:
            response = await self.client.get(path, params=query)
        except httpx.HTTPError:
            raise ServiceUnavailable("The data service is unreachable.") from None
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ServiceUnavailable("The data service failed to answer.")
        return response.json()

    async def project_viewer(self, project_id: uuid.UUID, person_id: uuid.UUID) -> dict | None:
        """The project (id, name, fps) with the person's team membership, team-link role
        and timezone; None when there is no such project."""
        return await self._found(f"/internal/reporting/projects/{project_id}/viewers/{person_id}")

    async def person(self, person_id: uuid.UUID) -> dict | None:
        return await self._found(f"/internal/reporting/persons/{person_id}")

    async def shots_export(self, project_id: uuid.UUID, **filters) -> dict:
        return await self._found(
            f"/internal/reporting/projects/{project_id}/shots-export", **filters
        )
