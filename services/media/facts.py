"""What media asks of data, the owner of the records behind its files, over data's
internal API. Asked on every request, so a record created a moment ago is known."""

import uuid
from typing import Any

import httpx

from libs.common.errors import ServiceUnavailable


class DataFacts:
    def __init__(self, base_url: str):
        self.client = httpx.AsyncClient(base_url=base_url, timeout=30)

    async def close(self) -> None:
        await self.client.aclose()

    async def _call(self, method: str, path: str, **kwargs) -> httpx.Response:
        try:
            response = await self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable("The data service cannot be reached.") from exc
        if response.status_code >= 500:
            raise ServiceUnavailable("The data service failed to answer.")
        return response

    async def _found(self, method: str, path: str, **kwargs) -> Any | None:
        response = await self._call(method, path, **kwargs)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    async def preview_file(self, preview_file_id: uuid.UUID, person_id: uuid.UUID) -> dict | None:
        return await self._found(
            "GET",
            f"/internal/media/preview-files/{preview_file_id}",
            params={"person_id": str(person_id)},
        )

    async def update_preview_file(
        self, preview_file_id: uuid.UUID, values: dict, user_id: uuid.UUID
    ) -> dict | None:
        return await self._found(
            "PATCH",
            f"/internal/media/preview-files/{preview_file_id}",
            json={"values": values, "user_id": str(user_id)},
        )

    async def delete_preview_file(self, preview_file_id: uuid.UUID, user_id: uuid.UUID) -> None:
        await self._found(
            "DELETE",
            f"/internal/media/preview-files/{preview_file_id}",
            params={"user_id": str(user_id)},
        )

    async def project(self, project_id: uuid.UUID, person_id: uuid.UUID) -> dict | None:
        return await self._found(
            "GET", f"/internal/media/projects/{project_id}", params={"person_id": str(person_id)}
        )

    async def person(self, person_id: uuid.UUID) -> dict | None:
        return await self._found("GET", f"/internal/persons/{person_id}")

    async def organisation(self) -> dict:
        return await self._found("GET", "/internal/media/organisation")

    async def set_avatar(
        self, kind: str, instance_id: uuid.UUID, value: bool, user_id: uuid.UUID
    ) -> dict | None:
        return await self._found(
            "PUT",
            f"/internal/media/{kind}/{instance_id}/avatar",
            json={"has_avatar": value, "user_id": str(user_id)},
        )
