"""Persons: the profile side (credentials are auth's). Their events carry the facts that
other services keep (email, role, active, bot flag, departments)."""

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.events import Outbox
from services.data import serialize
from services.data.tables import department_link, person, project, project_person_link


async def departments_of(conn: AsyncConnection, person_ids: list[uuid.UUID]) -> dict:
    link = department_link
    rows = await conn.execute(
        sa.select(link.c.person_id, link.c.department_id).where(link.c.person_id.in_(person_ids))
    )
    found: dict[uuid.UUID, list[uuid.UUID]] = {pid: [] for pid in person_ids}
    for person_id, department_id in rows:
        found[person_id].append(department_id)
    return found


async def get(conn: AsyncConnection, person_id: uuid.UUID) -> dict[str, Any] | None:
    found = (await conn.execute(sa.select(person).where(person.c.id == person_id))).mappings()
    mapping = found.first()
    if mapping is None:
        return None
    departments = (await departments_of(conn, [person_id]))[person_id]
    return serialize.person(mapping, departments)


async def find_by_email(conn: AsyncConnection, email: str) -> dict[str, Any] | None:
    found = await conn.execute(
        sa.select(person.c.id)
        .where(sa.func.lower(person.c.email) == email.lower())
        .order_by(person.c.is_bot)
    )
    person_id = found.scalar()
    return await get(conn, person_id) if person_id else None


def event_facts(person_json: dict[str, Any]) -> dict[str, Any]:
    """What `person:*` events carry besides Zou's `person_id`."""
    return {
        "person_id": person_json["id"],
        "email": person_json.get("email"),
        "role": person_json.get("role"),
        "active": person_json.get("active"),
        "is_bot": person_json.get("is_bot"),
        "departments": person_json.get("departments", []),
    }


async def create(
    conn: AsyncConnection, outbox: Outbox, values: dict[str, Any], by: Any = None
) -> dict[str, Any]:
    person_id = (
        await conn.execute(person.insert().values(**values).returning(person.c.id))
    ).scalar()
    created = await get(conn, person_id)
    await outbox.emit(conn, "person:new", event_facts(created), user_id=by)
    return created


async def update(
    conn: AsyncConnection, outbox: Outbox, person_id: uuid.UUID, values: dict[str, Any], by=None
) -> dict[str, Any]:
    await conn.execute(person.update().where(person.c.id == person_id).values(**values))
    updated = await get(conn, person_id)
    await outbox.emit(conn, "person:update", event_facts(updated), user_id=by)
    return updated


async def ensure_admin(conn: AsyncConnection, outbox: Outbox, email: str) -> dict[str, Any]:
    """The first admin: created if missing, else made an active admin again."""
    existing = await find_by_email(conn, email)
    if existing is None:
        return await create(
            conn,
            outbox,
            {"first_name": "Super", "last_name": "Admin", "email": email, "role": "admin"},
        )
    if existing["role"] != "admin" or not existing["active"]:
        return await update(
            conn, outbox, uuid.UUID(existing["id"]), {"role": "admin", "active": True}
        )
    return existing


async def count(conn: AsyncConnection) -> int:
    return (await conn.execute(sa.select(sa.func.count()).select_from(person))).scalar()


# Person columns the auth service sets: public 2FA flags, preview window, active.
AUTH_FLAGS = (
    "totp_enabled",
    "email_otp_enabled",
    "fido_enabled",
    "preferred_two_factor_authentication",
    "preview_opened_at",
    "preview_open_until",
    "active",
)


async def preview_account(conn: AsyncConnection, project_id: uuid.UUID) -> dict[str, Any] | None:
    found = await conn.execute(
        sa.select(person.c.id).where(person.c.preview_project_id == project_id)
    )
    person_id = found.scalar()
    return await get(conn, person_id) if person_id else None


async def create_preview_account(
    conn: AsyncConnection, outbox: Outbox, project_id: uuid.UUID, email: str
) -> dict[str, Any] | None:
    """A read-only client account in the production's team; None if there is no such
    production."""
    name = (
        await conn.execute(sa.select(project.c.name).where(project.c.id == project_id))
    ).scalar()
    if name is None:
        return None
    values = {
        "first_name": "Preview",
        "last_name": name[:80],
        "email": email,
        "role": "client",
        "preview_project_id": project_id,
    }
    created = await create(conn, outbox, values)
    await conn.execute(
        project_person_link.insert().values(project_id=project_id, person_id=created["id"])
    )
    return created


async def delete_preview_account(
    conn: AsyncConnection, outbox: Outbox, project_id: uuid.UUID
) -> bool:
    found = await preview_account(conn, project_id)
    if found is None:
        return False
    person_id = uuid.UUID(found["id"])
    await conn.execute(
        project_person_link.delete().where(project_person_link.c.person_id == person_id)
    )
    await conn.execute(person.delete().where(person.c.id == person_id))
    await outbox.emit(conn, "person:delete", {"person_id": found["id"]})
    return True


async def is_member(conn: AsyncConnection, project_id: uuid.UUID, person_id: uuid.UUID) -> bool:
    link = project_person_link
    found = await conn.execute(
        sa.select(link.c.person_id).where(
            link.c.project_id == project_id, link.c.person_id == person_id
        )
    )
    return found.first() is not None
