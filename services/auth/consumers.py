"""What auth does with data's events: a person deactivated or deleted loses every token."""

import datetime as dt
import uuid
from collections.abc import Callable

from fastapi import FastAPI

from libs.common.events import Consumer, Event
from services.auth.store import credentials, sessions


def sessions_consumer(app: Callable[[], FastAPI]) -> Consumer:
    async def end_sessions(conn, event: Event) -> None:
        gone = event.name == "person:delete"
        if not gone and not (event.name == "person:update" and event.data.get("active") is False):
            return
        person_id = uuid.UUID(event.data["person_id"])
        live = await sessions.end_all(conn, person_id)
        api_jti = await credentials.replace_api_jti(conn, person_id, None)
        # Revoked before the inbox row commits: if NATS fails, the event comes back.
        revocations = app().state.revocations
        for jti, expires_at in live:
            await revocations.revoke(jti, expires_at.replace(tzinfo=dt.UTC).timestamp())
        if api_jti:
            await revocations.revoke_forever(api_jti)

    return Consumer("sessions", "data.person.>", end_sessions)
