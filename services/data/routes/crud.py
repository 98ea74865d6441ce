"""`/data/<model>` and `/data/<model>/{instance_id}` for every declared CRUD model."""

import json
import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from libs.common.errors import STATUS_MESSAGES, MalformedId, NotFound, WrongParameter
from libs.common.permissions import CallerDep
from services.data.crud import engine
from services.data.crud.models import MODELS, Model
from services.data.store import crud as store

router = APIRouter(tags=["crud"])


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


def _hook_values(model: Model, body) -> dict:
    if not model.hook_keys or not isinstance(body, dict):
        return {}
    return {key: body.pop(key) for key in model.hook_keys if key in body}


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
        hooked = _hook_values(model, body)
        values, links = engine.write_values(model, caller, body, creating=True)
        with store.refusals(model):
            async with db(request).write() as conn:
                outbox = request.app.state.outbox
                row = await store.create(conn, outbox, model, caller, values, links, access.create)
                extra = {}
                if model.after_create is not None:
                    extra = await model.after_create(conn, outbox, caller, row, hooked)
                    row = await store.get_row(conn, model, row["id"])
                shaped = await store.present(conn, model, caller, row)
        if model.after_commit is not None:
            extra |= await model.after_commit(request.app.state, "new", row, body)
        return JSONResponse({**shaped, **extra}, status_code=201)

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
        hooked = _hook_values(model, body)
        with store.refusals(model):
            async with db(request).write() as conn:
                row = await store.get_row(conn, model, row_id, lock=True)
                if row is None:
                    raise NotFound()
                access.update.check(caller, store.target(model, row))
                values, links = engine.write_values(model, caller, body, creating=False)
                outbox = request.app.state.outbox
                row = await store.update(conn, outbox, model, caller, row, values, links)
                extra = {}
                if model.after_update is not None:
                    extra = await model.after_update(conn, outbox, caller, row, hooked)
                shaped = await store.present(conn, model, caller, row, relations=bool(links))
        if model.after_commit is not None:
            extra |= await model.after_commit(request.app.state, "update", row, body)
        return {**shaped, **extra}

    async def delete(request: Request, instance_id: str, caller: CallerDep):
        row_id = _instance_id(instance_id)
        with store.refusals(model):
            async with db(request).write() as conn:
                row = await store.get_row(conn, model, row_id, lock=True)
                if row is None:
                    raise NotFound()
                access.delete.check(caller, store.target(model, row))
                await store.delete(conn, request.app.state.outbox, model, caller, row)
        if model.after_commit is not None:
            await model.after_commit(request.app.state, "delete", row, None)
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
