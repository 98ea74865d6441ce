"""Hands out tokens and takes them back: every token given to a person is recorded, so a
logout, a password change or a deactivation revokes by jti everywhere at once."""

import datetime as dt
import uuid
from typing import Any

from fastapi import FastAPI

from libs.common import tokens
from services.auth.store import credentials, sessions


class Issuer:
    def __init__(self, app: FastAPI):
        self.state = app.state

    @property
    def _settings(self):
        return self.state.settings

    def _sign(self, person_id, token_type, lifetime, **claims) -> tuple[str, dict[str, Any]]:
        key = self.state.keys.private_key()
        return tokens.issue(key, str(person_id), token_type, lifetime, **claims)

    @staticmethod
    def _expiry(claims: dict[str, Any]) -> dt.datetime:
        return claims["exp"]

    async def pair(self, person_id: uuid.UUID | str, **claims: Any) -> dict[str, str]:
        """A login: refresh token, and an access token that names it (`refresh_jti`)."""
        refresh, refresh_claims = self._sign(
            person_id,
            "refresh",
            dt.timedelta(days=self._settings.refresh_token_days),
            identity_type="person",
            **claims,
        )
        access, access_claims = self._sign(
            person_id,
            "access",
            dt.timedelta(minutes=self._settings.access_token_minutes),
            identity_type="person",
            refresh_jti=refresh_claims["jti"],
            **claims,
        )
        await self._record(person_id, refresh_claims["jti"], refresh_claims, access_claims)
        return {"access_token": access, "refresh_token": refresh}

    async def access(self, person_id: uuid.UUID | str, refresh_jti: str, **claims: Any) -> str:
        """An access token refreshed from the login whose refresh token is `refresh_jti`."""
        access, access_claims = self._sign(
            person_id,
            "access",
            dt.timedelta(minutes=self._settings.access_token_minutes),
            identity_type="person",
            refresh_jti=refresh_jti,
            **claims,
        )
        await self._record(person_id, refresh_jti, access_claims)
        return access

    async def _record(self, person_id, family: str, *all_claims: dict[str, Any]) -> None:
        async with self.state.db.write() as conn:
            await sessions.record(
                conn, uuid.UUID(str(person_id)), family, [(c["jti"], c["exp"]) for c in all_claims]
            )

    async def _revoke(self, live: list[tuple[str, dt.datetime]]) -> None:
        for jti, expires_at in live:
            await self.state.revocations.revoke(jti, expires_at.replace(tzinfo=dt.UTC).timestamp())

    async def end_sessions(self, person_id: uuid.UUID, keep_family: str | None = None) -> None:
        """Revoke every token the person holds (API key aside), but one login's."""
        async with self.state.db.write() as conn:
            live = await sessions.end_all(conn, person_id, keep_family)
        await self._revoke(live)

    async def end_login(self, refresh_jti: str) -> None:
        """A logout: the refresh token and every access token obtained with it."""
        async with self.state.db.write() as conn:
            live = await sessions.end_family(conn, refresh_jti)
        await self._revoke(live)

    async def api_token(
        self, person_id: uuid.UUID, is_bot: bool, expiration_date: dt.date | None
    ) -> str:
        """A bot's (or a person's API) long-lived token; the one it replaces stops working."""
        lifetime = None
        if expiration_date is not None:
            end = dt.datetime.combine(expiration_date, dt.time.max, tzinfo=dt.UTC)
            lifetime = end - dt.datetime.now(dt.UTC)
        token, claims = self._sign(
            person_id, "access", lifetime, identity_type="bot" if is_bot else "person_api"
        )
        async with self.state.db.write() as conn:
            previous = await credentials.replace_api_jti(conn, person_id, claims["jti"])
        if previous:
            await self.state.revocations.revoke_forever(previous)
        return token

    async def revoke_api_token(self, person_id: uuid.UUID) -> None:
        async with self.state.db.write() as conn:
            previous = await credentials.replace_api_jti(conn, person_id, None)
        if previous:
            await self.state.revocations.revoke_forever(previous)
