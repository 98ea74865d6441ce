"""Login, session check, refresh, logout and app login, with Zou's bodies and Kitsu's
cookies (set for every client: the Kitsu web UI authenticates by cookie only)."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from libs.common.errors import Body, TokenError
from libs.common.identity import (
    ACCESS_COOKIE,
    MISSING_TOKEN,
    REFRESH_COOKIE,
    CurrentPrincipal,
    raw_token,
    verify,
)
from libs.common.logging import get_logger
from libs.common.settings import get_settings
from services.auth import accounts, two_factor
from services.auth.store import codes, login_logs

router = APIRouter(tags=["auth"])
log = get_logger(__name__)
APP_LOGIN_CODE_TTL = dt.timedelta(seconds=60)


class LoginBody(two_factor.SecondFactor):
    email: str = Field(..., min_length=1)
    password: str = "default"


class AppLoginCodeBody(BaseModel):
    code_challenge: str = Field(..., pattern=r"^[A-Za-z0-9_-]{43}$")


class AppLoginTokenBody(BaseModel):
    code: str = Field(..., min_length=1)
    code_verifier: str = Field(..., pattern=r"^[A-Za-z0-9._~-]{43,128}$")


def set_cookies(response: JSONResponse, request: Request, pair: dict[str, str]) -> None:
    settings = request.app.state.settings
    lifetimes = {
        "access_token": (ACCESS_COOKIE, settings.access_token_minutes * 60),
        "refresh_token": (REFRESH_COOKIE, settings.refresh_token_days * 86400),
    }
    for key, (cookie, max_age) in lifetimes.items():
        if key in pair:
            response.set_cookie(cookie, pair[key], max_age=max_age, httponly=True, samesite="lax")


def login_refusal(email: str, error: Exception) -> accounts.Refused:
    wrong = accounts.Refused(400, {"login": False, "message": "Wrong email or password."})
    match error:
        case two_factor.MissingOTP():
            log.info("login refused: second factor missing")
            return accounts.Refused(
                400,
                {
                    "error": True,
                    "login": False,
                    "missing_OTP": True,
                    "message": "A two-factor authentication code is required.",
                    "preferred_two_factor_authentication": error.preferred,
                    "two_factor_authentication_enabled": error.enabled,
                },
            )
        case accounts.WrongOTP():
            log.info("login refused: wrong second factor")
            return accounts.Refused(
                400,
                {
                    "error": True,
                    "login": False,
                    "wrong_OTP": True,
                    "message": "Wrong two-factor authentication code.",
                },
            )
        case accounts.Inactive():
            log.info("login refused: inactive account")
            return accounts.Refused(
                401,
                {
                    "error": True,
                    "login": False,
                    "unactive": True,
                    "message": "User is unactive, he cannot log in.",
                },
            )
        case accounts.TooManyFailures():
            log.info("login refused: account locked after failed attempts")
            return accounts.Refused(
                400,
                {
                    "error": True,
                    "login": False,
                    "too_many_failed_login_attemps": True,
                    "message": "Too many failed login attempts, retry in a minute.",
                },
            )
    log.info("login refused: wrong email or password")
    return wrong


def needs_2fa_setup(request: Request, user: dict[str, Any]) -> bool:
    if not request.app.state.settings.enforce_2fa or user.get("preview_project_id"):
        return False
    if (user.get("email") or "").lower() in get_settings().exempt_from_2fa:
        return False
    return not two_factor.enabled(user)


def preview_claims(user: dict[str, Any]) -> dict[str, Any]:
    """A preview account's tokens say so: every service then checks its window and
    refuses its writes."""
    project = user.get("preview_project_id")
    return {"preview_project_id": str(project)} if project else {}


def client_address(request: Request) -> str | None:
    """Zou's X-Real-IP, else the address the gateway saw."""
    forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
    direct = request.client.host if request.client else None
    return request.headers.get("x-real-ip") or forwarded or direct


def origin(request: Request) -> str:
    """Zou's login log tells browsers ("web") from scripts such as gazu."""
    agent = request.headers.get("user-agent", "")
    return "web" if agent.startswith("Mozilla/") else "script"


