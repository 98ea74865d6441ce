"""What auth asks the data service: a person's JSON and the organisation, in one call."""

import uuid

import httpx


class Directory:
    def __init__(self, data_url: str):
        self.client = httpx.AsyncClient(base_url=data_url, timeout=10)

    async def session_by_email(self, email: str) -> dict | None:
        response = await self.client.get("/internal/session", params={"email": email})
        return response.json() if response.status_code == 200 else None

    async def session(self, person_id: uuid.UUID) -> dict | None:
        response = await self.client.get("/internal/session", params={"person_id": str(person_id)})
        return response.json() if response.status_code == 200 else None

    async def close(self) -> None:
        await self.client.aclose()
