"""Metadata descriptors: the custom columns of a production's entities and tasks."""

import re
import unicodedata

import sqlalchemy as sa

from libs.common.errors import NotFound, WrongParameter
from services.data import serialize
from services.data import tables as t

md, dep_link = t.metadata_descriptor, t.department_metadata_descriptor_link
DATA_TYPES = t.CHOICES[("metadata_descriptor", "data_type")]


def field_name(name: str) -> str:
    """Zou's slug of a descriptor name: lower-case ASCII words joined by underscores."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def _departments():
    return (
        sa.select(sa.func.array_agg(dep_link.c.department_id))
        .where(dep_link.c.metadata_descriptor_id == md.c.id)
        .scalar_subquery()
        .label("departments")
    )


def shape(row) -> dict:
    out = serialize.row(row, "MetadataDescriptor")
    out["departments"] = [str(d) for d in row["departments"] or []]
    return out


async def listing(conn, *conditions) -> list[dict]:
    statement = sa.select(md, _departments()).where(*conditions).order_by(md.c.position, md.c.name)
    return [shape(r) for r in (await conn.execute(statement)).mappings()]


async def get(conn, descriptor_id, lock=False) -> dict:
    statement = sa.select(md, _departments()).where(md.c.id == descriptor_id)
    found = (await conn.execute(statement)).mappings().first()
    if found is None:
        raise NotFound()
    return dict(found)


async def _emit(conn, outbox, action, row, user_id) -> None:
    await outbox.emit(
        conn,
        f"metadata-descriptor:{action}",
        {"metadata_descriptor_id": str(row["id"])},
        project_id=row["project_id"],
        user_id=user_id,
    )


async def _set_departments(conn, descriptor_id, departments: list) -> None:
    if departments:
        known = set(
            (
                await conn.execute(
                    sa.select(t.department.c.id).where(t.department.c.id.in_(departments))
                )
            ).scalars()
        )
        if set(departments) - known:
            raise NotFound("Department")
    await conn.execute(
        sa.delete(dep_link).where(dep_link.c.metadata_descriptor_id == descriptor_id)
    )
    if departments:
        await conn.execute(
            sa.insert(dep_link),
            [
                {"metadata_descriptor_id": descriptor_id, "department_id": d}
                for d in set(departments)
            ],
        )


def _conflict():
    return WrongParameter("Metadata descriptor already exists.")


async def add(conn, outbox, project_id, values: dict, departments: list, user_id) -> dict:
    values = {**values, "project_id": project_id, "field_name": field_name(values["name"])}
    try:
        async with conn.begin_nested():
            new_id = (
                await conn.execute(sa.insert(md).values(**values).returning(md.c.id))
            ).scalar()
    except sa.exc.IntegrityError:
        raise _conflict() from None
    await _set_departments(conn, new_id, departments)
    row = await get(conn, new_id)
    await _emit(conn, outbox, "new", row, user_id)
    return row


async def exists_named(conn, project_id, entity_type, name, task_type_id=None) -> bool:
    conditions = [md.c.project_id == project_id, md.c.entity_type == entity_type, md.c.name == name]
    conditions.append(
        md.c.task_type_id.is_(None) if task_type_id is None else md.c.task_type_id == task_type_id
    )
    return (await conn.execute(sa.select(md.c.id).where(*conditions))).first() is not None


async def update(conn, outbox, row: dict, values: dict, departments, user_id) -> dict:
    values = dict(values)
    if values.get("name"):
        values["field_name"] = field_name(values["name"])
    else:
        values.pop("name", None)
    if values:
        try:
            async with conn.begin_nested():
                await conn.execute(
                    sa.update(md)
                    .where(md.c.id == row["id"])
                    .values(**values, updated_at=sa.func.timezone("utc", sa.func.now()))
                )
        except sa.exc.IntegrityError:
            raise _conflict() from None
        if "field_name" in values and values["field_name"] != row["field_name"]:
            await _rename_stored_values(conn, row, values["field_name"])
    if departments is not None:
        await _set_departments(conn, row["id"], departments)
    updated = await get(conn, row["id"])
    await _emit(conn, outbox, "update", updated, user_id)
    return updated


def _holders(row: dict):
    """The table and rows whose `data` hold this descriptor's values."""
    if row["entity_type"] == "Task":
        return t.task, t.task.c.project_id == row["project_id"]
    if row["entity_type"] == "Project":
        return t.project, t.project.c.id == row["project_id"]
    return t.entity, t.entity.c.project_id == row["project_id"]


