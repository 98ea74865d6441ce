"""A production's budgets (numbered revisions) and their salary entries."""

import sqlalchemy as sa

from libs.common.errors import NotFound, WrongParameter
from services.data import serialize
from services.data import tables as t

b, entry = t.budget, t.budget_entry
ENTRY_FIELDS = (
    "id budget_id department_id person_id start_date months_duration daily_salary position "
    "seniority exceptions"
).split()


async def get(conn, project_id, budget_id) -> dict:
    found = (
        (await conn.execute(sa.select(b).where(b.c.id == budget_id, b.c.project_id == project_id)))
        .mappings()
        .first()
    )
    if found is None:
        raise NotFound("Budget", budget_id)
    return serialize.row(found, "Budget")


async def create(conn, outbox, project_id, name, currency, user_id) -> dict:
    last = (
        await conn.execute(sa.select(sa.func.max(b.c.revision)).where(b.c.project_id == project_id))
    ).scalar()
    row = (
        (
            await conn.execute(
                sa.insert(b)
                .values(
                    project_id=project_id, name=name, currency=currency, revision=(last or 0) + 1
                )
                .returning(*b.c)
            )
        )
        .mappings()
        .first()
    )
    await outbox.emit(
        conn, "budget:create", {"budget_id": str(row["id"])}, project_id=project_id, user_id=user_id
    )
    return serialize.row(row, "Budget")


async def delete(conn, outbox, project_id, budget_id, user_id) -> None:
    await get(conn, project_id, budget_id)
    await conn.execute(sa.delete(entry).where(entry.c.budget_id == budget_id))
    await conn.execute(sa.delete(b).where(b.c.id == budget_id))
    await outbox.emit(
        conn, "budget:delete", {"budget_id": str(budget_id)}, project_id=project_id, user_id=user_id
    )


async def entries(conn, budget_id) -> list[dict]:
    rows = await conn.execute(
        sa.select(*(entry.c[f] for f in ENTRY_FIELDS))
        .where(entry.c.budget_id == budget_id)
        .order_by(entry.c.start_date, entry.c.created_at)
    )
    return [{k: serialize.value(v) for k, v in r.items()} for r in rows.mappings()]


async def get_entry(conn, budget_id, entry_id) -> dict:
    found = (
        (
            await conn.execute(
                sa.select(entry).where(entry.c.id == entry_id, entry.c.budget_id == budget_id)
            )
        )
        .mappings()
        .first()
    )
    if found is None:
        raise NotFound("Budget entry", entry_id)
    return serialize.row(found, "BudgetEntry")


async def _emit_entry(conn, outbox, action, project_id, budget_id, entry_id, user_id) -> None:
    await outbox.emit(
        conn,
        f"budget-entry:{action}",
        {"budget_id": str(budget_id), "budget_entry_id": str(entry_id)},
        project_id=project_id,
        user_id=user_id,
    )


async def _checked(conn, values: dict) -> None:
    for key, table in (("department_id", t.department), ("person_id", t.person)):
        if values.get(key) is not None:
            found = await conn.execute(sa.select(table.c.id).where(table.c.id == values[key]))
            if found.first() is None:
                raise WrongParameter(f"{key} matches nothing.")


async def create_entry(conn, outbox, project_id, budget_id, values: dict, user_id) -> dict:
    await _checked(conn, values)
    row = (
        (
            await conn.execute(
                sa.insert(entry)
                .values(budget_id=budget_id, exceptions={}, **values)
                .returning(*entry.c)
            )
        )
        .mappings()
        .first()
    )
    await _emit_entry(conn, outbox, "create", project_id, budget_id, row["id"], user_id)
    return serialize.row(row, "BudgetEntry")


async def update_entry(conn, outbox, project_id, budget_id, entry_id, values, user_id) -> dict:
    await get_entry(conn, budget_id, entry_id)
    await _checked(conn, values)
    if values:
        await conn.execute(
            sa.update(entry)
            .where(entry.c.id == entry_id)
            .values(**values, updated_at=sa.func.timezone("utc", sa.func.now()))
        )
    await _emit_entry(conn, outbox, "update", project_id, budget_id, entry_id, user_id)
    return await get_entry(conn, budget_id, entry_id)


async def delete_entry(conn, outbox, project_id, budget_id, entry_id, user_id) -> None:
    await get_entry(conn, budget_id, entry_id)
    await conn.execute(sa.delete(entry).where(entry.c.id == entry_id))
    await _emit_entry(conn, outbox, "delete", project_id, budget_id, entry_id, user_id)
