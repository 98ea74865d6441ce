"""Output files of entities and asset instances: revisions, last revisions, the output
types used, and new revisions with their `output-file:new` event."""

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.events import Outbox
from services.data import serialize
from services.data import tables as t

of = t.output_file.c
FILTERS = ("output_type_id", "task_type_id", "representation", "file_status_id", "name")


def of_entity(entity_id: uuid.UUID) -> list:
    return [of.entity_id == entity_id, of.asset_instance_id.is_(None)]


def of_instance(instance_id: uuid.UUID, temporal_entity_id: uuid.UUID | None) -> list:
    # Zou compares with NULL too: no temporal entity means files made outside any shot.
    return [of.asset_instance_id == instance_id, of.temporal_entity_id == temporal_entity_id]


def filtered(filters: dict) -> list:
    """Zou's optional output file filters: an empty value filters nothing."""
    return [getattr(of, key) == value for key, value in filters.items() if value]


def _shape(rows) -> list[dict]:
    return [serialize.row(r, "OutputFile") for r in rows.mappings()]


async def listed(conn: AsyncConnection, *where) -> list[dict]:
    rows = await conn.execute(
        sa.select(t.output_file).where(*where, of.revision >= 0).order_by(of.revision.desc())
    )
    return _shape(rows)


async def of_output_type(conn: AsyncConnection, *where) -> list[dict]:
    rows = await conn.execute(sa.select(t.output_file).where(*where).order_by(of.revision.desc()))
    return _shape(rows)


async def last_revisions(conn: AsyncConnection, where: list, filters: dict) -> list[dict]:
    """The newest revision per task type, output type, name and representation (and file
    status when filtered by one), in one query."""
    group = [of.asset_instance_id, of.temporal_entity_id, of.task_type_id, of.output_type_id]
    group += [of.name, of.representation]
    if filters.get("file_status_id"):
        group.append(of.file_status_id)
    ranked = (
        sa.select(
            t.output_file,
            sa.func.rank().over(partition_by=group, order_by=of.revision.desc()).label("_rank"),
        )
        .where(*where, *filtered(filters))
        .subquery()
    )
    rows = await conn.execute(
        sa.select(*[ranked.c[c.name] for c in t.output_file.c]).where(ranked.c._rank == 1)
    )
    return _shape(rows)


async def output_types(conn: AsyncConnection, *where) -> list[dict]:
    used = sa.select(of.output_type_id).where(*where)
    rows = await conn.execute(
        sa.select(t.output_type).where(t.output_type.c.id.in_(used)).order_by(t.output_type.c.name)
    )
    return [serialize.row(r, "OutputType") for r in rows.mappings()]


async def next_revision(
    conn: AsyncConnection,
    entity_id: uuid.UUID,
    output_type_id: uuid.UUID,
    task_type_id: uuid.UUID,
    name: str,
    instance_id: uuid.UUID | None = None,
    temporal_entity_id: uuid.UUID | None = None,
) -> int:
    where = [of.output_type_id == output_type_id, of.task_type_id == task_type_id]
    where += [of.name == name, of.revision > 0]
    if instance_id is None:
        where.append(of.entity_id == entity_id)
    else:
        where += of_instance(instance_id, temporal_entity_id)
    last = (await conn.execute(sa.select(sa.func.max(of.revision)).where(*where))).scalar()
    return (last or 0) + 1


async def create(
    conn: AsyncConnection, outbox: Outbox, values: dict, project_id: Any, user_id: Any
) -> dict | None:
    """A new output file revision; None when that revision already exists."""
    same = [
        getattr(of, key) == values.get(key)
        if values.get(key) is not None
        else getattr(of, key).is_(None)
        for key in (
            "name",
            "entity_id",
            "asset_instance_id",
            "output_type_id",
            "task_type_id",
            "temporal_entity_id",
            "representation",
            "revision",
        )
    ]
    if (await conn.execute(sa.select(of.id).where(*same))).first() is not None:
        return None
    created = (
        (
            await conn.execute(
                postgresql.insert(t.output_file)
                .values(id=uuid.uuid4(), **values)
                .on_conflict_do_nothing()
                .returning(*t.output_file.c)
            )
        )
        .mappings()
        .first()
    )
    if created is None:
        return None
    await outbox.emit(
        conn,
        "output-file:new",
        {"output_file_id": created["id"]},
        project_id=project_id,
        user_id=user_id,
    )
    return dict(created)


async def set_path(conn: AsyncConnection, file_id: uuid.UUID, path: str) -> dict:
    row = await conn.execute(
        sa.update(t.output_file)
        .where(of.id == file_id)
        .values(path=path)
        .returning(*t.output_file.c)
    )
    return serialize.row(row.mappings().one(), "OutputFile")
