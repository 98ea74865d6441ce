"""Writes of reporting's projections: a fresh copy of a data row, or its removal."""

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.reporting import tables as t


def _date(value, kind=dt.datetime):
    if value is None or not isinstance(value, str):
        return value
    return kind.fromisoformat(value) if kind is dt.datetime else dt.date.fromisoformat(value)


def person_values(fact: dict) -> dict:
    return {k: fact.get(k) for k in t.person_fact.c.keys()}


def project_values(fact: dict) -> dict:
    return {"id": fact["id"], "name": fact["name"], "is_open": bool(fact["is_open"])}


def entity_values(fact: dict) -> dict:
    row = fact["row"]
    return {
        "id": row["id"],
        "project_id": row["project_id"],
        "type_name": fact["type_name"],
        "name": row["name"],
        "parent_id": row["parent_id"],
        "row": row,
    }


DATES = ("start_date", "due_date", "real_start_date", "end_date", "done_date")


def task_values(fact: dict) -> dict:
    values = {k: fact.get(k) for k in t.task_fact.c.keys()}
    for key in DATES:
        values[key] = _date(values[key])
    return values


def time_spent_values(fact: dict) -> dict:
    return {**fact, "date": _date(fact["date"], dt.date)}


TABLES = {
    "persons": (t.person_fact, person_values),
    "projects": (t.project_fact, project_values),
    "entities": (t.entity_fact, entity_values),
    "tasks": (t.task_fact, task_values),
    "time-spents": (t.time_spent_fact, time_spent_values),
}


# Upserts by (kind, columns), built once: building one costs more than running it.
_UPSERTS: dict[tuple[str, tuple[str, ...]], sa.Insert] = {}


def _upsert(kind: str, table: sa.Table, columns: tuple[str, ...]) -> sa.Insert:
    key = (kind, columns)
    if key not in _UPSERTS:
        statement = insert(table)
        _UPSERTS[key] = statement.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={k: statement.excluded[k] for k in columns if k != "id"},
        )
    return _UPSERTS[key]


async def store(conn: AsyncConnection, kind: str, fact: dict) -> None:
    table, values_of = TABLES[kind]
    values = values_of(fact)
    await conn.execute(_upsert(kind, table, tuple(values)), values)


async def remove(conn: AsyncConnection, kind: str, row_id: uuid.UUID) -> None:
    table, _ = TABLES[kind]
    if kind == "entities":
        # Data drops an entity's tasks with it, without one event per task.
        tasks = sa.select(t.task_fact.c.id).where(t.task_fact.c.entity_id == row_id)
        await conn.execute(
            sa.delete(t.time_spent_fact).where(t.time_spent_fact.c.task_id.in_(tasks))
        )
        await conn.execute(sa.delete(t.task_fact).where(t.task_fact.c.entity_id == row_id))
    if kind == "tasks":
        await conn.execute(
            sa.delete(t.time_spent_fact).where(t.time_spent_fact.c.task_id == row_id)
        )
    await conn.execute(sa.delete(table).where(table.c.id == row_id))
