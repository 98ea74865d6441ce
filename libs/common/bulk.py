"""Several rows in one INSERT that SQLAlchemy compiles only once.

A multi-row `insert(t).values([...])` has no cache key, so SQLAlchemy compiles it again
on every call (it was a sixth of the data service's CPU on comments). Where the insert
must be one statement (a CTE of a larger write), the rows go in as one array per
column instead: `INSERT INTO t (a, b) SELECT * FROM unnest(:a, :b)`, the same SQL
whatever the number of rows (none included). Elsewhere, pass the rows as execute()
parameters.
"""

from json import dumps
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.dml import Insert


def insert_columns(
    table: sa.Table, names: list[str], prefix: str = "bulk", json: tuple[str, ...] = ()
) -> Insert:
    """INSERT of rows given later as one array per column (`column_arrays`): build it
    once, run it with any number of rows, in array order. The `json` columns travel as
    JSON text and are cast back."""

    def array_type(name: str):
        return postgresql.ARRAY(sa.Text if name in json else table.c[name].type)

    arrays = [sa.bindparam(f"{prefix}_{name}", type_=array_type(name)) for name in names]
    unnested = sa.func.unnest(*arrays).table_valued(*names).render_derived()
    values = [
        sa.cast(unnested.c[name], table.c[name].type) if name in json else unnested.c[name]
        for name in names
    ]
    return postgresql.insert(table).from_select(names, sa.select(*values))


def column_arrays(
    names: list[str], rows: list[dict[str, Any]], prefix: str = "bulk", json: tuple[str, ...] = ()
) -> dict:
    """The parameters of an `insert_columns` statement for these rows."""
    return {
        f"{prefix}_{name}": [dumps(row[name]) if name in json else row[name] for row in rows]
        for name in names
    }
