"""The importer's only way to write: data's internal import API."""

from typing import Any

import httpx
from fastapi import Request

from libs.common.errors import ApiError, ServiceUnavailable


class DataError(ApiError):
    def __init__(self, status: int, body: dict):
        super().__init__(body.get("message", "Import refused by the data service."))
        self.status = status
        self.extra = {k: v for k, v in body.items() if k not in ("error", "message")}


async def post(request: Request, path: str, body: dict) -> Any:
    client: httpx.AsyncClient = request.app.state.data_client
    try:
        response = await client.post(path, json=body)
    except httpx.HTTPError:
        raise ServiceUnavailable("The data service is unreachable.") from None
    if response.status_code >= 400:
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        if response.status_code >= 500:
            raise ServiceUnavailable("The data service failed to import.")
        raise DataError(response.status_code, payload if isinstance(payload, dict) else {})
    return response.json()


async def get(request: Request, path: str, **params) -> Any:
    client: httpx.AsyncClient = request.app.state.data_client
    try:
        response = await client.get(path, params=params)
    except httpx.HTTPError:
        raise ServiceUnavailable("The data service is unreachable.") from None
    if response.status_code >= 400:
        payload = response.json() if response.content else {}
        raise DataError(response.status_code, payload if isinstance(payload, dict) else {})
    return response.json()
