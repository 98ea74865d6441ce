"""What every service must know of a caller: role, active flag, departments.

The data service owns persons; other services keep a projection fed by `person:*`
events and, on a miss, ask data once over its internal API (a person created on the
previous request is known at once).
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert

from libs.common.db import Database
from libs.common.events.consumer import Consumer, Event

ROLES = ("admin", "manager", "supervisor", "user", "client", "vendor")


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    email: str | None
    role: str
    active: bool = True
    is_bot: bool = False
    departments: tuple[uuid.UUID, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    # A production's preview account: read-only, and only while its window is open.
    preview_project_id: uuid.UUID | None = None
    preview_opened_at: dt.datetime | None = None
    preview_open_until: dt.datetime | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Person":
        preview = data.get("preview_project_id")
        return cls(
            id=uuid.UUID(str(data.get("person_id") or data["id"])),
            email=data.get("email"),
            role=data.get("role") or "user",
            active=bool(data.get("active", True)),
            is_bot=bool(data.get("is_bot", False)),
            departments=tuple(uuid.UUID(str(d)) for d in data.get("departments") or ()),
            preview_project_id=uuid.UUID(str(preview)) if preview else None,
            preview_opened_at=_naive_utc(data.get("preview_opened_at")),
            preview_open_until=_naive_utc(data.get("preview_open_until")),
        )

    def preview_window_open(self, issued_at: float | None = None) -> bool:
        """Zou's rule: open now, and the token was issued after the window opened."""
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        if self.preview_open_until is None or self.preview_open_until < now:
            return False
        if issued_at is not None and self.preview_opened_at is not None:
            opened = self.preview_opened_at.replace(tzinfo=dt.UTC).timestamp()
            return int(issued_at) >= int(opened)
        return True


def _naive_utc(value: Any) -> dt.datetime | None:
    if not value:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def people_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "people",
        metadata,
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("email", sa.String(255), index=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("is_bot", sa.Boolean, nullable=False),
        sa.Column("departments", postgresql.ARRAY(sa.Uuid), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    )


class PeopleProjection:
    """A service's copy of person facts, kept from data's events."""

    subject = "data.person.>"

    def __init__(self, db: Database, table: sa.Table, data_url: str):
        self.db = db
        self.table = table
        self.data_url = data_url

    async def get(self, person_id: uuid.UUID) -> Person | None:
        t = self.table
        async with self.db.read() as conn:
            row = (await conn.execute(sa.select(t).where(t.c.id == person_id))).first()
        if row is not None:
            return None if row.deleted else self._person(row)
        person = await self._ask_owner(person_id)
        if person is not None:
            await self._store(person)
        return person

    async def fresh(self, person_id: uuid.UUID) -> Person | None:
        """The owner's facts as they are now, for what the projection does not keep (a
        preview account's window, which a manager extends at any time)."""
        return await self._ask_owner(person_id)

    async def _ask_owner(self, person_id: uuid.UUID) -> Person | None:
        async with httpx.AsyncClient(base_url=self.data_url, timeout=5) as client:
            response = await client.get(f"/internal/persons/{person_id}")
        if response.status_code != 200:
            return None
        return Person.from_json(response.json())

    async def _store(self, person: Person) -> None:
        async with self.db.write() as conn:
            await conn.execute(upsert(self.table, person))

    @staticmethod
    def _person(row) -> Person:
        return Person(
            id=row.id,
            email=row.email,
            role=row.role,
            active=row.active,
            is_bot=row.is_bot,
            departments=tuple(row.departments or ()),
        )


def upsert(table: sa.Table, person: Person):
    values = {
        "id": person.id,
        "email": person.email,
        "role": person.role,
        "active": person.active,
        "is_bot": person.is_bot,
        "departments": list(person.departments),
        "deleted": False,
    }
    return insert(table).values(**values).on_conflict_do_update(index_elements=["id"], set_=values)


def people_consumer(table: sa.Table) -> Consumer:
    """Keeps `table` current from `person:new|update|delete` (their data carries the facts)."""

    async def apply(conn, event: Event) -> None:
        if event.name == "person:delete":
            person_id = uuid.UUID(event.data["person_id"])
            await conn.execute(sa.update(table).where(table.c.id == person_id).values(deleted=True))
        elif "role" in event.data:
            await conn.execute(upsert(table, Person.from_json(event.data)))

    return Consumer("people", PeopleProjection.subject, apply)