async def _rename_stored_values(conn, row: dict, new_name: str) -> None:
    table, scope = _holders(row)
    old = row["field_name"]
    await conn.execute(
        sa.update(table)
        .where(scope, table.c.data.has_key(old))
        .values(
            data=(table.c.data - old).op("||")(
                sa.func.jsonb_build_object(new_name, table.c.data[old])
            )
        )
    )


async def remove(conn, outbox, row: dict, user_id) -> None:
    table, scope = _holders(row)
    await conn.execute(
        sa.update(table)
        .where(scope, table.c.data.has_key(row["field_name"]))
        .values(data=table.c.data - row["field_name"])
    )
    await conn.execute(sa.delete(dep_link).where(dep_link.c.metadata_descriptor_id == row["id"]))
    await conn.execute(sa.delete(md).where(md.c.id == row["id"]))
    await _emit(conn, outbox, "delete", row, user_id)


async def snapshot(conn, project_id) -> list[dict]:
    """A project's descriptors as a template keeps them."""
    return [
        {
            "name": d["name"],
            "field_name": d["field_name"],
            "entity_type": d["entity_type"],
            "task_type_id": d["task_type_id"],
            "data_type": d["data_type"],
            "choices": d["choices"] or [],
            "for_client": bool(d["for_client"]),
            "departments": d["departments"],
            "position": d["position"],
        }
        for d in await listing(conn, md.c.project_id == project_id)
    ]


async def reorder(conn, outbox, project_id, entity_type, ordered_ids: list, user_id) -> list[dict]:
    """Listed descriptors first in that order, the others after them by name."""
    rows = await listing(conn, md.c.project_id == project_id, md.c.entity_type == entity_type)
    by_id = {r["id"]: r for r in rows}
    for descriptor_id in ordered_ids:
        if descriptor_id not in by_id:
            raise WrongParameter(
                f"Descriptor {descriptor_id} not found for project {project_id} "
                f"and entity type {entity_type}"
            )
    rest = sorted((r for r in rows if r["id"] not in ordered_ids), key=lambda r: r["name"])
    order = list(ordered_ids) + [r["id"] for r in rest]
    for position, descriptor_id in enumerate(order, start=1):
        await conn.execute(sa.update(md).where(md.c.id == descriptor_id).values(position=position))
        await outbox.emit(
            conn,
            "metadata-descriptor:update",
            {"metadata_descriptor_id": descriptor_id},
            project_id=project_id,
            user_id=user_id,
        )
    return await listing(conn, md.c.project_id == project_id, md.c.entity_type == entity_type)


async def by_field(conn, project_ids: list, entity_type, name: str) -> list[dict]:
    statement = sa.select(md, _departments()).where(
        md.c.project_id.in_(project_ids), md.c.entity_type == entity_type, md.c.field_name == name
    )
    return [dict(r) for r in (await conn.execute(statement)).mappings()]


def for_clients():
    return md.c.for_client.is_(True)


def for_departments(departments: list):
    """Descriptors of no department, or of one of these."""
    linked = sa.select(dep_link.c.metadata_descriptor_id)
    return ~md.c.id.in_(linked) | md.c.id.in_(
        linked.where(dep_link.c.department_id.in_(departments))
    )


async def task_type_exists(conn, task_type_id) -> bool:
    found = await conn.execute(sa.select(t.task_type.c.id).where(t.task_type.c.id == task_type_id))
    return found.first() is not None
