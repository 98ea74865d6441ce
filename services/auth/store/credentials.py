"""Secrets of a person: password hash (bcrypt, so hashes taken over from a Zou database keep
working), 2FA secrets, hashed recovery codes, failed-login counter, a bot's API key id."""

import asyncio
import datetime as dt
import uuid
from typing import Any

import bcrypt
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.settings import get_settings
from services.auth.tables import credentials

# bcrypt reads 72 bytes at most; bcrypt 5 refuses longer input instead of truncating.
BCRYPT_MAX = 72
_DUMMY_HASH: bytes | None = None


def hash_password(password: str) -> bytes:
    rounds = get_settings().bcrypt_rounds
    return bcrypt.hashpw(password.encode()[:BCRYPT_MAX], bcrypt.gensalt(rounds))


def password_matches(hashed: bytes | None, password: str) -> bool:
    """Costs one bcrypt round even when there is nothing to compare, so a response time
    does not tell a known address from an unknown one."""
    global _DUMMY_HASH
    if not hashed:
        _DUMMY_HASH = _DUMMY_HASH or hash_password("no password here")
        hashed = _DUMMY_HASH
        password_ok = False
    else:
        password_ok = True
    try:
        same = bcrypt.checkpw((password or "").encode()[:BCRYPT_MAX], bytes(hashed))
    except ValueError:
        return False
    return same and password_ok


async def _upsert(conn: AsyncConnection, person_id: uuid.UUID, **values: Any) -> None:
    values["updated_at"] = sa.func.now()
    stmt = insert(credentials).values(person_id=person_id, **values)
    await conn.execute(stmt.on_conflict_do_update(index_elements=["person_id"], set_=values))


async def get(conn: AsyncConnection, person_id: uuid.UUID):
    found = await conn.execute(sa.select(credentials).where(credentials.c.person_id == person_id))
    return found.first()


async def set_password(conn: AsyncConnection, person_id: uuid.UUID, password: str) -> None:
    hashed = await asyncio.to_thread(hash_password, password)
    await _upsert(conn, person_id, password_hash=hashed)


async def has_password(conn: AsyncConnection, person_id: uuid.UUID) -> bool:
    row = await get(conn, person_id)
    return bool(row and row.password_hash)


async def check_password(conn: AsyncConnection, person_id: uuid.UUID, password: str) -> bool:
    row = await get(conn, person_id)
    hashed = row.password_hash if row else None
    return await asyncio.to_thread(password_matches, hashed, password)


async def set_failures(
    conn: AsyncConnection, person_id: uuid.UUID, count: int, at: dt.datetime | None = None
) -> None:
    values: dict[str, Any] = {"login_failed_attempts": count}
    if at is not None:
        values["last_login_failed"] = at
    await _upsert(conn, person_id, **values)


async def set_secrets(conn: AsyncConnection, person_id: uuid.UUID, **secrets: Any) -> None:
    """totp_secret, email_otp_secret, otp_recovery_codes (hashes) or fido_credentials."""
    allowed = {"totp_secret", "email_otp_secret", "otp_recovery_codes", "fido_credentials"}
    if set(secrets) - allowed:
        raise ValueError(f"not a 2FA secret: {set(secrets) - allowed}")
    await _upsert(conn, person_id, **secrets)


async def remove_recovery_code(conn: AsyncConnection, person_id: uuid.UUID, hashed: bytes) -> bool:
    """Spend a recovery code; False when another request spent it first."""
    c = credentials.c
    found = await conn.execute(
        sa.update(credentials)
        .where(c.person_id == person_id, c.otp_recovery_codes.any(hashed))
        .values(otp_recovery_codes=sa.func.array_remove(c.otp_recovery_codes, hashed))
        .returning(c.person_id)
    )
    return found.first() is not None


async def replace_api_jti(conn: AsyncConnection, person_id: uuid.UUID, jti: str | None):
    """Set a bot's API key id; returns the one it replaces."""
    row = await get(conn, person_id)
    await _upsert(conn, person_id, api_jti=jti)
    return row.api_jti if row else None
