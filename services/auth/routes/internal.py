"""Service-to-service API (not routed by the gateway): what data asks of auth when it
creates or edits persons (bots' API tokens, passwords given in a person's body)."""

import datetime as dt
import uuid

from fastapi import APIRouter, Request
from pydantic import BaseModel

from services.auth.store import credentials

router = APIRouter(prefix="/internal", include_in_schema=False)


class ApiTokenBody(BaseModel):
    is_bot: bool = True
    expiration_date: dt.date | None = None


class PasswordBody(BaseModel):
    password: str


@router.post("/persons/{person_id}/api-token")
async def api_token(request: Request, person_id: uuid.UUID, body: ApiTokenBody):
    """A new long-lived token (Zou's bot creation or `expiration_date` change); the
    previous one stops working everywhere."""
    issuer = request.app.state.issuer
    token = await issuer.api_token(person_id, body.is_bot, body.expiration_date)
    return {"access_token": token}


@router.delete("/persons/{person_id}/api-token")
async def revoke_api_token(request: Request, person_id: uuid.UUID):
    await request.app.state.issuer.revoke_api_token(person_id)
    return {"success": True}


@router.delete("/persons/{person_id}/tokens")
async def revoke_all_tokens(request: Request, person_id: uuid.UUID):
    """A person deactivated or deleted: every session and the API token stop working now
    (the person:* event does it again later, in case this call never arrives)."""
    issuer = request.app.state.issuer
    await issuer.end_sessions(person_id)
    await issuer.revoke_api_token(person_id)
    return {"success": True}


@router.put("/persons/{person_id}/password")
async def set_password(request: Request, person_id: uuid.UUID, body: PasswordBody):
    async with request.app.state.db.write() as conn:
        await credentials.set_password(conn, person_id, body.password)
    await request.app.state.issuer.end_sessions(person_id)
    return {"success": True}
