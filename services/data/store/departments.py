"""Department membership of people, with the `person:update` their projections need."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from services.data import serialize
from services.data import tables as t
from services.data.store import persons

SECRETS = ("oidc_issuer", "oidc_subject", "saml_issuer", "saml_subject")


async def exists(conn, department_id) -> bool:
    found = await conn.execute(
        sa.select(t.department.c.id).where(t.department.c.id == department_id)
    )
    return found.first() is not None


async def set_member(conn, outbox, person_id, department_id, member: bool, user_id) -> dict:
    link = t.department_link
    if member:
        await conn.execute(
            insert(link)
            .values(person_id=person_id, department_id=department_id)
            .on_conflict_do_nothing()
        )
    else:
        await conn.execute(
            sa.delete(link).where(
                link.c.person_id == person_id, link.c.department_id == department_id
            )
        )
    person = await persons.get(conn, person_id)
    await outbox.emit(conn, "person:update", persons.event_facts(person), user_id=user_id)
    return {k: v for k, v in person.items() if k not in SECRETS}


# --- Hardware items and software licenses of departments ------------------------------

KITS = {
    "hardware-items": (t.hardware_item, t.hardware_item_department_link, "hardware_item_id"),
    "software-licenses": (t.software, t.software_department_link, "software_id"),
}
KIT_TYPES = {"hardware-items": "HardwareItem", "software-licenses": "Software"}
HIDDEN = frozenset({"password", "jti", *SECRETS})


async def kit_exists(conn, kind: str, item_id) -> bool:
    table, _, _ = KITS[kind]
    return (
        await conn.execute(sa.select(table.c.id).where(table.c.id == item_id))
    ).first() is not None


async def kit_by_department(conn, kind: str) -> dict:
    table, link, column = KITS[kind]
    rows = await conn.execute(
        sa.select(table, link.c.department_id.label("_department_id"))
        .join(link, link.c[column] == table.c.id)
        .order_by(table.c.name)
    )
    out: dict = {}
    for row in rows.mappings():
        item = serialize.row(
            {k: v for k, v in row.items() if k != "_department_id"}, KIT_TYPES[kind]
        )
        out.setdefault(str(row["_department_id"]), []).append(item)
    return out


async def kit_of(conn, kind: str, department_id, item_id=None) -> list[dict]:
    table, link, column = KITS[kind]
    statement = (
        sa.select(table)
        .join(link, link.c[column] == table.c.id)
        .where(link.c.department_id == department_id)
        .order_by(table.c.name)
    )
    if item_id is not None:
        statement = statement.where(table.c.id == item_id)
    return [serialize.row(r, KIT_TYPES[kind]) for r in (await conn.execute(statement)).mappings()]


async def link_kit(conn, kind: str, department_id, item_id) -> dict:
    _, link, column = KITS[kind]
    await conn.execute(
        insert(link)
        .values(department_id=department_id, **{column: item_id})
        .on_conflict_do_nothing()
    )
    row = (
        (
            await conn.execute(
                sa.select(link).where(
                    link.c.department_id == department_id, link.c[column] == item_id
                )
            )
        )
        .mappings()
        .first()
    )
    out = serialize.row(row, "")
    out.pop("type")
    return out


async def unlink_kit(conn, kind: str, department_id, item_id) -> None:
    _, link, column = KITS[kind]
    await conn.execute(
        sa.delete(link).where(link.c.department_id == department_id, link.c[column] == item_id)
    )


async def members(conn, department_id, minimal: bool) -> list[dict]:
    person, link = t.person, t.department_link
    rows = (
        (
            await conn.execute(
                sa.select(person)
                .join(link, link.c.person_id == person.c.id)
                .where(link.c.department_id == department_id)
                .order_by(person.c.first_name, person.c.last_name)
            )
        )
        .mappings()
        .all()
    )
    departments = await persons.departments_of(conn, [r["id"] for r in rows])
    out = []
    for row in rows:
        shaped = serialize.person(
            {k: v for k, v in row.items() if k not in HIDDEN}, departments[row["id"]]
        )
        if minimal:
            shaped = {k: shaped.get(k) for k in MINIMAL}
            shaped["type"] = "Person"
        out.append(shaped)
    return out


MINIMAL = (
    "id type first_name last_name full_name has_avatar active departments studio_id role "
    "desktop_login is_bot"
).split()
