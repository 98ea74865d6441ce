"""Login, session check, refresh and logout, with Zou's bodies and Kitsu's cookies."""

import datetime as dt
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from libs.common import tokens
from libs.common.errors import TokenError
from libs.common.identity import (
    ACCESS_COOKIE,
    MISSING_TOKEN,
    REFRESH_COOKIE,
    Principal,
    current_principal,
    raw_token,
    verify,
)
from services.auth.store import credentials

router = APIRouter(tags=["auth"])


class LoginBody(BaseModel):
    email: str = ""
    password: str = ""


def wrong_credentials() -> JSONResponse:
    return JSONResponse({"login": False, "message": "Wrong email or password."}, status_code=400)


def _issue_pair(request: Request, person_id: str, identity_type: str = "person") -> dict:
    settings = request.app.state.settings
    key = request.app.state.keys.private_key()
    refresh, refresh_claims = tokens.issue(
        key,
        person_id,
        "refresh",
        dt.timedelta(days=settings.refresh_token_days),
        identity_type=identity_type,
    )
    access, _ = tokens.issue(
        key,
        person_id,
        "access",
        dt.timedelta(minutes=settings.access_token_minutes),
        identity_type=identity_type,
        refresh_jti=refresh_claims["jti"],
    )
    return {"access_token": access, "refresh_token": refresh}


def _set_cookies(response: JSONResponse, request: Request, pair: dict) -> None:
    settings = request.app.state.settings
    if "access_token" in pair:
        response.set_cookie(
            ACCESS_COOKIE,
            pair["access_token"],
            max_age=settings.access_token_minutes * 60,
            httponly=True,
            samesite="lax",
        )
    if "refresh_token" in pair:
        response.set_cookie(
            REFRESH_COOKIE,
            pair["refresh_token"],
            max_age=settings.refresh_token_days * 86400,
            httponly=True,
            samesite="lax",
        )


@router.post("/auth/login")
async def login(request: Request, body: LoginBody):
    if not body.email or not body.password:
        return wrong_credentials()
    session = await request.app.state.directory.session_by_email(body.email)
    if session is None or not session["user"].get("active", True):
        return wrong_credentials()
    user = session["user"]
    async with request.app.state.db.read() as conn:
        ok = await credentials.check_password(conn, uuid.UUID(user["id"]), body.password)
    if not ok:
        return wrong_credentials()
    pair = _issue_pair(request, user["id"])
    user.setdefault("departments", [])
    response = JSONResponse(
        {"user": user, "organisation": session["organisation"], "login": True, **pair}
    )
    _set_cookies(response, request, pair)
    return response


@router.get("/auth/authenticated")
async def authenticated(request: Request):
    principal: Principal = await current_principal(request)
    session = await request.app.state.directory.session(principal.id)
    if session is None or not session["user"].get("active", True):
        raise TokenError("User is not active or does not exist")
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
    settings = request.app.state.settings
    access, _ = tokens.issue(
        request.app.state.keys.private_key(),
        str(principal.id),
        "access",
        dt.timedelta(minutes=settings.access_token_minutes),
        identity_type=principal.identity_type,
        refresh_jti=principal.jti,
    )
    response = JSONResponse({"access_token": access})
    _set_cookies(response, request, {"access_token": access})
    return response


@router.get("/auth/logout")
async def logout(request: Request):
    principal: Principal = await current_principal(request)
    revocations = request.app.state.revocations
    await revocations.revoke(principal.jti, principal.claims.get("exp"))
    refresh_jti = principal.claims.get("refresh_jti")
    if refresh_jti:
        await revocations.revoke(refresh_jti, None)
    response = JSONResponse({"logout": True})
    response.delete_cookie(ACCESS_COOKIE)
    response.delete_cookie(REFRESH_COOKIE)
    return response
