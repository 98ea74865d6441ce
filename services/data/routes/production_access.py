"""Request parsing shared by the production routes; access is libs.common.permissions'
`Caller` (`ViewerDep` is its dependency)."""

import json
import uuid

from fastapi import Request

from libs.common.errors import MalformedId, WrongParameter
from libs.common.permissions import CallerDep, Viewer

ViewerDep = CallerDep
__all__ = ["Viewer", "ViewerDep"]


def uid(raw: str | None, required: bool = True) -> uuid.UUID | None:
    """A path or query id, 400 when malformed."""
    if raw is None or raw == "":
        if required:
            raise MalformedId()
        return None
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise MalformedId() from None


async def json_body(request: Request) -> dict:
    """The request's JSON object (empty when there is no body), 400 otherwise."""
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise WrongParameter("The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise WrongParameter("The body must be a JSON object.")
    return body


def text(body: dict, key: str, required: bool = False, max_length: int | None = None):
    value = body.get(key)
    if value is None or (required and value == ""):
        if required:
            raise WrongParameter(f"{key} is required.")
        return None
    if not isinstance(value, str):
        raise WrongParameter(f"{key} must be a string.")
    if max_length and len(value) > max_length:
        raise WrongParameter(f"{key} is too long (at most {max_length} characters).")
    return value


def integer(body: dict, key: str):
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise WrongParameter(f"{key} must be an integer.")
    try:
        return int(value)
    except ValueError:
        raise WrongParameter(f"{key} must be an integer.") from None


def mapping(body: dict, key: str):
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise WrongParameter(f"{key} must be a JSON object.")
    return value


def body_id(body: dict, key: str, required: bool = False) -> uuid.UUID | None:
    value = body.get(key)
    if value in (None, ""):
        if required:
            raise WrongParameter(f"{key} is required.")
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise WrongParameter(f"{key} is not a valid id.") from None


def flag(raw: str | None) -> bool:
    return (raw or "").lower() in ("true", "1", "yes")
