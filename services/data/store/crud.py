"""SQL of the generic CRUD resources: lists in one query, writes and their events in one
transaction, database refusals turned into 400s that name the field."""

import math
import re
import uuid
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common import permissions as p
from libs.common.events import Outbox
from services.data import serialize
from services.data.crud import engine
from services.data.crud.models import Model
from services.data.store import persons
from services.data.tables import entity_type, project_person_link


async def team_projects(conn: AsyncConnection, person_id: uuid.UUID) -> frozenset:
    link = project_person_link
    rows = await conn.execute(sa.select(link.c.project_id).where(link.c.person_id == person_id))
    return frozenset(rows.scalars())


async def _entity_types(conn: AsyncConnection, model: Model) -> dict | None:
    if model.table.name != "entity":
        return None
    rows = await conn.execute(sa.select(entity_type.c.id, entity_type.c.name))
    return dict(rows.all())


def _type_of(model: Model, types: dict | None, mapping: Any) -> str | None:
    if types is None:
        return None
    return engine.entity_type_name(types.get(mapping["entity_type_id"]))


def _select(model: Model, caller: p.Caller, relations: bool):
    table = model.table
    columns = [table.c[name] for name in engine.readable(model, caller)]
    if relations:
        columns += engine.relation_columns(model)
    return sa.select(*columns)


async def list_rows(
    conn: AsyncConnection, model: Model, caller: p.Caller, query: engine.ListQuery, scope: list
) -> list | dict:
    table = model.table
    statement = _select(model, caller, query.relations).where(*query.conditions, *scope)
    types = await _entity_types(conn, model)

    def shaped(rows) -> list:
        return [
            engine.shape(model, caller, row, _type_of(model, types, row), query.fields)
            for row in rows
        ]

    if query.page < 0:
        return shaped((await conn.execute(statement)).mappings())
    counted = sa.select(sa.func.count()).select_from(table).where(*query.conditions, *scope)
    total = (await conn.execute(counted)).scalar()
    offset = (query.page - 1) * query.limit
    data: list = []
    if query.page >= 1 and total >= offset:
        page = statement.order_by(
            table.c.updated_at.desc(), table.c.created_at.desc(), table.c.id
        ).limit(query.limit)
        data = shaped((await conn.execute(page.offset(offset))).mappings())
    return {
        "data": data,
        "total": total,
        "nb_pages": math.ceil(total / query.limit),
        "limit": query.limit,
        "offset": offset,
        "page": query.page,
    }


# One prebuilt statement per (model, lock): building the select with its relation
# subqueries and hashing it for SQLAlchemy's cache cost more than running it.
_ROW_STATEMENTS: dict[tuple[str, bool], sa.Select] = {}


def _row_statement(model: Model, lock: bool) -> sa.Select:
    key = (model.path, lock)
    if key not in _ROW_STATEMENTS:
        table = model.table
        columns = [*table.c, *engine.relation_columns(model)]
        project = engine.project_expression(model)
        if project is not None:
            columns.append(project.label("_project_id"))
        statement = sa.select(*columns).where(
            table.c.id == sa.bindparam("instance_id", type_=sa.Uuid)
        )
        if lock:
            statement = statement.with_for_update(of=table)
        _ROW_STATEMENTS[key] = statement
    return _ROW_STATEMENTS[key]


async def get_row(
    conn: AsyncConnection, model: Model, instance_id: uuid.UUID, lock: bool = False
) -> dict | None:
    """Every column of one row, its relation ids and its project (as `_project_id`)."""
    statement = _row_statement(model, lock)
    found = (await conn.execute(statement, {"instance_id": instance_id})).mappings().first()
    return dict(found) if found else None


def target(model: Model, row: dict | None) -> p.Target:
    if row is None:
        return p.Target()
    owner = row.get(model.owner) if model.owner else None
    return p.Target(project_id=row.get("_project_id"), owner_id=owner)


async def present(
    conn: AsyncConnection,
    model: Model,
    caller: p.Caller,
    row: dict,
    relations: bool = True,
    fields: list[str] | None = None,
) -> dict:
    types = await _entity_types(conn, model)
    readable = frozenset(engine.readable(model, caller))
    mapping = {
        k: v for k, v in row.items() if k in readable or (relations and k in model.relations)
    }
    return engine.shape(model, caller, mapping, _type_of(model, types, row), fields)


async def _set_links(
    conn: AsyncConnection, model: Model, row_id: uuid.UUID, links: dict[str, list[uuid.UUID]]
) -> None:
    for name, ids in links.items():
        relation = model.relations[name]
        link = relation.link
        await conn.execute(sa.delete(link).where(link.c[relation.own] == row_id))
        if ids:
            await conn.execute(
                sa.insert(link), [{relation.own: row_id, relation.other: other} for other in ids]
            )


