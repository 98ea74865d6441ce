"""2FA enrolment as Zou has it: PUT prepares a method, POST confirms it with a code and
answers recovery codes plus fresh tokens, DELETE turns it off with a valid second factor."""

import uuid
from typing import Any

import pyotp
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from libs.common.errors import Body, WrongParameter, required_arg
from libs.common.identity import CurrentPrincipal, Principal
from libs.common.logging import get_logger
from libs.common.permissions import Admin
from services.auth import notices, two_factor
from services.auth.routes.login import active_person, set_cookies
from services.auth.routes.passwords import target_person
from services.auth.store import credentials

router = APIRouter(tags=["auth"])
log = get_logger(__name__)


class TotpBody(BaseModel):
    totp: str = Field(..., min_length=1)


class EmailOtpBody(BaseModel):
    email_otp: str = Field(..., min_length=1)


class FidoRegisterBody(BaseModel):
    registration_response: dict
    device_name: str = Field(..., min_length=1)


class FidoUnregisterBody(two_factor.SecondFactor):
    device_name: str = Field(..., min_length=1)


def wrong_otp(message: str = "OTP verification failed.") -> WrongParameter:
    return WrongParameter(message, wrong_OTP=True)


async def current_person(request: Request, principal: Principal) -> dict[str, Any]:
    return (await active_person(request, principal.id))["user"]


async def verified(request: Request, person: dict[str, Any], answer: two_factor.SecondFactor):
    try:
        async with request.app.state.db.write() as conn:
            ok = await two_factor.check(conn, person, answer)
    except two_factor.MissingOTP:
        ok = False
    if not ok:
        raise wrong_otp()


async def registered(request: Request, person: dict[str, Any], method: str) -> JSONResponse:
    """Turn `method` on; recovery codes come with the first method. New tokens replace the
    ones restricted to 2FA setup."""
    person_id = uuid.UUID(person["id"])
    plain = None
    async with request.app.state.db.write() as conn:
        row = await credentials.get(conn, person_id)
        if not (row and row.otp_recovery_codes):
            plain, hashed = two_factor.new_recovery_codes()
            await credentials.set_secrets(conn, person_id, otp_recovery_codes=hashed)
    await request.app.state.directory.set_flags(
        person_id, **two_factor.flags_after_enabling(person, method)
    )
    pair = await request.app.state.issuer.pair(person_id)
    response = JSONResponse({"otp_recovery_codes": plain, **pair})
    set_cookies(response, request, pair)
    log.info("two-factor method enabled", method=method, person_id=person["id"])
    return response


async def unregistered(request: Request, person: dict[str, Any], method: str, **secrets) -> None:
    person_id = uuid.UUID(person["id"])
    flags = two_factor.flags_after_disabling(person, method)
    if flags.get("preferred_two_factor_authentication", "kept") is None:
        secrets["otp_recovery_codes"] = None
    async with request.app.state.db.write() as conn:
        await credentials.set_secrets(conn, person_id, **secrets)
    await request.app.state.directory.set_flags(person_id, **flags)
    log.info("two-factor method disabled", method=method, person_id=person["id"])


@router.put("/auth/totp")
async def pre_enable_totp(request: Request, principal: CurrentPrincipal):
    session = await active_person(request, principal.id)
    person = session["user"]
    if person.get("totp_enabled"):
        raise WrongParameter("TOTP already enabled.")
    secret = pyotp.random_base32()
    async with request.app.state.db.write() as conn:
        await credentials.set_secrets(conn, principal.id, totp_secret=secret)
    issuer = f"Kitsu {session['organisation'].get('name', '')}".strip()
    uri = pyotp.TOTP(secret).provisioning_uri(name=person["email"], issuer_name=issuer)
    return {"totp_provisionning_uri": uri, "otp_secret": secret}


@router.post("/auth/totp")
async def enable_totp(request: Request, principal: CurrentPrincipal, body: Body(TotpBody)):
    person = await current_person(request, principal)
    if person.get("totp_enabled"):
        raise WrongParameter("TOTP already enabled.")
    async with request.app.state.db.read() as conn:
        row = await credentials.get(conn, principal.id)
    if not two_factor.check_totp(row.totp_secret if row else None, body.totp):
        raise wrong_otp("TOTP verification failed.")
    return await registered(request, person, "totp")


async def disable(request: Request, principal, body, method: str, label: str) -> dict:
    """Turn one 2FA method off, after a valid second factor, and forget its secret."""
    person = await current_person(request, principal)
    if not two_factor.enabled(person):
        raise WrongParameter(f"{label} not enabled.")
    await verified(request, person, body)
    if not person.get(f"{method}_enabled"):
        raise WrongParameter(f"{label} not enabled.")
    await unregistered(request, person, method, **{f"{method}_secret": None})
    return {"success": True}


@router.delete("/auth/totp")
async def disable_totp(
    request: Request,
    principal: CurrentPrincipal,
    body: Body(two_factor.SecondFactor),
):
    return await disable(request, principal, body, "totp", "TOTP")


