"""emit(): record an event in the outbox, inside the caller's write transaction."""

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import Insert

from libs.common.bulk import column_arrays, insert_columns
from libs.common.db import EMITTED


def subject_for(prefix: str, service: str, name: str) -> str:
    """`task:status-changed` from data -> `prodtrack.data.task.status-changed`."""
    entity, _, action = name.partition(":")
    clean = [part.replace(".", "_").replace(" ", "_") or "_" for part in (entity, action)]
    return f"{prefix}.{service}.{clean[0]}.{clean[1]}"


def envelope(
    name: str,
    data: dict[str, Any],
    project_id: Any = None,
    user_id: Any = None,
    event_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """Zou's event shape: the name is lower-cased and project_id is repeated in data."""
    data = {key: _jsonable(value) for key, value in data.items()}
    if project_id is not None:
        data.setdefault("project_id", str(project_id))
    event_id = event_id or uuid.uuid4()
    data.setdefault("id", str(event_id))
    return {
        "id": str(event_id),
        "name": name.lower(),
        "data": data,
        "project_id": str(project_id) if project_id is not None else None,
        "user_id": str(user_id) if user_id is not None else None,
        "created_at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


class Outbox:
    """A service's outbox: `await outbox.emit(conn, "task:update", {...})` inside a write."""

    def __init__(self, service: str, table: sa.Table, prefix: str = "prodtrack"):
        self.service = service
        self.table = table
        self.prefix = prefix

    async def emit(
        self,
        conn: AsyncConnection,
        name: str,
        data: dict[str, Any],
        project_id: Any = None,
        user_id: Any = None,
    ) -> dict[str, Any]:
        event = envelope(name, data, project_id=project_id, user_id=user_id)
        row = {
            "id": uuid.UUID(event["id"]),
            "subject": subject_for(self.prefix, self.service, event["name"]),
            "payload": event,
        }
        conn.info.setdefault(EMITTED, []).append(row)
        await conn.execute(self.table.insert().values(**row))
        return event

    async def emit_many(
        self, conn: AsyncConnection, events: list[tuple[str, dict[str, Any], Any]], user_id: Any
    ) -> None:
        """Several events (name, data, project_id) of one write, in a single insert."""
        rows = self.rows(conn, events, user_id)
        if rows:
            await conn.execute(self.table.insert(), rows)

    def rows(
        self, conn: AsyncConnection, events: list[tuple[str, dict[str, Any], Any]], user_id: Any
    ) -> list[dict[str, Any]]:
        """The outbox rows of these events, noted for the relay, for a caller that inserts
        them within a statement of its own (`insert_from_arrays`, `array_params`)."""
        rows = []
        for name, data, project_id in events:
            event = envelope(name, data, project_id=project_id, user_id=user_id)
            rows.append(
                {
                    "id": uuid.UUID(event["id"]),
                    "subject": subject_for(self.prefix, self.service, event["name"]),
                    "payload": event,
                }
            )
        conn.info.setdefault(EMITTED, []).extend(rows)
        return rows


OUTBOX_COLUMNS = ["id", "subject", "payload"]


def insert_from_arrays(table: sa.Table, prefix: str = "outbox") -> Insert:
    """An outbox INSERT of rows given as one array per column (`array_params`), built
    once and run with any number of rows, inside a larger statement; in array order."""
    return insert_columns(table, OUTBOX_COLUMNS, prefix, json=("payload",))


def array_params(rows: list[dict[str, Any]], prefix: str = "outbox") -> dict[str, list]:
    return column_arrays(OUTBOX_COLUMNS, rows, prefix, json=("payload",))
