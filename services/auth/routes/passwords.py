"""Password change (own and by an admin), reset by mail link, invitations."""

import uuid
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from libs.common.errors import Body, Forbidden, NotFound, WrongParameter
from libs.common.identity import CurrentPrincipal
from libs.common.logging import get_logger
from libs.common.permissions import Admin
from libs.common.settings import get_settings
from services.auth import accounts, notices
from services.auth.routes.login import active_person
from services.auth.store import credentials

router = APIRouter(tags=["auth"])
log = get_logger(__name__)


class NewPasswordBody(BaseModel):
    password: str = Field(..., min_length=1)
    password_2: str = Field(..., min_length=1)


class ChangePasswordBody(NewPasswordBody):
    old_password: str = Field(..., min_length=1)


class ResetRequestBody(BaseModel):
    email: str = Field(..., min_length=1)


class ResetBody(BaseModel):
    email: str = Field(..., min_length=1)
    token: str = Field(..., min_length=1)
    password: str = Field(..., min_length=1)
    password2: str = Field(..., min_length=1)


def check_new_password(password: str, confirmation: str) -> None:
    if len(password) < get_settings().min_password_length:
        raise WrongParameter("Password is too short.")
    if password != confirmation:
        raise WrongParameter("Confirmation password doesn't match.")


async def set_password(
    request: Request, person_id: uuid.UUID, password: str, keep_family: str | None = None
) -> None:
    """New password; every other session of the person is revoked."""
    async with request.app.state.db.write() as conn:
        await credentials.set_password(conn, person_id, password)
    await request.app.state.issuer.end_sessions(person_id, keep_family)


async def target_person(request: Request, person_id: str) -> dict[str, Any]:
    """A person an admin acts on; bots are refused as Zou does."""
    try:
        found = await request.app.state.directory.person(uuid.UUID(person_id))
    except ValueError:
        found = None
    if found is None:
        raise NotFound()
    if found.get("is_bot"):
        raise Forbidden()
    return found


async def check_change_allowed(request: Request, person: dict, by_id: uuid.UUID) -> None:
    if person["id"] == str(by_id):
        return
    if (person.get("email") or "").lower() in get_settings().protected:
        raise WrongParameter("This user is in protected accounts.")
    if person.get("role") == "admin":
        async with request.app.state.db.read() as conn:
            if await credentials.has_password(conn, uuid.UUID(person["id"])):
                raise WrongParameter("An admin can't change another admin's password.")


@router.post("/auth/change-password")
async def change_password(
    request: Request,
    principal: CurrentPrincipal,
    body: Body(ChangePasswordBody),
):
    session = await active_person(request, principal.id)
    user = session["user"]
    try:
        await accounts.check_auth(request.app, user["email"], body.old_password, no_otp=True)
    except accounts.WrongPassword:
        raise WrongParameter("Old password is wrong.") from None
    except accounts.Inactive:
        raise WrongParameter("User is unactive.") from None
    except accounts.TooManyFailures:
        raise WrongParameter(
            "Too many failed login attempts.", too_many_failed_login_attemps=True
        ) from None
    except accounts.WrongUser:
        raise WrongParameter("Old password is wrong.") from None
    check_new_password(body.password, body.password_2)
    keep = principal.claims.get("refresh_jti")
    await set_password(request, principal.id, body.password, keep_family=keep)
    log.info("password changed", person_id=str(principal.id))
    await notices.password_changed(user, session["organisation"].get("name", "Kitsu"))
    return {"success": True}


@router.post("/actions/persons/{person_id}/change-password")
async def change_password_for_person(
    request: Request, person_id: str, admin: Admin, body: Body(NewPasswordBody)
):
    person = await target_person(request, person_id)
    await check_change_allowed(request, person, admin.id)
    check_new_password(body.password, body.password_2)
    await set_password(request, uuid.UUID(person["id"]), body.password)
    log.warning("password changed by an admin", person_id=person["id"], by=str(admin.id))
    by = await request.app.state.directory.person(admin.id)
    await notices.password_changed(person, "Kitsu", by=by or {})
    return {"success": True}


@router.post("/auth/reset-password")
async def ask_password_reset(request: Request, body: Body(ResetRequestBody)):
    # One answer whatever the account, so this public route cannot list accounts.
    answer = {"success": "Reset token sent"}
    session = await request.app.state.directory.session_by_email(body.email)
    if session is None or not session["user"].get("active", True):
        return answer
    user = session["user"]
    async with request.app.state.db.write() as conn:
        token = await accounts.store_reset_token(conn, user["email"])
    link = notices.reset_link(user["email"], token)
    await notices.password_reset(user, link, session["organisation"].get("name", "Kitsu"))
    return answer


@router.put("/auth/reset-password")
async def reset_password(request: Request, body: Body(ResetBody)):
    wrong = WrongParameter("Wrong or expired token.")
    session = await request.app.state.directory.session_by_email(body.email)
    async with request.app.state.db.read() as conn:
        valid = await accounts.reset_token_valid(conn, body.email, body.token)
    if session is None or not valid:
        raise wrong
    check_new_password(body.password, body.password2)
    async with request.app.state.db.write() as conn:
        if not await accounts.spend_reset_token(conn, body.email, body.token):
            raise wrong
    person_id = uuid.UUID(session["user"]["id"])
    await set_password(request, person_id, body.password)
    async with request.app.state.db.write() as conn:
        await credentials.set_failures(conn, person_id, 0)
    log.info("password reset", person_id=str(person_id))
    return {"success": True}


@router.get("/actions/persons/{person_id}/invite")
async def invite(request: Request, person_id: str, admin: Admin):
    person = await target_person(request, person_id)
    async with request.app.state.db.write() as conn:
        token = await accounts.store_reset_token(
            conn, person["email"], ttl=accounts.INVITE_TOKEN_TTL
        )
    link = notices.reset_link(person["email"], token, kind="new")
    session = await request.app.state.directory.session(admin.id)
    org = session["organisation"].get("name", "Kitsu") if session else "Kitsu"
    await notices.invitation(person, link, org)
    return {"success": True, "message": "Email sent"}


@router.post("/actions/persons/{person_id}/reset-password-link")
async def reset_password_link(request: Request, person_id: str, admin: Admin):
    person = await target_person(request, person_id)
    await check_change_allowed(request, person, admin.id)
    async with request.app.state.db.write() as conn:
        token = await accounts.store_reset_token(conn, person["email"])
    log.info("reset link generated by an admin", person_id=person["id"], by=str(admin.id))
    return {"reset_password_link": notices.reset_link(person["email"], token)}
