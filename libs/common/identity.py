"""Who is calling: the token from the Authorization header or Kitsu's cookie, verified here."""

import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any

import jwt
import structlog
from fastapi import Depends, Request

from libs.common import tokens
from libs.common.errors import Forbidden, TokenError, Unauthorized

ACCESS_COOKIE = "access_token_cookie"
REFRESH_COOKIE = "refresh_token_cookie"
MISSING_TOKEN = (
    'Missing JWT in cookies or headers (Missing cookie "access_token_cookie"; '
    "Missing Authorization Header)"
)
# What a token restricted to 2FA setup (enforced 2FA, user not enrolled yet) may reach.
TWO_FACTOR_SETUP_PATHS = frozenset(
    {
        "/auth/totp",
        "/auth/email-otp",
        "/auth/fido",
        "/auth/recovery-codes",
        "/auth/login",
        "/auth/logout",
        "/auth/authenticated",
        "/auth/refresh-token",
    }
)


class TwoFactorSetupRequired(Forbidden):
    def __init__(self):
        super().__init__(
            "Two-factor authentication setup is required. "
            "Please configure 2FA before accessing the API.",
            two_factor_authentication_required=True,
        )


# Zou's answers to a preview account outside its window, or trying to write.
PREVIEW_CLOSED = (
    "The server could not verify that you are authorized to access the URL requested. You "
    "either supplied the wrong credentials (e.g. a bad password), or your browser doesn't "
    "understand how to supply the credentials required."
)
PREVIEW_READ_ONLY = (
    "You don't have the permission to access the requested resource. It is either "
    "read-protected or not readable by the server."
)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    id: uuid.UUID
    jti: str
    identity_type: str
    token_type: str
    claims: dict[str, Any] = field(repr=False)


def raw_token(request: Request, cookie: str = ACCESS_COOKIE) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.cookies.get(cookie)


def verify(public_key: bytes, token: str, expected_type: str | None = "access") -> Principal:
    try:
        claims = tokens.decode(public_key, token)
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("Token has expired") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenError("Signature verification failed", status=422) from exc
    if expected_type and claims.get("type") != expected_type:
        raise TokenError(f"Only {expected_type} tokens are allowed", status=422)
    try:
        person_id = uuid.UUID(str(claims["sub"]))
    except ValueError as exc:
        raise TokenError("Invalid token subject", status=422) from exc
    return Principal(
        id=person_id,
        jti=claims["jti"],
        identity_type=claims.get("identity_type", "person"),
        token_type=claims["type"],
        claims=claims,
    )


async def current_principal(request: Request) -> Principal:
    """FastAPI dependency: a valid, unrevoked access token, else Zou's 401/422."""
    token = raw_token(request)
    if not token:
        raise TokenError(MISSING_TOKEN)
    state = request.app.state
    principal = verify(state.keys.public_key(), token)
    if state.revocations.is_revoked(principal.jti):
        raise TokenError("Token has been revoked")
    if principal.claims.get("preview_project_id"):
        await check_preview_session(request, principal)
    if principal.claims.get("requires_2fa_setup"):
        path = request.url.path.removeprefix("/api")
        if path not in TWO_FACTOR_SETUP_PATHS:
            raise TwoFactorSetupRequired()
    request.state.principal = principal
    structlog.contextvars.bind_contextvars(user_id=str(principal.id))
    return principal


async def check_preview_session(request: Request, principal: "Principal") -> None:
    """A production's preview account (tokens carry `preview_project_id`) reads only, and
    only while its access window is open; the window is read from the owner each time,
    because a manager extends it without revoking anything."""
    people = request.app.state.people
    person = await getattr(people, "fresh", people.get)(principal.id)
    if person is None or not person.preview_window_open(principal.claims.get("iat")):
        raise Unauthorized(PREVIEW_CLOSED)
    if request.method not in READ_METHODS:
        raise Forbidden(PREVIEW_READ_ONLY)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
