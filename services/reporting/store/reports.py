"""Queries of the reports, on reporting's own projections only."""

import datetime as dt
import uuid
from collections import defaultdict
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.reporting import tables as t

ts, task, ent, person = t.time_spent_fact, t.task_fact, t.entity_fact, t.person_fact


def _time_spent_scope(person_id=None, project_ids=None, department_ids=None, studio_id=None):
    conditions = []
    if person_id is not None:
        conditions.append(ts.c.person_id == person_id)
    if project_ids is not None:
        conditions.append(task.c.project_id.in_(project_ids))
    if department_ids:
        conditions.append(task.c.department_id.in_(department_ids))
    if studio_id is not None:
        studio_people = sa.select(person.c.id).where(person.c.studio_id == studio_id)
        conditions.append(ts.c.person_id.in_(studio_people))
    return conditions


async def time_table(
    conn: AsyncConnection, unit: str, start: dt.date | None, end: dt.date | None, **scope
) -> dict:
    """{unit: {person_id: minutes}}; unit is day, week (ISO), month or year."""
    part = {"day": "day", "week": "week", "month": "month", "year": "year"}[unit]
    key = sa.extract(part, ts.c.date).cast(sa.Integer).label("unit")
    conditions = _time_spent_scope(**scope)
    if start is not None:
        conditions += [ts.c.date >= start, ts.c.date < end]
    statement = (
        sa.select(key, ts.c.person_id, sa.func.sum(ts.c.duration).label("total"))
        .select_from(ts.join(task, task.c.id == ts.c.task_id, isouter=True))
        .where(*conditions)
        .group_by(key, ts.c.person_id)
    )
    table: dict = defaultdict(dict)
    for row in await conn.execute(statement):
        table[str(row.unit)][str(row.person_id)] = row.total
    return table


async def timezone_of(conn: AsyncConnection, person_id: uuid.UUID) -> str:
    found = (
        await conn.execute(sa.select(person.c.timezone).where(person.c.id == person_id))
    ).scalar()
    return found or "Europe/Paris"


async def person_row(conn: AsyncConnection, person_id: uuid.UUID):
    return (await conn.execute(sa.select(person).where(person.c.id == person_id))).first()


def _utc(local: dt.datetime, timezone: str) -> dt.datetime:
    try:
        zone = ZoneInfo(timezone)
    except Exception:
        zone = ZoneInfo("UTC")
    return local.replace(tzinfo=zone).astimezone(dt.UTC).replace(tzinfo=None)


def _business_days(start: dt.datetime, end: dt.datetime) -> int:
    return sum(1 for x in range((end - start).days) if (start + dt.timedelta(x + 1)).weekday() < 5)


def _shots_with_names():
    """Shots with Zou's full name: [episode / ]sequence / shot."""
    seq, ep = ent.alias("sequence"), ent.alias("episode")
    full_name = sa.func.concat_ws(" / ", ep.c.name, seq.c.name, ent.c.name)
    joined = ent.outerjoin(seq, seq.c.id == ent.c.parent_id).outerjoin(
        ep, ep.c.id == seq.c.parent_id
    )
    return joined, full_name


