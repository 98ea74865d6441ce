"""Second factors as Zou has them: TOTP, one-time passwords by email, recovery codes.

The public flags (totp_enabled, email_otp_enabled, fido_enabled, preferred method) live on
data's person; the secrets live here, in `credentials`.
"""

import datetime as dt
import hashlib
import hmac
import secrets
import string
import uuid
from typing import Any

import bcrypt
import pyotp
from pydantic import BaseModel

from libs.common.errors import ApiError
from libs.common.mail import send_mail
from services.auth.store import codes, credentials

METHODS = ("totp", "email_otp", "fido")
# Which method becomes preferred when the preferred one is turned off.
FALLBACKS = {
    "totp": ("fido", "email_otp"),
    "email_otp": ("fido", "totp"),
    "fido": ("totp", "email_otp"),
}
EMAIL_OTP_TTL = dt.timedelta(minutes=5)
RECOVERY_ALPHABET = string.ascii_uppercase + string.digits


class SecondFactor(BaseModel):
    """The 2FA answer a login (or a 2FA change) may carry."""

    totp: str | None = None
    email_otp: str | None = None
    fido_authentication_response: dict | None = None
    recovery_code: str | None = None


class MissingOTP(ApiError):
    def __init__(self, person: dict[str, Any]):
        super().__init__("A two-factor authentication code is required.")
        self.preferred = person.get("preferred_two_factor_authentication")
        self.enabled = enabled_methods(person)


def enabled(person: dict[str, Any]) -> bool:
    return any(person.get(f"{m}_enabled") for m in METHODS)


def enabled_methods(person: dict[str, Any]) -> list[str]:
    return ["recovery_code", *(m for m in METHODS if person.get(f"{m}_enabled"))]


def flags_after_enabling(person: dict[str, Any], method: str) -> dict[str, Any]:
    flags: dict[str, Any] = {f"{method}_enabled": True}
    if not person.get("preferred_two_factor_authentication"):
        flags["preferred_two_factor_authentication"] = method
    return flags


def flags_after_disabling(person: dict[str, Any], method: str) -> dict[str, Any]:
    flags: dict[str, Any] = {f"{method}_enabled": False}
    left = [m for m in METHODS if m != method and person.get(f"{m}_enabled")]
    if not left:
        flags["preferred_two_factor_authentication"] = None
    elif person.get("preferred_two_factor_authentication") == method:
        flags["preferred_two_factor_authentication"] = next(
            m for m in FALLBACKS[method] if m in left
        )
    return flags


def new_recovery_codes() -> tuple[list[str], list[bytes]]:
    """Sixteen codes and their digests. The codes carry ~51 random bits, so a plain
    digest is enough; bcrypt digests taken over from Zou are still accepted."""
    plain = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(16)]
    return plain, [_digest(code) for code in plain]


def _digest(code: str) -> bytes:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest().encode()


def _code_matches(stored: bytes, code: str) -> bool:
    stored = bytes(stored)
    if stored.startswith(b"$2"):
        try:
            return bcrypt.checkpw(code.encode()[:72], stored)
        except ValueError:
            return False
    return hmac.compare_digest(stored, _digest(code))


def _email_otp_key(person_id: uuid.UUID | str) -> str:
    return f"email-otp:{person_id}"


async def send_email_otp(conn, person: dict[str, Any], secret: str) -> None:
    """Mail a fresh code; it is good for five minutes and once."""
    counter = secrets.randbelow(10**12)
    await codes.put(conn, _email_otp_key(person["id"]), str(counter), EMAIL_OTP_TTL)
    code = pyotp.HOTP(secret).at(counter)
    await send_mail(
        person["email"],
        "Your Kitsu verification code",
        f"Hello {person.get('first_name') or ''},\n\n"
        f"Your verification code is {code}. It is valid for 5 minutes.\n",
    )


async def check_email_otp(conn, person_id, secret: str | None, code: str) -> bool:
    counter = await codes.peek(conn, _email_otp_key(person_id))
    if not secret or counter is None:
        return False
    if not pyotp.HOTP(secret).verify(str(code), int(counter)):
        return False
    return await codes.take(conn, _email_otp_key(person_id)) is not None


def check_totp(secret: str | None, code: str) -> bool:
    return bool(secret) and pyotp.TOTP(secret).verify(str(code), valid_window=1)


async def check(conn, person: dict[str, Any], answer: SecondFactor) -> bool:
    """Zou's order: TOTP, email OTP, FIDO, then a recovery code (spent on success).
    Raises MissingOTP when the answer holds nothing usable."""
    person_id = uuid.UUID(person["id"])
    row = await credentials.get(conn, person_id)
    if person.get("totp_enabled") and answer.totp is not None:
        return check_totp(row.totp_secret if row else None, answer.totp)
    if person.get("email_otp_enabled") and answer.email_otp is not None:
        return await check_email_otp(
            conn, person_id, row.email_otp_secret if row else None, answer.email_otp
        )
    if person.get("fido_enabled") and answer.fido_authentication_response is not None:
        return False  # no FIDO server configured: no assertion can be verified
    if answer.recovery_code is not None:
        for stored in (row.otp_recovery_codes if row else None) or ():
            if _code_matches(stored, answer.recovery_code):
                return await credentials.remove_recovery_code(conn, person_id, bytes(stored))
        return False
    raise MissingOTP(person)
