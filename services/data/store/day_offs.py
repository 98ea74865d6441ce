"""Day offs: ranges of a person's days that may not overlap, and that wipe the hours the
person logged inside them (Zou's day_off resource rules, run in the write's transaction)."""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common import permissions as p
from libs.common.errors import Forbidden, WrongParameter
from libs.common.events import Outbox
from services.data.tables import day_off, person, task, time_spent
from services.data.work import emit_all

OVERLAP = "Day off already exists for this period"


async def _refuse_overlap(conn: AsyncConnection, row: dict) -> None:
    # Locking the person serialises concurrent day offs of one person, so two
    # overlapping requests cannot both pass the check.
    await conn.execute(
        sa.select(person.c.id).where(person.c.id == row["person_id"]).with_for_update()
    )
    clash = await conn.execute(
        sa.select(day_off.c.id)
        .where(
            day_off.c.person_id == row["person_id"],
            day_off.c.id != row["id"],
            day_off.c.date <= row["end_date"],
            day_off.c.end_date >= row["date"],
        )
        .limit(1)
    )
    if clash.first() is not None:
        raise WrongParameter(OVERLAP)


async def _remove_covered_time(
    conn: AsyncConnection, outbox: Outbox, row: dict, by: uuid.UUID
) -> None:
    """Zou deletes them silently; we also say so (time-spent:delete, task:update) so the
    reporting projections and the tasks' durations stay right."""
    removed = await conn.execute(
        sa.delete(time_spent)
        .where(
            time_spent.c.person_id == row["person_id"],
            time_spent.c.date >= row["date"],
            time_spent.c.date <= row["end_date"],
        )
        .returning(time_spent.c.id, time_spent.c.task_id)
    )
    removed = removed.all()
    if not removed:
        return
    task_ids = list({r.task_id for r in removed})
    total = (
        sa.select(sa.func.coalesce(sa.func.sum(time_spent.c.duration), 0.0))
        .where(time_spent.c.task_id == task.c.id)
        .scalar_subquery()
    )
    projects = await conn.execute(
        sa.update(task)
        .where(task.c.id.in_(task_ids))
        .values(duration=total)
        .returning(task.c.id, task.c.project_id)
    )
    project_of = dict(projects.all())
    events = [
        ("time-spent:delete", {"time_spent_id": r.id}, project_of.get(r.task_id)) for r in removed
    ]
    events += [("task:update", {"task_id": t}, project_of.get(t)) for t in task_ids]
    await emit_all(conn, outbox, events, by)


async def after_write(conn, outbox, caller: p.Caller, row: dict, hooked: dict) -> dict:
    if not caller.is_admin and row["person_id"] != caller.user.id:
        raise Forbidden()  # only admins give a day off to someone else
    await _refuse_overlap(conn, row)
    await _remove_covered_time(conn, outbox, row, caller.user.id)
    return {}
