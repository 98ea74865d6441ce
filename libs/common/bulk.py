"""Several rows in one INSERT that SQLAlchemy compiles only once.

A multi-row `insert(t).values([...])` has no cache key, so SQLAlchemy compiles it again
on every call (it was a sixth of the data service's CPU on comments). Where the insert
must be one statement (a CTE of a larger write), the rows go in as one array per
column instead: `INSERT INTO t (a, b) SELECT * FROM unnest(:a, :b)`, the same SQL
whatever the number of rows (none included). Elsewhere, pass the rows as execute()
parameters.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.dml import Insert


def insert_columns(table: sa.Table, names: list[str], prefix: str = "bulk") -> Insert:
    """INSERT of rows given later as one array per column (`column_arrays`): build it
    once, run it with any number of rows. No JSON columns."""
    arrays = [
        sa.bindparam(f"{prefix}_{name}", type_=postgresql.ARRAY(table.c[name].type))
        for name in names
    ]
    unnested = sa.func.unnest(*arrays).table_valued(*names).render_derived()
    return postgresql.insert(table).from_select(
        names, sa.select(*(unnested.c[name] for name in names))
    )


def column_arrays(names: list[str], rows: list[dict[str, Any]], prefix: str = "bulk") -> dict:
    """The parameters of an `insert_columns` statement for these rows."""
    return {f"{prefix}_{name}": [row[name] for row in rows] for name in names}
