"""`/data/<model>` and `/data/<model>/{instance_id}` for every declared CRUD model."""

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from libs.common.errors import STATUS_MESSAGES, MalformedId, NotFound, WrongParameter
from libs.common.permissions import Caller, CurrentUser
from services.data.crud import engine
from services.data.crud.models import MODELS, Model
from services.data.store import crud as store

router = APIRouter(tags=["crud"])


async def current_caller(request: Request, user: CurrentUser) -> Caller:
    if user.is_admin:
        return Caller(user)
    async with request.app.state.db.read() as conn:
        return Caller(user, await store.team_projects(conn, user.id))


CallerDep = Annotated[Caller, Depends(current_caller)]


def _instance_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise MalformedId() from None


async def _body(request: Request):
    try:
        return json.loads(await request.body() or b"null")
    except ValueError:
        raise WrongParameter(STATUS_MESSAGES[400].split(": ", 1)[1]) from None


def _routes(model: Model) -> None:
    db = lambda request: request.app.state.db  # noqa: E731
    access = model.access

    async def list_rows(request: Request, caller: CallerDep):
        query = engine.list_query(model, caller, list(request.query_params.multi_items()))
        scope = engine.scope_condition(model, access.list, caller)
        async with db(request).read() as conn:
            return await store.list_rows(conn, model, caller, query, scope)

    async def create(request: Request, caller: CallerDep):
        body = await _body(request)
        values, links = engine.write_values(model, caller, body, creating=True)
        with store.refusals(model):
            async with db(request).write() as conn:
                row = await store.create(
                    conn, request.app.state.outbox, model, caller, values, links, access.create
                )
                shaped = await store.present(conn, model, caller, row)
        return JSONResponse(shaped, status_code=201)

    async def get_one(request: Request, instance_id: str, caller: CallerDep):
        row_id = _instance_id(instance_id)
        relations = request.query_params.get("relations", "true").lower() == "true"
        async with db(request).read() as conn:
            row = await store.get_row(conn, model, row_id)
            if row is None:
                raise NotFound()
            access.read.check(caller, store.target(model, row))
            return await store.present(conn, model, caller, row, relations)

    async def update(request: Request, instance_id: str, caller: CallerDep):
        row_id = _instance_id(instance_id)
        body = await _body(request)
        with store.refusals(model):
            async with db(request).write() as conn:
                row = await store.get_row(conn, model, row_id, lock=True)
                if row is None:
                    raise NotFound()
                access.update.check(caller, store.target(model, row))
                values, links = engine.write_values(model, caller, body, creating=False)
                row = await store.update(
                    conn, request.app.state.outbox, model, caller, row, values, links
                )
                return await store.present(conn, model, caller, row, relations=bool(links))

    async def delete(request: Request, instance_id: str, caller: CallerDep):
        row_id = _instance_id(instance_id)
        with store.refusals(model):
            async with db(request).write() as conn:
                row = await store.get_row(conn, model, row_id, lock=True)
                if row is None:
                    raise NotFound()
                access.delete.check(caller, store.target(model, row))
                await store.delete(conn, request.app.state.outbox, model, caller, row)
        return Response(status_code=204)

    base = f"/data/{model.path}"
    handlers = [("POST", base, create)]
    if not model.only_create:
        handlers += [
            ("GET", base, list_rows),
            ("GET", base + "/{instance_id}", get_one),
            ("PUT", base + "/{instance_id}", update),
            ("DELETE", base + "/{instance_id}", delete),
        ]
    for method, path, handler in handlers:
        name = f"{method.lower()}_{model.table.name}_{handler.__name__}"
        for variant in (path, path + "/"):
            router.add_api_route(
                variant, handler, methods=[method], name=name, include_in_schema=variant == path
            )


for _model in MODELS:
    _routes(_model)