@router.post("/auth/login")
async def login(request: Request, body: Body(LoginBody)):
    try:
        user = await accounts.check_auth(request.app, body.email, body.password, body)
    except (
        accounts.WrongUser,
        accounts.WrongPassword,
        accounts.Inactive,
        accounts.TooManyFailures,
        accounts.WrongOTP,
        two_factor.MissingOTP,
    ) as error:
        raise login_refusal(body.email, error) from None
    if body.password == "default":
        async with request.app.state.db.write() as conn:
            token = await accounts.store_reset_token(conn, body.email)
        return JSONResponse(
            {"login": False, "default_password": True, "token": token}, status_code=400
        )
    session = await request.app.state.directory.session(uuid.UUID(user["id"]))
    setup_only = needs_2fa_setup(request, user)
    claims = {"requires_2fa_setup": True} if setup_only else preview_claims(user)
    pair = await request.app.state.issuer.pair(user["id"], **claims)
    body_out = {"user": user, "organisation": session["organisation"], "login": True, **pair}
    if setup_only:
        body_out["two_factor_authentication_required"] = True
    response = JSONResponse(body_out)
    set_cookies(response, request, pair)
    async with request.app.state.db.write() as conn:
        address, how = client_address(request), origin(request)
        await login_logs.record(conn, uuid.UUID(user["id"]), address, how)
    log.info("user logged in", person_id=user["id"])
    return response


async def active_person(request: Request, person_id: uuid.UUID) -> dict[str, Any]:
    """The caller's session (person JSON and organisation); 401 when inactive or gone."""
    session = await request.app.state.directory.session(person_id)
    user = session["user"] if session else None
    if user is None or not user.get("active", True):
        raise TokenError("User is not active or does not exist")
    if user.get("preview_project_id") and not accounts.preview_window_open(user):
        raise TokenError("User is not active or does not exist")
    return session


@router.get("/auth/authenticated")
async def authenticated(request: Request, principal: CurrentPrincipal):
    session = await active_person(request, principal.id)
    user = {**session["user"], "fido_devices": []}
    return {"authenticated": True, "user": user, "organisation": session["organisation"]}


@router.get("/auth/refresh-token")
async def refresh_token(request: Request):
    token = raw_token(request, cookie=REFRESH_COOKIE)
    if not token:
        raise TokenError(MISSING_TOKEN)
    principal = verify(request.app.state.keys.public_key(), token, expected_type="refresh")
    if request.app.state.revocations.is_revoked(principal.jti):
        raise TokenError("Token has been revoked")
    session = await active_person(request, principal.id)
    claims: dict[str, Any] = preview_claims(session["user"])
    if principal.claims.get("skip_2fa_setup"):
        claims["skip_2fa_setup"] = True
    elif needs_2fa_setup(request, session["user"]):
        claims["requires_2fa_setup"] = True
    access = await request.app.state.issuer.access(principal.id, principal.jti, **claims)
    response = JSONResponse({"access_token": access})
    set_cookies(response, request, {"access_token": access})
    return response


@router.get("/auth/logout")
async def logout(request: Request, principal: CurrentPrincipal):
    revocations = request.app.state.revocations
    await revocations.revoke(principal.jti, principal.claims.get("exp"))
    refresh_jti = principal.claims.get("refresh_jti")
    if refresh_jti:
        await request.app.state.issuer.end_login(refresh_jti)
    response = JSONResponse({"logout": True})
    response.delete_cookie(ACCESS_COOKIE)
    response.delete_cookie(REFRESH_COOKIE)
    return response


def _app_code_key(code: str) -> str:
    return f"app-login:{hashlib.sha256(code.encode()).hexdigest()}"


@router.post("/auth/app-login/code", status_code=201)
async def app_login_code(
    request: Request,
    principal: CurrentPrincipal,
    body: Body(AppLoginCodeBody),
):
    await active_person(request, principal.id)
    code = secrets.token_urlsafe(32)
    grant = {
        "person_id": str(principal.id),
        "code_challenge": body.code_challenge,
        "skip_2fa_setup": bool(principal.claims.get("skip_2fa_setup")),
    }
    async with request.app.state.db.write() as conn:
        await codes.put(conn, _app_code_key(code), json.dumps(grant), APP_LOGIN_CODE_TTL)
    return {"code": code}


@router.post("/auth/app-login/token")
async def app_login_token(request: Request, body: Body(AppLoginTokenBody)):
    wrong = accounts.Refused(400, {"login": False, "message": "Wrong or expired code."})
    async with request.app.state.db.write() as conn:
        value = await codes.take(conn, _app_code_key(body.code))
    if value is None:
        raise wrong
    grant = json.loads(value)
    digest = hashlib.sha256(body.code_verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    if not hmac.compare_digest(challenge, grant["code_challenge"]):
        raise wrong
    session = await request.app.state.directory.session(uuid.UUID(grant["person_id"]))
    if session is None or not session["user"].get("active", True):
        raise wrong
    claims = {"skip_2fa_setup": True} if grant["skip_2fa_setup"] else {}
    claims |= preview_claims(session["user"])
    pair = await request.app.state.issuer.pair(grant["person_id"], **claims)
    log.info("user logged in through the browser", person_id=grant["person_id"])
    return {
        "user": session["user"],
        "organisation": session["organisation"],
        "login": True,
        **pair,
    }
