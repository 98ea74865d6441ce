"""Department membership of people, with the `person:update` their projections need."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

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