async def quota_shots(
    conn: AsyncConnection,
    person_id: uuid.UUID,
    start: dt.datetime,
    end: dt.datetime,
    timezone: str,
    project_id=None,
    task_type_id=None,
    weighted=True,
    feedback=True,
) -> list[dict]:
    """Shots counted in the person's quota over [start, end[ (local time), with weights."""
    utc_start, utc_end = _utc(start, timezone), _utc(end, timezone)
    finished = task.c.end_date if feedback else task.c.done_date
    scope = [ent.c.type_name == "Shot"]
    if project_id is not None:
        scope.append(task.c.project_id == project_id)
    if task_type_id is not None:
        scope.append(task.c.task_type_id == task_type_id)
    joined, full_name = _shots_with_names()
    base = joined.join(task, task.c.entity_id == ent.c.id)
    shots: dict[str, dict] = {}
    if not weighted:
        rows = await conn.execute(
            sa.select(ent.c.row, full_name.label("full_name"))
            .select_from(base)
            .where(
                *scope,
                task.c.assignees.any(person_id),
                finished.between(utc_start, utc_end),
            )
        )
        out = [{**r.row, "full_name": r.full_name, "weight": 1} for r in rows]
        return sorted(out, key=lambda s: s["full_name"])

    logged = await conn.execute(
        sa.select(
            ent.c.row, full_name.label("full_name"), task.c.duration, ts.c.duration.label("spent")
        )
        .select_from(base.join(ts, ts.c.task_id == task.c.id))
        .where(
            *scope,
            ts.c.person_id == person_id,
            ts.c.date >= start.date(),
            ts.c.date < end.date(),
            finished.isnot(None),
        )
    )
    for r in logged:
        share = round(r.spent / r.duration, 2) if r.duration else 0
        shot = shots.get(r.row["id"])
        if shot is None:
            shots[r.row["id"]] = {**r.row, "full_name": r.full_name, "weight": share or 0}
        else:
            shot["weight"] += share
    unlogged = await conn.execute(
        sa.select(
            ent.c.row,
            full_name.label("full_name"),
            task.c.real_start_date,
            finished.label("finished"),
        )
        .select_from(base)
        .where(
            *scope,
            task.c.assignees.any(person_id),
            task.c.real_start_date.isnot(None),
            finished.isnot(None),
            task.c.real_start_date <= utc_end,
            finished >= utc_start,
            ~sa.exists().where(ts.c.task_id == task.c.id),
        )
    )
    for r in unlogged:
        if r.row["id"] in shots:
            continue
        task_start, task_end = r.real_start_date, r.finished
        business_days = _business_days(task_start, task_end) + 1
        multiplicator = 1
        if task_start >= start and task_end <= end:
            multiplicator = business_days
        elif task_start >= start:
            multiplicator = _business_days(task_start, end) + 1
        elif task_end <= end:
            multiplicator = _business_days(start, task_end) + 1
        shots[r.row["id"]] = {
            **r.row,
            "full_name": r.full_name,
            "weight": round(multiplicator / business_days, 2),
        }
    return sorted(shots.values(), key=lambda s: s["full_name"])


TASK_HEADERS = [
    "Project",
    "Task Type",
    "Episode",
    "Sequence",
    "Entity Type",
    "Entity",
    "Assigner",
    "Assignees",
    "Duration",
    "Estimation",
    "Start date",
    "Due date",
    "WIP date",
    "Validation date",
    "Task Status",
]


def _day(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


async def task_rows(conn: AsyncConnection) -> list[list]:
    """Zou's tasks export: every task of the open productions, one line each."""
    pr = t.project_fact
    seq, ep = ent.alias("sequence"), ent.alias("episode")
    assigner = person.alias("assigner")
    assignee = person.alias("assignee")
    names = (
        sa.select(
            sa.func.string_agg(
                sa.func.concat_ws(" ", assignee.c.first_name, assignee.c.last_name),
                sa.literal_column("', '"),
            )
        )
        .where(assignee.c.id == sa.func.any(task.c.assignees))
        .scalar_subquery()
    )
    statement = (
        sa.select(
            pr.c.name.label("project"),
            task.c.task_type_name,
            ep.c.name.label("episode"),
            seq.c.name.label("sequence"),
            ent.c.type_name,
            ent.c.name.label("entity"),
            assigner.c.first_name,
            assigner.c.last_name,
            names.label("assignees"),
            task.c.duration,
            task.c.estimation,
            task.c.start_date,
            task.c.due_date,
            task.c.real_start_date,
            task.c.end_date,
            task.c.task_status_name,
        )
        .select_from(
            task.join(pr, pr.c.id == task.c.project_id)
            .join(ent, ent.c.id == task.c.entity_id)
            .outerjoin(assigner, assigner.c.id == task.c.assigner_id)
            .outerjoin(seq, seq.c.id == ent.c.parent_id)
            .outerjoin(ep, ep.c.id == seq.c.parent_id)
        )
        .where(pr.c.is_open.is_(True))
        .order_by(
            pr.c.name, task.c.task_type_name, ep.c.name, seq.c.name, ent.c.type_name, ent.c.name
        )
    )
    out = []
    for r in await conn.execute(statement):
        assigner_name = " ".join(x for x in (r.first_name, r.last_name) if x is not None)
        out.append(
            [
                r.project,
                r.task_type_name,
                r.episode,
                r.sequence,
                r.type_name,
                r.entity,
                assigner_name,
                r.assignees or "",
                r.duration,
                r.estimation,
                _day(r.start_date),
                _day(r.due_date),
                _day(r.real_start_date),
                _day(r.end_date),
                r.task_status_name,
            ]
        )
    return out
