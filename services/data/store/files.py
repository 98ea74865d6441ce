"""Working and output files: lists per task, entity and project, last revisions."""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.errors import NotFound
from services.data import serialize
from services.data import tables as t


async def working_files(conn: AsyncConnection, *where) -> list[dict]:
    rows = await conn.execute(
        sa.select(t.working_file).where(*where).order_by(t.working_file.c.revision.desc())
    )
    return [serialize.row(r, "WorkingFile") for r in rows.mappings()]


async def last_working_revisions(conn: AsyncConnection, task_id: uuid.UUID) -> dict:
    """The newest revision of each working file name of a task: `{name: file}`."""
    out: dict = {}
    for shaped in await working_files(conn, t.working_file.c.task_id == task_id):
        out.setdefault(shaped["name"], shaped)
    return out


async def output_files(conn: AsyncConnection, *where) -> list[dict]:
    rows = await conn.execute(
        sa.select(t.output_file).where(*where).order_by(t.output_file.c.revision.desc())
    )
    return [serialize.row(r, "OutputFile") for r in rows.mappings()]


async def any_file(conn: AsyncConnection, file_id: uuid.UUID) -> tuple[dict, uuid.UUID]:
    """A working or output file by id, with its project."""
    wf = (
        (
            await conn.execute(
                sa.select(t.working_file, t.task.c.project_id.label("_project_id"))
                .join(t.task, t.task.c.id == t.working_file.c.task_id, isouter=True)
                .where(t.working_file.c.id == file_id)
            )
        )
        .mappings()
        .first()
    )
    if wf is not None:
        return serialize.row(
            {k: v for k, v in wf.items() if k != "_project_id"}, "WorkingFile"
        ), wf["_project_id"]
    of = (
        (
            await conn.execute(
                sa.select(t.output_file, t.entity.c.project_id.label("_project_id"))
                .join(t.entity, t.entity.c.id == t.output_file.c.entity_id, isouter=True)
                .where(t.output_file.c.id == file_id)
            )
        )
        .mappings()
        .first()
    )
    if of is None:
        raise NotFound()
    return serialize.row({k: v for k, v in of.items() if k != "_project_id"}, "OutputFile"), of[
        "_project_id"
    ]


async def working_file(conn: AsyncConnection, file_id: uuid.UUID) -> dict:
    found = (
        (await conn.execute(sa.select(t.working_file).where(t.working_file.c.id == file_id)))
        .mappings()
        .first()
    )
    if found is None:
        raise NotFound()
    return dict(found)


async def update_working_file(conn: AsyncConnection, file_id: uuid.UUID, values: dict) -> dict:
    """Zou emits no event for these edits (comment, modification date); neither do we."""
    row = await conn.execute(
        sa.update(t.working_file)
        .where(t.working_file.c.id == file_id)
        .values(**values)
        .returning(*t.working_file.c)
    )
    return serialize.row(row.mappings().one(), "WorkingFile")
