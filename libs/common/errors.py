"""One error hierarchy, turned into Zou's JSON bodies once, at the edge of every app."""

import json
from typing import Annotated, Any, TypeVar

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

# Zou's answer to a permission check that fails (werkzeug's Forbidden description).
FORBIDDEN_MESSAGE = (
    "You don't have the permission to access the requested resource. It is either "
    "read-protected or not readable by the server."
)


class ApiError(Exception):
    status = 400

    def __init__(self, message: str, **extra: Any):
        super().__init__(message)
        self.message = message
        self.extra = extra

    def body(self) -> dict:
        return {"error": True, "message": self.message, **self.extra}


class WrongParameter(ApiError):
    status = 400


class MalformedId(WrongParameter):
    def __init__(self):
        super().__init__("Malformed ID.", data=None)


class Unauthorized(ApiError):
    status = 401


class Forbidden(ApiError):
    status = 403

    def __init__(self, message: str = FORBIDDEN_MESSAGE, **extra):
        super().__init__(message, **extra)


class NotFound(ApiError):
    status = 404

    def __init__(self, what: str = "", ident: Any = None):
        message = f"{what} {ident} not found" if what else NOT_FOUND_MESSAGE
        super().__init__(message.strip())


class MethodNotAllowed(ApiError):
    status = 405


class PayloadTooLarge(ApiError):
    status = 413


class Conflict(ApiError):
    status = 409


class TooManyRequests(ApiError):
    status = 429


class ServiceUnavailable(ApiError):
    status = 503


NOT_FOUND_MESSAGE = (
    "404 Not Found: The requested URL was not found on the server. If you entered the URL "
    "manually please check your spelling and try again."
)
STATUS_MESSAGES = {
    400: "400 Bad Request: The browser (or proxy) sent a request that this server could not "
    "understand.",
    401: "401 Unauthorized: The server could not verify that you are authorized to access the "
    "URL requested.",
    403: f"403 Forbidden: {FORBIDDEN_MESSAGE}",
    404: NOT_FOUND_MESSAGE,
    405: "405 Method Not Allowed: The method is not allowed for the requested URL.",
    413: "413 Request Entity Too Large: The data value transmitted exceeds the capacity limit.",
}


def error_response(status: int, message: str | None = None, **extra: Any) -> JSONResponse:
    body = {"error": True, "message": message or STATUS_MESSAGES.get(status, "Error"), **extra}
    return JSONResponse(body, status_code=status)


# --- Request bodies validated as Zou validates them ----------------------------------
# Zou checks bodies against pydantic schemas and answers 400 "Validation error." with one
# {field, message} per problem; a missing query argument is "Missing required parameter".

M = TypeVar("M", bound=BaseModel)


def _field_errors(errors: list[dict]) -> list[dict[str, str]]:
    return [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
            "message": e.get("msg", "Invalid value"),
        }
        for e in errors
    ]


def validation_error(error: ValidationError) -> WrongParameter:
    return WrongParameter("Validation error.", data={"errors": _field_errors(error.errors())})


def body_of(model: type[M]):
    """Dependency: the JSON body validated against `model`. Like Zou, a request without a
    JSON body is validated from its query arguments (older clients send those)."""

    async def parse(request: Request) -> M:
        raw = await request.body()
        data: Any = None
        if raw:
            try:
                data = json.loads(raw)
            except ValueError:
                data = None
        if data is None:
            data = dict(request.query_params)
        try:
            return model.model_validate(data)
        except ValidationError as error:
            raise validation_error(error) from None

    return Depends(parse)


def Body(model: type[M]):  # noqa: N802 - reads like a type in route signatures
    return Annotated[model, body_of(model)]


def required_arg(request: Request, name: str) -> str:
    value = request.query_params.get(name)
    if not value:
        raise WrongParameter(f"Missing required parameter: {name}", data=None)
    return value


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return "; ".join(parts) or "Wrong parameters."


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        headers = getattr(exc, "headers", None)
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        if any(e.get("loc", ("",))[0] == "body" for e in errors):
            data = {"errors": _field_errors(errors)}
            return error_response(400, "Validation error.", data=data)
        return error_response(400, _validation_message(exc))

    @app.exception_handler(sa_exc.OperationalError)
    @app.exception_handler(sa_exc.TimeoutError)
    async def _database_unavailable(request: Request, exc: Exception):
        # The database refused or dropped us (too many clients, restart): a passing
        # condition the client may retry, not a bug.
        return error_response(503, "The database is not available, please retry.")

    @app.exception_handler(httpx.TransportError)
    async def _service_unreachable(request: Request, exc: Exception):
        # Another service this request asks is starting, restarting or gone: retry later.
        return error_response(503, "A service this request needs is not reachable, please retry.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code >= 500 else None
        if exc.status_code not in STATUS_MESSAGES and isinstance(exc.detail, str):
            message = exc.detail
        return error_response(exc.status_code, message)


class TokenError(ApiError):
    """flask-jwt-extended's answers, which gazu and Kitsu read as `{"msg": ...}`."""

    status = 401

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.status = status

    def body(self) -> dict:
        return {"msg": self.message}