async def _emit(
    conn: AsyncConnection,
    outbox: Outbox,
    model: Model,
    caller: p.Caller,
    action: str,
    row: dict,
    facts: dict | None = None,
) -> None:
    types = await _entity_types(conn, model)
    serial = {k: serialize.value(v) for k, v in row.items()}
    name, data, project_id = engine.event_of(
        model,
        action,
        serial,
        row.get("_project_id"),
        types.get(row["entity_type_id"]) if types is not None else None,
    )
    if facts is not None:
        data.update(facts)
    await outbox.emit(conn, name, data, project_id=project_id, user_id=caller.user.id)


async def _person_facts(conn: AsyncConnection, model: Model, row_id: uuid.UUID) -> dict | None:
    if model.table.name != "person":
        return None
    found = await persons.get(conn, row_id)
    return persons.event_facts(found) if found else None


async def create(
    conn: AsyncConnection,
    outbox: Outbox,
    model: Model,
    caller: p.Caller,
    values: dict,
    links: dict,
    rule: p.Rule,
) -> dict:
    """Inserts the row, checks the caller may create it where it landed, emits `:new`."""
    table = model.table
    row_id = (await conn.execute(sa.insert(table).values(**values).returning(table.c.id))).scalar()
    await _set_links(conn, model, row_id, links)
    row = await get_row(conn, model, row_id)
    rule.check(caller, target(model, row))
    await _emit(conn, outbox, model, caller, "new", row, await _person_facts(conn, model, row_id))
    return row


async def update(
    conn: AsyncConnection,
    outbox: Outbox,
    model: Model,
    caller: p.Caller,
    row: dict,
    values: dict,
    links: dict,
) -> dict:
    table = model.table
    if values:
        await conn.execute(sa.update(table).where(table.c.id == row["id"]).values(**values))
    elif "updated_at" in table.c:
        await conn.execute(
            sa.update(table).where(table.c.id == row["id"]).values(updated_at=sa.func.now())
        )
    await _set_links(conn, model, row["id"], links)
    updated = await get_row(conn, model, row["id"])
    facts = await _person_facts(conn, model, row["id"])
    await _emit(conn, outbox, model, caller, "update", updated, facts)
    return updated


async def delete(
    conn: AsyncConnection, outbox: Outbox, model: Model, caller: p.Caller, row: dict
) -> None:
    table = model.table
    facts = await _person_facts(conn, model, row["id"])
    # Its own many-to-many links go with the row; any other dependant blocks the delete.
    await _set_links(conn, model, row["id"], {name: [] for name in model.relations})
    await conn.execute(sa.delete(table).where(table.c.id == row["id"]))
    await _emit(conn, outbox, model, caller, "delete", row, facts)


# --- Database refusals ----------------------------------------------------------------

MESSAGES = {
    "23505": "A record with the same unique values already exists.",
    "23503": "The change conflicts with records referencing this one.",
    "23502": "A required field is missing.",
    "23514": "The data conflicts with database integrity rules.",
}


def _field_of(model: Model, diag) -> str | None:
    table = getattr(diag, "table_name", None)
    for name, relation in model.relations.items():
        if relation.link.name == table:
            return name
    column = getattr(diag, "column_name", None)
    if column:
        return column
    constraint = getattr(diag, "constraint_name", None) or ""
    for known in [*model.table.constraints, *model.table.indexes]:
        if known.name != constraint:
            continue
        if isinstance(known, sa.CheckConstraint):
            text = str(known.sqltext)
            named = [c.name for c in model.table.columns if re.search(rf"\b{c.name}\b", text)]
            return ",".join(named) or constraint
        return ",".join(c.name for c in known.columns)
    if constraint.endswith("_fkey"):
        # `<table>_<column>_fkey` of a dependant table blocking a delete.
        detail = getattr(diag, "message_detail", "") or ""
        match = re.search(r'table "(\w+)"', detail)
        if match and match.group(1) != model.table.name:
            # A dependant blocks the delete: name it as <table>.<column>.
            dependant = match.group(1)
            column = constraint[len(dependant) + 1 : -len("_fkey")]
            return f"{dependant}.{column}" if constraint.startswith(dependant) else dependant
        return constraint[: -len("_fkey")]
    return constraint or None


@contextmanager
def refusals(model: Model):
    """Turns integrity and format errors of a write into Zou's 400 `{"message"}`."""
    try:
        yield
    except sa.exc.DBAPIError as exc:
        orig = getattr(exc, "orig", None)
        code = getattr(orig, "sqlstate", None) or ""
        diag = getattr(orig, "diag", None)
        if code in MESSAGES:
            raise engine.BodyError(MESSAGES[code], _field_of(model, diag)) from None
        if code.startswith("22"):
            raise engine.BodyError(engine.BAD_FORMAT, getattr(diag, "column_name", None)) from None
        raise
