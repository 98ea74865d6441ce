"""A production's shot quotas: frames, seconds, drawings and shot counts each person
finished, by day, ISO week, month and year, read from reporting's projections in one
statement per kind of work (logged time, or none).

A shot counts when its task reaches feedback (`end_date`) or, for the `done` modes,
approval (`done_date`). Weighted modes share a shot between the days time was logged on
it, in proportion to the time; a task with no logged time is spread evenly over the
business days from its WIP date to its end. Raw modes count the whole shot on its end
day. Datetimes are UTC and bucketed on the caller's local day; logged days are
calendar days already and are kept as they are."""

import datetime as dt
import uuid
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.reporting import tables as t

task, ent, ts, person = t.task_fact, t.entity_fact, t.time_spent_fact, t.person_fact
NB_FRAMES = ent.c.row["nb_frames"].astext.cast(sa.Integer).label("nb_frames")


@dataclass(frozen=True)
class Scope:
    project_id: uuid.UUID
    task_type_id: uuid.UUID | None = None
    # Set for one person's quotas: entries are then keyed by task type, not by person.
    person_id: uuid.UUID | None = None
    studio_id: uuid.UUID | None = None
    feedback: bool = True

    @property
    def finished(self):
        return task.c.end_date if self.feedback else task.c.done_date

    def conditions(self) -> list:
        out = [
            ent.c.type_name == "Shot",
            task.c.project_id == self.project_id,
            self.finished.isnot(None),
        ]
        if self.task_type_id is not None:
            out.append(task.c.task_type_id == self.task_type_id)
        if self.studio_id is not None:
            out.append(
                sa.exists().where(
                    person.c.id == sa.func.any(task.c.assignees),
                    person.c.studio_id == self.studio_id,
                )
            )
        return out

    def assigned_rows(self, *columns, extra=()):
        """Zou joins the assignees: one row per assignee of each task. A person's view
        keeps the tasks they are assigned to, with a row for every assignee still (Zou's
        person quotas count a shared task once per assignee)."""
        conditions = [*self.conditions(), *extra]
        if self.person_id is not None:
            conditions.append(task.c.assignees.any(self.person_id))
        return (
            sa.select(
                *columns,
                task.c.task_type_id,
                task.c.nb_drawings,
                NB_FRAMES,
                sa.func.unnest(task.c.assignees).label("assignee"),
            )
            .select_from(task.join(ent, ent.c.id == task.c.entity_id))
            .where(*conditions)
        )

    def entry(self, who, task_type_id) -> str:
        return str(task_type_id if self.person_id is not None else who)


@lru_cache(maxsize=64)
def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except Exception:
        return dt.UTC


def _business_days(start: dt.datetime, end: dt.datetime) -> int:
    """Week days in ]start, end], as Zou counts them."""
    return sum(1 for x in range((end - start).days) if (start + dt.timedelta(x + 1)).weekday() < 5)


class Table:
    """Zou's quota table: {entry: {day|week|month: {frames, seconds, count, entries,
    drawings}, year: {frames, seconds, count, drawings}}}; `entries` counts the buckets
    opened in each enclosing period."""

    def __init__(self, timezone: str, fps: float):
        self.zone = _zone(timezone)
        self.fps = fps
        self.quotas: dict = {}

    def add(self, entry: str, when, frames: int, drawings: int, count: float = 1) -> None:
        if isinstance(when, dt.datetime):
            day = when.replace(tzinfo=dt.UTC).astimezone(self.zone).date()
        else:
            day = when
        iso_year, iso_week, _ = day.isocalendar()
        keys = {
            "day": day.strftime("%Y-%m-%d"),
            "week": f"{iso_year}-{iso_week}",
            "month": day.strftime("%Y-%m"),
            "year": day.strftime("%Y"),
        }
        parents = {"day": keys["month"], "week": str(iso_year), "month": keys["year"]}
        quota = self.quotas.get(entry)
        if quota is None:
            quota = self.quotas[entry] = {
                **{
                    unit: {"frames": {}, "seconds": {}, "count": {}, "entries": {}, "drawings": {}}
                    for unit in ("day", "week", "month")
                },
                "year": {"frames": {}, "seconds": {}, "count": {}, "drawings": {}},
            }
        seconds = frames / self.fps
        for unit, key in keys.items():
            bucket = quota[unit]
            if key not in bucket["frames"]:
                for field in ("frames", "seconds", "count", "drawings"):
                    bucket[field][key] = 0
                if unit in parents:
                    entries = bucket["entries"]
                    entries[parents[unit]] = entries.get(parents[unit], 0) + 1
            bucket["frames"][key] += frames
            bucket["seconds"][key] += seconds
            bucket["drawings"][key] += drawings
            bucket["count"][key] += count

    def rounded(self) -> dict:
        """Weighted counts add up at full precision and are rounded once, at the end."""
        for quota in self.quotas.values():
            for bucket in quota.values():
                bucket["count"] = {key: round(value, 2) for key, value in bucket["count"].items()}
        return self.quotas


async def weighted(conn: AsyncConnection, scope: Scope, timezone: str, fps: float) -> dict:
    table = Table(timezone, fps)
    logged = (
        sa.select(
            task.c.task_type_id,
            task.c.duration,
            task.c.nb_drawings,
            NB_FRAMES,
            ts.c.date,
            ts.c.duration.label("spent"),
            ts.c.person_id,
        )
        .select_from(
            task.join(ent, ent.c.id == task.c.entity_id).join(ts, ts.c.task_id == task.c.id)
        )
        .where(*scope.conditions())
    )
    if scope.person_id is not None:
        logged = logged.where(ts.c.person_id == scope.person_id)
    for r in await conn.execute(logged):
        if not r.duration or r.duration <= 0:
            continue
        share = r.spent / r.duration
        entry = scope.entry(r.person_id, r.task_type_id)
        frames = round((r.nb_frames or 0) * share)
        drawings = round((r.nb_drawings or 0) * share)
        for key in (entry, "total"):
            table.add(key, r.date, frames, drawings, share)

    unlogged = scope.assigned_rows(
        task.c.real_start_date,
        scope.finished.label("finished"),
        extra=(
            task.c.real_start_date.isnot(None),
            ~sa.exists().where(ts.c.task_id == task.c.id),
        ),
    )
    for r in await conn.execute(unlogged):
        start, end = r.real_start_date, r.finished
        business_days = _business_days(start, end) + 1
        frames = round((r.nb_frames or 0) / business_days) if r.nb_frames is not None else 0
        drawings = r.nb_drawings or 0
        entry = scope.entry(r.assignee, r.task_type_id)
        for offset in range((end - start).days + 1):
            day = start + dt.timedelta(offset)
            if day.weekday() < 5:
                for key in (entry, "total"):
                    table.add(key, day, frames, drawings, 1 / business_days)
    return table.rounded()


async def raw(conn: AsyncConnection, scope: Scope, timezone: str, fps: float) -> dict:
    table = Table(timezone, fps)
    for r in await conn.execute(scope.assigned_rows(scope.finished.label("finished"))):
        entry = scope.entry(r.assignee, r.task_type_id)
        for key in (entry, "total"):
            table.add(key, r.finished, r.nb_frames or 0, r.nb_drawings or 0)
    return table.quotas
