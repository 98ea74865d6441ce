"""What auth asks the data service, which owns persons: a person's JSON and the
organisation in one call, and the public 2FA / activity flags auth sets on a person."""

import uuid
from typing import Any

import httpx

from libs.common.errors import ServiceUnavailable


class Directory:
    def __init__(self, data_url: str):
        self.client = httpx.AsyncClient(base_url=data_url, timeout=10)

    async def session_by_email(self, email: str) -> dict | None:
        response = await self.client.get("/internal/session", params={"email": email})
        return response.json() if response.status_code == 200 else None

    async def session(self, person_id: uuid.UUID) -> dict | None:
        response = await self.client.get("/internal/session", params={"person_id": str(person_id)})
        return response.json() if response.status_code == 200 else None

    async def person(self, person_id: uuid.UUID) -> dict | None:
        response = await self.client.get(f"/internal/persons/{person_id}")
        return response.json() if response.status_code == 200 else None

    async def set_flags(self, person_id: uuid.UUID, **flags: Any) -> dict:
        """2FA flags, preview window, active: data stores them and emits person:update."""
        response = await self.client.patch(f"/internal/persons/{person_id}/auth-flags", json=flags)
        if response.status_code != 200:
            raise ServiceUnavailable("The person directory did not answer.")
        return response.json()

    async def preview_account(self, project_id: uuid.UUID, method: str) -> tuple[int, Any]:
        """GET (find), PUT (find or create), DELETE (remove) a production's preview account."""
        response = await self.client.request(
            method, f"/internal/projects/{project_id}/preview-account"
        )
        if response.status_code >= 500:
            raise ServiceUnavailable("The person directory did not answer.")
        return response.status_code, response.json() if response.content else None

    async def is_member(self, project_id: uuid.UUID, person_id: uuid.UUID) -> bool:
        response = await self.client.get(f"/internal/projects/{project_id}/members/{person_id}")
        return response.status_code == 200 and response.json().get("member") is True

    async def close(self) -> None:
        await self.client.aclose()
