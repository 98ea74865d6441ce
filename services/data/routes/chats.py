"""Entity chats: the chat, its messages, joining and leaving, the user's chats."""

import uuid

from fastapi import APIRouter, Request, Response

from libs.common.errors import Forbidden, WrongParameter
from services.data.routes.comments import read_body
from services.data.routes.crud import CallerDep
from services.data.store import chats as store
from services.data.work import uuid_of, validation_error

router = APIRouter(tags=["chats"])


async def _open(request: Request, conn, caller, entity_id: str) -> uuid.UUID:
    eid = uuid_of(entity_id)
    caller.check_project(await store.entity_project(conn, eid))
    return eid


@router.get("/data/entities/{entity_id}/chat")
async def entity_chat(entity_id: str, request: Request, caller: CallerDep):
    async with request.app.state.db.write() as conn:
        eid = await _open(request, conn, caller, entity_id)
        return await store.with_relations(conn, await store.of_entity(conn, eid))


@router.get("/data/entities/{entity_id}/chat/messages")
async def chat_messages(entity_id: str, request: Request, caller: CallerDep):
    async with request.app.state.db.write() as conn:
        eid = await _open(request, conn, caller, entity_id)
        return await store.messages(conn, (await store.of_entity(conn, eid))["id"])


@router.post("/data/entities/{entity_id}/chat/messages", status_code=201)
async def post_message(entity_id: str, request: Request, caller: CallerDep):
    body = await read_body(request)
    text = body.get("message")
    if text is None:
        raise validation_error("message")
    if not isinstance(text, str):
        raise validation_error("message", message="Input should be a valid string")
    app = request.app.state
    async with app.db.write() as conn:
        eid = await _open(request, conn, caller, entity_id)
        found = await store.of_entity(conn, eid)
        if caller.user.id not in await store.participants(conn, found["id"]):
            raise WrongParameter("You are not a participant of this chat")
        return await store.post(conn, app.outbox, found["id"], caller.user.id, text)


async def _message_of(conn, request, caller, entity_id: str, chat_message_id: str) -> dict:
    mid = uuid_of(chat_message_id)
    eid = await _open(request, conn, caller, entity_id)
    found_chat = await store.of_entity(conn, eid)
    found = await store.message(conn, mid)
    if found["chat_id"] != str(found_chat["id"]):
        raise Forbidden()
    return found


@router.get("/data/entities/{entity_id}/chat/messages/{chat_message_id}")
async def get_message(entity_id: str, chat_message_id: str, request: Request, caller: CallerDep):
    async with request.app.state.db.write() as conn:
        return await _message_of(conn, request, caller, entity_id, chat_message_id)


@router.delete("/data/entities/{entity_id}/chat/messages/{chat_message_id}")
async def delete_message(entity_id: str, chat_message_id: str, request: Request, caller: CallerDep):
    app = request.app.state
    async with app.db.write() as conn:
        found = await _message_of(conn, request, caller, entity_id, chat_message_id)
        if found["person_id"] != str(caller.user.id) and not caller.is_admin:
            raise Forbidden()
        await store.remove(conn, app.outbox, found, caller.user.id)
    return Response(status_code=204)


@router.get("/data/user/chats")
async def user_chats(request: Request, caller: CallerDep):
    async with request.app.state.db.read() as conn:
        return await store.of_person(conn, caller.user.id)


@router.post("/actions/user/chats/{entity_id}/join")
async def join_chat(entity_id: str, request: Request, caller: CallerDep):
    app = request.app.state
    async with app.db.write() as conn:
        eid = await _open(request, conn, caller, entity_id)
        return await store.join(conn, app.outbox, eid, caller.user.id, joining=True)


@router.delete("/actions/user/chats/{entity_id}/join")
async def leave_chat(entity_id: str, request: Request, caller: CallerDep):
    app = request.app.state
    async with app.db.write() as conn:
        eid = await _open(request, conn, caller, entity_id)
        await store.join(conn, app.outbox, eid, caller.user.id, joining=False)
    return Response(status_code=204)
