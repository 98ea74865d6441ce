"""What is shown of a person beside their profile: day offs, logged time, desktop logins."""

import datetime as dt

import sqlalchemy as sa

from services.data import serialize
from services.data import tables as t

day_off, time_spent, log = t.day_off, t.time_spent, t.desktop_login_log


async def day_offs(conn, start=None, end=None, person_id=None, person_ids=None) -> list[dict]:
    """Day offs overlapping [start, end] (either bound may be open)."""
    conditions = []
    if person_id is not None:
        conditions.append(day_off.c.person_id == person_id)
    if person_ids is not None:
        conditions.append(day_off.c.person_id.in_(person_ids))
    if start is not None:
        conditions.append(day_off.c.end_date >= start)
    if end is not None:
        conditions.append(day_off.c.date <= end)
    statement = sa.select(day_off).where(*conditions).order_by(day_off.c.date)
    return [serialize.row(r, "DayOff") for r in (await conn.execute(statement)).mappings()]


async def day_off_on(conn, person_id, date: dt.date) -> dict:
    statement = sa.select(day_off).where(
        day_off.c.person_id == person_id, day_off.c.date <= date, day_off.c.end_date >= date
    )
    found = (await conn.execute(statement)).mappings().first()
    return serialize.row(found, "DayOff") if found else {}


async def team_roles(conn, project_ids: list) -> list[tuple]:
    """(project id, person id) of every member of these teams."""
    link = t.project_person_link
    rows = await conn.execute(
        sa.select(link.c.project_id, link.c.person_id).where(link.c.project_id.in_(project_ids))
    )
    return list(rows.all())


async def in_departments(conn, person_ids, departments) -> set:
    """Those of `person_ids` in one of `departments` (all of them when no department)."""
    person_ids = set(person_ids)
    if not departments or not person_ids:
        return person_ids
    link = t.department_link
    rows = await conn.execute(
        sa.select(link.c.person_id).where(
            link.c.person_id.in_(list(person_ids)), link.c.department_id.in_(list(departments))
        )
    )
    return set(rows.scalars())


async def time_spents(
    conn, person_id, date=None, start=None, end=None, project_ids=None, department_ids=None
) -> list[dict]:
    task = t.task
    ranged = start is not None
    statement = sa.select(time_spent).where(time_spent.c.person_id == person_id)
    if ranged:
        statement = statement.add_columns(task.c.project_id, task.c.task_type_id).where(
            time_spent.c.date.between(start, end)
        )
    elif date is not None:
        statement = statement.where(time_spent.c.date == date)
    if ranged or project_ids is not None or department_ids:
        statement = statement.join(task, task.c.id == time_spent.c.task_id)
    if project_ids is not None:
        statement = statement.where(task.c.project_id.in_(project_ids))
    if department_ids:
        statement = statement.join(t.task_type, t.task_type.c.id == task.c.task_type_id).where(
            t.task_type.c.department_id.in_(department_ids)
        )
    rows = (await conn.execute(statement.order_by(time_spent.c.date))).mappings()
    return [serialize.row(r, "TimeSpent") for r in rows]


async def desktop_logins(conn, person_id) -> list[dict]:
    statement = sa.select(log).where(log.c.person_id == person_id).order_by(log.c.date.desc())
    return [serialize.row(r, "DesktopLoginLog") for r in (await conn.execute(statement)).mappings()]


async def add_desktop_login(conn, person_id, date: dt.datetime) -> dict:
    row = (
        (
            await conn.execute(
                sa.insert(log).values(person_id=person_id, date=date).returning(*log.c)
            )
        )
        .mappings()
        .first()
    )
    await conn.execute(
        sa.update(t.person).where(t.person.c.id == person_id).values(last_presence=date.date())
    )
    return serialize.row(row, "DesktopLoginLog")


async def day_off_readers(conn, caller) -> dict | None:
    """Whose day offs the caller reads, and whether with their description (Zou: admins
    read all; managers their teams; supervisors their teams' people of their departments,
    dates only). None means everyone."""
    if caller.is_admin:
        return None
    readable = {caller.id: True}
    leads = caller.leads()
    if not leads:
        return readable
    supervised = set()
    for project_id, person_id in await team_roles(conn, list(leads)):
        if leads[project_id] == "manager":
            readable[person_id] = True
        else:
            supervised.add(person_id)
    for person_id in await in_departments(conn, supervised, caller.departments):
        readable.setdefault(person_id, False)
    return readable


async def day_off_access(conn, caller, person_id) -> bool | None:
    """True: with descriptions, False: dates only, None: not allowed."""
    if caller.is_admin or caller.id == person_id:
        return True
    leads = caller.leads()
    roles = {leads[p] for p, member in await team_roles(conn, list(leads)) if member == person_id}
    if "manager" in roles:
        return True
    if "supervisor" in roles and await in_departments(conn, [person_id], caller.departments):
        return False
    return None
