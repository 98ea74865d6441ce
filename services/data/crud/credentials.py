"""What a person write asks of the auth service, which owns credentials, once the write
has committed: a bot's API token, a password given in the body, revoking every token of a
person deactivated or deleted. Never inside the transaction: auth may be slow or down."""

import datetime as dt
from typing import Any

import httpx

from libs.common.logging import get_logger

log = get_logger(__name__)


async def _call(settings, method: str, path: str, **kwargs: Any) -> dict | None:
    try:
        async with httpx.AsyncClient(base_url=settings.auth_url, timeout=10) as client:
            response = await client.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        log.error("auth did not answer", path=path, error=type(exc).__name__)
        return None
    if response.status_code != 200:
        log.error("auth refused", path=path, status=response.status_code)
        return None
    return response.json()


def _regenerates(action: str, row: dict, body: dict) -> bool:
    """Zou hands out an API token when a bot is created and whenever an admin sets an
    `expiration_date` (one in the past would only give a dead token: none then)."""
    if action == "new":
        return bool(row.get("is_bot"))
    if action != "update" or "expiration_date" not in body:
        return False
    expires = row.get("expiration_date")
    return expires is None or expires >= dt.date.today()


async def after_person_write(state, action: str, row: dict, body: dict | None) -> dict:
    """Extra fields for the answer (`access_token`)."""
    settings = state.settings
    person_id = row["id"]
    body = body if isinstance(body, dict) else {}
    deactivated = action == "update" and "active" in body and row.get("active") is False
    if action == "delete" or deactivated:
        await _call(settings, "DELETE", f"/internal/persons/{person_id}/tokens")
        return {}
    extra: dict[str, Any] = {}
    if action == "new" and isinstance(body.get("password"), str):
        password = {"password": body["password"]}
        await _call(settings, "PUT", f"/internal/persons/{person_id}/password", json=password)
    if _regenerates(action, row, body):
        expires = row.get("expiration_date")
        answer = await _call(
            settings,
            "POST",
            f"/internal/persons/{person_id}/api-token",
            json={
                "is_bot": bool(row.get("is_bot")),
                "expiration_date": expires.isoformat() if expires else None,
            },
        )
        if answer is not None:
            extra["access_token"] = answer["access_token"]
    return extra
