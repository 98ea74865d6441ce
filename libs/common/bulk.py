"""Several rows in one INSERT that SQLAlchemy compiles only once.

A multi-row `insert(t).values([...])` has no cache key, so SQLAlchemy compiles it again
on every call (it was a sixth of the data service's CPU on comments). Where the insert
must be one statement (a CTE of a larger write), the rows go in as one array per
column instead: `INSERT INTO t (a, b) SELECT * FROM unnest(:a, :b)`, the same SQL
whatever the number of rows. Elsewhere, pass the rows as execute() parameters.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.dml import Insert


def insert_rows(table: sa.Table, rows: list[dict[str, Any]]) -> Insert:
    """INSERT of `rows` (all with the same keys; no JSON columns) from column arrays."""
    names = list(rows[0])
    arrays = [
        sa.bindparam(
            f"bulk_{name}",
            value=[row[name] for row in rows],
            type_=postgresql.ARRAY(table.c[name].type),
        )
        for name in names
    ]
    unnested = sa.func.unnest(*arrays).table_valued(*names).render_derived()
    return postgresql.insert(table).from_select(
        names, sa.select(*(unnested.c[name] for name in names))
    )
