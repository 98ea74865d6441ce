"""Import runs and the external-id mappings they leave behind."""

import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.importer.tables import external_id, import_run


async def record(
    conn: AsyncConnection,
    source: str,
    kind: str,
    person_id: uuid.UUID,
    nb_entries: int,
    mappings: list[tuple[str, str]],
    error: str | None = None,
) -> uuid.UUID:
    """Stores the run and maps each (external id, data row id) it imported."""
    run_id = (
        await conn.execute(
            sa.insert(import_run)
            .values(
                source=source,
                kind=kind,
                person_id=person_id,
                nb_entries=nb_entries,
                nb_imported=len(mappings),
                error=error,
            )
            .returning(import_run.c.id)
        )
    ).scalar()
    if mappings:
        rows = [
            {
                "source": source,
                "kind": kind,
                "external_id": str(external),
                "internal_id": internal,
                "import_run_id": run_id,
            }
            for external, internal in dict(mappings).items()
        ]
        statement = insert(external_id).values(rows)
        await conn.execute(
            statement.on_conflict_do_update(
                index_elements=[
                    external_id.c.source,
                    external_id.c.kind,
                    external_id.c.external_id,
                ],
                set_={
                    "internal_id": statement.excluded.internal_id,
                    "import_run_id": statement.excluded.import_run_id,
                    "updated_at": sa.func.timezone("utc", sa.func.now()),
                },
            )
        )
    return run_id


async def forget(conn: AsyncConnection, source: str, kind: str, external: str) -> None:
    await conn.execute(
        sa.delete(external_id).where(
            external_id.c.source == source,
            external_id.c.kind == kind,
            external_id.c.external_id == str(external),
        )
    )