@router.get("/auth/email-otp")
async def send_email_otp(request: Request):
    email = required_arg(request, "email")
    # One answer whatever the account, so this public route cannot list accounts.
    session = await request.app.state.directory.session_by_email(email)
    person = session["user"] if session else None
    if person and person.get("active", True) and person.get("email_otp_enabled"):
        async with request.app.state.db.write() as conn:
            row = await credentials.get(conn, uuid.UUID(person["id"]))
            if row and row.email_otp_secret:
                await two_factor.send_email_otp(conn, person, row.email_otp_secret)
    return {"success": True}


@router.put("/auth/email-otp")
async def pre_enable_email_otp(request: Request, principal: CurrentPrincipal):
    person = await current_person(request, principal)
    if person.get("email_otp_enabled"):
        raise WrongParameter("OTP by email already enabled.")
    secret = pyotp.random_base32()
    async with request.app.state.db.write() as conn:
        await credentials.set_secrets(conn, principal.id, email_otp_secret=secret)
        await two_factor.send_email_otp(conn, person, secret)
    return {"success": True}


@router.post("/auth/email-otp")
async def enable_email_otp(request: Request, principal: CurrentPrincipal, body: Body(EmailOtpBody)):
    person = await current_person(request, principal)
    if person.get("email_otp_enabled"):
        raise WrongParameter("OTP by email already enabled.")
    async with request.app.state.db.write() as conn:
        row = await credentials.get(conn, principal.id)
        secret = row.email_otp_secret if row else None
        ok = await two_factor.check_email_otp(conn, principal.id, secret, body.email_otp)
    if not ok:
        raise wrong_otp("OTP by email verification failed.")
    return await registered(request, person, "email_otp")


@router.delete("/auth/email-otp")
async def disable_email_otp(
    request: Request,
    principal: CurrentPrincipal,
    body: Body(two_factor.SecondFactor),
):
    return await disable(request, principal, body, "email_otp", "OTP by email")


@router.put("/auth/recovery-codes")
async def new_recovery_codes(
    request: Request,
    principal: CurrentPrincipal,
    body: Body(two_factor.SecondFactor),
):
    person = await current_person(request, principal)
    if not two_factor.enabled(person):
        raise WrongParameter("No two factor authentication enabled.")
    await verified(request, person, body)
    plain, hashed = two_factor.new_recovery_codes()
    async with request.app.state.db.write() as conn:
        await credentials.set_secrets(conn, principal.id, otp_recovery_codes=hashed)
    return {"otp_recovery_codes": plain}


@router.delete("/actions/persons/{person_id}/disable-two-factor-authentication")
async def disable_two_factor_for_person(request: Request, person_id: str, admin: Admin):
    person = await target_person(request, person_id)
    if person.get("role") == "admin" and person["id"] != str(admin.id):
        raise WrongParameter("An admin can't disable 2FA for other admins.")
    if not person.get("active", True):
        raise WrongParameter("User is unactive.")
    if not two_factor.enabled(person):
        raise WrongParameter("Two factor authentication not enabled for this user.")
    target = uuid.UUID(person["id"])
    async with request.app.state.db.write() as conn:
        await credentials.set_secrets(
            conn,
            target,
            totp_secret=None,
            email_otp_secret=None,
            fido_credentials=None,
            otp_recovery_codes=None,
        )
    await request.app.state.directory.set_flags(
        target,
        totp_enabled=False,
        email_otp_enabled=False,
        fido_enabled=False,
        preferred_two_factor_authentication=None,
    )
    log.warning("two-factor authentication disabled by an admin", person_id=person["id"])
    by = await request.app.state.directory.person(admin.id)
    await notices.two_factor_disabled(person, "Kitsu", by or {})
    return {"success": True}


# FIDO/WebAuthn needs a relying-party configuration prodtrack does not have yet: every
# route answers what Zou answers to an account without a registered device.
FIDO_NOT_ENABLED = "FIDO not enabled."


@router.get("/auth/fido")
async def fido_challenge(request: Request):
    required_arg(request, "email")
    raise WrongParameter(FIDO_NOT_ENABLED)


@router.put("/auth/fido")
async def fido_pre_register(request: Request, principal: CurrentPrincipal):
    await current_person(request, principal)
    raise WrongParameter(FIDO_NOT_ENABLED)


@router.post("/auth/fido")
async def fido_register(
    request: Request,
    principal: CurrentPrincipal,
    body: Body(FidoRegisterBody),
):
    await current_person(request, principal)
    raise WrongParameter("No preregistration before.")


@router.delete("/auth/fido")
async def fido_unregister(
    request: Request,
    principal: CurrentPrincipal,
    body: Body(FidoUnregisterBody),
):
    person = await current_person(request, principal)
    if not person.get("fido_enabled"):
        raise WrongParameter(FIDO_NOT_ENABLED)
    await verified(request, person, body)
    raise WrongParameter(FIDO_NOT_ENABLED)
