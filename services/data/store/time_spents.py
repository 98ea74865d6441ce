"""Time spents (one per person, task and date; a task's duration is their sum) and the
day offs that cover a date."""

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.columns import utcnow
from libs.common.errors import NotFound
from libs.common.events import Outbox
from services.data import serialize
from services.data.tables import day_off, task, time_spent
from services.data.work import Event, emit_all


def shape(row) -> dict:
    return serialize.row(row, "TimeSpent")


async def _sync_duration(conn: AsyncConnection, task_id: uuid.UUID) -> None:
    total = (
        sa.select(sa.func.coalesce(sa.func.sum(time_spent.c.duration), 0.0))
        .where(time_spent.c.task_id == task_id)
        .scalar_subquery()
    )
    await conn.execute(sa.update(task).where(task.c.id == task_id).values(duration=total))


async def write(
    conn: AsyncConnection,
    outbox: Outbox,
    task_row: dict,
    person_id: uuid.UUID,
    date: dt.date,
    duration: float,
    add: bool,
    by: uuid.UUID,
) -> dict:
    """Sets (or adds to) the person's time on the task for the date."""
    now = utcnow()
    statement = postgresql.insert(time_spent).values(
        id=uuid.uuid4(),
        task_id=task_row["id"],
        person_id=person_id,
        date=date,
        duration=duration,
        created_at=now,
        updated_at=now,
    )
    new_duration = (
        time_spent.c.duration + statement.excluded.duration if add else statement.excluded.duration
    )
    statement = statement.on_conflict_do_update(
        constraint="time_spent_uc",
        set_={"duration": new_duration, "updated_at": now},
    ).returning(*time_spent.c, sa.literal_column("xmax = 0").label("_inserted"))
    row = dict((await conn.execute(statement)).mappings().one())
    await _sync_duration(conn, task_row["id"])
    name = "time-spent:new" if row.pop("_inserted") else "time-spent:update"
    events: list[Event] = [
        (name, {"time_spent_id": row["id"]}, task_row["project_id"]),
        ("task:update", {"task_id": task_row["id"]}, task_row["project_id"]),
    ]
    await emit_all(conn, outbox, events, by)
    return shape(row)


async def remove(
    conn: AsyncConnection,
    outbox: Outbox,
    task_row: dict,
    person_id: uuid.UUID,
    date: dt.date,
    by: uuid.UUID,
) -> dict:
    removed = await conn.execute(
        sa.delete(time_spent)
        .where(
            time_spent.c.task_id == task_row["id"],
            time_spent.c.person_id == person_id,
            time_spent.c.date == date,
        )
        .returning(*time_spent.c)
    )
    row = removed.mappings().first()
    if row is None:
        raise NotFound()
    await _sync_duration(conn, task_row["id"])
    await emit_all(
        conn,
        outbox,
        [
            ("time-spent:delete", {"time_spent_id": row["id"]}, task_row["project_id"]),
            ("task:update", {"task_id": task_row["id"]}, task_row["project_id"]),
        ],
        by,
    )
    return shape(row)


async def for_task(conn: AsyncConnection, task_id: uuid.UUID, date: dt.date | None = None) -> dict:
    """Zou's shape: `{"total": minutes, "<person_id>": [entries]}`."""
    statement = sa.select(time_spent).where(time_spent.c.task_id == task_id)
    if date is not None:
        statement = statement.where(time_spent.c.date == date)
    out: dict = {"total": 0}
    for row in (await conn.execute(statement.order_by(time_spent.c.date))).mappings():
        out["total"] += row["duration"]
        out.setdefault(str(row["person_id"]), []).append(shape(row))
    return out


async def for_person(
    conn: AsyncConnection,
    person_id: uuid.UUID,
    date: dt.date | None = None,
    task_id: uuid.UUID | None = None,
) -> list[dict]:
    statement = sa.select(time_spent).where(time_spent.c.person_id == person_id)
    if date is not None:
        statement = statement.where(time_spent.c.date == date)
    if task_id is not None:
        statement = statement.where(time_spent.c.task_id == task_id)
    rows = await conn.execute(statement.order_by(time_spent.c.date))
    return [shape(r) for r in rows.mappings()]


async def day_off_covering(conn: AsyncConnection, person_id: uuid.UUID, date: dt.date) -> dict:
    rows = await conn.execute(
        sa.select(day_off).where(
            day_off.c.person_id == person_id, day_off.c.date <= date, day_off.c.end_date >= date
        )
    )
    found = rows.mappings().first()
    return serialize.row(found, "DayOff") if found else {}
