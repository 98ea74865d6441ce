"""Who may log in: password, account state, lockout after repeated failures, second factor.

Zou's order is kept on purpose: the lock is checked before the password, and the account
state only once the password is proven, so nobody learns about an account without it.
"""

import asyncio
import datetime as dt
import hashlib
import secrets
import string
import uuid
from typing import Any

from fastapi import FastAPI

from libs.common.errors import ApiError
from services.auth import two_factor
from services.auth.store import codes, credentials

MAX_FAILED_LOGINS = 5
LOCKOUT_DELAY = dt.timedelta(minutes=1)
RESET_TOKEN_TTL = dt.timedelta(hours=2)
INVITE_TOKEN_TTL = dt.timedelta(days=7)


class WrongUser(Exception):
    pass


class WrongPassword(Exception):
    pass


class Inactive(Exception):
    pass


class TooManyFailures(Exception):
    pass


class WrongOTP(Exception):
    pass


class Refused(ApiError):
    """An answer whose body is Zou's as is (login answers carry no "error" key)."""

    def __init__(self, status: int, body: dict[str, Any]):
        super().__init__(body.get("message", ""))
        self.status = status
        self.payload = body

    def body(self) -> dict:
        return self.payload


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def preview_window_open(user: dict[str, Any]) -> bool:
    until = user.get("preview_open_until")
    return bool(until) and dt.datetime.fromisoformat(until).replace(tzinfo=None) > _now()


async def check_auth(
    app: FastAPI,
    email: str,
    password: str,
    answer: two_factor.SecondFactor | None = None,
    no_otp: bool = False,
) -> dict[str, Any]:
    """The person's JSON when the credentials hold, else one of the exceptions above."""
    state = app.state
    session = await state.directory.session_by_email(email) if email else None
    if session is None:
        await asyncio.to_thread(credentials.password_matches, None, password)
        raise WrongUser()
    user = session["user"]
    person_id = uuid.UUID(user["id"])
    async with state.db.read() as conn:
        row = await credentials.get(conn, person_id)
    failures = row.login_failed_attempts if row else 0
    if failures >= MAX_FAILED_LOGINS:
        if row.last_login_failed and row.last_login_failed + LOCKOUT_DELAY > _now():
            raise TooManyFailures()
        failures = 0  # the window is over: a new burst is needed to lock again
        async with state.db.write() as conn:
            await credentials.set_failures(conn, person_id, 0)
    hashed = row.password_hash if row else None
    if not await asyncio.to_thread(credentials.password_matches, hashed, password):
        async with state.db.write() as conn:
            await credentials.set_failures(conn, person_id, failures + 1, _now())
        raise WrongPassword()
    if not user.get("active", True):
        raise Inactive()
    if user.get("preview_project_id") and not preview_window_open(user):
        raise Inactive()
    if not no_otp and two_factor.enabled(user):
        async with state.db.write() as conn:
            ok = await two_factor.check(conn, user, answer or two_factor.SecondFactor())
        if not ok:
            async with state.db.write() as conn:
                await credentials.set_failures(conn, person_id, failures + 1, _now())
            raise WrongOTP()
    if failures:
        async with state.db.write() as conn:
            await credentials.set_failures(conn, person_id, 0)
    return user


def new_reset_token() -> str:
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(64))


def _reset_key(email: str, token: str) -> str:
    return f"reset:{email.lower()}:{hashlib.sha256(token.encode()).hexdigest()}"


async def store_reset_token(conn, email: str, ttl: dt.timedelta = RESET_TOKEN_TTL) -> str:
    """A token for the reset link; only its digest is kept."""
    token = new_reset_token()
    await codes.put(conn, _reset_key(email, token), email.lower(), ttl)
    return token


async def spend_reset_token(conn, email: str, token: str) -> bool:
    """True once for a valid token; every other outstanding link of the account dies too."""
    if await codes.take(conn, _reset_key(email, token)) is None:
        return False
    await codes.drop_prefix(conn, f"reset:{email.lower()}:")
    return True


async def reset_token_valid(conn, email: str, token: str) -> bool:
    return await codes.peek(conn, _reset_key(email, token)) is not None
